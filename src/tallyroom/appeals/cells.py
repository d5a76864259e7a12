"""CSV cells a spreadsheet would run as a formula (``= + - @``, a tab, a carriage return at the
start, and not a number) written with a leading apostrophe, so they show as text.

A stand-in for the shared helper the hardening work adds (``tallyroom.formats.spreadsheet``),
with the same ``writer``; once that is on main, this module goes."""

from __future__ import annotations

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise(cell):
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class _Writer:
    def __init__(self, out, **kwargs):
        self._csv = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._csv.writerow([neutralise(cell) for cell in row])


def writer(out, **kwargs) -> _Writer:
    """A ``csv.writer`` on ``out`` whose rows have formulas neutralised."""
    return _Writer(out, **kwargs)
