"""The ballot box: the only place ballots are written and read.

- ``deposit``: one voter's ballots for their contests, by a channel (online, in the room, paper,
  provisional). In one transaction it claims the voter's "has voted" marks (their roll entries'
  ``voted_at``), checks each ballot against its contest's marking, takes weight and college from
  the roll entry, and seals each ballot to the election's public key under a fresh tracker.
- ``issue_paper`` and ``deposit_paper``: a paper ballot. Handing the voter a paper marks them as
  having voted on paper (as a polling station marks its register); the paper, keyed in later,
  goes in with the weight and college of its stack of papers but no link to its voter.
- ``close``: at the close, what each contest's part of the box holds (count, digest) is recorded.
- ``open_box``: k trustees' shares rebuild the private key in memory; the box is checked against
  its close record, its MACs and the voters' marks; the ballots are opened, shuffled with the
  operating system's CSPRNG and written as plaintext in that order in one transaction, the sealed
  ones deleted, and the key forgotten. Each contest keeps only its sorted list of trackers.
- ``count_input``: a contest's opened ballots as the counting engine's input, in a canonical order;
  ``opened_ballots``, ``papers_by_region`` and ``region_input`` the same ballots for the analyses.

docs/secrecy.md says what this protects against and what it does not.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.translation import gettext_noop

from tallyroom.analysis.regions import merge_plan
from tallyroom.audit.events import record
from tallyroom.count import Ballots
from tallyroom.elections.ballot import RON_NAME, ballot_candidates
from tallyroom.elections.models import Contest, Election
from tallyroom.organisation.models import Region
from tallyroom.roll.models import Member, RollEntry
from tallyroom.words import Words

from . import keys, opening, prepared
from .marking import BallotError, contest_marking
from .models import Ballot, Channel, ContestBox, ElectionKey, SealedBallot
from .symbols import random_symbols

NO_REGION = "No region"
REGION_CODE_ROOM = 32  # a region's code is at most 32 characters (organisation.Region.code)
TRACKER_LENGTH = 12  # 60 bits: unique within a contest with overwhelming probability (and enforced)
WRITE_BATCH = 5000


class BoxError(Exception):
    """The box cannot be closed, opened or read now; the message says why."""


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: each contest voted in and the tracker of the sealed ballot stored."""

    election: Election
    trackers: tuple[tuple[Contest, str], ...]


@dataclass(frozen=True)
class CountInput:
    """What the engine needs of a contest beyond its rules: ballots (exact weights, canonical
    order), candidates withdrawn after voting began, RON's name if offered, candidates' groups."""

    ballots: Ballots
    withdrawn: tuple[str, ...]
    ron: str | None
    groups: dict[str, list[str]] = field(default_factory=dict)


def new_tracker() -> str:
    return random_symbols(TRACKER_LENGTH)


