"""What a ballot file says, whichever format it is in, and the pieces every format reads with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tallyroom.count.ballots import Ballots

WEIGHT = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")  # a ballot's weight: whole or decimal, never negative


@dataclass(frozen=True)
class BallotFile:
    """The ballots and what the file says about the contest (``seats`` is None where the format
    has no place for it); ``truncated`` counts ballots cut at an unusable preference;
    ``college_lines`` gives the line where each college first appears (CSV with colleges)."""

    ballots: Ballots
    seats: int | None = None
    withdrawn: tuple[str, ...] = ()
    parties: dict[str, str] = field(default_factory=dict)
    truncated: int = 0
    college_lines: dict[str, int] = field(default_factory=dict)


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); a file that is not is taken as Windows-1252, as spreadsheets and
    older councils' exports write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clean_name(text: str) -> str:
    """A name with runs of spaces collapsed and the ends trimmed."""
    return " ".join(text.split())
