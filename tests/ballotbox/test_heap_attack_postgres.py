"""The insider's attack on PostgreSQL, performed: with a copy of every heap page of every table
(dead row versions included, read with ``pageinspect``), join the voters' "has voted" marks to the
plaintext ballots by transaction id, by physical order and by content. It must find nothing.

The join is real: it links each voter to the trackers of their *sealed* ballots (the test checks
that it does, so the attack is known to work), which is what a receipt shows anyway. It must not
reach the plaintext ballots, which are written at the opening, in one transaction, in an order
drawn from the operating system's CSPRNG.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import permutations

import pytest
from django.db import connection
from django.test import Client

from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.roll.models import RollEntry
from tallyroom.voting.codes import issued_codes
from tallyroom.voting.models import BallotCode

from .web import vote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 13  # voter 0 votes only for the chair; voters 1-12 rank the Executive, each differently


@dataclass(frozen=True)
class Tuple:
    """One heap tuple as the page holds it, live or dead."""

    table: str
    page: int
    lp: int
    xmin: int
    xmax: int
    data: bytes
    attrs: dict[str, bytes | None]


def tables() -> list[str]:
    """Every ordinary table of the database and the TOAST table behind each."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.relname FROM pg_class c LEFT JOIN pg_class t ON t.oid = c.reltoastrelid "
            "WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname"
        )
        rows = cursor.fetchall()
    return [name for row in rows for name in row if name]


def columns(table: str) -> list[str]:
    """Attribute names in attnum order (dropped ones too, as tuple_data_split counts them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 ORDER BY attnum",
            [f"pg_toast.{table}" if table.startswith("pg_toast_") else table],
        )
        return [name for (name,) in cursor.fetchall()]


def heap(table: str) -> list[Tuple]:
    """Every tuple on every page of ``table``: ``get_raw_page`` for each page below its size."""
    relation = f"pg_toast.{table}" if table.startswith("pg_toast_") else table
    names = columns(table)
    out = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [relation]
        )
        (pages,) = cursor.fetchone()
        for page in range(pages):
            cursor.execute(
                "SELECT lp, t_xmin::text::bigint, t_xmax::text::bigint, t_data, "
                "tuple_data_split(%s::regclass, t_data, t_infomask, t_infomask2, t_bits) "
                "FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_data IS NOT NULL",
                [relation, relation, page],
            )
            for lp, xmin, xmax, data, split in cursor.fetchall():
                attrs = dict(zip(names, [None if a is None else bytes(a) for a in split], strict=False))
                out.append(Tuple(table, page, lp, xmin, xmax, bytes(data), attrs))
    return out


def bigint(value: bytes) -> int:
    return int.from_bytes(value, "little", signed=True)


def varchar(value: bytes) -> str:
    """A short inline varlena (1-byte header), as trackers are stored."""
    assert value[0] & 1, "expected a short varlena"
    return value[1:].decode()


def encodings(ranking: list[str]) -> list[bytes]:
    """The ways a ranking's names lie in a page: jsonb keeps an array's strings back to back after
    its header; json keeps the text."""
    return [
        "".join(ranking).encode(),
        json.dumps(ranking).encode(),
        json.dumps(ranking, separators=(",", ":")).encode(),
    ]


def cast_in_order(election, contests, codes) -> tuple[list[list[str]], dict[int, list[str]]]:
    """Each voter, in membership order, votes through the web steps; voters 1-12 rank the
    Executive differently. Returns the Executive rankings in casting order and each voter's
    receipt trackers by member id."""
    rankings = [list(p) for p in permutations(["Ada", "Bea", "Cy", "Di"], 3)][: VOTERS - 1]
    cast_order, trackers = [], {}
    for i, (member_id, code) in enumerate(sorted(codes.items())):
        choices = {contests["chair"]: ["Hal" if i % 2 else "Ivy"]}
        if i:
            choices[contests["stv"]] = rankings[i - 1]
            cast_order.append(rankings[i - 1])
        if i > 1:
            choices[contests["block"]] = ["Eve", "Gus"] if i % 3 else ["Fay"]
        trackers[member_id] = vote(Client(), code, choices).trackers
    return cast_order, trackers


def test_no_heap_tuple_links_a_voter_to_a_plaintext_ballot(voting_election):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL with pageinspect: set DATABASE_URL=postgres://...")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        for table in tables():
            if not table.startswith("pg_toast_"):  # keep every dead version: the attacker's best case
                cursor.execute(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
    election, contests, members = voting_election(slug="heap", voters=VOTERS)
    codes = {m.pk: code for m, code in issued_codes(election)}
    cast_order, trackers = cast_in_order(election, contests, codes)
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])

    pages = {table: heap(table) for table in tables()}
    everything = [t for rows in pages.values() for t in rows]

    # The marks: every version of a voter's code with used_at set, or roll entry with voted_at set.
    marks: dict[int, set[int]] = defaultdict(set)
    for table, stamp in ((BallotCode._meta.db_table, "used_at"), (RollEntry._meta.db_table, "voted_at")):
        for t in pages[table]:
            if t.attrs[stamp] is not None:
                marks[bigint(t.attrs["member_id"])].add(t.xmin)
    assert set(marks) == set(codes), "every voter's mark is found on the heap"
    voter_xids = set().union(*marks.values())

    # The join works: through the xmin it links each voter to the trackers of their sealed ballots.
    sealed = pages[SealedBallot._meta.db_table]
    for member_id, xids in marks.items():
        linked = sorted(varchar(t.attrs["tracker"]) for t in sealed if t.xmin in xids)
        assert linked == sorted(trackers[member_id])
    assert all(t.xmax for t in sealed), "every sealed ballot is deleted at the opening"
    assert not SealedBallot.objects.exists()

    # It does not reach the plaintext ballots: they come from one later transaction alone.
    plain = pages[Ballot._meta.db_table]
    assert len(plain) == Ballot.objects.count() == VOTERS + (VOTERS - 1) + (VOTERS - 2)
    assert len({t.xmin for t in plain}) == 1
    assert not {t.xmin for t in plain} & voter_xids
    assert not {t.xmax for t in plain} & voter_xids

    # Physical order: the Executive's ballots in ctid order are not the casting order. The order
    # is a CSPRNG shuffle of 12 distinct rankings, so this fails by chance once in 12! (4.8e8).
    stv = contests["stv"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT preferences FROM {Ballot._meta.db_table} WHERE contest_id = %s ORDER BY ctid", [stv.pk]
        )
        stored = [json.loads(p) if isinstance(p, str) else p for (p,) in cursor.fetchall()]
    assert sorted(stored) == sorted(cast_order) and len({tuple(r) for r in cast_order}) == VOTERS - 1
    assert stored != cast_order

    # Content: each voter's ranking is on the heap in plaintext (the ballot table), but in no tuple
    # written by a voter's casting transaction, in any table.
    by_voter = dict(zip(sorted(codes)[1:], cast_order, strict=True))
    for member_id, ranking in by_voter.items():
        patterns = encodings(ranking)
        assert any(patterns[0] in t.data for t in plain), "the search finds plaintext where it is"
        written = [t for t in everything if t.xmin in marks[member_id]]
        assert written and not [t for t in written if any(p in t.data for p in patterns)]
