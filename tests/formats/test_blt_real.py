"""Every published Scottish BLT file reads, both parsers agree on it, and names match the
official sheets."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import numpy as np
import pytest

from tallyroom.formats import blt_text, parse_blt, read_blt_file
from tallyroom.formats.ballotfile import decode_text
from tallyroom.formats.blt import _parse_fast, _parse_lines

from .conftest import SCOTLAND

with open(SCOTLAND / "manifest.csv", encoding="utf-8") as _f:
    MANIFEST = list(csv.DictReader(_f))


def same(a, b) -> bool:
    """Two BallotFiles say the same: names, title, rankings (values, dtype, order), weights, seats."""
    return (
        a.ballots.candidates == b.ballots.candidates
        and a.ballots.title == b.ballots.title
        and a.ballots.rankings.dtype == b.ballots.rankings.dtype
        and np.array_equal(a.ballots.rankings, b.ballots.rankings)
        and np.array_equal(a.ballots.weights, b.ballots.weights)
        and a.ballots.denominator == b.ballots.denominator
        and (a.seats, a.withdrawn, a.parties, a.truncated) == (b.seats, b.withdrawn, b.parties, b.truncated)
    )


def test_the_data_is_all_there():
    assert len(MANIFEST) == 320
    assert len(list(SCOTLAND.glob("ballots/*/*.blt"))) == 320


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["ballots"].split("/")[-1])
def test_every_ward_reads_as_its_manifest_says(row):
    data = (SCOTLAND / row["ballots"]).read_bytes()
    fast = _parse_fast(data, row["ballots"])
    slow = _parse_lines(decode_text(data).split("\n"), row["ballots"])
    assert fast is not None, "a plain published file should take the fast path"
    assert same(fast, slow)
    assert fast.seats == int(row["seats"])
    assert len(fast.ballots.candidates) == int(row["candidates"])
    assert fast.ballots.total == int(row["ballots_cast"])
    assert len(fast.ballots) < fast.ballots.total, "repeated rankings are merged"
    assert len(set(map(tuple, fast.ballots.rankings.tolist()))) == len(fast.ballots)
    again = parse_blt(blt_text(fast.ballots, fast.seats, fast.withdrawn, fast.parties).encode(), "x")
    assert same(again, fast), "written and read back, the file says the same"


def test_2012_unquoted_names_match_the_official_sheet():
    """``Euan BLOCKLEY (C)``: the name without the party, as the declared sheet names them."""
    for ward in ("S13002919", "S13002921", "S13002922", "S13002923", "S13002924"):
        row = next(r for r in MANIFEST if r["ward_code"] == ward)
        blt = read_blt_file(SCOTLAND / row["ballots"])
        sheet = json.loads((SCOTLAND / row["official"]).read_text(encoding="utf-8"))["Constituency"]
        official = {f"{c['Firstname']} {c['Surname']}".casefold() for c in sheet["countGroup"]}
        assert {n.casefold() for n in blt.ballots.candidates} == official
        assert set(blt.parties) == set(blt.ballots.candidates)
        winners = row["official_winners"].split("; ")
        assert all(w in blt.ballots.candidates for w in winners)
        assert all(party and "(" not in party for party in blt.parties.values())


@pytest.mark.parametrize(
    "ballots, style",
    [
        ("ballots/2022/aberdeen_2022_ward10.blt", '"Jennifer STEWART ""Independent"""'),
        (
            "ballots/2022/aberdeenshire_2022_ward14.blt",
            '"Robbie WITHEY" "Scottish Conservative and Unionist"',
        ),
        ("ballots/2022/east_ayrshire_2022_ward1.blt", '"""John MCGHEE"" ""Scottish Labour Party"""'),
    ],
)
def test_2022_quoted_names_and_parties_match_the_official_sheet(ballots, style):
    assert style in (SCOTLAND / ballots).read_text(encoding="utf-8")
    row = next(r for r in MANIFEST if r["ballots"] == ballots)
    official = defaultdict(str)
    with open(SCOTLAND / "official/2022/council.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["map_ward_id"] == row["ward_code"]:
                official[r["name"].casefold()] = r["party_name"]
    blt = read_blt_file(SCOTLAND / ballots)
    assert sorted(n.casefold() for n in blt.ballots.candidates) == sorted(official)
    assert all('"' not in n for n in blt.ballots.candidates)
    assert all(blt.parties[n] for n in blt.ballots.candidates)
    assert blt.ballots.title and not blt.ballots.title.startswith('"')


def test_doubly_quoted_title_is_unquoted():
    blt = read_blt_file(SCOTLAND / "ballots/2022/east_renfrewshire_2022_ward5.blt")
    assert blt.ballots.title == "Ward 5 ‐ Newton Mearns South and Eaglesham"
    assert blt.parties["Andrew ANDERSON"] == "Scottish Labour Party"
