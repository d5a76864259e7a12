"""The trail's head made public: in the footer of every page and in a header of every download,
so anyone can keep a copy and later check an export against it (``tallyroom audit verify
--head``): a trail cut short or rewritten after that head no longer contains it. Pages and
downloads of one election also name that election's signing key."""

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


def context(request) -> dict:
    """Template context: ``audit_head`` (seq, hash), ``audit_key`` (the site key's id) and
    ``election_key`` (the page's election's ``SigningKey``, if any)."""
    return {
        "audit_head": head(),
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