def mac_key() -> bytes:
    """The key of ``box_mac``, derived from a secret the database does not hold (as Django's
    ``salted_hmac`` derives its key, with the salt "tallyroom.ballotbox.seal")."""
    secret = getattr(settings, "TALLYROOM_BOX_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"tallyroom.ballotbox.seal" + force_bytes(secret)).digest()


def box_mac(contest_id: int, tracker: str, channel: str, sealed: bytes, key: bytes | None = None) -> str:
    """The server's MAC of a sealed ballot (HMAC-SHA256 under ``key``, by default ``mac_key()``:
    pass it when checking many)."""
    return opening.box_mac(key or mac_key(), contest_id, tracker, channel, hashlib.sha256(sealed).hexdigest())


def public_key(election: Election) -> keys.PublicKey:
    try:
        stored = ElectionKey.objects.get(election_id=election.pk)
    except ElectionKey.DoesNotExist:
        raise BoxError(
            Words(
                gettext_noop("%(name)s has no trustees' key: run the key ceremony and install it"),
                name=election.name,
            )
        ) from None
    return keys.PublicKey(
        bytes.fromhex(stored.public),
        bytes.fromhex(stored.wrapped),
        stored.threshold,
        tuple(stored.trustees),
        tuple(stored.share_digests),
    )


def install_key(election: Election, key: keys.PublicKey, user) -> ElectionKey:
    """Install the public half of the key ceremony's output; refused once voting has opened."""
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if not locked.accepts_changes:
            raise BoxError(
                Words(
                    gettext_noop("%(name)s: the trustees' key is fixed once voting has opened"),
                    name=locked.name,
                )
            )
        stored, _ = ElectionKey.objects.update_or_create(
            election=locked,
            defaults={
                "public": key.public.hex(),
                "wrapped": key.wrapped.hex(),
                "threshold": key.threshold,
                "trustees": list(key.trustees),
                "share_digests": list(key.share_digests),
                "installed_by": user,
            },
        )
        record(
            user,
            "ballotbox.install_key",
            f"election:{locked.pk}",
            fingerprint=key.fingerprint,
            threshold=key.threshold,
            trustees=list(key.trustees),
        )
    return stored


def _when(moment) -> str:
    """The moment as the active language writes it (a voter's request: the voter's language)."""
    return date_format(timezone.localtime(moment), "H:i, j F Y")


def _voting_is_open(election_id: int) -> Election:
    """The election, read under a share lock on PostgreSQL (closing, which takes the row for
    update, waits for deposits in progress); BallotError unless voting is open by its state and
    its timetable."""
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    election = Election.objects.raw(
        f"SELECT * FROM {Election._meta.db_table} WHERE id = %s{lock}", [election_id]
    )[0]
    now = timezone.now()
    if election.state != Election.State.VOTING:
        raise BallotError(Words(gettext_noop("Voting in %(name)s is not open."), name=election.name))
    if now >= election.voting_closes:
        raise BallotError(
            Words(
                gettext_noop("Voting in %(name)s closed at %(when)s."),
                name=election.name,
                when=_when(election.voting_closes),
            )
        )
    if now < election.voting_opens:
        raise BallotError(
            Words(
                gettext_noop("Voting in %(name)s opens at %(when)s."),
                name=election.name,
                when=_when(election.voting_opens),
            )
        )
    return election


# Casting's statements, written out: the ORM's building of each query cost several times what
# the database spent running it (docs/performance.md).
OPEN_KEY = (
    f"SELECT k.public FROM {Election._meta.db_table} e JOIN {ElectionKey._meta.db_table} k "
    "ON k.election_id = e.id "
    "WHERE e.id = %s AND e.state = %s AND e.voting_opens <= %s AND %s < e.voting_closes"
)
OPEN_ENTRIES = (  # OPEN_KEY's check with the voter's roll entries, in one statement
    f"SELECT k.public, r.id, r.contest_id, r.weight, r.college, r.voted_at IS NOT NULL, r.channel "
    f"FROM {Election._meta.db_table} e JOIN {ElectionKey._meta.db_table} k ON k.election_id = e.id "
    f"JOIN {Contest._meta.db_table} c ON c.election_id = e.id "
    f"JOIN {RollEntry._meta.db_table} r ON r.contest_id = c.id "
    "WHERE e.id = %s AND e.state = %s AND e.voting_opens <= %s AND %s < e.voting_closes "
    "AND r.member_id = %s AND r.eligible = %s"
)
MARK_VOTED = (
    f"UPDATE {RollEntry._meta.db_table} SET voted_at = %s, channel = %s WHERE voted_at IS NULL AND id IN "
)
INSERT_SEALED = (
    f"INSERT INTO {SealedBallot._meta.db_table} "
    "(id, contest_id, tracker, channel, sealed, mac, provisional_for) VALUES "
)


def _lock(db) -> str:
    """The share lock on the election's row on PostgreSQL: closing, which takes the row for
    update, waits for deposits in progress."""
    return " FOR SHARE OF e" if db.vendor == "postgresql" else ""


def _open_key(cursor, election_id: int, now) -> bytes:
    """The election's public key if voting in it is open at ``now``, read (in one statement)
    under the share lock (``_lock``). Otherwise BallotError or BoxError says why."""
    at = cursor.db.ops.adapt_datetimefield_value(now)
    cursor.execute(OPEN_KEY + _lock(cursor.db), [election_id, Election.State.VOTING, at, at])
    row = cursor.fetchone()
    if row is None:
        public_key(_voting_is_open(election_id))  # says why
        # it opened a moment ago
        raise BallotError(Words(gettext_noop("Voting in this election is not open.")))
    return bytes.fromhex(row[0])


def _open_entries(cursor, election_id: int, member_id: int, provisional: bool, contests, now):
    """The election's public key, if voting in it is open at ``now``, and the member's roll
    entries a deposit covers, as (id, contest id, weight, college), read in one statement under
    the share lock (``_lock``): those they are eligible on (excluded from, for a provisional
    ballot), limited to ``contests`` if given; by default less any on which a provisional ballot
    of theirs, admitted after an upheld appeal, has voted already. BallotError or BoxError if
    voting is not open or no entry is left."""
    at = cursor.db.ops.adapt_datetimefield_value(now)
    cursor.execute(
        OPEN_ENTRIES + _lock(cursor.db),
        [election_id, Election.State.VOTING, at, at, member_id, not provisional],
    )
    found = cursor.fetchall()
    if not found:
        _open_key(cursor, election_id, now)  # says why if voting is not open
        raise BallotError("You are not on the roll of any contest open to this ballot.")
    if contests is not None:
        wanted = set(contests)
        rows = [(pk, c, w, college) for _, pk, c, w, college, _, _ in found if c in wanted]
    else:
        rows = [
            (pk, c, w, college)
            for _, pk, c, w, college, voted, was in found
            if provisional or not (voted and was == Channel.PROVISIONAL)
        ]
    if not rows:
        raise BallotError("You are not on the roll of any contest open to this ballot.")
    return bytes.fromhex(found[0][0]), rows


def deposit(
    election_id: int,
    member_id: int,
    choices: Mapping[int, Sequence[str]],
    channel: str,
    contests: Iterable[int] | None = None,
    provisional_for: str = "",
    savepoint: bool = True,
) -> Receipt:
    """Store the ballots of member ``member_id`` in ``election_id``: ``choices`` maps a contest id
    to the names chosen (first preference first); a contest of theirs left out is an abstention.
    ``contests`` limits the deposit to those contests (an in-room poll); by default it covers every
    contest the member is on the roll of. Raises BallotError, storing nothing, if voting is not
    open, the member has voted already in one of them, is not on a contest's roll, or a ballot
    breaks its contest's marking. Call inside the channel's own transaction, if it has one; a
    channel whose transaction does nothing else after a refusal passes ``savepoint=False`` (two
    statements fewer: the refusal then rolls back the whole transaction).

    A provisional ballot (channel ``provisional``, ``provisional_for`` naming the pending case) is
    cast on contests the member is excluded from, and kept apart until ``admit_provisional`` or
    ``destroy_provisional``."""
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    provisional = channel == Channel.PROVISIONAL
    if provisional != bool(provisional_for):
        raise ValueError("a provisional ballot, and only a provisional one, names the case it waits on")
    now = timezone.now()
    with transaction.atomic(savepoint=savepoint), prepared.cursor() as cursor:
        db = cursor.db  # not django.db.connection, each of whose attributes is a lookup
        public, rows = _open_entries(cursor, election_id, member_id, provisional, contests, now)
        layouts = sorted(
            ((contest_marking(contest_id), pk, weight, college) for pk, contest_id, weight, college in rows),
            key=lambda layout: (layout[0][0].position, layout[0][0].pk),
        )
        if set(choices) - {contest.pk for (contest, _), *_ in layouts}:
            raise BallotError("You are not on the roll of one or more of the contests voted in.")
        entries = [pk for _, pk, _, _ in layouts]
        cursor.execute(
            MARK_VOTED + f"({', '.join(['%s'] * len(entries))})",
            [db.ops.adapt_datetimefield_value(now), channel, *entries],
        )
        if cursor.rowcount != len(layouts):
            raise BallotError("You have already voted in this election.")
        trackers, values = [], []
        region = _region_code(member_id) if any(c.results_by_region for (c, _), *_ in layouts) else ""
        for (contest, mark), _, weight, college in layouts:
            content = {"p": mark.check(choices.get(contest.pk, ())), "w": str(Fraction(weight)), "c": college}
            room = mark.candidates
            if contest.results_by_region:  # the region's code, in room enough for the longest code
                content["r"] = region
                room = [*room, "r" * REGION_CODE_ROOM]
            ciphertext = keys.seal(public, content, keys.pad_size(room))
            tracker = new_tracker()
            mac = box_mac(contest.pk, tracker, channel, ciphertext)
            trackers.append((contest, tracker))
            row_id = SealedBallot._meta.pk.get_db_prep_value(uuid.uuid4(), db)
            values += [row_id, contest.pk, tracker, channel, ciphertext, mac, provisional_for]
        cursor.execute(INSERT_SEALED + ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(trackers)), values)
    return Receipt(layouts[0][0][0].election, tuple(trackers))


