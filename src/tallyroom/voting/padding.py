"""Responses of the voter's steps, and the signed tokens their next requests carry, padded to
one size, so that the size an access log records (or an observer of the encrypted traffic sees)
says nothing of the names chosen.

A response body is padded with an HTML comment to ``TALLYROOM_PAD_BYTES`` (64 KiB by default), or
to the next multiple of it for a ballot longer than that. Compression would undo the padding, so
the response asks proxies not to transform it (``Cache-Control: no-transform``); tallyroom itself
never compresses, neither responses nor tokens (``signed_step``).
"""

import json
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.http import HttpResponse

from tallyroom.ballotbox.marking import Marking

DEFAULT_PAD_BYTES = 65536
STEP_BLOCK = 512
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


def signed_step(data: dict, markings: Iterable[tuple[object, Marking]], salt: str) -> str:
    """``data`` (whose ``choices`` map a contest id, as text, to names) signed for the voter's next
    step. Its JSON is not compressed but padded with spaces to the size it would have with every
    candidate of every contest in ``markings`` (contest, marking) chosen, rounded up to
    ``STEP_BLOCK`` bytes: so the token's length, in the next step's request, says nothing of the
    names chosen."""
    fullest = {**data, "choices": {str(contest.pk): list(m.candidates) for contest, m in markings}}
    room = -(-len(_json(fullest)) // STEP_BLOCK) * STEP_BLOCK
    payload = _json(data)
    if len(payload) > room:
        raise ValueError("the choices name candidates not on the ballot")
    return signing.TimestampSigner(salt=salt).sign(signing.b64_encode(payload.ljust(room)).decode())


def _json(data: dict) -> bytes:
    """As ``signing.JSONSerializer`` writes it (ASCII, so its length is its size)."""
    return json.dumps(data, separators=(",", ":")).encode("ascii")
