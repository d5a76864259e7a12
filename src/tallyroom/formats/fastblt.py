"""The fast path for a BLT file's ballot lines: NumPy parses them a megabyte at a time.

A line it takes is ``weight pref ... 0``: a whole or decimal weight (``2.5``, below 2**53 with the
point taken out), perhaps a ballot id ``(…)`` before or after it, preferences that are candidate
numbers, none twice, numbers separated by spaces, tabs or commas, lines ended by LF or CRLF. Any
other line (``-``, ``=``, a candidate twice, a blank line, a bad number) is handed with its line
number to ``careful``, a function for one line (blt.py's careful parser), so only the unusual
lines are read slowly and an error names its line. ``careful`` raises GiveUp where only a reading
of the whole file can say what a line means (a second ``0`` line, a late withdrawn line, a byte
that is not ASCII): then the fast path answers None.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tallyroom.count.ballots import PAD, index_dtype

CHUNK = 1 << 20  # bytes parsed at a time, which bounds the temporary arrays
_PLAIN = b"0123456789 \n"
_TO_SPACE = bytes.maketrans(b",\t", b"  ")
_MAX_WEIGHT = 2**53  # larger weights go the careful way, which reads them exactly
_MAX_PLACES = 18  # decimal places a weight may have here (10**18 < 2**63)
_NL, _SP, _DOT, _OPEN, _CLOSE, _ZERO, _NINE = b"\n .()09"
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[list(b"0123456789")] = True

Careful = Callable[[bytes, int], "tuple[tuple[int, ...], str, bool] | None"]
"""``careful(line, lineno)``: ``(ranking, weight as written, cut)``, or None for a blank line."""


class GiveUp(Exception):
    """Raised (by ``careful``, or on a weight too long for 64 bits) where the file must be read
    whole by the careful parser."""


def parse_ballot_lines(
    data: bytes, start: int, stop: int, ncand: int, first_line: int, careful: Careful
) -> tuple[np.ndarray, np.ndarray, int, int, int] | None:
    """``(rankings, weights, denominator, truncated, next_line)`` of the lines of
    ``data[start:stop]`` (which ends with a newline; its first line is line ``first_line``, and
    ``next_line`` the one after it), one row per ballot line in order, ``weights / denominator``
    exact; None if the fast path gives up."""
    lines = data.count(b"\n", start, stop)
    if data[stop - 1 : stop] != b"\n" or not lines:
        return None
    dtype = index_dtype(ncand)
    rankings = np.full((lines, 0), PAD, dtype=dtype)  # widened as wider rankings come
    nums = np.empty(lines, dtype=np.int64)
    places = np.empty(lines, dtype=np.int8)
    row = truncated = 0
    try:
        while start < stop:
            end = data.find(b"\n", min(start + CHUNK, stop - 1), stop) + 1
            r, n, p, chunk_lines, cut = _chunk(data[start:end], ncand, first_line, careful)
            if r.shape[1] > rankings.shape[1]:
                wider = np.full((lines, r.shape[1]), PAD, dtype=dtype)
                wider[:row, : rankings.shape[1]] = rankings[:row]
                rankings = wider
            rankings[row : row + len(r), : r.shape[1]] = r
            nums[row : row + len(r)] = n
            places[row : row + len(r)] = p
            row += len(r)
            truncated += cut
            first_line += chunk_lines
            start = end
    except GiveUp:
        return None
    nums, places = nums[:row], places[:row]
    most = int(places.max(initial=0))
    if most:  # each weight over the common denominator 10**most, a block at a time
        bound = 0.0
        for at in range(0, row, 1 << 16):
            scale = 10 ** (most - places[at : at + (1 << 16)].astype(np.int64))
            bound += float(np.dot(nums[at : at + (1 << 16)], scale.astype(np.float64)))
            nums[at : at + (1 << 16)] *= scale
    else:
        bound = float(nums.sum(dtype=np.float64))
    if bound >= 2**62:
        return None  # the sums might not fit 64 bits: the careful parser says whether they do
    return rankings[:row], nums, 10**most, truncated, first_line


def _chunk(text: bytes, ncand: int, first_line: int, careful: Careful):
    """``(rankings, numerators, decimal places, lines, truncated)`` of the whole lines ``text``."""
    rows, rankings, nums, places, odd = _parse_plain(text, ncand)
    if not len(odd):
        return rankings, nums, places, len(rows), 0
    lines = text.split(b"\n")
    read = {}
    for i in odd.tolist():
        read[i] = careful(lines[i], first_line + i)
    width = max([rankings.shape[1]] + [len(r[0]) for r in read.values() if r])
    total = len(rows) + len(odd)
    all_rankings = np.full((total, width), PAD, dtype=rankings.dtype)
    all_rankings[rows, : rankings.shape[1]] = rankings
    all_nums = np.zeros(total, dtype=np.int64)
    all_nums[rows] = nums
    all_places = np.zeros(total, dtype=np.int8)
    all_places[rows] = places
    keep = np.ones(total, dtype=bool)
    truncated = 0
    for i, line in read.items():
        if line is None:  # blank
            keep[i] = False
            continue
        ranking, weight, cut = line
        whole, _, fraction = weight.partition(".")
        number = int(whole + fraction)
        if number >= 2**63 or len(fraction) > _MAX_PLACES:
            raise GiveUp
        all_rankings[i, : len(ranking)] = ranking
        all_nums[i] = number
        all_places[i] = len(fraction)
        truncated += cut
    return all_rankings[keep], all_nums[keep], all_places[keep], total, truncated


def _parse_plain(text: bytes, ncand: int):
    """``(rows, rankings, numerators, decimal places, odd)``: the lines parsed here (their
    indexes in ``text``) and the indexes of the lines left for the careful parser."""
    if text.translate(None, _PLAIN):
        if b"\r" in text:
            text = text.replace(b"\r\n", b"\n")
        if b"," in text or b"\t" in text:
            text = text.translate(_TO_SPACE)
    buf = np.frombuffer(text, dtype=np.uint8)
    lines = text.count(b"\n")
    odd = np.zeros(lines, dtype=bool)
    places = np.zeros(lines, dtype=np.int8)
    if text.translate(None, _PLAIN):
        ends = np.flatnonzero(buf == _NL)
        lengths = np.diff(ends, prepend=-1)
        some = np.unique(np.searchsorted(ends, np.flatnonzero(_other(buf))))
        if len(some) == len(ends):
            drop = _ids_and_points(buf, ends, odd, places)
        else:  # only the lines with something more than numbers are looked into
            at = _ranges(ends[some] - lengths[some] + 1, lengths[some])
            part_odd, part_places = odd[some], places[some]
            drop = at[_ids_and_points(buf[at], np.cumsum(lengths[some]) - 1, part_odd, part_places)]
            odd[some], places[some] = part_odd, part_places
        keep = np.repeat(~odd, lengths)
        keep[drop] = False
        buf = buf[keep]
        text = buf.tobytes()
    rows = np.flatnonzero(~odd)
    places = places[rows]
    values = _numbers(buf)
    zeros = np.flatnonzero(values == 0)
    plain = len(zeros) == len(rows) and text.count(b" 0\n") == len(rows)
    if plain:  # each line's one 0 ends it
        ntok = np.diff(zeros, prepend=-1)
        good = np.ones(len(rows), dtype=bool)
    else:  # a 0 weight, a 0 inside a line, a line not ended by 0: count the numbers on each line
        nl = np.flatnonzero(buf == _NL)
        ntok = np.diff(np.searchsorted(_token_starts(buf), nl), prepend=0)
        if ntok.sum() != len(values):
            raise GiveUp  # cannot happen with only digits, spaces and newlines left
        good = (buf.take(nl - 1, mode="clip") == _ZERO) & (buf.take(nl - 2, mode="clip") == _SP)
    good &= (ntok >= 2) & (ntok <= ncand + 2)
    values, ntok, rows, places = _keep(good, values, ntok, rows, places)
    first = np.cumsum(ntok) - ntok
    weights = values[first].astype(np.int64)
    values[first] = 0  # now each line is 0, its preferences, 0
    good = np.ones(len(first), dtype=bool)
    if len(first):
        good &= (weights < _MAX_WEIGHT) & (np.maximum.reduceat(values, first) <= ncand)
        if not plain:  # no 0 but the two ends
            good &= np.add.reduceat(values == 0, first, dtype=np.int32) == 2
        # A candidate twice on a line: fewer distinct numbers (bits set) than numbers.
        word = np.uint32 if ncand < 32 else np.uint64
        bits = np.left_shift(word(1), (values & 63 if ncand >= 64 else values).astype(word))
        distinct = np.zeros(len(first), dtype=np.int64)
        for block in range(ncand // 64 + 1):
            in_block = np.where(values >> 6 == block, bits, np.uint64(0)) if ncand >= 64 else bits
            distinct += np.bitwise_count(np.bitwise_or.reduceat(in_block, first))
        good &= distinct == ntok - 1
    # Each line into one row of a zeroed grid; less 1, candidate numbers become indexes and the
    # zeros around and after them PAD. Lines found bad here are dropped from the grid.
    grid = np.zeros((len(ntok), int(ntok.max(initial=2))), dtype=index_dtype(ncand))
    grid[np.arange(grid.shape[1]) < ntok[:, None]] = values
    if not good.all():
        grid, ntok, weights, rows, places = grid[good], ntok[good], weights[good], rows[good], places[good]
    width = int(ntok.max(initial=2))
    odd = np.ones(lines, dtype=bool)
    odd[rows] = False
    return rows, grid[:, 1 : width - 1] - 1, weights, places, np.flatnonzero(odd)


def _numbers(buf: np.ndarray) -> np.ndarray:
    """The whole numbers in ``buf`` (digits, spaces and newlines only, ending with a newline), in
    order: read two digits at a time in NumPy where none is longer (candidate numbers below 100,
    weights below 100; then as int16), else by np.fromstring (int64)."""
    digit = buf > _SP
    if (digit[:-2] & digit[1:-1] & digit[2:]).any():
        values = np.fromstring(buf.tobytes(), dtype=np.int64, sep=" ")
        return values if digit.any() else values[:0]  # it reads text without numbers as one 0
    ends = np.flatnonzero(digit[:-1] > digit[1:])
    ones = buf.view(np.int8) - np.int8(_ZERO)
    values = ones[ends].astype(np.int16)  # int16: the callers widen only what they keep
    # ends - 1 is -1 only where ends[0] == 0, and buf[-1] is the final newline, not a digit
    values += digit[ends - 1] * (ones[ends - 1] * np.int16(10))
    return values


def _keep(good: np.ndarray, values: np.ndarray, ntok: np.ndarray, rows: np.ndarray, places: np.ndarray):
    """The lines that are ``good``: their numbers, counts of numbers, indexes and places."""
    if good.all():
        return values, ntok, rows, places
    return values[np.repeat(good, ntok)], ntok[good], rows[good], places[good]


def _ids_and_points(buf: np.ndarray, ends: np.ndarray, odd: np.ndarray, places: np.ndarray) -> np.ndarray:
    """The indexes of the bytes to drop from ``buf`` (ballot ids, the points of decimal weights),
    having marked ``odd`` the lines that are more than ids, decimal weights and plain numbers
    and set the ``places`` of decimal weights."""
    buf = buf.copy()  # ids are blanked in it, so that a point inside one is not looked at
    line_starts = np.concatenate(([0], ends[:-1] + 1))
    odd[np.searchsorted(ends, np.flatnonzero(buf >= 127))] = True  # not ASCII
    token_starts = _token_starts(buf)

    def tokens_to(at: np.ndarray, line: np.ndarray) -> np.ndarray:
        """How many tokens start on ``line`` at or before the byte ``at``."""
        return np.searchsorted(token_starts, at, "right") - np.searchsorted(token_starts, line_starts[line])

    id_at = np.full(len(ends), len(buf))  # where each line's id starts
    ids = points = np.zeros(0, dtype=np.intp)
    opens, closes = np.flatnonzero(buf == _OPEN), np.flatnonzero(buf == _CLOSE)
    if len(opens) or len(closes):
        o_line, c_line = np.searchsorted(ends, opens), np.searchsorted(ends, closes)
        n_open = np.bincount(o_line, minlength=len(ends))
        n_close = np.bincount(c_line, minlength=len(ends))
        one = (n_open == 1) & (n_close == 1)
        odd |= (n_open + n_close > 0) & ~one
        o, c, line = opens[one[o_line]], closes[one[c_line]], o_line[one[o_line]]
        # An id is one whole token, the first or second on its line.
        next_start = token_starts[np.searchsorted(token_starts, o, "right")]
        ok = (o < c) & (next_start > c) & (buf[c + 1] <= _SP)
        ok &= ((o == line_starts[line]) | (buf[o - 1] <= _SP)) & (tokens_to(o, line) <= 2)
        odd[line[~ok]] = True
        o, c, line = o[ok], c[ok], line[ok]
        id_at[line] = o
        ids = _ranges(o, c - o + 1)
        buf[ids] = _SP
    points = np.flatnonzero(buf == _DOT)
    if len(points):
        line = np.searchsorted(ends, points)
        one = np.bincount(line, minlength=len(ends)) == 1
        odd[line[~one[line]]] = True
        d, line = points[one[line]], line[one[line]]
        # A point in the weight (the first token, the id aside), followed by 1 to 18 digits.
        digits = np.zeros(len(d), dtype=np.int64)
        run = np.ones(len(d), dtype=bool)
        for k in range(1, _MAX_PLACES + 2):
            run &= _DIGIT[buf.take(d + k, mode="clip")]
            digits += run
        ok = tokens_to(d, line) - (id_at[line] < d) == 1
        ok &= (digits >= 1) & (digits <= _MAX_PLACES)
        odd[line[~ok]] = True
        places[line[ok]] = digits[ok]
    odd[np.searchsorted(ends, np.flatnonzero(_other(buf) & (buf != _DOT)))] = True
    return np.concatenate((ids, points))


def _other(buf: np.ndarray) -> np.ndarray:
    """Which bytes are not digits, spaces or newlines (compared, faster than a table look-up)."""
    return (buf > _NINE) | ((buf < _ZERO) & (buf != _SP) & (buf != _NL))


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indexes ``starts[0]``, ``starts[0] + 1``... ``starts[0] + lengths[0] - 1``, then
    those of the next range, and so on."""
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())


def _token_starts(buf: np.ndarray) -> np.ndarray:
    """Where each whitespace-separated token of ``buf`` starts, then ``len(buf)``."""
    word = buf > _SP
    starts = np.flatnonzero(word[1:] & ~word[:-1]) + 1
    return np.concatenate(([0] if len(buf) and word[0] else [], starts, [len(buf)])).astype(np.intp)