PAPER_MARKS = (
    f"SELECT COUNT(*) FROM {RollEntry._meta.db_table} "
    "WHERE contest_id = %s AND eligible = %s AND voted_at IS NOT NULL AND channel = %s"
)
PAPER_BALLOTS = f"SELECT COUNT(*) FROM {SealedBallot._meta.db_table} WHERE contest_id = %s AND channel = %s"


def issue_paper(election_id: int, member_id: int, contest_id: int) -> tuple[Fraction, str]:
    """Mark member ``member_id`` as having voted in ``contest_id`` on paper: a paper ballot is
    handed to them, so they cannot vote another way. Returns the weight and college their
    paper carries (the caller hands them a paper of the stack of that weight and college);
    BallotError if voting is not open, they are not on the roll or have voted already. Call
    inside the caller's transaction."""
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        _, ((pk, _, weight, college),) = _open_entries(
            cursor, election_id, member_id, False, [contest_id], now
        )
        cursor.execute(
            MARK_VOTED + "(%s)", [connection.ops.adapt_datetimefield_value(now), Channel.PAPER, pk]
        )
        if cursor.rowcount != 1:  # read at the tellers' table
            raise BallotError(Words(gettext_noop("This delegate has voted already.")))
    return Fraction(weight), college


def deposit_paper(
    election_id: int, contest_id: int, weight: Fraction, college: str, names: Sequence[str]
) -> str:
    """Seal a paper ballot keyed in (``names``, first preference first) with the ``weight`` and
    ``college`` of its stack, linked to no voter; returns its tracker. BallotError if voting is
    not open or the paper is marked wrongly; BoxError if the contest would then hold more paper
    ballots than voters marked as given a paper (``issue_paper``)."""
    contest, mark = contest_marking(contest_id)
    if contest.results_by_region:
        raise BoxError(f"{contest.name}: a paper ballot carries no region, so it cannot go in this contest")
    content = {"p": mark.check(names), "w": str(Fraction(weight)), "c": college}
    with transaction.atomic(), connection.cursor() as cursor:
        public = _open_key(cursor, election_id, timezone.now())
        cursor.execute(PAPER_MARKS, [contest_id, True, Channel.PAPER])
        (issued,) = cursor.fetchone()
        cursor.execute(PAPER_BALLOTS, [contest_id, Channel.PAPER])
        (held,) = cursor.fetchone()
        if held >= issued:
            raise BoxError(
                f"{contest.name}: the box holds a paper ballot for each of the {issued} papers issued"
            )
        ciphertext = keys.seal(public, content, keys.pad_size(mark.candidates))
        tracker = new_tracker()
        row_id = SealedBallot._meta.pk.get_db_prep_value(uuid.uuid4(), connection)
        cursor.execute(
            INSERT_SEALED + "(%s, %s, %s, %s, %s, %s, %s)",
            [
                row_id,
                contest_id,
                tracker,
                Channel.PAPER,
                ciphertext,
                box_mac(contest_id, tracker, Channel.PAPER, ciphertext),
                "",
            ],
        )
    return tracker


