"""One-time ballot codes: issued, hashed, sent.

A code is 16 symbols from a 32-letter alphabet without look-alikes (no I, O, 0, 1): 80 bits from
``secrets``, written in groups of four (``K7QF-9XMB-2PWD-H4TC``). Only its HMAC-SHA256 is stored,
keyed with ``settings.TALLYROOM_CODE_KEY`` (default: ``SECRET_KEY``), so the database alone lets no
one test a guessed code offline; the plaintext exists only in the list ``issue_codes`` returns, which
goes straight to ``send_codes`` (email) or ``mail_merge_csv`` (post).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tallyroom.audit.events import record
from tallyroom.ballotbox.symbols import GROUP, random_symbols
from tallyroom.elections.models import Election
from tallyroom.roll.models import Member

from .models import BallotCode

LENGTH = 16


def new_code() -> str:
    return random_symbols(LENGTH)


def normalise(code: str) -> str:
    """The code as issued, whatever spaces, dashes or case the voter typed."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def code_hash(code: str) -> str:
    key = getattr(settings, "TALLYROOM_CODE_KEY", "") or settings.SECRET_KEY
    return salted_hmac("tallyroom.voting.code", normalise(code), secret=key, algorithm="sha256").hexdigest()


def issue_codes(election: Election, *, user=None) -> list[tuple[Member, str]]:
    """A code for every member eligible in at least one contest of ``election`` who has none yet.

    Returns ``(member, code)`` pairs in membership-number order: the only copy of the plaintext.
    """
    with transaction.atomic():
        Election.objects.select_for_update().filter(pk=election.pk).first()
        members = list(
            Member.objects.filter(roll_entries__contest__election=election, roll_entries__eligible=True)
            .exclude(ballot_codes__election=election)
            .distinct()
            .order_by("number")
        )
        now = timezone.now()
        pairs = [(m, new_code()) for m in members]
        BallotCode.objects.bulk_create(
            [
                BallotCode(election=election, member=m, code_hash=code_hash(c), issued_at=now)
                for m, c in pairs
            ],
            batch_size=1000,
        )
        if pairs:
            record(user, "voting.issue_codes", f"election:{election.pk}", codes=len(pairs))
    return pairs


def reissue_code(election: Election, member: Member, *, user=None) -> str:
    """A new code for a voter who lost theirs (the old one stops working). Refused once they voted."""
    with transaction.atomic():
        entry = BallotCode.objects.select_for_update().get(election=election, member=member)
        if entry.is_used:
            raise ValueError(f"{member} has already voted in {election}")
        code = new_code()
        entry.code_hash = code_hash(code)
        entry.issued_at = timezone.now()
        entry.sent_at = None
        entry.save(update_fields=["code_hash", "issued_at", "sent_at"])
        record(user, "voting.reissue_code", f"election:{election.pk}", member=member.number)
    return code


def vote_url() -> str:
    return getattr(settings, "TALLYROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/") + reverse(
        "voting:enter"
    )


@dataclass(frozen=True)
class Sent:
    """What ``send_codes`` did: codes emailed, and the mail-merge file written for the others."""

    emailed: int
    posted: int
    postal_file: Path | None


def postal_dir() -> Path:
    return Path(getattr(settings, "TALLYROOM_POSTAL_DIR", settings.VAR_DIR / "post"))


def send_codes(pairs: Sequence[tuple[Member, str]], election: Election) -> Sent:
    """Email each code to its member; members without an email address go into a mail-merge CSV
    under ``postal_dir()`` (named in the result) for printing and posting."""
    by_email = [(m, c) for m, c in pairs if m.email]
    by_post = [(m, c) for m, c in pairs if not m.email]
    url = vote_url()
    messages = [
        EmailMessage(
            subject=f"Your ballot code: {election.name}",
            body=(
                f"Dear {member.name},\n\nYour one-time ballot code for {election.name} is:\n\n    {code}\n\n"
                f"Vote at {url} before {timezone.localtime(election.voting_closes):%d %B %Y %H:%M}.\n"
                "The code works once. Keep it to yourself: anyone holding it can cast your vote.\n"
            ),
            to=[member.email],
        )
        for member, code in by_email
    ]
    emailed = get_connection().send_messages(messages) if messages else 0
    postal_file = None
    if by_post:
        folder = postal_dir()
        folder.mkdir(parents=True, exist_ok=True)
        postal_file = folder / f"{election.slug}-codes-{timezone.now():%Y%m%d-%H%M%S-%f}.csv"
        postal_file.touch(mode=0o600)
        postal_file.write_text(mail_merge_csv(by_post, election), encoding="utf-8")
    ids, now = [m.pk for m, _ in pairs], timezone.now()
    for i in range(0, len(ids), 500):
        BallotCode.objects.filter(election=election, member__in=ids[i : i + 500]).update(sent_at=now)
    record(None, "voting.send_codes", f"election:{election.pk}", emailed=emailed, posted=len(by_post))
    return Sent(emailed, len(by_post), postal_file)


def mail_merge_csv(pairs: Sequence[tuple[Member, str]], election: Election) -> str:
    """A CSV for a mail merge: one row per voter with name, address and code."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["membership_number", "name", "address", "election", "code", "vote_at", "closes"])
    url = vote_url()
    closes = f"{timezone.localtime(election.voting_closes):%d %B %Y %H:%M}"
    for member, code in pairs:
        writer.writerow([member.number, member.name, member.address, election.name, code, url, closes])
    return out.getvalue()
