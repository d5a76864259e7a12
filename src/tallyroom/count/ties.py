"""Tie rules stated before the count, applied in order until one candidate is chosen.

- ``backward``: look back through earlier stages, latest first, to the most recent stage at which
  the tied candidates' totals differed (the Scottish rule); those lowest there (for an exclusion)
  or highest (for an election or surplus order) stay in the tie.
- ``forward``: the same, looking from the first stage onwards ("ahead at first difference").
- ``order``: a given order of candidates, most favoured first; for an exclusion the least
  favoured goes, otherwise the most favoured is chosen.
- ``lot``: a draw from a seed published before the count. Draw ``k`` (1, 2, …) among candidates
  whose names sorted are ``n1 … nm`` takes index ``int(sha256(f"{seed}\\n{k}\\n" + "\\n".join(names)))
  mod m``. Same seed, same draws, on any machine; tallyroom publishes the seed with the result.

A tie that the rules leave unsettled (no ``lot`` and no ``order``) raises TieUnresolved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from fractions import Fraction

from tallyroom.stored_words import gettext_noop

from . import notes
from .result import Tie

# Shown by their names on a result sheet, so marked for translation there (see notes.py).
RULES = (gettext_noop("backward"), gettext_noop("forward"), gettext_noop("order"), gettext_noop("lot"))
PURPOSES = (gettext_noop("exclude"), gettext_noop("elect"), gettext_noop("surplus"), gettext_noop("seat"))


class TieUnresolved(ValueError):
    """The stated tie rules could not settle a tie."""


def check_rules(rules: Sequence[str]) -> None:
    """Raise ValueError naming the first of ``rules`` that is not a tie rule."""
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise ValueError(f"unknown tie rule {unknown[0]!r}; choose from {', '.join(RULES)}")


def lot_index(seed: str, draw: int, names: Sequence[str]) -> int:
    """The published draw: which of ``sorted(names)`` draw number ``draw`` takes."""
    text = f"{seed}\n{draw}\n" + "\n".join(names)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big") % len(names)


class TieBreaker:
    """Settles ties among candidates (by index) and records each as a Tie."""

    def __init__(
        self,
        candidates: Sequence[str],
        rules: Sequence[str] = ("backward", "lot"),
        seed: str | None = None,
        order: Sequence[str] | None = None,
    ):
        check_rules(rules)
        if "order" in rules and not order:
            raise ValueError("the 'order' tie rule needs an order of the candidates")
        unknown = sorted(set(order or ()) - set(candidates))
        if unknown or len(set(order or ())) != len(order or ()):
            raise ValueError(
                f"the tie order must name candidates once each; {', '.join(unknown) or 'a repeat'} is not"
            )
        self.candidates = list(candidates)
        self.rules = tuple(rules)
        self.seed = seed
        self.rank = {self.candidates.index(n): i for i, n in enumerate(order or ())}
        self.draws = 0

    def choose(
        self, tied: Sequence[int], purpose: str, history: Sequence[Sequence[Fraction | int]] = ()
    ) -> tuple[int, Tie | None]:
        """Pick one of ``tied``: the one to exclude (``purpose="exclude"``: lowest wins the tie-break)
        or to elect / take first. ``history`` lists earlier stages' totals, indexable by candidate,
        oldest first. Returns the candidate and the Tie to record (None if there was no tie)."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown tie purpose {purpose!r}")
        tied = sorted(set(tied))
        if len(tied) == 1:
            return tied[0], None
        pool = list(tied)
        lowest = purpose == "exclude"
        detail = []
        for rule in self.rules:
            if rule in ("backward", "forward"):
                stages = range(len(history) - 1, -1, -1) if rule == "backward" else range(len(history))
                for s in stages:
                    values = {c: history[s][c] for c in pool}
                    target = min(values.values()) if lowest else max(values.values())
                    narrowed = [c for c in pool if values[c] == target]
                    if len(narrowed) < len(pool):
                        detail.append(notes.TIE_STAGE % {"stage": s + 1})
                        pool = narrowed
                        if len(pool) == 1:
                            break
            elif rule == "order":
                unranked = [self.candidates[c] for c in pool if c not in self.rank]
                if unranked:
                    raise TieUnresolved(f"the tie order does not name {', '.join(unranked)}")
                pick = (max if lowest else min)(pool, key=lambda c: self.rank[c])
                pool = [pick]
            elif rule == "lot":
                if self.seed is None:
                    names = ", ".join(self.candidates[c] for c in pool)
                    raise TieUnresolved(f"a tie between {names} needs a lot: publish a tie seed and pass it")
                self.draws += 1
                names = sorted(self.candidates[c] for c in pool)
                drawn = names[lot_index(self.seed, self.draws, names)]
                detail.append(notes.TIE_LOT % {"draw": self.draws})
                pool = [self.candidates.index(drawn)]
            if len(pool) == 1:
                chosen = pool[0]
                return chosen, Tie(
                    candidates=[self.candidates[c] for c in tied],
                    purpose=purpose,
                    settled_by=rule,
                    chosen=self.candidates[chosen],
                    detail="; ".join(detail),
                )
        names = ", ".join(self.candidates[c] for c in pool)
        raise TieUnresolved(f"the tie rules {', '.join(self.rules)} leave {names} tied")
