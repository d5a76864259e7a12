"""The trail's head made public: in the footer of every page and in a header of every download,
so anyone can keep a copy and later check an export against it (``tallyroom audit verify
--head``): a trail cut short or rewritten after that head no longer contains it. Pages and
downloads of one election also name that election's signing key.

A page's footer shows the head as this process last read it, at most
``TALLYROOM_AUDIT_HEAD_SECONDS`` (default 1) ago, so that a busy page (a voter's receipt, 300 a
second) does not ask the database for the head each time: any head once read is a genuine head
of the trail, which a later export must still contain. An event recorded by this process makes
the next page read it afresh; inside a transaction the head is always read afresh (the
transaction may have recorded events of its own). Downloads always name the head as it is.
"""

import time

from django.conf import settings
from django.db import connection, transaction

from . import signing
from .export import head
from .models import SigningKey

HEAD_HEADER = "X-Tallyroom-Audit-Head"
KEY_HEADER = "X-Tallyroom-Audit-Key"
ELECTION_KEY_HEADER = "X-Tallyroom-Election-Key"


def election_key(request) -> SigningKey | None:
    """The signing key of the election the request's page is about (its URL's election slug)."""
    match = getattr(request, "resolver_match", None)
    slug = match and (match.kwargs.get("election_slug") or match.kwargs.get("election"))
    if not isinstance(slug, str):
        return None
    return SigningKey.objects.filter(election__slug=slug).select_related("election").first()


_read: tuple[float, dict] | None = None  # (monotonic time read, head)


def head_seconds() -> float:
    return float(getattr(settings, "TALLYROOM_AUDIT_HEAD_SECONDS", 1))


def recent_head() -> dict:
    """The trail's head as read at most ``head_seconds()`` ago (see the module's docstring)."""
    global _read
    if connection.in_atomic_block:
        return head()
    now, seen = time.monotonic(), _read
    if seen is None or now - seen[0] >= head_seconds():
        seen = _read = (now, head())
    return seen[1]


def forget_head() -> None:
    """Make the next ``recent_head()`` read the head from the database."""
    global _read
    _read = None


def recorded() -> None:
    """An event was recorded in this process: forget the head now and when its transaction
    commits (a page rendered meanwhile may have read the old head)."""
    forget_head()
    transaction.on_commit(forget_head)


def context(request) -> dict:
    """Template context: ``audit_head`` (seq, hash), ``audit_key`` (the site key's id) and
    ``election_key`` (the page's election's ``SigningKey``, if any)."""
    return {
        "audit_head": recent_head(),
        "audit_key": signing.current_key_id(),
        "election_key": election_key(request),
    }


def download_headers(get_response):
    """Middleware: every download (a response with Content-Disposition) names the head."""

    def middleware(request):
        response = get_response(request)
        if response.has_header("Content-Disposition"):
            top = head()
            response[HEAD_HEADER] = f"{top['seq']} {top['hash']}"
            response[KEY_HEADER] = signing.current_key_id()
            key = election_key(request)
            if key is not None:
                response[ELECTION_KEY_HEADER] = f"{key.election.slug} {key.key_id} {key.public_key}"
        return response

    return middleware
