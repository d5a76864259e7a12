"""CSV ballots: one ballot per row, the candidates' names in order of preference.

    weight,1st,2nd,3rd          <- optional header: first cell ``weight`` or ``count``
    2,Ann SMITH,Bob JONES       <- weight 2 (whole or decimal), then the ranking
    1,Cat BROWN

Without a header, or with one whose first cell is ``ranking``, every cell is a name and each
row weighs 1. A row whose first cell is ``candidates`` lists every candidate, in the order
results show them (it may come before or after the header); without it, the candidates are the
names ranked anywhere, in alphabetical order. Trailing empty cells are ignored, as are rows with
no name (without a weight column). A ballot counts up to its first unusable preference, as in
BLT: an empty cell before a name, or a name ranked again, ends it there.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tallyroom.count.ballots import Ballots

from .ballotfile import WEIGHT, BallotFile, clean_name, decode_text
from .errors import FormatError

_WEIGHTED = ("weight", "count")


def read_csv_ballots(path: str | Path) -> BallotFile:
    """Read a CSV ballot file; FormatError names the file, line and problem."""
    return parse_csv_ballots(Path(path).read_bytes(), str(path))


def parse_csv_ballots(data: bytes, source: str = "<csv>") -> BallotFile:
    """Parse the bytes of a CSV ballot file; ``source`` names it in errors."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), strict=True)
    weighted: bool | None = None
    declared: list[str] | None = None
    rows: list[tuple[int, str, list[str]]] = []
    try:
        for cells in reader:
            line = reader.line_num
            cells = [clean_name(c) for c in cells]
            while cells and not cells[-1]:
                cells.pop()
            first = cells[0].casefold() if cells else ""
            if first == "candidates" and declared is None and not rows:
                declared = _declared(cells[1:], source, line)
            elif weighted is None and not rows and first in (*_WEIGHTED, "ranking"):
                weighted = first in _WEIGHTED
            elif weighted and cells:
                if not WEIGHT.fullmatch(cells[0]):
                    raise FormatError(source, line, f"weight {cells[0]!r} is not a number")
                rows.append((line, cells[0], cells[1:]))
            elif any(cells):
                rows.append((line, "1", cells))
    except csv.Error as e:
        raise FormatError(source, reader.line_num, f"not CSV: {e}") from None
    names = declared or sorted({name for _, _, cells in rows for name in cells if name})
    index = {name: i for i, name in enumerate(names)}
    ballots = []
    truncated = 0
    for line, weight, cells in rows:
        ranking: list[int] = []
        for name in cells:
            if name and name not in index:
                raise FormatError(source, line, f"{name!r} is not a candidate (see the candidates row)")
            if not name or index[name] in ranking:  # a gap before a name, or a name again
                truncated += 1
                break
            ranking.append(index[name])
        ballots.append((ranking, weight))
    if not names:
        raise FormatError(source, None, "no ballots and no candidates")
    try:
        merged = Ballots.from_rankings(names, ballots, title=Path(source).stem)
    except ValueError as e:
        raise FormatError(source, None, str(e)) from None
    return BallotFile(ballots=merged, truncated=truncated)


def _declared(names: list[str], source: str, line: int) -> list[str]:
    if not all(names):
        raise FormatError(source, line, "the candidates row has an empty name")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise FormatError(source, line, f"candidate {twice[0]!r} is listed twice")
    if not names:
        raise FormatError(source, line, "the candidates row names no candidate")
    return names
