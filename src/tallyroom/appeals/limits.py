"""Rate limits on the public appeals pages: each client address (hashed as the voting app hashes
it) may make ``TALLYROOM_APPEALS_TRIES_PER_CLIENT`` (default 5) lookups, and as many failed links
or postal codes, in each window of ``TALLYROOM_CODE_WINDOW`` seconds, counted in the voting app's
counter table under scopes of their own. Every lookup counts, found or not, so the limit itself
says nothing of which numbers exist; a link or code counts only when it does not work.

Each membership number, too, gets at most ``TALLYROOM_APPEALS_LINKS_PER_NUMBER`` (default 3) links
a window, however many addresses ask, so nobody can flood a member's inbox or letterbox; past that
the lookup answers as ever and sends nothing (the count is kept for unknown numbers alike)."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from tallyroom.voting.models import AttemptCounter
from tallyroom.voting.ratelimit import client_scope, current_window, take_attempt


def tries_per_client() -> int:
    return int(getattr(settings, "TALLYROOM_APPEALS_TRIES_PER_CLIENT", 5))


def links_per_number() -> int:
    return int(getattr(settings, "TALLYROOM_APPEALS_LINKS_PER_NUMBER", 3))


LOOKUP, LINK, NUMBER = "appeals-lookup", "appeals-link", "appeals-number"


def _scope(kind: str, request) -> str:
    return f"{kind}:{client_scope(request)}"


def blocked(kind: str, request) -> bool:
    """Whether this client has no attempts of ``kind`` left in the window."""
    return AttemptCounter.objects.filter(
        scope=_scope(kind, request), window=current_window(), failures__gte=tries_per_client()
    ).exists()


def take(kind: str, request) -> bool:
    """Count an attempt of ``kind`` by this client; False (nothing counted) if it has none left."""
    return take_attempt(_scope(kind, request), current_window(), tries_per_client())


def take_number(number: str) -> bool:
    """Count a link asked for ``number`` (known or not); False if it has had its links this window."""
    digest = salted_hmac("tallyroom.appeals.number", number.strip(), algorithm="sha256").hexdigest()[:40]
    return take_attempt(f"{NUMBER}:{digest}", current_window(), links_per_number())
