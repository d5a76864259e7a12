"""Responses of the voter's steps padded to one size, so that the size an access log records
(or an observer of the encrypted traffic sees) says nothing of the names chosen.

The body is padded with an HTML comment to ``TALLYROOM_PAD_BYTES`` (64 KiB by default), or to the
next multiple of it for a ballot longer than that. Compression would undo the padding, so the
response asks proxies not to transform it (``Cache-Control: no-transform``); tallyroom itself
never compresses.
"""

from django.conf import settings
from django.http import HttpResponse

DEFAULT_PAD_BYTES = 65536
OPEN, CLOSE = b"<!--", b"-->"


def pad_bytes() -> int:
    return int(getattr(settings, "TALLYROOM_PAD_BYTES", DEFAULT_PAD_BYTES))


def padded(response: HttpResponse) -> HttpResponse:
    """``response`` with its body padded to a whole number of ``pad_bytes()``."""
    block = pad_bytes()
    body = response.content
    room = len(body) + len(OPEN) + len(CLOSE)
    size = -(-room // block) * block
    response.content = body + OPEN + b" " * (size - room) + CLOSE
    response["Cache-Control"] = ", ".join(filter(None, [response.get("Cache-Control", ""), "no-transform"]))
    return response
