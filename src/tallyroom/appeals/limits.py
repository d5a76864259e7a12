"""A rate limit on the public lookup page and on postal codes typed in: each client address
(hashed as the voting app hashes it) may make ``TALLYROOM_APPEALS_TRIES_PER_CLIENT`` (default 5)
attempts in each window of ``TALLYROOM_CODE_WINDOW`` seconds, counted in the voting app's counter
table under a scope of its own. Every attempt counts, found or not, so the limit itself says
nothing of which numbers exist."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from tallyroom.voting.models import AttemptCounter
from tallyroom.voting.ratelimit import client_scope, current_window


def tries_per_client() -> int:
    return int(getattr(settings, "TALLYROOM_APPEALS_TRIES_PER_CLIENT", 5))


def take(request) -> bool:
    """Count an attempt by this client; False (nothing counted) if it has none left in the window."""
    scope, window, limit = "appeals:" + client_scope(request), current_window(), tries_per_client()
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
