"""The fast path for a BLT file's ballot lines: NumPy parses plain ``weight pref ... 0`` lines.

It takes only the common case: whole positive weights, preferences that are candidate numbers,
no candidate twice on a line, numbers separated by spaces, tabs or commas, lines ended by
LF or CRLF. Anything else
(ids, decimal weights, ``-`` or ``=``, a bad number) makes it answer None, and the careful
line-by-line parser in blt.py reads the file instead, so every error keeps its line number.
"""

from __future__ import annotations

import numpy as np

from tallyroom.count.ballots import PAD, index_dtype

CHUNK = 1 << 22  # bytes parsed at a time, which bounds the temporary arrays
_PLAIN = b"0123456789 \n"
_TO_SPACE = bytes.maketrans(b",\t", b"  ")
_MAX_WEIGHT = 2**53  # larger weights go the careful way, which checks them exactly


def parse_ballot_lines(section: bytes, ncand: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(rankings, weights)``, one row per line of ``section`` (which ends with a newline), or
    None if any line is not plain."""
    if not section.endswith(b"\n"):
        return None
    if section.translate(None, _PLAIN):
        section = section.replace(b"\r\n", b"\n").translate(_TO_SPACE)
        if section.translate(None, _PLAIN):
            return None
    pieces = []
    start = 0
    while start < len(section):
        end = section.find(b"\n", min(start + CHUNK, len(section) - 1)) + 1
        piece = _parse_chunk(section[start:end], ncand)
        if piece is None:
            return None
        pieces.append(piece)
        start = end
    if not pieces:
        return None
    width = max(r.shape[1] for r, _ in pieces)
    rankings = np.full((sum(len(w) for _, w in pieces), width), PAD, dtype=index_dtype(ncand))
    row = 0
    for r, _ in pieces:
        rankings[row : row + len(r), : r.shape[1]] = r
        row += len(r)
    return rankings, np.concatenate([w for _, w in pieces])


def _parse_chunk(text: bytes, ncand: int) -> tuple[np.ndarray, np.ndarray] | None:
    lines = text.count(b"\n")
    if text.count(b" 0\n") != lines:
        return None
    values = np.fromstring(text, dtype=np.int64, sep=" ")
    ends = np.flatnonzero(values == 0)
    if len(ends) != lines:  # a 0 weight or a 0 inside a line
        return None
    starts = np.empty(lines, dtype=np.intp)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    lengths = ends - starts - 1
    weights = values[starts]
    if lengths.min() < 0 or weights.max() >= _MAX_WEIGHT or lengths.max() > ncand:
        return None
    is_pref = np.ones(len(values), dtype=bool)
    is_pref[starts] = False
    is_pref[ends] = False
    prefs = values[is_pref] - 1
    if len(prefs) and (prefs.min() < 0 or prefs.max() >= ncand):
        return None
    seen = np.zeros((lines, ncand), dtype=bool)
    seen[np.repeat(np.arange(lines), lengths), prefs] = True
    if np.count_nonzero(seen) != len(prefs):  # a candidate twice on a line
        return None
    rankings = np.full((lines, int(lengths.max())), PAD, dtype=index_dtype(ncand))
    rankings[np.arange(rankings.shape[1]) < lengths[:, None]] = prefs  # row by row, in order
    return rankings, weights
