"""The fast path for a BLT file's ballot lines: NumPy parses plain ``weight pref ... 0`` lines.

It takes only the common case: at most 58 candidates, whole positive weights, preferences that
are candidate numbers, no candidate twice on a line, numbers separated by spaces, tabs or
commas, lines ended by LF or CRLF. Anything else (ids, decimal weights, ``-`` or ``=``, a bad
number) makes it answer None, and the careful line-by-line parser in blt.py reads the file
instead, so every error keeps its line number.
"""

from __future__ import annotations

import numpy as np

from tallyroom.count.ballots import PAD, index_dtype

CHUNK = 1 << 20  # bytes parsed at a time, which bounds the temporary arrays
_PLAIN = b"0123456789 \n"
_TO_SPACE = bytes.maketrans(b",\t", b"  ")
MAX_CANDIDATES = 58  # the duplicate test sums 1 << number per line in 64 bits
_MAX_WEIGHT = 2**53  # larger weights go the careful way, which checks them exactly


def parse_ballot_lines(
    data: bytes, start: int, stop: int, ncand: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """``(rankings, weights)``, one row per line of ``data[start:stop]`` (which ends with a
    newline), or None if any line is not plain. Read a chunk at a time, not copied whole."""
    if data[stop - 1 : stop] != b"\n" or ncand > MAX_CANDIDATES:
        return None
    pieces = []
    while start < stop:
        end = data.find(b"\n", min(start + CHUNK, stop - 1), stop) + 1
        piece = _parse_chunk(data[start:end], ncand)
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
    if text.translate(None, _PLAIN):
        text = text.replace(b"\r\n", b"\n").translate(_TO_SPACE)
        if text.translate(None, _PLAIN):
            return None
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
    if lengths.min() < 0 or lengths.max() > ncand:
        return None
    weights = values[starts]
    values[starts] = 0  # now each line is 0, its preferences, 0
    if weights.max() >= _MAX_WEIGHT or values.max() > ncand:
        return None
    # A candidate twice on a line: the sum of the lines' bits 1 << number exceeds their union.
    bits = np.left_shift(np.uint64(1), values.view(np.uint64))
    if not np.array_equal(np.add.reduceat(bits, starts) - np.uint64(1), np.bitwise_or.reduceat(bits, starts)):
        return None
    # Each line into one row of a zeroed grid; less 1, candidate numbers become indexes and the
    # zeros around and after them PAD.
    width = int(lengths.max())
    grid = np.zeros((lines, width + 2), dtype=index_dtype(ncand))
    grid[np.arange(width + 2) < lengths[:, None] + 2] = values
    return grid[:, 1 : width + 1] - 1, weights
