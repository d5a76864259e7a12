"""bench/staff_pages.py on a tiny membership: every URL pattern is either timed or listed as not
timed with its reason, no page fails, and the targets are printed (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_the_bench_times_every_page_of_the_url_conf():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    out = subprocess.run(
        [sys.executable, str(BENCH / "staff_pages.py"), "--sizes", "2000", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    sys.path.insert(0, str(BENCH))
    import staff_pages

    lines = out.splitlines()
    # the table's rows: phase (8), page (58), one size's figures (33), then the status (6)
    rows = [(x[9:67].strip(), int(x[102:108])) for x in lines if x.startswith(("voting ", "results "))]
    timed = {page.split(" (")[0] for page, _ in rows}
    skipped = {x.removeprefix("not timed: ").split(": ")[0] for x in lines if x.startswith("not timed: ")}
    names = {name for name, _ in staff_pages.patterns()}
    assert names <= timed | skipped, names - timed - skipped
    assert "no arguments known" not in out
    statuses = dict(rows)
    assert all(status < 500 for status in statuses.values()), statuses
    assert statuses["roll:contest"] == 200 and statuses["results:download"] == 200
    assert "target every export streamed: met" in out
    assert "target every staff page under 0.5 s at 2,000 members" in out
