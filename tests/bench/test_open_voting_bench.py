"""bench/open_voting.py on a tiny membership: both elections open through a real worker, every
code is issued, and the figures and targets are printed (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "open_voting.py"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_the_bench_opens_both_elections_through_a_worker():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    out = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "1000"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    party, ballot = out.split("\nparty election\n")[1].split("\nmembers' ballot\n")
    figures = [
        {k.strip(): v for k, v in (line.rsplit(None, 1) for line in part.splitlines()[:12])}
        for part in (party, ballot)
    ]
    assert "629 eligible nationally, 125 of them in London" in out  # 402,476 and 80,238 scaled
    assert [f["codes issued"] for f in figures] == ["629", "1,000"]
    assert [f["state"] for f in figures] == ["done", "done"]
    assert "target request < 1 s:" in out and "target worker peak RSS < 300 MB:" in out