def _region_code(member_id: int) -> str:
    """The code of the region of the member's unit ("" for a member with no unit)."""
    return Member.objects.filter(pk=member_id).values_list("unit__region__code", flat=True).first() or ""


def merged_regions(codes: Sequence[str], minimum: int) -> dict[str, str]:
    """Region code -> the label stored on its ballots: the region's name, or the names of the
    regions merged with it (``analysis.regions.merge_plan``) until each label has at least
    ``minimum`` ballots (a ballot's weight does not count: a card vote is one voter)."""
    names = dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))
    label = {code: names.get(code, NO_REGION) for code in set(codes)}
    sizes = Counter(label[c] for c in codes)
    cells = {name: " + ".join(group) for group in merge_plan(sizes, minimum) for name in group}
    return {code: cells[name] for code, name in label.items()}


def _digest_of(lines: Iterable[str]) -> str:
    """SHA-256 over a contest's digest lines (``opening.digest_line``) in sorted order, that is in
    tracker order: what the close record fixes."""
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line.encode())
    return h.hexdigest()


def _digest(rows: Iterable[tuple[str, str, bytes, str]]) -> str:
    """The digest of a contest's sealed ballots, as (tracker, channel, sealed, mac) rows."""
    return _digest_of(opening.digest_line(t, ch, hashlib.sha256(s).hexdigest(), m) for t, ch, s, m in rows)


