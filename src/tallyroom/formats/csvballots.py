"""CSV ballots: one ballot per row, the candidates' names in order of preference.

    title,Regional board 2025   <- optional: the contest's title
    candidates,Ann SMITH,...    <- optional: every candidate, in the order results show them
    weight,1st,2nd,3rd          <- optional header: first cell ``weight`` or ``count``
    2,Ann SMITH,Bob JONES       <- weight 2 (whole, decimal or a fraction such as 1000/3), then the ranking
    1,Cat BROWN

Without a header, or with one whose first cell is ``ranking``, every cell is a name and each
row weighs 1. A header whose first cells are ``weight,college`` gives each row a weight, then its
electoral college's name, then the ranking (the colleges are taken in alphabetical order, as the
ballot box gives them, whatever order the rows come in). A row whose first cell is ``candidates``
lists every candidate, in the order results show them (it may come before or after the header); without it,
the candidates are the names ranked anywhere, in alphabetical order. A ``title`` row names the
contest (without one, the title is the file's name without its extension). Trailing empty cells
are ignored, as are rows with no name (without a weight column). A ballot counts up to its first
unusable preference, as in BLT: an empty cell before a name, or a name ranked again, ends it there.

``csv_ballots_text`` writes Ballots (colleges included) in this form; reading it back gives the
same Ballots, row for row, when their colleges are in alphabetical order (as the ballot box gives them).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tallyroom.count.ballots import PAD, Ballots
from tallyroom.count.numbers import exact_str

from .ballotfile import WEIGHT, BallotFile, clean_name, decode_text
from .errors import FormatError
from .files import write_atomic

_WEIGHTED = ("weight", "count")
_CSV_WEIGHT = re.compile(rf"{WEIGHT.pattern}|[0-9]+/0*[1-9][0-9]*")  # a fraction, too: a card vote of 1000/3


def read_csv_ballots(path: str | Path) -> BallotFile:
    """Read a CSV ballot file; FormatError names the file, line and problem."""
    return parse_csv_ballots(Path(path).read_bytes(), str(path))


def parse_csv_ballots(data: bytes, source: str = "<csv>") -> BallotFile:
    """Parse the bytes of a CSV ballot file; ``source`` names it in errors."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), strict=True)
    weighted: bool | None = None
    by_college = False
    declared: list[str] | None = None
    title: str | None = None
    rows: list[tuple[int, str, str | None, list[str]]] = []  # line, weight, college, names
    try:
        for raw in reader:
            line = reader.line_num
            cells = [clean_name(c) for c in raw]
            while cells and not cells[-1]:
                cells.pop()
            first = cells[0].casefold() if cells else ""
            if first == "candidates" and declared is None and not rows:
                declared = _declared(cells[1:], source, line)
            elif first == "title" and title is None and not rows:
                title = raw[1] if len(raw) > 1 else ""  # as written: it is published with the result
            elif weighted is None and not rows and first in (*_WEIGHTED, "ranking"):
                weighted = first in _WEIGHTED
                by_college = weighted and len(cells) > 1 and cells[1].casefold() == "college"
            elif weighted and cells:
                if not _CSV_WEIGHT.fullmatch(cells[0]):
                    raise FormatError(source, line, f"weight {cells[0]!r} is not a number")
                if by_college:
                    if len(cells) < 2 or not cells[1]:
                        raise FormatError(
                            source, line, "the row names no college (the header has a college column)"
                        )
                    rows.append((line, cells[0], cells[1], cells[2:]))
                else:
                    rows.append((line, cells[0], None, cells[1:]))
            elif any(cells):
                rows.append((line, "1", None, cells))
    except csv.Error as e:
        raise FormatError(source, reader.line_num, f"not CSV: {e}") from None
    names = declared or sorted({name for *_, cells in rows for name in cells if name})
    index = {name: i for i, name in enumerate(names)}
    ballots = []
    truncated = 0
    college_lines: dict[str, int] = {}
    for line, weight, college, cells in rows:
        ranking: list[int] = []
        for name in cells:
            if name and name not in index:
                raise FormatError(source, line, f"{name!r} is not a candidate (see the candidates row)")
            if not name or index[name] in ranking:  # a gap before a name, or a name again
                truncated += 1
                break
            ranking.append(index[name])
        ballots.append((ranking, weight, college))
        if college is not None:
            college_lines.setdefault(college, line)
    if not names:
        raise FormatError(source, None, "no ballots and no candidates")
    title = Path(source).stem if title is None else title
    try:
        if by_college:
            colleges = sorted(college_lines)
            merged = Ballots.from_college_rankings(names, ballots, title=title, colleges=colleges)
        else:
            merged = Ballots.from_rankings(names, [(r, w) for r, w, _ in ballots], title=title)
    except ValueError as e:
        raise FormatError(source, None, str(e)) from None
    return BallotFile(ballots=merged, truncated=truncated, college_lines=college_lines)


def csv_ballots_text(ballots: Ballots) -> str:
    """Ballots as a CSV ballot file: the title and candidates rows, a header (``weight,college``
    when the ballots carry colleges), then one row per distinct ranking, its weight exact
    (``1000/3`` where no decimal is)."""
    width = ballots.rankings.shape[1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["title", ballots.title])
    writer.writerow(["candidates", *ballots.candidates])
    labels = [str(p) for p in range(1, width + 1)]
    writer.writerow(["weight", "college", *labels] if ballots.colleges else ["weight", *labels])
    for i, row in enumerate(ballots.rankings.tolist()):
        college = [ballots.college_of(i)] if ballots.colleges else []
        names = [ballots.candidates[c] for c in row if c != PAD]
        writer.writerow([exact_str(ballots.weight(i)), *college, *names])
    return out.getvalue()


def write_csv_ballots(path: str | Path, ballots: Ballots) -> None:
    """Write ``csv_ballots_text`` to ``path`` whole or not at all."""
    write_atomic(path, csv_ballots_text(ballots))


def _declared(names: list[str], source: str, line: int) -> list[str]:
    if not all(names):
        raise FormatError(source, line, "the candidates row has an empty name")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise FormatError(source, line, f"candidate {twice[0]!r} is listed twice")
    if not names:
        raise FormatError(source, line, "the candidates row names no candidate")
    return names
