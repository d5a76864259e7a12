"""One-time ballot codes: issued, hashed, sent.

A code is 16 symbols from a 32-letter alphabet without look-alikes (no I, O, 0, 1): 80 bits from
``secrets``, written in groups of four (``K7QF-9XMB-2PWD-H4TC``). Only its HMAC-SHA256 is stored,
keyed with ``settings.TALLYROOM_CODE_KEY`` (default: ``SECRET_KEY``), so the database alone lets no
one test a guessed code offline: a ballot code's first 16 bytes (128 bits, binary: the unique
index of 640,000 of them a quarter of what 64 hex characters made it), a kiosk's or a badge's
token's all 32 in hex (``token_hash``).

``issue_and_send`` is the one place codes are made, batch by batch: a short transaction stores
the batch's hashes as ``pending`` (only where the voter has no code yet: two runs never issue to
the same voter, and no lock is held on the election, so casting goes on); then, outside any
transaction, the emails are handed to the mail backend (``plain_email``: rendered without the
``email`` package) and the postal voters' rows written to a mail-merge file; then a second short
transaction records each code's delivery state. The plaintext exists only in that batch's memory.
Every code handed over was stored first, so a mail failure half way leaves no mailed code that does
not work; the codes of messages not handed over are deleted, and running it again continues with
the voters who have no code yet.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import logging
import os
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from tallyroom.audit.events import record
from tallyroom.ballotbox.symbols import GROUP, random_symbols
from tallyroom.elections.models import Election
from tallyroom.formats import spreadsheet
from tallyroom.roll import bulk
from tallyroom.roll.contacts import changed_after_freeze
from tallyroom.roll.languages import language_of
from tallyroom.roll.models import ContactChange, Member, RollEntry
from tallyroom.words import Words

from . import bounces
from .letters import in_their_language, letter
from .models import BallotCode, CodeReissue, Delivery
from .plain_email import PlainEmail

log = logging.getLogger(__name__)
BATCH = 1000
SWEEPS = 2  # threads issuing one election's codes at once, on PostgreSQL
ANALYZE_AFTER = 10_000  # codes a run issues before it ANALYZEs their table (once)
RETRY_DELAYS = (1.0, 5.0, 20.0)  # seconds before each retry of a message after a transient failure

LENGTH = 16


def new_code() -> str:
    return random_symbols(LENGTH)


def normalise(code: str) -> str:
    """The code as issued, whatever spaces, dashes or case the voter typed."""
    symbols = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


HASH_BYTES = 16  # of the HMAC kept for a ballot code: 128 bits, against a code's 80


def code_hash(code: str) -> bytes:
    """What a ballot code is stored and looked up by: the first ``HASH_BYTES`` of Django's
    ``salted_hmac("tallyroom.voting.code", code, secret=key, algorithm="sha256")``, with the
    salted key derived once per key rather than once per code."""
    return _digest(_code_key(), normalise(code))


def token_hash(token: str) -> str:
    """A kiosk's or a delegate's badge's token as stored: the whole keyed HMAC, in hex."""
    return hmac.digest(_code_key(), normalise(token).encode(), "sha256").hex()


def _digest(key: bytes, code: str) -> bytes:
    return hmac.digest(key, code.encode(), "sha256")[:HASH_BYTES]


def _code_key() -> bytes:
    return _salted(getattr(settings, "TALLYROOM_CODE_KEY", "") or settings.SECRET_KEY)


def _hashes(codes: Iterable[str]) -> list[bytes]:
    """``code_hash`` of each new code (already in its issued form), the key looked up once."""
    key = _code_key()
    return [_digest(key, code) for code in codes]


@functools.lru_cache(maxsize=4)
def _salted(secret: str) -> bytes:
    return hashlib.sha256(b"tallyroom.voting.code" + secret.encode()).digest()


class NeedsApproval(ValueError):
    """The member's contact details changed after the roll froze: replacing their code needs a
    second staff member's approval (``reissues``)."""


