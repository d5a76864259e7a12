"""The receipt page of an online cast, its frame rendered once per process and filled in.

Everything on an anonymous voter's receipt but its trackers is the same for every voter who
casts in the same contests of an election, in one language, while the footer shows one audit
head: so that page is rendered once with a placeholder where each tracker goes, kept (at most
``FRAMES`` of them, per process), and each receipt is that page with the voter's own trackers
put in (0.05 ms, not the 0.5 ms of rendering it). The frame's key holds everything it shows;
the placeholders carry a random part drawn per process, which no page can contain otherwise. A
signed-in user's receipt, or one with messages to show, is rendered in full, as any page is.
"""

from __future__ import annotations

import secrets

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import escape

from tallyroom.audit import published, signing
from tallyroom.ballotbox.box import Receipt

TEMPLATE = "voting/receipt.html"
FRAMES = 256
_SLOT = "tracker-{}-" + secrets.token_hex(12)
_frames: dict[tuple, str] = {}


def receipt_page(request, receipt: Receipt) -> HttpResponse:
    """The receipt of ``receipt``'s cast (see the module's docstring)."""
    if request.user.is_authenticated or get_messages(request):
        return render(request, TEMPLATE, {"receipt": receipt})
    head = published.recent_head()
    election = receipt.election
    key = (
        translation.get_language(),
        election.pk,
        election.name,
        election.slug,
        tuple((contest.pk, contest.name) for contest, _ in receipt.trackers),
        head["seq"],
        head["hash"],
        signing.current_key_id(),
    )
    page = _frames.get(key)
    if page is None:
        slots = Receipt(election, tuple((c, _SLOT.format(i)) for i, (c, _) in enumerate(receipt.trackers)))
        # The head of the key is the one the footer shows (the view's context comes before the
        # context processors'), even if this process's reading of it is renewed meanwhile.
        page = render(request, TEMPLATE, {"receipt": slots, "audit_head": head}).content.decode()
        if len(_frames) >= FRAMES:
            _frames.clear()
        _frames[key] = page
    for i, (_, tracker) in enumerate(receipt.trackers):
        page = page.replace(_SLOT.format(i), escape(tracker))
    return HttpResponse(page)
