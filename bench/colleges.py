"""Counting a contest decided by electoral colleges: the engine's part of issue 10's target
"from the chair's close to the result under 10 s for an 8-seat STV contest with colleges".

    .venv/bin/python bench/colleges.py [--delegates 1000] [--candidates 20] [--seats 8] [--seed 10]

A conference from a seed: CLP delegates (weight 1) and affiliate delegates carrying card votes
shared among those present (fractions such as 183,217/7), colleges 50/50, Plackett-Luce
rankings. Prints, best of three, the seconds to build the Ballots, to scale the colleges
(``combine``) and to count by each STV method, with the combined scale and the elected.
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

from tallyroom.count import Ballots, count
from tallyroom.count.colleges import combine

TARGET_SECONDS = 10.0
METHODS = ("scottish-stv", "wigm", "ers97", "meek")


def conference(delegates: int, candidates: int, seed: int) -> list[tuple[tuple[int, ...], Fraction, str]]:
    """Three quarters CLP delegates, one quarter affiliate delegates in delegations of 1 to 12."""
    rng = random.Random(seed)
    strength = [rng.uniform(0.2, 3.0) for _ in range(candidates)]
    rows = []
    affiliates = delegates // 4
    while affiliates > 0:
        present = min(rng.randint(1, 12), affiliates)
        card = Fraction(rng.randint(5_000, 400_000), present)
        rows += [(_ranking(rng, strength), card, "Affiliates") for _ in range(present)]
        affiliates -= present
    rows += [(_ranking(rng, strength), Fraction(1), "CLP") for _ in range(delegates - len(rows))]
    return rows


def _ranking(rng: random.Random, strength: list[float]) -> tuple[int, ...]:
    left = list(range(len(strength)))
    out = []
    for _ in range(rng.randint(1, len(strength))):
        c = rng.choices(left, [strength[i] for i in left])[0]
        left.remove(c)
        out.append(c)
    return tuple(out)


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seats", type=int, default=8)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    rows = conference(args.delegates, args.candidates, args.seed)
    names = [f"Candidate {i + 1}" for i in range(args.candidates)]
    shares = {"CLP": Fraction(1, 2), "Affiliates": Fraction(1, 2)}
    build, ballots = best(lambda: Ballots.from_college_rankings(names, rows))
    scale, combination = best(lambda: combine(ballots, shares))
    print(
        f"{args.delegates} delegates, {len(ballots)} distinct (ranking, college) rows, "
        f"{args.candidates} candidates, {args.seats} seats, colleges 50/50"
    )
    print(f"combined valid poll (the scale): {combination.ballots.valid_poll}")
    print(f"build Ballots: {build:.4f} s   scale the colleges: {scale:.4f} s")
    for method in METHODS:
        seconds, result = best(
            lambda m=method: count(ballots, m, args.seats, college_shares=shares, tie_seed="bench")
        )
        verdict = "met" if build + seconds < TARGET_SECONDS else "NOT met"
        print(
            f"{method:>12}: {seconds:.4f} s, {len(result.stages)} stages; elected "
            f"{', '.join(n.split()[-1] for n in result.elected)}  (target {TARGET_SECONDS:.0f} s: {verdict})"
        )


if __name__ == "__main__":
    main()