_CHANGED_AFTER_FREEZE = {
    ContactChange.Field.EMAIL: gettext_noop(
        "%(member)s's email address changed after the roll froze: "
        "a second staff member must approve a new code"
    ),
    ContactChange.Field.ADDRESS: gettext_noop(
        "%(member)s's postal address changed after the roll froze: "
        "a second staff member must approve a new code"
    ),
}


def reissue_code(
    election: Election, member: Member, *, user=None, approval: CodeReissue | None = None
) -> str:
    """A new code for a voter who lost theirs (the old one stops working). Refused once they
    voted; and, if their contact details changed after the roll froze (a changed address could
    be an insider's), refused (NeedsApproval) unless ``approval`` is a request for it approved by
    someone other than who asked (``reissues.approve``)."""
    change = changed_after_freeze(member, election)
    approved = approval is not None and approval.approved_by_id not in (None, approval.requested_by_id)
    if change is not None and not approved:
        raise NeedsApproval(Words(_CHANGED_AFTER_FREEZE[change.field], member=str(member)))
    with transaction.atomic():
        entry = BallotCode.objects.select_for_update().get(election=election, member=member)
        if entry.is_used:
            raise ValueError(
                Words(
                    gettext_noop("%(member)s has already voted in %(election)s"),
                    member=str(member),
                    election=str(election),
                )
            )
        code = new_code()
        entry.code_hash = code_hash(code)
        entry.issued_at = timezone.now()
        entry.sent_at = None
        entry.save(update_fields=["code_hash", "issued_at", "sent_at"])
        if approval is None:
            approval = CodeReissue(election=election, member=member, requested_by=user)
        approval.done_at = timezone.now()
        approval.save()
        record(
            user,
            "voting.reissue_code",
            f"election:{election.pk}",
            member=member.number,
            requested_by=approval.requested_by.get_username() if approval.requested_by else "system",
            approved_by=approval.approved_by.get_username() if approval.approved_by else "",
        )
    return code


def vote_url() -> str:
    return settings.TALLYROOM_SITE_URL + reverse("voting:enter")


def postal_dir() -> Path:
    return Path(getattr(settings, "TALLYROOM_POSTAL_DIR", settings.VAR_DIR / "post"))


class Recipient(NamedTuple):
    """What sending a code needs of a member (read with ``values_list``, never as a full object)."""

    pk: int
    number: str
    name: str
    email: str
    address: str
    language: str


@dataclass
class Sent:
    """What a run of ``issue_and_send`` (or ``send_codes``) did."""

    emailed: int = 0  # handed to the mail backend (sent, or queued by the mail service)
    posted: int = 0  # written to the mail-merge file
    failed: int = 0  # refused by the mail server for good (the code is stored as failed)
    postal_file: Path | None = None
    states: dict[int, str] = field(default_factory=dict, repr=False)  # member pk -> delivery
    seconds: Counter = field(default_factory=Counter, repr=False)  # wall seconds by step of a run

    @property
    def issued(self) -> int:
        return self.emailed + self.posted + self.failed


class DeliveryFailed(Exception):
    """The mail backend kept failing; the codes of messages not handed over were not stored."""


def eligible_members(election: Election):
    """The voters of ``election`` a code is for: members eligible in at least one of its contests
    who hold a code or are left to vote in one (a member whose provisional ballots, admitted with
    their upheld appeal, cover every contest they are on has voted: a code would be no use)."""
    entries = RollEntry.objects.filter(member=OuterRef("pk"), contest__election=election, eligible=True)
    coded = BallotCode.objects.filter(member=OuterRef("pk"), election=election)
    return Member.objects.filter(
        Exists(entries), Exists(entries.filter(voted_at__isnull=True)) | Exists(coded)
    )


def waiting(election: Election):
    """Recipients (in membership-number order) eligible in ``election`` who have no code yet: one
    query, for when few are left (each run reads the whole roll)."""
    coded = BallotCode.objects.filter(member=OuterRef("pk"), election=election)
    return (
        eligible_members(election)
        .exclude(Exists(coded))
        .order_by("number")
        .values_list(*Recipient._fields, named=False)
    )


