"""Rate limits on the public appeals pages: each client address (hashed as the voting app hashes
it) may make ``TALLYROOM_APPEALS_TRIES_PER_CLIENT`` (default 5) lookups, and as many failed links
or postal codes, in each window of ``TALLYROOM_CODE_WINDOW`` seconds, counted in the voting app's
counter table under scopes of their own. Every lookup counts, found or not, so the limit itself
says nothing of which numbers exist; a link or code counts only when it does not work."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from tallyroom.voting.models import AttemptCounter
from tallyroom.voting.ratelimit import client_scope, current_window


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
    scope, window, limit = _scope(kind, request), current_window(), tries_per_client()
    below = AttemptCounter.objects.filter(scope=scope, window=window, failures__lt=limit)
    if below.update(failures=F("failures") + 1):
        return True
    if limit < 1:
        return False
    try:
        with transaction.atomic():
            AttemptCounter.objects.create(scope=scope, window=window, failures=1)
        return True
    except IntegrityError:
        return bool(below.update(failures=F("failures") + 1))
