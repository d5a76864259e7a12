'''BLT ballot files, read as real ones are published, and written clean.

    ballots = read_blt("ward.blt")          # Ballots, the names without party
    blt = read_blt_file("ward.blt")         # also .seats, .withdrawn, .parties, .truncated

A BLT file is: a header ``candidates seats``; an optional line of withdrawn candidates as negative
numbers (``-2 -5``); one line per ballot ``weight pref pref ... 0``; a line ``0``; one name per
candidate; the title. Separators may be spaces, tabs or commas. A ballot line may carry an id in
parentheses before or after its weight (``(a17) 1 3 2 0``); ids are not kept. Weights may be
decimal (``2.5``, a card vote). Identical rankings are merged, in order of first appearance.

A ballot counts up to its first unusable preference, as the Scottish order (rule 18) and the ERS
rules treat a paper with a break in its sequence: a skipped preference ``-``, an equal ranking
(``2=3``) or a candidate already ranked ends the ranking there. ``BallotFile.truncated`` counts the
lines cut so.

Names, three published styles (docs/formats.md):

- ``"Wendy HAMILTON ""Scottish National Party (SNP)"""`` and ``"Graeme CRAIB" "Scottish Family
  Party"``: name ``Wendy HAMILTON``, party ``Scottish National Party (SNP)``;
- ``Euan BLOCKLEY (C)`` (unquoted, Scottish 2012): name ``Euan BLOCKLEY``, party ``C``;
- ``"Jane Doe"`` or ``Jane Doe``: name only.

Runs of spaces in a name are collapsed. Where two candidates would share a name, both keep
their party: ``Jo SMITH (Lab)``.
'''

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from fractions import Fraction
from math import gcd
from pathlib import Path

import numpy as np

from tallyroom.count.ballots import PAD, Ballots
from tallyroom.count.numbers import decimal_str, exact_places

from .ballotfile import WEIGHT, BallotFile, clean_name, decode_text
from .errors import FormatError
from .fastblt import GiveUp, parse_ballot_lines
from .files import write_atomic

_QUOTED = r'"((?:[^"]|"")*)"'
_ID = re.compile(r"\([^()]*\)")
_NUMBER = re.compile(r"[0-9]+")
_SEPARATORS = str.maketrans({",": " ", "\t": " "})


def read_blt(path: str | Path) -> Ballots:
    """The ballots of a BLT file (withdrawn candidates are still listed: see read_blt_file)."""
    return read_blt_file(path).ballots


def read_blt_file(path: str | Path) -> BallotFile:
    """Read a BLT file; FormatError names the file, line and problem."""
    return parse_blt(Path(path).read_bytes(), str(path))


def parse_blt(data: bytes, source: str = "<blt>") -> BallotFile:
    """Parse the bytes of a BLT file; ``source`` names it in errors."""
    return _parse_fast(data, source) or _parse_lines(decode_text(data).split("\n"), source)


def _numbered(lines: list[str], first: int = 1) -> Iterator[tuple[int, str]]:
    """Non-blank lines, stripped, with their line numbers (the first line being ``first``)."""
    for i, line in enumerate(lines, start=first):
        text = line.strip()
        if text:
            yield i, text