def _next_batch(election: Election, contests: list[int], cursor: int, size: int, upto: int | None = None):
    """The voters without a code who are left to vote, among the next ``size`` members after the
    member id ``cursor`` (up to the id ``upto``, if given), and the new cursor (None at the end)
    (``eligible_members`` says why). Three range scans of
    an index each (members by id; the roll entries and the codes of that span of member ids, by
    their ``(contest, member)`` and ``(election, member)`` indexes), estimated well by any
    statistics, whatever the size of the roll or of the codes issued so far: linear in all."""
    members = Member.objects.filter(pk__gt=cursor)
    if upto is not None:
        members = members.filter(pk__lte=upto)
    rows = list(members.order_by("pk").values_list(*Recipient._fields)[:size])
    if not rows:
        return [], None
    span = {"member_id__gt": cursor, "member_id__lte": rows[-1][0]}
    entries = RollEntry.objects.filter(contest_id__in=contests, eligible=True, voted_at__isnull=True, **span)
    eligible = set(entries.values_list("member_id", flat=True))
    coded = set(BallotCode.objects.filter(election=election, **span).values_list("member_id", flat=True))
    return [Recipient(*row) for row in rows if row[0] in eligible and row[0] not in coded], rows[-1][0]


def written_time(moment) -> str:
    """A moment as the active language writes it ("7 December 2026, 18:00")."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def closing_time(election: Election) -> str:
    """When voting closes, as the active language writes it."""
    return written_time(election.voting_closes)


def code_email(election: Election, recipient, code: str, url: str) -> EmailMessage:
    """The ballot-code email, in the recipient's preferred language, tagged so a mail service's
    webhook can say which code it was."""
    return CodeEmails(election, url)(recipient, code)


def _written(election: Election, recipient, code: str, url: str) -> EmailMessage:
    with in_their_language(recipient):
        return letter(
            recipient,
            gettext("Your ballot code: %(election)s") % {"election": election.name},
            gettext("Your one-time ballot code for %(election)s is:") % {"election": election.name},
            f"    {code}",
            gettext("Vote at %(url)s before %(closes)s.") % {"url": url, "closes": closing_time(election)}
            + "\n"
            + gettext("The code works once. Keep it to yourself: anyone holding it can cast your vote."),
        )


_NAME, _CODE = "\x00name\x00", "\x00code\x00"  # stand-ins no name or code holds


class CodeEmails:
    """The code emails of one run (``code_email``'s): each language's letter written once with
    stand-ins for the name and the code, then each voter's made by putting theirs in (the same
    text; writing it afresh, its ``gettext`` and date formatting, was half of a code's CPU)."""

    def __init__(self, election: Election, url: str):
        self.election, self.url, self.letters = election, url, {}

    def _letter(self, language: str):
        """The language's subject and the body cut at the name and the code (None if the
        translation does not hold each once: then each letter is written afresh)."""
        stand_in = Recipient(0, "", _NAME, "", "", language)
        message = _written(self.election, stand_in, _CODE, self.url)
        pieces = message.body.split(_NAME)
        if len(pieces) != 2 or _NAME in message.subject or pieces[0].count(_CODE) != 0:
            return None
        rest = pieces[1].split(_CODE)
        return (message.subject, pieces[0], *rest) if len(rest) == 2 else None

    def __call__(self, recipient, code: str) -> EmailMessage:
        language = language_of(recipient.language)
        if language not in self.letters:
            self.letters[language] = self._letter(language)
        texts = self.letters[language]
        if texts is None:
            message = _written(self.election, recipient, code, self.url)
        else:
            subject, before, between, after = texts
            body = f"{before}{recipient.name}{between}{code}{after}"
            message = PlainEmail(subject=subject, body=body, to=[recipient.email])
        # tagged so a mail service's webhook can say which code it was
        message.metadata = bounces.metadata(self.election.pk, recipient.pk)
        return message


TRANSIENT = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError)