def _sealed_rows(contest: Contest) -> list[tuple[str, str, bytes, str]]:
    """The contest's sealed ballots in the box (provisional ones waiting on a case are apart)."""
    return [row for batch in _sealed_batches(contest.pk) for row in batch]


SEALED_ROWS = (
    f"SELECT tracker, channel, sealed, mac FROM {SealedBallot._meta.db_table} "
    "WHERE contest_id = %s AND provisional_for = ''"
)


def _sealed_batches(contest_id: int) -> Iterator[list[tuple[str, str, bytes, str]]]:
    """The contest's sealed ballots in the box, ``WRITE_BATCH`` at a time; on PostgreSQL read by a
    server-side cursor in binary, so the ciphertexts do not travel as hex text."""
    if connection.vendor == "postgresql":
        with connection.connection.cursor(name="tallyroom_sealed", binary=True) as cursor:
            cursor.execute(SEALED_ROWS, [contest_id])
            while batch := cursor.fetchmany(WRITE_BATCH):
                yield batch
        return
    rows = SealedBallot.objects.filter(contest_id=contest_id, provisional_for="").values_list(
        "tracker", "channel", "sealed", "mac"
    )
    batch = []
    for tracker, channel, sealed, mac in rows.iterator(WRITE_BATCH):
        batch.append((tracker, channel, bytes(sealed), mac))
        if len(batch) == WRITE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def admit_provisional(case: str, member_id: int, user) -> int:
    """The case ``case`` of member ``member_id`` was upheld while voting is open: its provisional
    ballots join the box (the member must now be on those contests' rolls). Returns how many."""
    with transaction.atomic():
        waiting = list(
            SealedBallot.objects.select_for_update().filter(provisional_for=case).select_related("contest")
        )
        if not waiting:
            return 0
        election = _voting_is_open(waiting[0].contest.election_id)
        contests = [s.contest_id for s in waiting]
        on_roll = RollEntry.objects.filter(
            member_id=member_id,
            contest_id__in=contests,
            eligible=True,
            voted_at__isnull=False,
            channel=Channel.PROVISIONAL,
        )
        if on_roll.count() < len(set(contests)):
            raise BoxError(
                f"{case}: the member is not yet on the roll of every contest of their provisional ballot"
            )
        SealedBallot.objects.filter(provisional_for=case).update(provisional_for="")
        record(
            user, "ballotbox.admit_provisional", f"election:{election.pk}", case=case, ballots=len(waiting)
        )
    return len(waiting)


def destroy_provisional(case: str, user) -> int:
    """The case ``case`` was dismissed (or not decided by the close): its provisional ballots are
    deleted unread. Returns how many."""
    with transaction.atomic():
        gone = list(
            SealedBallot.objects.filter(provisional_for=case).values_list("contest__election_id", flat=True)
        )
        SealedBallot.objects.filter(provisional_for=case).delete()
        if gone:
            record(user, "ballotbox.destroy_provisional", f"election:{gone[0]}", case=case, ballots=len(gone))
    return len(gone)


