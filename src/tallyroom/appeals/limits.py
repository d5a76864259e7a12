"""Rate limits on the public appeals pages: each client address (hashed as the voting app hashes
it) may make ``TALLYROOM_APPEALS_TRIES_PER_CLIENT`` (default 5) lookups, and as many failed links
or postal codes, in each window of ``TALLYROOM_CODE_WINDOW`` seconds, counted in the voting app's
counter table under scopes of their own. Every lookup counts, found or not, so the limit itself
says nothing of which numbers exist; a link or code counts only when it does not work."""

from __future__ import annotations

from django.conf import settings

from tallyroom.voting.models import AttemptCounter
from tallyroom.voting.ratelimit import client_scope, current_window, take_attempt


def tries_per_client() -> int:
    return int(getattr(settings, "TALLYROOM_APPEALS_TRIES_PER_CLIENT", 5))


LOOKUP, LINK = "appeals-lookup", "appeals-link"


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