def _transient(e: Exception) -> bool:
    """Worth trying again: a lost or refused connection, a timeout, or an SMTP 4xx answer."""
    if isinstance(e, smtplib.SMTPResponseException):
        return 400 <= e.smtp_code < 500
    return isinstance(e, TRANSIENT)


def _refused(e: Exception) -> bool:
    """The server refused this message's recipient for good (SMTP, or anymail's equivalent)."""
    return isinstance(e, smtplib.SMTPRecipientsRefused) or type(e).__name__ == "AnymailRecipientsRefused"


def _reported(message: EmailMessage) -> str:
    """The delivery state the backend reported for a message it accepted (anymail reports whether
    its service queued or sent it; Django's own backends only accept it)."""
    status = getattr(getattr(message, "anymail_status", None), "status", None) or set()
    if status & {"rejected", "failed", "invalid"}:
        return Delivery.FAILED
    return Delivery.QUEUED if status & {"queued", "scheduled"} else Delivery.SENT


class Mailer:
    """One connection to the mail backend, handing messages over one at a time, so that when it
    fails we know which were handed over. A transient failure is retried (``RETRY_DELAYS``, or
    ``settings.TALLYROOM_MAIL_RETRY_DELAYS``) on a new connection; then ``DeliveryFailed``."""

    def __init__(self):
        self.connection = get_connection()
        self.delays = tuple(getattr(settings, "TALLYROOM_MAIL_RETRY_DELAYS", RETRY_DELAYS))
        self.opened = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close()

    def _close(self) -> None:
        if self.opened:
            self.opened = False
            try:
                self.connection.close()
            except Exception:  # a broken connection may fail to close; it is dropped either way
                log.warning("closing the mail connection failed", exc_info=True)

    def send(self, message: EmailMessage) -> str:
        """Hand ``message`` over; its delivery state (sent, queued, or failed if refused for good)."""
        for attempt in range(len(self.delays) + 1):
            try:
                if not self.opened:
                    self.connection.open()
                    self.opened = True
                self.connection.send_messages([message])
                return _reported(message)
            except Exception as e:
                if _refused(e):
                    return Delivery.FAILED
                self._close()
                if not _transient(e):
                    raise DeliveryFailed(
                        Words(
                            gettext_noop("the mail backend failed: %(error)s"),
                            error=f"{type(e).__name__}: {e}",
                        )
                    ) from e
                if attempt == len(self.delays):
                    raise DeliveryFailed(
                        Words(
                            gettext_noop("the mail backend failed %(n)s times: %(error)s"),
                            n=attempt + 1,
                            error=f"{type(e).__name__}: {e}",
                        )
                    ) from e
                log.warning("mail failed (%s), trying again in %s s", e, self.delays[attempt])
                time.sleep(self.delays[attempt])
        raise AssertionError("unreachable")


class PostalFile:
    """The mail-merge file of one run, made (mode 0600, under ``postal_dir()``) at its first row."""

    def __init__(self, election: Election):
        self.election, self.path, self.lock = election, None, threading.Lock()

    def write(self, pairs: Sequence[tuple[Recipient, str]]) -> None:
        if pairs:
            with self.lock:  # one sweep at a time
                self._write(pairs)

    def _write(self, pairs: Sequence[tuple[Recipient, str]]) -> None:
        text = mail_merge_csv(pairs, self.election, header=self.path is None)
        if self.path is None:
            folder = postal_dir()
            folder.mkdir(parents=True, exist_ok=True)
            self.path = folder / f"{self.election.slug}-codes-{timezone.now():%Y%m%d-%H%M%S-%f}.csv"
            self.path.touch(mode=0o600)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())


