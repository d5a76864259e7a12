"""Synthetic ballots for benchmarks: a Plackett-Luce profile written as a BLT file.

    .venv/bin/python -m tallyroom.formats.synthetic big.blt --ballots 1000000 --candidates 30

Candidates have uneven strengths; each ballot ranks them by strength plus Gumbel noise and stops
at a random length, so with many candidates most rankings are distinct. Each ballot is its own
line of weight 1 (BLT files from a ballot box are written so). Same seed, same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from tallyroom.count.ballots import PAD, Ballots, index_dtype

from .blt import write_blt


def profile(nballots: int, ncand: int, seed: int = 2024, min_length: int = 1) -> Ballots:
    """``nballots`` ballots over ``ncand`` candidates named ``C01``, ``C02``..., not merged, each
    of a length drawn uniformly from ``min_length`` to ``ncand``."""
    rng = np.random.default_rng(seed)
    strength = np.log(rng.uniform(0.5, 3.0, ncand))
    rankings = np.empty((nballots, ncand), dtype=index_dtype(ncand))
    for lo in range(0, nballots, 100_000):  # in blocks, to bound the float temporaries
        hi = min(lo + 100_000, nballots)
        rankings[lo:hi] = np.argsort(-(strength + rng.gumbel(size=(hi - lo, ncand))), axis=1)
    lengths = rng.integers(min_length, ncand + 1, nballots)
    rankings[np.arange(ncand) >= lengths[:, None]] = PAD
    names = tuple(f"C{i + 1:02d}" for i in range(ncand))
    return Ballots(names, rankings, np.ones(nballots, dtype=np.int64), title="Synthetic election")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    write_blt(args.path, profile(args.ballots, args.candidates, args.seed), args.seats)


if __name__ == "__main__":
    main()
