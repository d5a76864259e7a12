"""Card votes: a delegation's vote shared equally among its delegates present, and the line
items that let anyone outside audit it.

    from tallyroom.conference.card_votes import Delegation, line_items_csv
    unite = Delegation("Unite", "Affiliates", card_vote=1000, present=3)
    unite.weight                      # Fraction(1000, 3): each present delegate's ballot weight
    line_items_csv([unite, ...])      # delegation, college, card vote, present, weight per delegate

Weights are exact fractions: ``tallyroom.count`` takes them as they are and scales each college
to its share (docs/methods/colleges.md).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from tallyroom.count.numbers import exact_str
from tallyroom.formats import spreadsheet


@dataclass(frozen=True)
class Delegation:
    """A delegation's card vote (its affiliated membership, or the figure the rules set) and how
    many of its delegates are present when the poll opens."""

    name: str
    college: str
    card_vote: int
    present: int

    def __post_init__(self):
        for field in ("card_vote", "present"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"{self.name}: {field.replace('_', ' ')} must be a whole number, not {value!r}"
                )

    @property
    def weight(self) -> Fraction | None:
        """Each present delegate's share of the card vote; None when no delegate is present (the
        delegation's vote is not cast)."""
        return Fraction(self.card_vote, self.present) if self.present else None


def line_items_csv(delegations: Iterable[Delegation]) -> str:
    """The published card vote's line items, one row per delegation: its college, card vote,
    delegates present and weight per delegate (exact: ``1000/3``; empty when none is present)."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["delegation", "college", "card_vote", "present", "weight_per_delegate"])
    for d in delegations:
        writer.writerow(
            [d.name, d.college, d.card_vote, d.present, "" if d.weight is None else exact_str(d.weight)]
        )
    return out.getvalue()


def identifying_weights(delegations: Iterable[Delegation]) -> dict[Fraction, str]:
    """Weights that only one delegation's delegates carry, with that delegation: published with
    the ballots, such a weight shows how that delegation voted (docs/conference.md)."""
    holders: dict[Fraction, set[str]] = {}
    for d in delegations:
        if d.weight is not None:
            holders.setdefault(d.weight, set()).add(d.name)
    return {w: next(iter(names)) for w, names in holders.items() if len(names) == 1}
