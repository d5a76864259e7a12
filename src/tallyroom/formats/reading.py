"""Reading a ballot file by its kind (BLT or CSV)."""

from __future__ import annotations

import re
from pathlib import Path

from .ballotfile import BallotFile
from .blt import parse_blt
from .csvballots import parse_csv_ballots

_BLT_HEADER = re.compile(rb"\s*\d+[\s,]+\d+\s*")


def read_ballots(path: str | Path) -> BallotFile:
    """Read a BLT or CSV ballot file, told apart by extension (``.blt``, ``.csv``) or, failing
    that, by its first line (a BLT header is two numbers)."""
    path = Path(path)
    data = path.read_bytes()
    kind = path.suffix.lower()
    if kind not in (".blt", ".csv"):
        first = next((line for line in data.lstrip(b"\xef\xbb\xbf").splitlines() if line.strip()), b"")
        kind = ".blt" if _BLT_HEADER.fullmatch(first) else ".csv"
    return parse_blt(data, str(path)) if kind == ".blt" else parse_csv_ballots(data, str(path))