def _parse_fast(data: bytes, source: str) -> BallotFile | None:
    """The ballot lines parsed by fastblt (its C tokenizer), the unusual ones handed to the careful
    parser one by one; None if the file must be read whole by the careful parser, which then
    reports any error. An error on one ballot line is raised here, as the careful parser would."""
    start = data.find(b"\n") + 1
    try:
        ncand, seats = _header(data[:start].decode("ascii"), source, 1)
        withdrawn: list[int] = []
        if data.startswith(b"-", start):
            end = data.find(b"\n", start) + 1
            tokens = data[start:end].decode("ascii").translate(_SEPARATORS).split()
            withdrawn = _withdrawn(tokens, ncand, source, 2)
            start = end
    except (UnicodeDecodeError, FormatError):
        return None
    # The ballots end at the first line "0" (or "0\r" if none is "0"): the last is found from the
    # end of the file, and the reader stops at any before it.
    last = b"0"
    stop = data.rfind(b"\n0\n", start - 1)
    if stop < 0:
        last, stop = b"0\r", data.rfind(b"\n0\r\n", start - 1)
    if start == 0 or stop < start:
        return None

    def careful(line: bytes, lineno: int) -> tuple[tuple[int, ...], str, bool] | None:
        try:
            tokens = line.decode("ascii").translate(_SEPARATORS).split()
        except UnicodeDecodeError:
            raise GiveUp from None  # the careful parser decodes the file whole
        if not tokens:
            return None
        if tokens == ["0"] or (tokens[0].startswith("-") and tokens[0] != "-"):
            raise GiveUp  # the end of the ballots, or what may be the withdrawn line
        return _ballot(tokens, ncand, source, lineno)

    parsed = parse_ballot_lines(data, start, stop + 1, ncand, 2 + bool(withdrawn), careful, last)
    if parsed is None:
        return None
    rankings, weights, denominator, truncated, lineno, end = parsed  # lineno, end: the line "0"
    tail = decode_text(data[end + len(last) + 1 :]).split("\n")
    names, parties, title = _candidates(tail, lineno + 1, ncand, source)
    ballots = Ballots(tuple(names), rankings, weights, denominator, title).compressed()
    if denominator > 1:  # in lowest terms, as the careful parser's sums of Fractions are
        common = gcd(denominator, int(np.gcd.reduce(ballots.weights)))
        ballots = replace(ballots, weights=ballots.weights // common, denominator=denominator // common)
    return BallotFile(
        ballots=ballots,
        seats=seats,
        withdrawn=tuple(names[c] for c in withdrawn),
        parties=parties,
        truncated=truncated,
    )


def _parse_lines(lines: list[str], source: str) -> BallotFile:
    rows = _numbered(lines)
    lineno, text = next(rows, (1, ""))
    ncand, seats = _header(text, source, lineno)
    withdrawn: list[int] = []
    merged: dict[tuple[int, ...], int | Fraction] = {}  # identical rankings merged, as from_rankings does
    weights: dict[str, int | Fraction] = {}  # each weight as written, parsed once
    truncated = 0
    for lineno, text in rows:
        tokens = text.translate(_SEPARATORS).split()
        if not tokens:  # only separators (commas): a blank line, as on the fast path
            continue
        if tokens == ["0"]:
            break
        if not merged and not withdrawn and tokens[0].startswith("-") and tokens[0] != "-":
            withdrawn = _withdrawn(tokens, ncand, source, lineno)
            continue
        ranking, weight, cut = _ballot(tokens, ncand, source, lineno)
        if weight not in weights:
            exact = Fraction(weight)
            weights[weight] = exact.numerator if exact.denominator == 1 else exact
        merged[ranking] = merged.get(ranking, 0) + weights[weight]
        truncated += cut
    else:
        raise FormatError(source, lineno, "the ballots are not ended by a line holding 0")
    names, parties, title = _candidates(lines[lineno:], lineno + 1, ncand, source)
    try:
        ballots = Ballots.from_weighted(names, list(merged.items()), title)
    except ValueError as e:
        raise FormatError(source, None, str(e)) from None
    return BallotFile(
        ballots=ballots,
        seats=seats,
        withdrawn=tuple(names[c] for c in withdrawn),
        parties=parties,
        truncated=truncated,
    )


def _header(text: str, source: str, lineno: int) -> tuple[int, int]:
    tokens = text.translate(_SEPARATORS).split()
    if len(tokens) != 2 or not all(_NUMBER.fullmatch(t) for t in tokens):
        raise FormatError(source, lineno, f"the header must be 'candidates seats', not {text[:40]!r}")
    ncand, seats = int(tokens[0]), int(tokens[1])
    if ncand < 1 or seats < 1:
        raise FormatError(source, lineno, "the header needs at least one candidate and one seat")
    return ncand, seats


def _withdrawn(tokens: list[str], ncand: int, source: str, lineno: int) -> list[int]:
    out = []
    for t in tokens:
        if not _NUMBER.fullmatch(t[1:]) or t[0] != "-":
            raise FormatError(source, lineno, f"withdrawn candidates are negative numbers, not {t!r}")
        c = -int(t)
        if not 1 <= c <= ncand:
            problem = f"withdrawn candidate {c} is not a candidate (there are {ncand})"
            raise FormatError(source, lineno, problem)
        if c - 1 in out:
            raise FormatError(source, lineno, f"candidate {c} is withdrawn twice")
        out.append(c - 1)
    return out


def _ballot(tokens: list[str], ncand: int, source: str, lineno: int) -> tuple[tuple[int, ...], str, bool]:
    """``(ranking, weight, cut)`` of one ballot line; ``cut`` if it stops at an unusable mark."""
    if _ID.fullmatch(tokens[0]):
        tokens = tokens[1:]
    if len(tokens) > 1 and _ID.fullmatch(tokens[1]):
        tokens = [tokens[0], *tokens[2:]]
    if not tokens or not WEIGHT.fullmatch(tokens[0]):
        shown = tokens[0] if tokens else ""
        raise FormatError(source, lineno, f"a ballot line starts with its weight, not {shown!r}")
    if tokens[-1] != "0":
        raise FormatError(source, lineno, "the ballot line does not end with 0")
    marks = "".join(tokens[1:-1])
    if marks.isdigit() and marks.isascii():  # the usual line: candidate numbers only
        numbers = [int(t) for t in tokens[1:-1]]
        if min(numbers) > 0 and max(numbers) <= ncand and len(set(numbers)) == len(numbers):
            return tuple(c - 1 for c in numbers), tokens[0], False
    ranking: list[int] = []
    cut = False
    for t in tokens[1:-1]:
        if t == "-":
            cut = True
            continue
        parts = t.split("=")
        for p in parts:
            if not _NUMBER.fullmatch(p):
                raise FormatError(source, lineno, f"preference {p!r} is not a candidate number")
            c = int(p)
            if c == 0:
                raise FormatError(source, lineno, "0 ends a ballot but more preferences follow it")
            if c > ncand:
                raise FormatError(source, lineno, f"preference {c} is not a candidate (there are {ncand})")
        if cut:
            continue
        if len(parts) > 1 or int(parts[0]) - 1 in ranking:
            cut = True
            continue
        ranking.append(int(parts[0]) - 1)
    return tuple(ranking), tokens[0], cut


def _candidates(
    lines: list[str], first: int, ncand: int, source: str
) -> tuple[list[str], dict[str, str], str]:
    """The candidates' names (made distinct), their parties and the title, from the lines after
    the ballots (the first of them being line ``first``)."""
    found: list[tuple[str, str, int]] = []
    lineno = first - 1
    rows = _numbered(lines, first)
    for lineno, text in rows:
        name, party = split_name(text, source, lineno)
        found.append((name, party, lineno))
        if len(found) == ncand:
            break
    else:
        raise FormatError(source, lineno, f"expected {ncand} candidate names, found {len(found)}")
    plain = [n for n, _, _ in found]
    names, parties = [], {}
    for name, party, at in found:
        if plain.count(name) > 1 and party:
            name = f"{name} ({party})"
        if name in names:
            raise FormatError(source, at, f"candidate name {name!r} is used twice")
        names.append(name)
        if party:
            parties[name] = party
    title = ""
    for lineno, text in rows:
        if title:
            raise FormatError(source, lineno, f"unexpected text after the title: {text[:40]!r}")
        title = _unquote_title(text)
    return names, parties, title


def split_name(text: str, source: str = "<blt>", lineno: int | None = None) -> tuple[str, str]:
    """``(name, party)`` from a candidate line in any of the published styles."""
    text = text.strip()
    m = re.fullmatch(_QUOTED, text)
    if m:
        inner = _unescape(m[1])
        return _name_party(inner.strip()) or (clean_name(inner), "")
    pair = _name_party(text)
    if pair:
        return pair
    if '"' in text:
        raise FormatError(source, lineno, f"unbalanced quotes in candidate name {text[:60]!r}")
    m = re.fullmatch(r"(.*?\S)\s*\(([^()]*)\)", text)
    if m:
        return clean_name(m[1]), clean_name(m[2])
    return clean_name(text), ""


def _name_party(text: str) -> tuple[str, str] | None:
    """``"Name" "Party"`` or ``Name "Party"``, else None."""
    m = re.fullmatch(rf"{_QUOTED}\s*{_QUOTED}", text) or re.fullmatch(rf'([^"]+?)\s*{_QUOTED}', text)
    return (clean_name(_unescape(m[1])), clean_name(_unescape(m[2]))) if m else None


def _unescape(text: str) -> str:
    return text.replace('""', '"')


def _unquote_title(text: str) -> str:
    """The title, unquoted (some files quote it twice)."""
    m = re.fullmatch(_QUOTED, text.strip())
    return _unquote_title(_unescape(m[1])) if m else clean_name(text)


def blt_text(
    ballots: Ballots, seats: int, withdrawn: Iterable[str] = (), parties: Mapping[str, str] | None = None
) -> str:
    """A clean BLT file: names quoted, each with its party as a second quoted token, the title
    quoted, weights as exact decimals. ValueError if a weight has no exact decimal form, or the
    ballots carry electoral colleges (BLT has no place for them: write CSV, ``csv_ballots_text``)."""
    if ballots.colleges:
        raise ValueError("BLT has no college column: write ballots with colleges as CSV (csv_ballots_text)")
    parties = parties or {}
    lines = [f"{len(ballots.candidates)} {seats}"]
    if withdrawn := [f"-{ballots.index(n) + 1}" for n in withdrawn]:
        lines.append(" ".join(withdrawn))
    number = [str(c + 1) for c in range(len(ballots.candidates))]
    weights = _weights_text(ballots)
    for weight, row in zip(weights, ballots.rankings.tolist(), strict=True):
        lines.append(" ".join([weight, *(number[c] for c in row if c != PAD), "0"]))
    lines.append("0")
    for name in ballots.candidates:
        party = parties.get(name)
        lines.append(f"{_quote(name)} {_quote(party)}" if party else _quote(name))
    lines.append(_quote(ballots.title))
    return "\n".join(lines) + "\n"


def write_blt(
    path: str | Path,
    ballots: Ballots,
    seats: int,
    withdrawn: Iterable[str] = (),
    parties: Mapping[str, str] | None = None,
) -> None:
    """Write ``blt_text`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    write_atomic(path, blt_text(ballots, seats, withdrawn, parties))


def _weights_text(ballots: Ballots) -> list[str]:
    d = ballots.denominator
    if d == 1:
        return [str(w) for w in ballots.weights.tolist()]
    places = exact_places(d)
    if places is None:
        raise ValueError(f"weights in 1/{d} have no exact decimal form for a BLT file")
    return [decimal_str(Fraction(w, d), places).rstrip("0").rstrip(".") for w in ballots.weights.tolist()]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
