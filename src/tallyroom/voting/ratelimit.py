"""Rate limits on entering ballot codes, kept in the database (the web tier holds no state).

Attempts are counted in fixed windows of ``TALLYROOM_CODE_WINDOW`` seconds (default 900), per
client address (hashed; from ``REMOTE_ADDR`` or the header named by
``TALLYROOM_CLIENT_IP_HEADER`` behind a proxy) and, for IPv6, per /64 network too, since one
subscriber holds a whole /64. An address may make ``TALLYROOM_CODE_FAILURES_PER_CLIENT``
(default 10) failed attempts in a window and a /64 ``TALLYROOM_CODE_FAILURES_PER_NETWORK``
(default 20); then it is refused until the window ends.

Each attempt first *reserves* a place with one ``UPDATE ... SET failures = failures + 1 WHERE
failures < limit``, so concurrent attempts cannot overshoot the limit (the check and the count
are one statement); the place is given back unless the code was unknown, so voters who type
their code right, or reuse a spent one, are never slowed.

There is no limit for everyone together: it would let a few hundred addresses lock every voter
out. Instead, once ``TALLYROOM_CODE_FAILURES_OVERALL`` (default 1000) unknown codes are tried in
one window, the returning officer is alarmed: a ``voting.code_guessing_alarm`` audit event (once
per window) and a banner for the returning officer and scrutineers.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from tallyroom.audit.events import record
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, has_role
from tallyroom.web.clients import client_address

from .models import AttemptCounter

EVERYONE = "everyone"
ALARM = "alarm"
_RESERVED = "_tallyroom_code_reservation"


def window_seconds() -> int:
    return int(getattr(settings, "TALLYROOM_CODE_WINDOW", 900))


def limits() -> dict[str, int]:
    return {
        "client": int(getattr(settings, "TALLYROOM_CODE_FAILURES_PER_CLIENT", 10)),
        "network": int(getattr(settings, "TALLYROOM_CODE_FAILURES_PER_NETWORK", 20)),
        EVERYONE: int(getattr(settings, "TALLYROOM_CODE_FAILURES_OVERALL", 1000)),
    }


def _scope(kind: str, text: str) -> str:
    return f"{kind}:" + salted_hmac("tallyroom.voting.client", text, algorithm="sha256").hexdigest()[:40]


def client_scope(request) -> str:
    return _scope("client", client_address(request))


def scopes(request) -> dict[str, int]:
    """The counters an attempt from ``request`` is held to, with their limits: its address, and
    its /64 when that is IPv6 (an IPv4-mapped address counts as the IPv4 one)."""
    address, limit = client_address(request), limits()
    held = {client_scope(request): limit["client"]}
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return held
    if ip.version == 6 and ip.ipv4_mapped is None:
        network = ipaddress.ip_network(f"{ip}/64", strict=False)
        held[_scope("network", str(network))] = limit["network"]
    return held


def current_window(now: float | None = None) -> int:
    w = window_seconds()
    return int(now if now is not None else time.time()) // w * w


def reserve(request) -> bool:
    """Take one attempt for this client in the current window; False (and nothing taken) if its
    address or network has none left. Follow with ``settle``."""
    window, taken = current_window(), []
    for scope, limit in scopes(request).items():
        if not take_attempt(scope, window, limit):
            for done in taken:
                _give_back(done, window)
            return False
        taken.append(scope)
    setattr(request, _RESERVED, (window, taken))
    return True


def settle(request, *, failed: bool) -> None:
    """After the attempt: keep the reservation if the code was unknown (and count it for the
    alarm), else give it back."""
    window, taken = getattr(request, _RESERVED, (None, []))
    if window is None:
        return
    delattr(request, _RESERVED)
    if not failed:
        for scope in taken:
            _give_back(scope, window)
        return
    _count_for_everyone(window)
    AttemptCounter.objects.filter(window__lt=window).exclude(scope=ALARM).delete()


# Every ballot-code request runs the first and the last of these (a place reserved, then given
# back): written out, since the ORM's building of an UPDATE cost more than running it.
TAKE = (
    f"UPDATE {AttemptCounter._meta.db_table} SET failures = failures + 1 "
    'WHERE scope = %s AND "window" = %s AND failures < %s'
)
GIVE_BACK = (
    f"UPDATE {AttemptCounter._meta.db_table} SET failures = failures - 1 "
    'WHERE scope = %s AND "window" = %s AND failures > 0'
)


def _take(scope: str, window: int, limit: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(TAKE, [scope, window, limit])
        return cursor.rowcount > 0


def take_attempt(scope: str, window: int, limit: int) -> bool:
    """Add one to a counter unless it is at ``limit``, in one statement (safe between processes);
    the counter is made on first use."""
    if _take(scope, window, limit):
        return True
    if limit < 1:
        return False
    try:
        with transaction.atomic():
            AttemptCounter.objects.create(scope=scope, window=window, failures=1)
        return True
    except IntegrityError:  # it is there: at the limit, or made by another process just now
        return _take(scope, window, limit)


def _give_back(scope: str, window: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(GIVE_BACK, [scope, window])


def _count_for_everyone(window: int) -> None:
    """Count an unknown code for everyone; the first time the window reaches the threshold,
    alarm the returning officer (the alarm's own counter row makes that once per window)."""
    counter = AttemptCounter.objects.filter(scope=EVERYONE, window=window)
    if not counter.update(failures=F("failures") + 1):
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(scope=EVERYONE, window=window, failures=1)
        except IntegrityError:
            counter.update(failures=F("failures") + 1)
    threshold = limits()[EVERYONE]
    if not counter.filter(failures__gte=threshold).exists():
        return
    try:
        with transaction.atomic():
            AttemptCounter.objects.create(scope=ALARM, window=window, failures=threshold)
            record(
                None,
                "voting.code_guessing_alarm",
                "voting",
                window_start=window,
                window_seconds=window_seconds(),
                unknown_codes=threshold,
            )
    except IntegrityError:  # already alarmed in this window
        pass


def alarm(request) -> dict:
    """Template context: ``code_alarm``, the unknown codes tried in the current window once they
    passed the alarm threshold, for the returning officer and scrutineers (``None`` otherwise)."""
    if not has_role(request.user, RETURNING_OFFICER, SCRUTINEER):
        return {}
    window = current_window()
    if not AttemptCounter.objects.filter(scope=ALARM, window__gte=window).exists():
        return {}
    counter = AttemptCounter.objects.filter(scope=EVERYONE, window=window).first()
    return {"code_alarm": {"failures": counter.failures if counter else 0, "minutes": window_seconds() // 60}}