def close(election: Election, user) -> list[ContestBox]:
    """Record what each contest's part of the box holds at the close, after deleting unread the
    provisional ballots whose case is still pending. Call in the closing transaction, with the
    election's row locked."""
    pending = SealedBallot.objects.filter(contest__election=election).exclude(provisional_for="")
    for case in sorted(set(pending.values_list("provisional_for", flat=True))):
        destroy_provisional(case, user)
    now = timezone.now()
    boxes = []
    for contest in election.contests.all():
        rows = _sealed_rows(contest)
        by_channel = Counter(ch for _, ch, _, _ in rows)
        given = RollEntry.objects.filter(
            contest=contest, eligible=True, voted_at__isnull=False, channel=Channel.PAPER
        ).count()
        boxes.append(
            ContestBox(
                contest=contest,
                sealed_count=len(rows),
                sealed_digest=_digest(rows),
                by_channel=dict(by_channel),
                papers_not_returned=given - by_channel[Channel.PAPER],
                closed_at=now,
            )
        )
    ContestBox.objects.bulk_create(boxes)
    record(
        user,
        "ballotbox.close",
        f"election:{election.pk}",
        contests={
            b.contest.slug: {
                "ballots": b.sealed_count,
                "sha256": b.sealed_digest,
                **({"papers_not_returned": b.papers_not_returned} if b.papers_not_returned else {}),
            }
            for b in boxes
        },
    )
    return boxes


def is_opened(election: Election) -> bool:
    return ContestBox.objects.filter(contest__election=election, opened_at__isnull=False).exists()


def _checked(box: ContestBox, found: opening.Opened) -> None:
    """BoxError unless the contest's sealed ballots (``found``, all its batches) are what was in
    the box at the close, each sealed by this server, and as many as the voters marked as having
    voted in it; ShareError if one of them does not open with the key."""
    name, held = box.contest.name, len(found.lines)
    if held != box.sealed_count:
        raise BoxError(
            Words(
                gettext_noop(
                    "%(name)s: the box holds %(held)s sealed ballots but held %(sealed)s at the close; "
                    "it has been tampered with, and is not opened"
                ),
                name=name,
                held=held,
                sealed=box.sealed_count,
            )
        )
    if _digest_of(found.lines) != box.sealed_digest:
        raise BoxError(
            Words(
                gettext_noop(
                    "%(name)s: the sealed ballots differ from those in the box at the close; not opened"
                ),
                name=name,
            )
        )
    if found.forged:
        raise BoxError(
            Words(
                gettext_noop(
                    "%(name)s: ballot %(tracker)s was not sealed by this server; the box is not opened"
                ),
                name=name,
                tracker=found.forged,
            )
        )
    marked = RollEntry.objects.filter(
        contest_id=box.contest_id, eligible=True, voted_at__isnull=False
    ).count()
    if marked != held + box.papers_not_returned:
        if box.papers_not_returned:
            why = gettext_noop(
                "%(name)s: %(marked)s voters are marked as having voted but the box holds %(held)s ballots"
                " and %(papers)s papers were not returned"
            )
        else:
            why = gettext_noop(
                "%(name)s: %(marked)s voters are marked as having voted but the box holds %(held)s ballots"
            )
        raise BoxError(Words(why, name=name, marked=marked, held=held, papers=box.papers_not_returned))
    if found.unreadable:
        raise keys.ShareError(keys.NOT_OPENED)


def shuffled(items: Sequence) -> list:
    """``items`` in a uniformly random order, all at once: each gets a 128-bit key from the
    operating system's CSPRNG (drawn again in the unlikely case two are equal) and they are
    sorted by key. One draw and one sort, where a Fisher-Yates shuffle from ``secrets`` would
    ask the operating system for randomness once per item."""
    n = len(items)
    while n > 1:
        drawn = np.frombuffer(secrets.token_bytes(16 * n), dtype=">u8").reshape(n, 2)
        order = np.lexsort((drawn[:, 1], drawn[:, 0]))
        ranked = drawn[order]
        if not (ranked[1:] == ranked[:-1]).all(axis=1).any():
            return [items[i] for i in order.tolist()]
    return list(items)


