"""The trail's head made public: in the footer of every page and in a header of every download,
so anyone can keep a copy and later check an export against it (``tallyroom audit verify
--head``): a trail cut short or rewritten after that head no longer contains it."""

from . import signing
from .export import head

HEAD_HEADER = "X-Tallyroom-Audit-Head"
KEY_HEADER = "X-Tallyroom-Audit-Key"


def context(request) -> dict:
    """Template context: ``audit_head`` (seq, hash) and ``audit_key`` (the signing key's id)."""
    return {"audit_head": head(), "audit_key": signing.current_key_id()}


def download_headers(get_response):
    """Middleware: every download (a response with Content-Disposition) names the head."""

    def middleware(request):
        response = get_response(request)
        if response.has_header("Content-Disposition"):
            top = head()
            response[HEAD_HEADER] = f"{top['seq']} {top['hash']}"
            response[KEY_HEADER] = signing.current_key_id()
        return response

    return middleware
