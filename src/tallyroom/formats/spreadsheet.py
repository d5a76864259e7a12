"""CSV for spreadsheets: cells a spreadsheet would run as a formula are written as text.

A cell beginning with ``= + - @``, a tab or a carriage return is read by Excel, LibreOffice and
Google Sheets as a formula (CSV injection), so ``writer`` prefixes such a cell with an
apostrophe, which spreadsheets show as text. A number (``-1.5``) is left as it is.

Every CSV the web app offers to open in a spreadsheet (roll, mail merge, result sheets, the
ballot list) goes through ``writer``. The files a recount reads back (``ballots.blt``,
``groups.csv``) are written verbatim instead, and stay safe because the staff forms refuse such
names at entry (candidates' names, groups and slates, by ``is_formula``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` as a formula."""
    return text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text)


def neutralise(cell: Any) -> Any:
    """``cell`` as a spreadsheet shows it as text: an apostrophe before a formula."""
    return "'" + cell if isinstance(cell, str) and is_formula(cell) else cell


class _Writer:
    def __init__(self, out, **kwargs):
        self._csv = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._csv.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _Writer:
    """A ``csv.writer`` on ``out`` whose rows have formulas neutralised."""
    return _Writer(out, **kwargs)
