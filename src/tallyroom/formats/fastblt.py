"""The fast path for a BLT file's ballot lines: a tokenizer in C (``_bltscan.c``) reads them in
one pass, in ``PARTS`` parts at once.

A line it takes is ``weight pref ... 0``: a whole or decimal weight (``2.5``, ``.5``: below 2**53
with the point taken out, at most 18 places), perhaps a ballot id ``(…)`` (printable ASCII, no
spaces or commas) as the first or second token, preferences that are candidate numbers, none
twice, numbers separated by spaces, tabs or commas, lines ended by LF or CRLF. Any other line
(``-``, ``=``, a candidate twice, a blank line, a bad number) is handed with its line number to
``careful``, a function for one line (blt.py's careful parser), in order, so only the unusual
lines are read slowly and an error names its line. ``careful`` raises GiveUp where only a reading
of the whole file can say what a line means (a second ``0`` line, a late withdrawn line, a byte
that is not ASCII): then the fast path answers None.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from tallyroom.count.ballots import index_dtype

try:
    from . import _bltscan
except ImportError:  # a checkout whose extension was never compiled
    raise ImportError(
        "tallyroom.formats._bltscan (the BLT reader, in C) is not compiled: run `pip install -e .`"
    ) from None

PARTS = min(2, len(os.sched_getaffinity(0)))  # parts of the file read at once, one thread each
_MAX_PLACES = 18  # decimal places a weight may have here (10**18 < 2**63)

Careful = Callable[[bytes, int], "tuple[tuple[int, ...], str, bool] | None"]
"""``careful(line, lineno)``: ``(ranking, weight as written, cut)``, or None for a blank line."""


class GiveUp(Exception):
    """Raised (by ``careful``, or on a weight too long for 64 bits) where the file must be read
    whole by the careful parser."""


def parse_ballot_lines(
    data: bytes, start: int, stop: int, ncand: int, first_line: int, careful: Careful, last: bytes
) -> tuple[np.ndarray, np.ndarray, int, int, int, int] | None:
    """``(rankings, weights, denominator, truncated, next_line, end)`` of the ballot lines from
    ``start`` (line ``first_line``) to ``end``: the first line that is ``last`` (the ``0`` that
    ends them, CR and all), or else ``stop`` (where a line ``last`` starts); ``next_line`` is the
    number of the line at ``end``. One row per ballot line in order, ``weights / denominator``
    exact; None if there are none, or the fast path gives up."""
    if stop <= start or data[stop - 1 : stop] != b"\n":
        return None

    def numbered(line: bytes, lineno: int) -> tuple[tuple[int, ...], int, int, bool] | None:
        """``careful``'s answer with the weight as ``(numerator, decimal places)``."""
        read = careful(line, lineno)
        if read is None:
            return None
        ranking, weight, cut = read
        whole, _, fraction = weight.partition(".")
        number = int(whole + fraction)
        if number >= 2**63 or len(fraction) > _MAX_PLACES:
            raise GiveUp
        return ranking, number, len(fraction), cut

    dtype = index_dtype(ncand)
    try:
        grid, width, nums, places, rows, truncated, lines, end = _bltscan.scan(
            data, start, stop, ncand, first_line, numbered, dtype.itemsize, PARTS, last
        )
    except GiveUp:
        return None
    if not lines:
        return None
    rankings = np.frombuffer(grid, dtype=dtype).reshape(rows, width)
    nums, places = np.frombuffer(nums, dtype=np.int64), np.frombuffer(places, dtype=np.int8)
    most = int(places.max(initial=0))
    if most:  # each weight over the common denominator 10**most, a block at a time
        bound = 0.0
        for at in range(0, rows, 1 << 16):
            scale = 10 ** (most - places[at : at + (1 << 16)].astype(np.int64))
            bound += float(np.dot(nums[at : at + (1 << 16)], scale.astype(np.float64)))
            nums[at : at + (1 << 16)] *= scale
    else:
        bound = float(nums.sum(dtype=np.float64))
    if bound >= 2**62:
        return None  # the sums might not fit 64 bits: the careful parser says whether they do
    return rankings, nums, 10**most, truncated, first_line + lines, end
