"""The insider's attack on SQLite, performed on a copy of the database file: walk the plaintext
ballots in ``rowid`` order beside the voters in the order of their "has voted" marks. It must not
give each voter their ballot.

The election runs in a separate process on a file of its own (voter_process.py), so this runs
whatever database the rest of the suite uses; the parent reads the file with sqlite3 alone.
"""

import json
import sqlite3
from itertools import permutations

from . import voter_process

VOTERS = 13  # voter 0 votes only for the chair; voters 1-12 rank the Executive, each differently


def test_the_rowid_walk_does_not_follow_the_casting_order(tmp_path):
    path = tmp_path / "copy.sqlite3"
    url = f"sqlite:///{path}"
    built = voter_process.run(url, "build", str(VOTERS))
    stv, chair = str(built["contests"]["stv"]), str(built["contests"]["chair"])
    rankings = [list(p) for p in permutations(["Di", "Cy", "Bea", "Ada"], 3)][: VOTERS - 1]
    plan, truth = [], {}
    for i, (member, code) in enumerate(zip(built["members"], built["codes"], strict=True)):
        chosen = {chair: ["Ivy"]}
        if i:
            chosen[stv] = truth[member] = rankings[i - 1]
        plan.append([code, chosen])
    voter_process.run(url, "vote", json.dumps(plan))
    voter_process.run(url, "open", *built["shares"][1:])

    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM ballotbox_sealedballot").fetchone() == (0,)
    by_mark = [m for (m,) in db.execute(
        "SELECT member_id FROM roll_rollentry WHERE contest_id = ? AND voted_at IS NOT NULL "
        "ORDER BY voted_at, id", [stv]
    )]  # fmt: skip
    by_code = [m for (m,) in db.execute(
        "SELECT member_id FROM voting_ballotcode WHERE used_at IS NOT NULL AND member_id IN "
        f"({','.join('?' * len(truth))}) ORDER BY used_at, id", list(truth)
    )]  # fmt: skip
    assert by_mark == by_code == list(truth), "the marks give the casting order exactly"
    walk = [
        json.loads(p)
        for (p,) in db.execute(
            "SELECT preferences FROM ballotbox_ballot WHERE contest_id = ? ORDER BY rowid", [stv]
        )
    ]
    cast = [truth[m] for m in by_mark]
    assert sorted(walk) == sorted(cast) and len({tuple(r) for r in cast}) == VOTERS - 1
    # The rows were written in an order drawn from a CSPRNG: 12 distinct rankings walk in casting
    # order by chance once in 12! (4.8e8).
    assert walk != cast
