"""The result of a count: every stage, every tie, and the JSON schema they are published in."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .numbers import decimal_str, exact_str

SCHEMA_VERSION = 1


@dataclass
class Tie:
    """A tie met during the count and how it was settled (by the rule stated before the count)."""

    candidates: list[str]
    purpose: str  # "exclude", "elect", "surplus" (which surplus first) or "seat"
    settled_by: str  # "backward", "forward", "lot" or "order"
    chosen: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidates": list(self.candidates),
            "purpose": self.purpose,
            "settled_by": self.settled_by,
            "chosen": self.chosen,
            "detail": self.detail,
        }


@dataclass
class Stage:
    """One stage of the count, its totals taken after that stage's transfer.

    ``non_transferable`` and ``loss`` are cumulative, so at every stage
    ``sum(totals) + non_transferable + loss == valid_poll``.
    """

    stage: int
    action: str  # "first", "surplus", "exclusion", "elect" or "count"
    subject: list[str]
    totals: dict[str, Fraction]
    non_transferable: Fraction = Fraction(0)
    loss: Fraction = Fraction(0)
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    transfer_value: Fraction | None = None
    note: str = ""

    def add_note(self, text: str) -> None:
        """Add ``text`` to the stage's note, after what it says already."""
        self.note = f"{self.note}; {text}" if self.note else text

    def to_dict(self, places: int) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "action": self.action,
            "subject": list(self.subject),
            "totals": {name: decimal_str(v, places) for name, v in self.totals.items()},
            "non_transferable": decimal_str(self.non_transferable, places),
            "loss": decimal_str(self.loss, places),
            "transfer_value": None
            if self.transfer_value is None
            else decimal_str(self.transfer_value, places),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "ties": [t.to_dict() for t in self.ties],
            "note": self.note,
        }


@dataclass(frozen=True)
class College:
    """One electoral college's part in a count decided by colleges (see colleges.py).

    ``valid_poll``, ``empty`` and ``votes`` are the college's own figures, in the weights its
    ballots were cast with; ``factor`` turns them into the counted weights, so the college's valid
    poll counts its share of the whole: ``valid_poll * factor == counted_share * result.valid_poll``.
    ``votes`` are each candidate's votes at the first stage (first preferences; for block and
    approval every mark that stage counts). ``counted_share`` is the share its votes counted for:
    ``share``, unless a college had no valid votes and its share went to the others (colleges.py)."""

    name: str
    share: Fraction
    valid_poll: Fraction
    empty: Fraction
    factor: Fraction
    votes: dict[str, Fraction]
    counted_share: Fraction | None = None

    def to_dict(self, places: int, candidates: list[str]) -> dict[str, Any]:
        return {
            "college": self.name,
            "share": exact_str(self.share),
            "valid_poll": exact_str(self.valid_poll),
            "empty": exact_str(self.empty),
            "factor": exact_str(self.factor),
            "votes": {name: exact_str(self.votes[name]) for name in candidates},
            "counted": {name: decimal_str(self.votes[name] * self.factor, places) for name in candidates},
            **(
                {"counted_share": exact_str(self.counted_share)}
                if self.counted_share is not None and self.counted_share != self.share
                else {}
            ),
        }


@dataclass
class Result:
    """What a count decided and how."""

    method: str
    seats: int
    candidates: list[str]
    valid_poll: Fraction
    places: int
    elected: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    quota: Fraction | None = None
    empty: Fraction = Fraction(0)
    withdrawn: list[str] = field(default_factory=list)
    ron: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    constraints: list[str] = field(default_factory=list)
    tie_seed: str | None = None
    title: str = ""
    colleges: list[College] = field(default_factory=list)

    @property
    def ties(self) -> list[Tie]:
        return [t for s in self.stages for t in s.ties]

    @property
    def seats_reopened(self) -> int:
        """Seats won by RON (re-open nominations): they are filled by a new election."""
        return int(self.ron is not None and self.ron in self.elected)

    def to_dict(self) -> dict[str, Any]:
        """The published JSON form (schema documented in docs/result-format.md)."""
        d = self.places
        published = {
            "schema": SCHEMA_VERSION,
            "title": self.title,
            "method": self.method,
            "options": dict(self.options),
            "seats": self.seats,
            "quota": None if self.quota is None else decimal_str(self.quota, d),
            "valid_poll": decimal_str(self.valid_poll, d),
            "empty": decimal_str(self.empty, d),
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "ron": self.ron,
            "constraints": list(self.constraints),
            "tie_seed": self.tie_seed,
            "elected": list(self.elected),
            "seats_reopened": self.seats_reopened,
            "stages": [s.to_dict(d) for s in self.stages],
        }
        if self.colleges:  # only a count decided by colleges has the key
            published["colleges"] = [c.to_dict(d, self.candidates) for c in self.colleges]
        return published
