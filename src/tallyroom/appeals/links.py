"""One-time links to a member's standing: asked for by membership number, sent to the email on
record (or, for a member without one, printed as a code in a mail-merge file for post), kept only
as a keyed hash, valid for ``TALLYROOM_APPEALS_LINK_HOURS`` (default 48) and usable once.

``request_link`` does the same work and returns nothing whether or not the number exists, so the
page that calls it can answer everyone alike; it records one ``appeals.lookup`` event either way,
since the audit trail's length and head are shown on every page and would otherwise tell.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tallyroom.audit.events import record
from tallyroom.ballotbox.symbols import random_symbols
from tallyroom.formats.spreadsheet import writer as csv_writer
from tallyroom.roll.languages import language_of
from tallyroom.roll.models import Member
from tallyroom.voting.codes import normalise, postal_dir, written_time

from .models import AccessLink

LENGTH = 16


def link_hours() -> int:
    return int(getattr(settings, "TALLYROOM_APPEALS_LINK_HOURS", 48))


def token_hash(token: str) -> str:
    return salted_hmac("tallyroom.appeals.link", normalise(token), algorithm="sha256").hexdigest()


def site_url(path: str) -> str:
    return getattr(settings, "TALLYROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path


def request_link(number: str, send: bool = True) -> None:
    """Send the member numbered ``number`` a new link (by email, or into a postal file); with
    ``send`` false (the number's links for now are spent) only the lookup is recorded."""
    token = random_symbols(LENGTH)
    digest = token_hash(token)
    member = Member.objects.filter(number=number.strip()).first()
    if member is None or not send:
        subject = f"member:{member.number}" if member else ""
        record(None, "appeals.lookup", subject, sent="no such member" if member is None else "limit reached")
        return
    now = timezone.now()
    with transaction.atomic():
        AccessLink.objects.create(
            member=member, token_hash=digest, created_at=now, expires_at=now + timedelta(hours=link_hours())
        )
        record(
            None, "appeals.lookup", f"member:{member.number}", sent="by email" if member.email else "by post"
        )
        transaction.on_commit(lambda: deliver(member, token))


def deliver(member: Member, token: str) -> None:
    link = site_url(reverse("appeals:access", args=[token]))
    expires = timezone.localtime(timezone.now() + timedelta(hours=link_hours()))
    if member.email:
        with translation.override(language_of(member.language)):
            subject = _("Your standing on the rolls, and how to appeal")
            body = _(
                "Dear %(name)s,\n\nYou asked to see whether you are on the roll of each contest "
                "open to you. Follow this link (it works once, until %(time)s on %(day)s):\n\n"
                "    %(link)s\n\n"
                "If you did not ask, you can ignore this email.\n"
            ) % {
                "name": member.name,
                "time": f"{expires:%H:%M}",
                "day": date_format(expires, "d F Y"),
                "link": link,
            }
        EmailMessage(subject=subject, body=body, to=[member.email]).send()
        return
    folder = postal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"appeals-links-{timezone.now():%Y%m%d-%H%M%S-%f}.csv"
    path.touch(mode=0o600)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    with translation.override(language_of(member.language)):
        until = written_time(expires)
    writer.writerow(["membership_number", "name", "address", "code", "enter_at", "until"])
    writer.writerow(
        [member.number, member.name, member.address, token, site_url(reverse("appeals:code")), until]
    )
    path.write_text(out.getvalue(), encoding="utf-8")


def redeem(token: str) -> Member | None:
    """The member a valid unused link belongs to, the link now spent; None for any other token."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            AccessLink.objects.select_for_update()
            .select_related("member")
            .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        record(None, "appeals.open_link", f"member:{link.member.number}")
    return link.member