def deliver(pairs: Sequence[tuple[Recipient, str]], election: Election, postal: PostalFile) -> Sent:
    """Email each code whose voter has an address, write the others to ``postal``. The result's
    ``states`` has each member handed over or refused; on ``DeliveryFailed`` the exception's
    ``sent`` attribute is what was done before it."""
    sent = Sent()
    emails = CodeEmails(election, vote_url())
    with Mailer() as mailer:
        for recipient, code in pairs:
            if not recipient.email:
                continue
            try:
                state = mailer.send(emails(recipient, code))
            except DeliveryFailed as e:
                e.sent = sent
                raise
            sent.states[recipient.pk] = state
            if state == Delivery.FAILED:
                sent.failed += 1
            else:
                sent.emailed += 1
    by_post = [(r, c) for r, c in pairs if not r.email]
    postal.write(by_post)
    sent.posted = len(by_post)
    sent.states.update((r.pk, Delivery.POSTED) for r, _ in by_post)
    sent.postal_file = postal.path
    return sent


def _store_pending(election: Election, pairs: Sequence[tuple[Recipient, str]], now) -> set[int]:
    """Store each pair's code hash as ``pending`` unless its member has a code already (another run
    got there first: the unique ``(election, member)``); the members whose codes were stored. One
    statement, so that a batch's transaction holds no lock beyond its own new rows."""
    if not pairs:
        return set()
    table = connection.ops.quote_name(BallotCode._meta.db_table)
    columns = "election_id, member_id, code_hash, issued_at, delivery"
    conflict = "ON CONFLICT DO NOTHING RETURNING member_id"
    issued_at = BallotCode._meta.get_field("issued_at").get_db_prep_save(now, connection=connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT %s, m, h, %s, %s "
                f"FROM unnest(%s::bigint[], %s::bytea[]) AS v(m, h) {conflict}",
                [
                    election.pk,
                    issued_at,
                    Delivery.PENDING,
                    [r.pk for r, _ in pairs],
                    _hashes(c for _, c in pairs),
                ],
            )
        else:  # SQLite: a few hundred rows a statement (it takes at most 32,766 parameters)
            stored = set()
            for i in range(0, len(pairs), 500):
                part = pairs[i : i + 500]
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {values} {conflict}",
                    [
                        x
                        for (r, _), h in zip(part, _hashes(c for _, c in part), strict=True)
                        for x in (election.pk, r.pk, h, issued_at, Delivery.PENDING)
                    ],
                )
                stored.update(row[0] for row in cursor.fetchall())
            return stored
        return {row[0] for row in cursor.fetchall()}


def _batch(
    election: Election, recipients: list[Recipient], postal: PostalFile, user
) -> tuple[Sent, list[tuple[Recipient, str]], DeliveryFailed | None]:
    """Make, store, deliver and mark one batch's codes: stored as ``pending`` (committed) before
    any is handed over, so every code mailed works; handed over outside any transaction (casting
    and other runs go on meanwhile); then each marked with its delivery state, and those not
    handed over (the mail backend failed for good) deleted, so that a later run issues them."""
    t = time.perf_counter()
    pairs = [(r, new_code()) for r in recipients]
    with transaction.atomic():
        stored_ids = _store_pending(election, pairs, timezone.now())
    pairs = [(r, c) for r, c in pairs if r.pk in stored_ids]
    t, store = time.perf_counter(), time.perf_counter() - t
    failure = None
    try:
        sent = deliver(pairs, election, postal)
    except DeliveryFailed as e:
        sent, failure = e.sent, e
    sent.seconds["store"] += store
    t, sent.seconds["hand over"] = time.perf_counter(), time.perf_counter() - t
    with transaction.atomic():
        _mark(sent.states, election)
        dropped = [r.pk for r, _ in pairs if r.pk not in sent.states]
        if dropped:
            BallotCode.objects.filter(
                election=election, member_id__in=dropped, delivery=Delivery.PENDING, used_at__isnull=True
            ).delete()
        stored = [(r, c) for r, c in pairs if r.pk in sent.states]
        if stored:
            record(
                user,
                "voting.issue_codes",
                f"election:{election.pk}",
                codes=len(stored),
                emailed=sent.emailed,
                posted=sent.posted,
                failed=sent.failed,
            )
    sent.seconds["mark"] += time.perf_counter() - t
    return sent, stored, failure


