"""The analysis bench runs end to end on a small load (no timings asserted)."""

from __future__ import annotations

import analyses


def test_analysis_bench_prints_both_figures(capsys):
    assert analyses.main(["--simulations", "20", "--workers", "1", "--delegations", "40"]) == 0
    out = capsys.readouterr().out
    assert "## Exact Banzhaf: 40 delegations" in out
    assert "## Monte Carlo: 20 counts" in out and "scaled to 10,000" in out
    assert out.count("- target") == 2
