"""Rate limits on entering ballot codes, kept in the database (the web tier holds no state).

Failed attempts are counted in fixed windows of ``TALLYROOM_CODE_WINDOW`` seconds (default 900),
per client (its address, hashed; from ``REMOTE_ADDR`` or the header named by
``TALLYROOM_CLIENT_IP_HEADER`` behind a proxy) and for everyone together. A client with
``TALLYROOM_CODE_FAILURES_PER_CLIENT`` failures (default 10) in the window, or everyone once there
are ``TALLYROOM_CODE_FAILURES_OVERALL`` (default 1000), is refused until the window ends. Only
unknown codes are counted (not used ones, nor codes of an election not open), so voters who type
their code right are never slowed.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from .models import AttemptCounter

EVERYONE = "everyone"


def window_seconds() -> int:
    return int(getattr(settings, "TALLYROOM_CODE_WINDOW", 900))


def limits() -> dict[str, int]:
    return {
        "client": int(getattr(settings, "TALLYROOM_CODE_FAILURES_PER_CLIENT", 10)),
        EVERYONE: int(getattr(settings, "TALLYROOM_CODE_FAILURES_OVERALL", 1000)),
    }


def client_scope(request) -> str:
    header = getattr(settings, "TALLYROOM_CLIENT_IP_HEADER", "")
    address = (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
    # A forwarding header lists the client's own claims first; the last entry is the one the
    # trusted proxy appended, and the only one a client cannot choose.
    address = address.split(",")[-1].strip()
    return "client:" + salted_hmac("tallyroom.voting.client", address, algorithm="sha256").hexdigest()[:40]


def current_window(now: float | None = None) -> int:
    w = window_seconds()
    return int(now if now is not None else time.time()) // w * w


def blocked(request) -> bool:
    """Whether this client (or everyone) has used up its failed attempts in the current window."""
    scopes = {client_scope(request): limits()["client"], EVERYONE: limits()[EVERYONE]}
    counts = AttemptCounter.objects.filter(window=current_window(), scope__in=scopes).values_list(
        "scope", "failures"
    )
    return any(failures >= scopes[scope] for scope, failures in counts)


def failed(request) -> None:
    """Count a failed attempt by this client, and by everyone; forget windows that have ended."""
    window = current_window()
    for scope in (client_scope(request), EVERYONE):
        bump(scope, window)
    AttemptCounter.objects.filter(window__lt=window).delete()


def bump(scope: str, window: int) -> None:
    """Add one to a counter atomically, creating it on first use (safe between processes)."""
    counter = AttemptCounter.objects.filter(scope=scope, window=window)
    if counter.update(failures=F("failures") + 1):
        return
    try:
        with transaction.atomic():
            AttemptCounter.objects.create(scope=scope, window=window, failures=1)
    except IntegrityError:
        counter.update(failures=F("failures") + 1)
