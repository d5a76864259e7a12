"""The analysis benchmarks (``bench/run.py analysis``), printed, never asserted:

1. a forecast's Monte Carlo: ``--simulations`` (10,000) exact Scottish STV counts of an 8-seat
   contest with 20 candidates in three slates, each of about 2,000 weighted ballots drawn by slate
   Plackett-Luce from canvass returns of 60 units (weights 1-4); target under 30 s;
2. an exact Banzhaf index of ``--delegations`` (700) weighted delegations, weights 1-150 (a
   delegation's delegates or card votes in hundreds), majority quota; target under 1 s; and the
   exact Shapley-Shubik index of the first 100 of them, for scale (no target).

    .venv/bin/python bench/run.py analysis [--simulations N] [--workers W] [--delegations N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from fractions import Fraction

import numpy as np

from tallyroom.analysis.forecast import Contest, Unit, forecast, simple_model
from tallyroom.analysis.power import banzhaf_swings, shapley_shubik

TARGETS = {"monte_carlo": 30.0, "banzhaf": 1.0}


def canvass(seed: int) -> list[Unit]:
    """60 units, about 2,000 voters in all at their turnouts, ballots weighing 1 to 4."""
    rng = np.random.default_rng(seed)
    units = []
    for i in range(60):
        units.append(
            Unit(
                f"Unit {i + 1:02d}",
                float(rng.uniform(0.6, 0.9)),
                int(rng.integers(0, 6)),
                Fraction(int(rng.integers(1, 5))),
                {
                    "Red": int(rng.integers(12, 27)),
                    "Blue": int(rng.integers(12, 27)),
                    "Green": int(rng.integers(2, 11)),
                },
            )
        )
    return units


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def monte_carlo(simulations: int, workers: int | None, seed: int) -> None:
    candidates = [f"Red {i + 1}" for i in range(8)] + [f"Blue {i + 1}" for i in range(8)]
    candidates += [f"Green {i + 1}" for i in range(4)]
    slates = {c: c.split()[0] for c in candidates}
    model = simple_model(candidates, slates, 0.8)
    units = canvass(seed)
    start = time.perf_counter()
    cpu = _cpu()
    f = forecast(model, units, Contest("scottish-stv", 8), simulations, seed, workers)
    wall = time.perf_counter() - start
    print(f"\n## Monte Carlo: {simulations:,} counts (scottish-stv, 8 seats, 20 candidates), seed {seed}")
    print(f"ballots per count: {f.mean_ballots:,.0f} (weighted 1-4); workers: {workers or os.cpu_count()}")
    used = _cpu() - cpu
    print(
        f"wall {wall:.2f} s ({wall / simulations * 1000:.2f} ms a count); CPU {used:.1f} s with the workers"
    )
    seats = {s: sum(k * v for k, v in d.items()) / simulations for s, d in f.seats.items()}
    print("mean seats by slate: " + ", ".join(f"{s} {v:.2f}" for s, v in seats.items()))
    scaled = wall * 10_000 / simulations
    ok = scaled <= TARGETS["monte_carlo"]
    note = "" if simulations == 10_000 else f" (ran {simulations:,}; scaled to 10,000: {scaled:.1f} s)"
    print(f"- target {TARGETS['monte_carlo']:.0f} s for 10,000 counts: {'MET' if ok else 'NOT MET'}{note}")


def banzhaf(n: int, seed: int, repeats: int = 3) -> None:
    rng = np.random.default_rng(seed)
    weights = [int(x) for x in rng.integers(1, 151, n)]
    quota = sum(weights) // 2 + 1
    times, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        swings = banzhaf_swings(weights, quota)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(f"\n## Exact Banzhaf: {n} delegations, weights 1-150 (total {sum(weights):,}), quota {quota:,}")
    print(
        f"best of {repeats}: {min(times):.3f} s wall, {min(cpus):.3f} s CPU "
        f"(all wall: {', '.join(f'{t:.3f}' for t in times)})"
    )
    top = max(range(n), key=lambda i: weights[i])
    print(
        f"heaviest ({weights[top]}): {swings[top].bit_length()}-bit swing count, "
        f"Penrose index {swings[top] / 2 ** (n - 1):.5f}"
    )
    ok = min(times) <= TARGETS["banzhaf"]
    print(f"- target {TARGETS['banzhaf']:.0f} s: {'MET' if ok else 'NOT MET'}")
    small = weights[:100]  # Shapley-Shubik costs n**2 q: shown at 100 delegations, no target
    start, cpu = time.perf_counter(), time.process_time()
    shapley_shubik(small, sum(small) // 2 + 1)
    print(
        f"Shapley-Shubik, the first 100 of them (exact, O(n^2 q)): {time.perf_counter() - start:.3f} s wall, "
        f"{time.process_time() - cpu:.3f} s CPU"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--simulations", type=int, default=10_000)
    p.add_argument("--workers", type=int, help="processes for the Monte Carlo (default: the cores)")
    p.add_argument("--delegations", type=int, default=700)
    p.add_argument("--seed", type=int, default=2024)
    args = p.parse_args(argv)
    print(
        f"# Analysis benchmarks: python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    )
    banzhaf(args.delegations, args.seed)
    monte_carlo(args.simulations, args.workers, args.seed)
    print("\nload average at the end {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
