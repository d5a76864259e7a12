"""Time an IRV count of 1,000,000 ballots over 30 candidates, mostly distinct rankings.

Rankings are drawn from a Plackett-Luce model (uneven candidate strengths, Gumbel keys) and cut at
random lengths, so most of the million are distinct. Prints the figures; run with
``.venv/bin/python bench/irv_1m.py [ballots] [candidates]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from tallyroom.count import Ballots, count
from tallyroom.count.ballots import PAD, index_dtype


def profile(n: int, m: int, seed: int = 2024) -> Ballots:
    rng = np.random.default_rng(seed)
    strength = np.log(rng.uniform(0.5, 3.0, m))
    keys = strength + rng.gumbel(size=(n, m))
    rankings = np.argsort(-keys, axis=1).astype(index_dtype(m))
    lengths = rng.integers(1, m + 1, n)
    rankings[np.arange(m) >= lengths[:, None]] = PAD
    return Ballots(tuple(f"C{i:02d}" for i in range(m)), rankings, np.ones(n, dtype=np.int64))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    t = time.perf_counter()
    ballots = profile(n, m)
    made = time.perf_counter() - t
    t = time.perf_counter()
    compressed = ballots.compressed()
    merged = time.perf_counter() - t
    print(f"{n:,} ballots, {m} candidates: made in {made:.2f} s; {len(compressed):,} distinct rankings")
    print(f"compressed() {merged:.2f} s")
    for label, b in (("as cast", ballots), ("compressed", compressed)):
        times, cpu = [], []
        for _ in range(5):
            t, c = time.perf_counter(), time.process_time()
            result = count(b, "irv", tie_seed="bench")
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(
            f"irv count ({label}): wall best {min(times):.3f} s, median {sorted(times)[2]:.3f} s;"
            f" CPU best {min(cpu):.3f} s (5 runs); {len(result.stages)} stages, elected {result.elected[0]}"
        )


if __name__ == "__main__":
    main()