def drop_pending(election: Election, user=None) -> int:
    """Delete the unused codes of ``election`` left ``pending`` by a run that stopped between
    storing a batch and marking it (its worker died): nobody may hold them, or one was handed over
    just before; either way the next run issues each of those voters a new code. Call only when
    no run is under way (a job's retry). The number deleted."""
    with transaction.atomic():
        dropped, _ = BallotCode.objects.filter(
            election=election, delivery=Delivery.PENDING, used_at__isnull=True
        ).delete()
        if dropped:
            record(user, "voting.drop_pending_codes", f"election:{election.pk}", codes=dropped)
    return dropped


class _Run:
    """What the sweeps of one ``issue_and_send`` share (each sweep in a thread of its own, when
    there are several): the totals, the progress, the first failure, the postal file."""

    def __init__(self, election, user, size, progress, keep, done, total):
        self.election, self.user, self.size, self.keep = election, user, size, keep
        self.report, self.done, self.total = progress, done, total
        self.contests = list(election.contests.values_list("pk", flat=True))
        self.postal, self.sent, self.failure = PostalFile(election), Sent(), None
        self.lock, self.stop, self.analysed = threading.Lock(), threading.Event(), False

    def sweep(self, after: int, upto: int | None, few: bool = False) -> None:
        """Issue to the voters without a code whose member ids are after ``after`` (and up to
        ``upto``), batch by batch, until the end or another sweep's failure."""
        cursor = after
        while cursor is not None and not self.stop.is_set():
            t = time.perf_counter()
            if few:
                recipients, cursor = [Recipient(*row) for row in waiting(self.election)[: self.size]], None
            else:
                recipients, cursor = _next_batch(self.election, self.contests, cursor, self.size, upto)
            chosen = time.perf_counter() - t
            if not recipients:
                continue
            got, stored, failure = _batch(self.election, recipients, self.postal, self.user)
            with self.lock:
                self._add(got, stored, chosen)
                if failure is not None and self.failure is None:
                    self.failure = failure
                    self.stop.set()

    def _add(self, got: Sent, stored, chosen: float) -> None:
        sent = self.sent
        sent.seconds["choose"] += chosen
        sent.seconds.update(got.seconds)
        sent.emailed, sent.posted, sent.failed = (
            sent.emailed + got.emailed,
            sent.posted + got.posted,
            sent.failed + got.failed,
        )
        sent.postal_file = self.postal.path
        self.done += len(stored)
        if not self.analysed and sent.issued >= ANALYZE_AFTER:
            bulk.analyze(BallotCode)  # the table has grown from nothing: plan with what it holds
            self.analysed = True
        if self.keep:
            self.keep(stored)
        if self.report:
            self.report(self.done, self.total)


def _in_thread(run: _Run, after: int, upto: int | None) -> None:
    try:
        run.sweep(after, upto)
    except BaseException:
        run.stop.set()
        raise
    finally:
        connections.close_all()  # this thread's own connection


