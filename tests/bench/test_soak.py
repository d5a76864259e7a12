"""bench/soak.py: its checks name each broken invariant, and a short soak (a gunicorn worker
killed with SIGKILL, its own PostgreSQL restarted as after a crash) keeps every invariant."""

import glob
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

with mock.patch.dict(os.environ):  # the benches set their defaults in the environment
    import pg_cluster
    import soak


def voted(code: str, trackers=(), outcome="acknowledged", cast_sent=True):
    ballot = soak.Ballot(0.0, code, outcome=outcome, cast_sent=cast_sent)
    ballot.trackers = [("Exec", t) for t in trackers]
    return ballot


def test_the_checks_name_each_broken_invariant():
    member = {"a": 1, "b": 2, "c": 3}
    ballots = [voted("a", ["T1"]), voted("b", ["T2"]), voted("c", outcome="answer lost")]
    used, marked, box = {1, 2, 3}, {"Exec": {1, 2, 3}}, {"Exec": ["T1", "T2", "T3"]}
    assert soak.violations(ballots, member, used, marked, box) == []

    doubled = {"Exec": ["T1", "T2", "T3", "T4"]}  # a re-submitted cast stored a second ballot
    assert soak.violations(ballots, member, used, marked, doubled) == [
        "Exec: the box holds 4 ballots, 3 voters marked"
    ]
    lost = {"Exec": ["T2", "T3", "T9"]}  # an acknowledged ballot replaced
    assert soak.violations(ballots, member, used, marked, lost) == [
        "Exec: 1 acknowledged ballots are not in the box"
    ]
    unmarked = {"Exec": {1, 2}}
    assert soak.violations(ballots, member, used, unmarked, box) == [
        "Exec: 1 voters' codes are used but they are not marked",
        "Exec: the box holds 3 ballots, 2 voters marked",
    ]
    assert soak.violations(ballots, member, {1, 2}, marked, box) == [
        "Exec: 1 voters are marked as having voted whose code is unused"
    ]
    never = [*ballots[:2], voted("c", outcome="gave up at /vote/ballot/", cast_sent=False)]
    assert soak.violations(never, member, used, marked, box) == [
        "1 codes are used whose voters never sent the cast"
    ]
    twice = {"Exec": ["T1", "T2", "T2"]}
    assert "Exec: 1 trackers are in the box more than once" in soak.violations(
        ballots, member, used, marked, twice
    )


@pytest.mark.slow
def test_a_short_soak_with_a_killed_worker_and_a_restarted_database_keeps_every_ballot():
    if pg_cluster.binaries() is None:
        pytest.skip("needs PostgreSQL's binaries: /usr/lib/postgresql/*/bin/initdb is missing")
    clusters = set(glob.glob("/tmp/tallyroom-pg-*"))
    args = ["--seconds", "20", "--rate", "4", "--voters", "6", "--workers", "2", "--window", "2"]
    done = subprocess.run(
        [sys.executable, str(BENCH / "soak.py"), *args], capture_output=True, text=True, timeout=400
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr[-3000:]
    assert re.search(r"fault: worker killed \(pid \d+\) at [\d.]+ s", out)
    assert "fault: postgres restarted (-m immediate)" in out
    assert "1 worker killed" in out  # gunicorn's master saw it
    after = re.search(r"^after +[\d.]+ +[\d.]+ +(\d+) +(\d+)", out, re.M)
    assert int(after.group(2)) > 0  # voters were served again after the restart
    assert "invariants hold" in out
    assert set(glob.glob("/tmp/tallyroom-pg-*")) <= clusters  # its cluster is gone
