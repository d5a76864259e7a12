"""The counting benchmark's parts on tiny polls: adapters, measured children, the whole run.

No timings are asserted: only that every figure is made and the winners are consistent.
"""

from __future__ import annotations

import importlib.util
import sys

import child
import numpy as np
import polls
import pytest
import rivals
import run

from tallyroom.count import Ballots, count
from tallyroom.formats.synthetic import profile

# A contest every variant decides alike, with wide margins: A, then C (2 seats); A alone (IRV).
HAND = [((0, 1), 40), ((2, 3, 1), 25), ((3, 2), 20), ((1, 0), 15), ((1, 3), 9)]
NAMES = ("A", "B", "C", "D")
INSTALLED = [lib for lib in rivals.ADAPTERS if importlib.util.find_spec(lib)]


def winners(library: str, ballots: Ballots, seats: int, method: str) -> list[str]:
    run_count, objects = rivals.ADAPTERS[library](*rivals.lists(ballots), seats, method)
    assert objects >= len(ballots.compressed()) - int((~ballots.marked()).sum())
    return sorted(run_count())


@pytest.mark.crosscheck
@pytest.mark.parametrize("library", INSTALLED)
def test_adapters_count_a_hand_made_contest(library):
    ballots = Ballots.from_rankings(NAMES, HAND)
    assert winners(library, ballots, 2, "stv") == ["A", "C"]
    assert winners(library, ballots, 1, "irv") == ["A"]


@pytest.mark.crosscheck
@pytest.mark.parametrize("library", INSTALLED)
def test_adapters_agree_with_tallyroom_on_a_synthetic_poll(library):
    ballots = profile(1500, 7, seed=11).compressed()
    assert winners(library, ballots, 3, "stv") == sorted(count(ballots, "scottish-stv", 3).elected)
    assert winners(library, ballots, 1, "irv") == sorted(count(ballots, "irv").elected)


def test_pyrankvote_is_given_one_ballot_per_paper():
    if "pyrankvote" not in INSTALLED:
        pytest.skip("pyrankvote is not installed")
    names, rankings, weights = rivals.lists(Ballots.from_rankings(NAMES, HAND))
    assert rivals.pyrankvote(names, rankings, weights, 2, "stv")[1] == sum(w for _, w in HAND)


def test_saved_polls_load_unchanged_and_prefixes_cut(tmp_path):
    poll = profile(500, 6, seed=3)
    polls.save(poll, tmp_path / "p.npz")
    back = polls.load(tmp_path / "p.npz")
    assert back.candidates == poll.candidates
    assert np.array_equal(back.rankings, poll.rankings) and np.array_equal(back.weights, poll.weights)
    small = polls.prefix(poll, 100)
    assert len(small) == 100 and np.array_equal(small.rankings, poll.rankings[:100])
    assert polls.distinct(poll) == len({poll.ranking(i) for i in range(len(poll))})


def test_a_child_is_stopped_at_its_budget():
    got = child.run([sys.executable, "-c", "import time; time.sleep(30)"], budget=0.5)
    assert not got.finished and got.seconds < 10


@pytest.mark.skipif(not child.GNU_TIME.exists(), reason="GNU time (Debian package time) is not installed")
def test_a_child_s_peak_memory_leaves_out_the_parent_s():
    held = np.ones(400 * 2**20 // 8)  # the parent holds 400 MB, as the bench holds the poll
    got = child.run([sys.executable, "-c", "pass"], budget=60)
    assert held.sum() > 0 and got.peak_mb < 100


@pytest.mark.skipif(not child.GNU_TIME.exists(), reason="GNU time (Debian package time) is not installed")
def test_a_child_reports_its_own_peak_memory_and_output():
    code = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('done')"
    got = child.run([sys.executable, "-c", code], budget=60)
    assert got.finished and got.returncode == 0 and got.stdout.strip() == "done"
    assert 300 <= got.peak_mb < 600


@pytest.mark.crosscheck
def test_the_whole_run_on_a_tiny_poll(capsys):
    fast = [lib for lib in ("pyrankvote", "stvpoll") if lib in INSTALLED]
    args = ["--ballots", "600", "--candidates", "6", "--seats", "2", "--sizes", "200", "--budget", "60"]
    assert run.main([*args, "--repeats", "1", "--libraries", ",".join(fast)]) == 0
    out = capsys.readouterr().out
    rows = [line.split("|")[1:-1] for line in out.splitlines() if line.startswith("| tallyroom |")]
    methods = {(r[1].strip(), r[2].strip()) for r in rows}
    assert {("scottish-stv", "200"), ("scottish-stv", "600"), ("irv", "200"), ("irv", "600")} <= methods
    assert all(r[3].strip() != "-" for r in rows), out
    cli = [line for line in out.splitlines() if line.startswith("| tallyroom CLI |")]
    assert len(cli) == 2 and all("same winners as the engine: yes" in line for line in cli), out
    theirs = [line for line in out.splitlines() if any(line.startswith(f"| {lib} |") for lib in fast)]
    assert len(theirs) == 4 * len(fast)
    assert all("| yes |" in line for line in theirs), out
    assert "## targets at 600 ballots" in out
    every = [
        line.split("|")[1].strip()
        for line in out.split("## every method on one file")[1].splitlines()
        if line.startswith("| ") and not line.startswith("| method")
    ]
    assert every == ["scottish-stv", "meek", "ers97"], out
    assert "one NumPy pass over the file" in out and "scottish-stv whole command <=" in out