def _store(contest_id: int, ballots: Sequence[tuple[str, str, str, str]]) -> None:
    """Write a contest's opened ballots, (preferences as JSON, weight, college, region), in the
    order given: on PostgreSQL in one COPY statement (the ORM's per-row work would take most of the
    opening's time), elsewhere in batches."""
    if connection.vendor != "postgresql":
        Ballot.objects.bulk_create(
            (
                Ballot(contest_id=contest_id, preferences=json.loads(p), weight=w, college=c, region=r)
                for p, w, c, r in ballots
            ),
            batch_size=WRITE_BATCH,
        )
        return
    columns = "contest_id, preferences, weight, college, region"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {Ballot._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for p, w, c, r in ballots:
            copy.write_row((contest_id, p, w, c, r))


class _Openers:
    """Opens batches of sealed ballots: in this process for a small box, otherwise in worker
    processes (one a core, started afresh when first needed, each handed the key, and stopped
    at the end), keeping a few batches in flight and the results in order."""

    def __init__(self, private: bytes):
        self._private, self._mac_key = private, mac_key()
        self._pool, self._workers = None, os.cpu_count() or 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        self._pool = self._private = self._mac_key = None

    def opened(self, contest_id: int, batches: Iterable[list], total: int) -> Iterator[opening.Opened]:
        if total <= 2 * WRITE_BATCH:  # starting workers would cost more
            opener = opening.Opener(self._private, self._mac_key)
            yield from (opener(contest_id, batch) for batch in batches)
            return
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self._workers, opening.start_worker, (self._private, self._mac_key))
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(self._pool.apply_async(opening.open_in_worker, (contest_id, batch)))
            if len(in_flight) > 2 * self._workers:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


