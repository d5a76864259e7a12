"""One-time set-up codes for the second factor (``EnrolmentCode``): issued to an account by the
returning officer or ``tallyroom manage enrolment_code``, required to add its first device."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tallyroom.audit.events import record

from .models import EnrolmentCode


def lifetime() -> timedelta:
    return timedelta(hours=int(getattr(settings, "TALLYROOM_ENROLMENT_HOURS", 72)))


def _digest(code: str) -> str:
    normal = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normal.encode("ascii", "replace")).hexdigest()


def issue(user, issued_by=None) -> str:
    """A new set-up code for ``user`` (80 random bits, as four groups of four letters and
    digits); any unused one they had stops working. Recorded, without the code."""
    text = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
    code = "-".join(text[i : i + 4] for i in range(0, 16, 4))
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        row = EnrolmentCode.objects.create(
            user=user, digest=_digest(code), issued_by=issued_by, expires_at=timezone.now() + lifetime()
        )
        record(
            issued_by,
            "account.enrolment_code",
            f"user:{user.pk}",
            name=user.get_username(),
            expires_at=row.expires_at.isoformat(),
        )
    return code


def valid(user, code: str) -> EnrolmentCode | None:
    """The user's unused, unexpired code ``code``, or None."""
    return EnrolmentCode.objects.filter(
        user=user, digest=_digest(code), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def spend(user, pk: int) -> bool:
    """Use up the code ``pk`` (once, and only while it is valid); whether it was."""
    now = timezone.now()
    return bool(
        EnrolmentCode.objects.filter(pk=pk, user=user, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
    )