def _slices(count: int) -> list[tuple[int, int | None]]:
    """``count`` ranges of member ids of about as many members each, as (after, up to)."""
    ids = Member.objects.order_by("pk").values_list("pk", flat=True)
    members = ids.count()
    edges = [ids[members * k // count] for k in range(1, count)] if members >= count else []
    return list(zip([0, *edges], [*edges, None], strict=True))


def issue_and_send(
    election: Election,
    *,
    user=None,
    size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep: Callable[[list[tuple[Recipient, str]]], None] | None = None,
    sweeps: int | None = None,
) -> Sent:
    """Issue a code to every voter of ``election`` who has none, and send it, in batches of
    ``size`` (``settings.TALLYROOM_CODE_BATCH``, default ``BATCH``; see ``_batch``). No lock is
    held on the election: two runs never issue to the same voter because a code is stored only
    where its voter has none (the unique ``(election, member)``), in one statement.

    On PostgreSQL the membership is cut into ``sweeps`` ranges of member ids
    (``settings.TALLYROOM_CODE_SWEEPS``, default ``SWEEPS``), each swept by a thread of its own with
    its own connection, so that one sweep's statements run in the database while another renders
    its mail; with few voters left, inside a transaction, or on SQLite, one sweep.

    ``progress(done, total)`` is called after each batch, counting every eligible voter; ``keep``
    receives each batch's stored ``(recipient, code)`` pairs (the demo and tests vote with them;
    otherwise the plaintext is dropped with the batch). Raises ``DeliveryFailed`` once the batch
    that failed is stored as far as it got (and the other sweeps' batches under way are done)."""
    size = size or getattr(settings, "TALLYROOM_CODE_BATCH", BATCH)
    sweeps = sweeps or getattr(settings, "TALLYROOM_CODE_SWEEPS", SWEEPS)
    total = eligible_members(election).count()
    done = BallotCode.objects.filter(election=election).count()
    if progress:
        progress(done, total)
    run = _Run(election, user, size, progress, keep, done, total)
    few = total - done <= size
    alone = connection.vendor != "postgresql" or connection.in_atomic_block  # threads see only commits
    if few or alone or sweeps < 2 or total - done < 4 * size * sweeps:
        run.sweep(0, None, few=few)
    else:
        with ThreadPoolExecutor(sweeps, thread_name_prefix="codes") as pool:
            for future in [pool.submit(_in_thread, run, *edges) for edges in _slices(sweeps)]:
                future.result()
    if run.failure is not None:
        raise DeliveryFailed(
            Words(
                gettext_noop("%(failure)s; %(done)s of %(total)s codes issued, the rest have none yet"),
                failure=run.failure.args[0],
                done=run.done,
                total=total,
            )
        )
    return run.sent


def issued_codes(election: Election, *, user=None) -> list[tuple[Recipient, str]]:
    """``issue_and_send``, keeping the ``(recipient, code)`` pairs: for the demo's voters, tests
    and benches that vote with the codes (nothing else should hold them)."""
    pairs: list[tuple[Recipient, str]] = []
    issue_and_send(election, user=user, keep=pairs.extend)
    return pairs


def send_codes(pairs: Sequence[tuple[Recipient | Member, str]], election: Election) -> Sent:
    """Send codes already stored (a reissued code), recording each one's delivery state (those not
    handed over when ``DeliveryFailed`` is raised are marked failed)."""
    try:
        sent = deliver(pairs, election, PostalFile(election))
    except DeliveryFailed as e:
        e.sent.states.update((m.pk, Delivery.FAILED) for m, _ in pairs if m.pk not in e.sent.states)
        _mark(e.sent.states, election)
        raise
    _mark(sent.states, election)
    return sent


def _mark(states: dict[int, str], election: Election) -> None:
    now = timezone.now()
    for state in set(states.values()):
        members = [pk for pk, s in states.items() if s == state]
        BallotCode.objects.filter(election=election, member_id__in=members).update(
            delivery=state, sent_at=None if state == Delivery.FAILED else now
        )


def mail_merge_csv(pairs: Iterable[tuple[Recipient | Member, str]], election: Election, header=True) -> str:
    """A CSV for a mail merge: one row per voter with name, address and code, the close written in
    the voter's language, and that language (for the letter to choose its text)."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    if header:
        writer.writerow(
            ["membership_number", "name", "address", "election", "code", "vote_at", "closes", "language"]
        )
    url, closing = vote_url(), {}
    for member, code in pairs:
        language = language_of(member.language)
        if language not in closing:
            with translation.override(language):
                closing[language] = closing_time(election)
        closes = closing[language]
        writer.writerow(
            [member.number, member.name, member.address, election.name, code, url, closes, language]
        )
    return out.getvalue()


def delivery_counts(election: Election) -> dict[str, int]:
    """Codes of ``election`` by delivery state (every state, zero if none)."""
    counts = dict(
        BallotCode.objects.filter(election=election)
        .order_by()
        .values("delivery")
        .annotate(n=Count("pk"))
        .values_list("delivery", "n")
    )
    return {state: counts.get(state, 0) for state in Delivery.values}