def open_box(
    election: Election,
    shares: Sequence[str],
    user,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Open the box of a closed election with ``shares`` (the trustees' share texts); returns the
    ballots opened per contest slug. Raises keys.ShareError for a share that is wrong and BoxError
    for a box that is not as it was at the close; in either case nothing is written.

    Every contest is opened and checked before anything is written; then each contest's whole
    box is shuffled at once (``shuffled``) and stored in that order."""
    private = bytes(keys.recover(public_key(election), shares))
    opened: dict[str, int] = {}
    with transaction.atomic(), _Openers(private) as openers:
        del private
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.state != Election.State.CLOSED:
            raise BoxError(
                Words(gettext_noop("%(name)s: the box is opened once voting has closed"), name=locked.name)
            )
        boxes = list(ContestBox.objects.filter(contest__election=locked).select_related("contest"))
        if not boxes or any(b.is_open for b in boxes):
            raise BoxError(
                Words(gettext_noop("%(name)s: the box has been opened already"), name=locked.name)
                if boxes
                else Words(gettext_noop("no box to open"))
            )
        total = sum(b.sealed_count for b in boxes)
        done = 0
        contents: dict[int, list[tuple[str, str, str, str]]] = {}
        for box in boxes:
            found = opening.Opened([], [])
            for part in openers.opened(box.contest_id, _sealed_batches(box.contest_id), box.sealed_count):
                found.lines += part.lines
                found.ballots += part.ballots
                found.forged = found.forged or part.forged
                found.unreadable = found.unreadable or part.unreadable
                done += len(part.lines)
                if progress:
                    progress(done, total)
            found.lines.sort()  # once: the digest's and the trackers' sorts then find them in order
            _checked(box, found)
            contents[box.contest_id] = found.ballots
            box.trackers = "\n".join(sorted(line.partition(":")[0] for line in found.lines))
            box.trackers_sha256 = hashlib.sha256(box.trackers.encode()).hexdigest()
        now = timezone.now()
        for box in boxes:
            ballots = contents.pop(box.contest_id)
            if box.contest.results_by_region:
                cell = merged_regions([r for _, _, _, r in ballots], box.contest.region_minimum)
                ballots = [(p, w, c, cell[r]) for p, w, c, r in ballots]
            ballots = shuffled(ballots)
            _store(box.contest_id, ballots)
            box.opened_at = now
            opened[box.contest.slug] = len(ballots)
        ContestBox.objects.bulk_update(boxes, ["trackers", "trackers_sha256", "opened_at"])
        SealedBallot.objects.filter(contest__election=locked).delete()
        record(
            user,
            "ballotbox.open",
            f"election:{locked.pk}",
            ballots=opened,
            trackers_sha256={b.contest.slug: b.trackers_sha256 for b in boxes},
        )
    if progress:
        progress(total, total)
    return opened


def count_input(contest: Contest) -> CountInput:
    """The contest's opened ballots for counting, weights exact. Candidates are in ballot order; a
    name found on ballots but no longer on the ballot (withdrawn after voting began) follows, in
    name order, and is passed as withdrawn. A contest decided by colleges (``college_shares``)
    keeps each ballot's college. Ballots are in a canonical order (by ranking, weight, college),
    so the published file says nothing of the order they were cast or stored in."""
    if not ContestBox.objects.filter(contest=contest, opened_at__isnull=False).exists():
        raise BoxError(
            Words(
                gettext_noop("%(name)s: the ballots are counted once the trustees have opened the box"),
                name=contest.name,
            )
        )
    rows = list(opened_ballots(contest))
    standing = ballot_candidates(contest)
    names = [c.name for c in standing]
    on_ballot = set(names)
    withdrawn = sorted({n for prefs, _, _ in rows for n in prefs} - on_ballot)
    names += withdrawn
    index = {name: i for i, name in enumerate(names)}
    ranked = sorted(([index[n] for n in prefs], Fraction(weight), college) for prefs, weight, college in rows)
    if contest.college_shares:  # decided by colleges: each ballot keeps its college
        colleges = sorted(contest.college_shares)
        ballots = Ballots.from_college_rankings(names, ranked, title=contest.name, colleges=colleges)
    else:
        ballots = Ballots.from_rankings(names, ((r, w) for r, w, _ in ranked), title=contest.name)
    ron = RON_NAME if contest.ron else None
    # the groups of those counted: one withdrawn before voting, on no ballot, is not among them
    groups = {name: g for name, g in contest.candidate_groups().items() if name in index}
    return CountInput(ballots, tuple(withdrawn), ron, groups)


def opened_ballots(contest: Contest) -> Iterator[tuple[list[str], str, str]]:
    """The contest's opened ballots as (names chosen, weight, college), in the stored (shuffled)
    order: for analyses that group them their own way (delegations by weight and college)."""
    return (
        Ballot.objects.filter(contest=contest).values_list("preferences", "weight", "college").iterator(5000)
    )


def papers_by_region(contest: Contest) -> dict[str, int]:
    """Ballot papers (a card vote is one voter) per region label of an opened contest."""
    rows = Ballot.objects.filter(contest=contest).values_list("region").annotate(n=Count("pk"))
    return dict(rows.values_list("region", "n"))


def has_provisional(case: str) -> bool:
    """Whether a provisional ballot waits in the box under ``case``."""
    return SealedBallot.objects.filter(provisional_for=case).exists()


def region_input(contest: Contest, candidates: Sequence[str]) -> dict[str, Ballots]:
    """A contest shown by region: its opened ballots by their region label (merged at the opening,
    each label with at least the contest's minimum of ballots), over ``candidates`` (the count's
    names, in its order), in the canonical order of ``count_input``."""
    if not contest.results_by_region:
        raise BoxError(
            Words(
                gettext_noop("%(name)s: the ballots do not carry regions (not turned on before voting)"),
                name=contest.name,
            )
        )
    index = {name: i for i, name in enumerate(candidates)}
    by_region: dict[str, list[tuple[list[int], Fraction]]] = defaultdict(list)
    rows = Ballot.objects.filter(contest=contest).values_list("region", "preferences", "weight")
    for region, prefs, weight in rows.iterator(5000):
        by_region[region].append(([index[n] for n in prefs], Fraction(weight)))
    return {
        region: Ballots.from_rankings(candidates, sorted(ranked), title=f"{contest.name}: {region}")
        for region, ranked in sorted(by_region.items())
    }
