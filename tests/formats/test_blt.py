"""BLT reading: the standard features, what a ballot that stops early means, errors that name
file, line and problem, and the fast path agreeing with the careful one on fuzzed input."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.count.ballots import Ballots
from tallyroom.formats import (
    FormatError,
    blt,
    blt_text,
    fastblt,
    parse_blt,
    read_blt,
    read_blt_file,
    write_blt,
)
from tallyroom.formats.ballotfile import decode_text
from tallyroom.formats.blt import _parse_fast, _parse_lines, split_name

from .test_blt_real import same

NAMES = '"Ann"\n"Bob"\n"Cat"\n"Title"\n'


def parse(text: str, source: str = "ward.blt"):
    return parse_blt(text.encode("utf-8"), source)


def test_withdrawn_ids_card_weights_and_quoted_title():
    ballots = "(a1) 1 1 2 3 0\n2.5 (b) 3 1 0\n(c) 1 1 2 3 0\n0 0\n0\n"
    blt = parse(f'3 2\n-2\n{ballots}"Ann"\n"Bob"\n"Cat"\n"A ""big"" vote"\n')
    assert blt.seats == 2
    assert blt.withdrawn == ("Bob",)
    assert blt.ballots.title == 'A "big" vote'
    assert list(blt.ballots) == [((0, 1, 2), 2), ((2, 0), Fraction(5, 2)), ((), 0)]
    assert blt.ballots.denominator == 2


def test_commas_tabs_crlf_bom_and_blank_lines():
    text = "\ufeff3,1\r\n\r\n2,\t1,3,0\r\n1 2 0\r\n0\r\n\r\nAnn\r\nBob\r\nCat\r\n"
    blt = parse(text)
    assert list(blt.ballots) == [((0, 2), 2), ((1,), 1)]
    assert blt.ballots.candidates == ("Ann", "Bob", "Cat")
    assert blt.ballots.title == ""


@pytest.mark.parametrize(
    "line, ranking",
    [
        ("1 1 - 3 0", (0,)),  # a skipped preference ends the ranking
        ("1 1 2=3 0", (0,)),  # an equal ranking ends it
        ("1 2 1 2 3 0", (1, 0)),  # a candidate ranked again ends it
        ("1 - 1 0", ()),
    ],
)
def test_a_ballot_counts_up_to_its_first_unusable_preference(line, ranking):
    blt = parse(f"3 1\n{line}\n1 1 2 3 0\n0\n{NAMES}")
    assert list(blt.ballots)[0] == (ranking, 1)
    assert blt.truncated == 1
    assert same(_parse_fast(f"3 1\n{line}\n1 1 2 3 0\n0\n{NAMES}".encode(), "x"), blt)


def test_truncated_rankings_merge_with_equal_ones():
    blt = parse(f"3 1\n1 1 2 0\n1 1 2 2 3 0\n0\n{NAMES}")
    assert list(blt.ballots) == [((0, 1), 2)]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("", 1, "the header must be 'candidates seats', not ''"),
        ("3\n", 1, "the header must be 'candidates seats', not '3'"),
        ("0 1\n0\n", 1, "the header needs at least one candidate and one seat"),
        ("3 1\n-4\n0\n" + NAMES, 2, "withdrawn candidate 4 is not a candidate (there are 3)"),
        ("3 1\n-1 -1\n0\n" + NAMES, 2, "candidate 1 is withdrawn twice"),
        ("3 1\n1 1 2 0\n1 2 31 0\n0\n" + NAMES, 3, "preference 31 is not a candidate (there are 3)"),
        ("3 1\n1 1 x 0\n0\n" + NAMES, 2, "preference 'x' is not a candidate number"),
        ("3 1\n1 1 2\n0\n" + NAMES, 2, "the ballot line does not end with 0"),
        ("3 1\n1 1 0 2 0\n0\n" + NAMES, 2, "0 ends a ballot but more preferences follow it"),
        ("3 1\nabc 1 0\n0\n" + NAMES, 2, "a ballot line starts with its weight, not 'abc'"),
        ("3 1\n-1.5 1 0\n0\n" + NAMES, 2, "withdrawn candidates are negative numbers, not '-1.5'"),
        ("3 1\n1 1 0\n1 2 0\n", 3, "the ballots are not ended by a line holding 0"),
        ("3 1\n1 1 0\n0\nAnn\nBob\n", 5, "expected 3 candidate names, found 2"),
        ("3 1\n1 1 0\n0\nAnn\nBob\nAnn\n", 6, "candidate name 'Ann' is used twice"),
        ('3 1\n1 1 0\n0\nAnn\n"Bob\nCat\n', 5, "unbalanced quotes in candidate name '\"Bob'"),
        ("3 1\n1 1 0\n0\n" + NAMES + "more\n", 8, "unexpected text after the title: 'more'"),
    ],
)
def test_errors_name_file_line_and_problem(text, line, problem):
    with pytest.raises(FormatError) as e:
        parse(text)
    assert str(e.value) == f"ward.blt:{line}: {problem}"
    assert (e.value.source, e.value.line, e.value.problem) == ("ward.blt", line, problem)


def test_a_weight_too_large_for_the_engine_is_a_format_error():
    with pytest.raises(FormatError, match=r"^ward.blt: .*64 bits"):
        parse(f"3 1\n{2**70} 1 0\n0\n{NAMES}")


def test_read_blt_reports_the_path(tmp_path):
    path = tmp_path / "bad.blt"
    path.write_text("3 1\n1 4 0\n0\n" + NAMES)
    with pytest.raises(FormatError, match=r"bad.blt:2: preference 4 is not a candidate \(there are 3\)$"):
        read_blt(path)


def test_windows_1252_names():
    data = "2 1\n1 1 0\n0\nZoë\nBob\n".encode("cp1252")
    assert parse_blt(data, "x").ballots.candidates == ("Zoë", "Bob")


@pytest.mark.parametrize(
    "line, name, party",
    [
        (
            '"Wendy HAMILTON ""Scottish National Party (SNP)"""',
            "Wendy HAMILTON",
            "Scottish National Party (SNP)",
        ),
        ('"Graeme CRAIB" "Scottish Family Party"', "Graeme CRAIB", "Scottish Family Party"),
        ('"""John MCGHEE"" ""Scottish Labour Party"""', "John MCGHEE", "Scottish Labour Party"),
        ("Billy FITZPATRICK   (Lab)", "Billy FITZPATRICK", "Lab"),
        ("Euan BLOCKLEY (C)", "Euan BLOCKLEY", "C"),
        ('"Jane Doe (Lab)"', "Jane Doe (Lab)", ""),
        ('"William ""Bill"" Smith"', 'William "Bill" Smith', ""),
        ("Plain Name", "Plain Name", ""),
    ],
)
def test_name_styles(line, name, party):
    assert split_name(line) == (name, party)


def test_names_shared_without_party_keep_their_party():
    blt = parse('3 1\n1 1 0\n0\n"Jo SMITH" "Lab"\n"Jo SMITH" "Con"\n"Al" "Lab"\n')
    assert blt.ballots.candidates == ("Jo SMITH (Lab)", "Jo SMITH (Con)", "Al")
    assert blt.parties == {"Jo SMITH (Lab)": "Lab", "Jo SMITH (Con)": "Con", "Al": "Lab"}
    again = parse(blt_text(blt.ballots, blt.seats, parties=blt.parties))
    assert same(again, blt)


def test_write_blt_round_trips_withdrawn_and_fractions(tmp_path):
    ballots = Ballots.from_rankings(
        ["Ann", "Bob", 'Cy "C" Lee'], [((0, 2), "2.25"), ((1,), 1), ((), "0.5")], title="Chair"
    )
    path = tmp_path / "out.blt"
    write_blt(path, ballots, 1, withdrawn=["Bob"], parties={"Ann": "Lab"})
    text = path.read_text()
    assert text.splitlines()[:5] == ["3 1", "-2", "2.25 1 3 0", "1 2 0", "0.5 0"]
    blt = read_blt_file(path)
    assert blt.withdrawn == ("Bob",)
    assert blt.parties == {"Ann": "Lab"}
    assert blt.ballots.candidates == ballots.candidates
    assert list(blt.ballots) == list(ballots)


def test_write_blt_leaves_the_old_file_when_it_cannot_write(tmp_path):
    path = tmp_path / "out.blt"
    path.write_text("old")
    thirds = Ballots.from_rankings(["Ann"], [((0,), Fraction(1, 3))])
    with pytest.raises(ValueError, match="no exact decimal form"):
        write_blt(path, thirds, 1)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.blt"]


# --- the fast path against the careful one on fuzzed files -----------------------------------

_UNUSUAL = [
    ("0", "marks"),  # a 0 weight
    ("2.5", "marks"),
    (".5", "marks"),
    ("12.05", "marks"),
    ("(id) 3", "marks"),
    ("2 ()", "marks"),
    ("(a1) 1.5", "marks"),
    ("7", "skip"),  # a - in the ranking
    ("1", "equal"),  # 2=3
    ("1", "again"),  # a candidate twice
    (str(2**53), "marks"),  # a weight the fast path leaves to the careful one
    ("", "blank"),
]
_BAD = ["1.", "1.2.3", "(a b) 1", "(x)(y) 1", "x", "-", "1 (a) (b)", "(x) 1 (y)"]  # (x) 1 (y) is fine


@st.composite
def blt_files(draw):
    """``(text, ballot lines, decimal places)``: a BLT file mixing plain lines with every unusual
    kind the careful parser takes, and now and then one it rejects."""
    n = draw(st.integers(1, 12))
    sep = draw(st.sampled_from([" ", ",", "\t", "  ", ", "]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [f"{n}{sep}{draw(st.integers(1, n))}"]
    withdrawn = draw(st.lists(st.integers(1, n), unique=True, max_size=2))
    if withdrawn:
        lines.append(sep.join(f"-{c}" for c in withdrawn))
    count = draw(st.integers(0, 30))
    places = 0
    for _ in range(count):
        marks = [str(p) for p in draw(st.permutations(range(1, n + 1)))[: draw(st.integers(0, n))]]
        kind = draw(st.integers(0, 9))
        if kind < 6:
            lines.append(sep.join([str(draw(st.integers(1, 40))), *marks, "0"]))
            continue
        weight, change = draw(st.sampled_from(_UNUSUAL))
        if kind == 9:  # rarely, anything at all
            weight = draw(st.sampled_from(_BAD))
            marks = [str(p) for p in draw(st.lists(st.integers(0, n + 1), max_size=n + 2))]
        if change == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
            continue
        if marks and change != "marks":
            at = draw(st.integers(0, len(marks) - 1))
            marks[at] = {"skip": "-", "equal": f"{marks[0]}={marks[-1]}", "again": marks[0]}[change]
        places = max(places, len(weight.partition(".")[2]))
        lines.append(sep.join([weight, *marks, "0"]))
    lines.append("0")
    lines += [f'"C{i}" "P{i % 3}"' for i in range(n)]
    lines.append('"Fuzz"')
    return eol.join(lines) + eol, count, places


@settings(max_examples=400, deadline=None)
@given(blt_files(), st.sampled_from([1, 2, 3, 7]))
def test_fast_and_careful_parsers_agree(file, parts):
    """The fast path (reading the file in ``parts`` parts at once) says what the careful parser
    says, or raises the same error, or gives up (only where the careful parser must read the file
    whole); either way parse_blt agrees; and the file written back reads the same."""
    data, count, places = file
    raw = data.encode()
    with patch.object(fastblt, "PARTS", parts):
        try:
            careful = _parse_lines(decode_text(raw).split("\n"), "f")
        except FormatError as e:
            try:
                assert _parse_fast(raw, "f") is None
            except FormatError as fast:
                assert (fast.source, fast.line, fast.problem) == (e.source, e.line, e.problem)
            with pytest.raises(FormatError, match=re.escape(str(e))):
                parse_blt(raw, "f")
            return
        fast = _parse_fast(raw, "f")
        if count and careful.ballots.total * 10**places < 2**62:  # else the sums might not fit
            assert fast is not None
        if fast is not None:
            assert same(fast, careful)
        assert same(parse_blt(raw, "f"), careful)
    again = parse_blt(
        blt_text(careful.ballots, careful.seats, careful.withdrawn, careful.parties).encode(), "g"
    )
    assert same(again, replace(careful, truncated=0))


def test_the_fast_path_takes_plain_files():
    plain = b"3 2\n1 1 2 3 0\n4 3 0\n1 1 2 3 0\n2 0\n0\nA\nB\nC\nT\n"
    fast = _parse_fast(plain, "f")
    assert fast is not None
    assert list(fast.ballots) == [((0, 1, 2), 2), ((2,), 4), ((), 2)]
    assert np.array_equal(fast.ballots.weights, [2, 4, 2])


def test_the_fast_path_takes_ids_and_decimal_weights_exactly():
    text = "3 1\n(a) 2.5 1 2 0\n0.5 (b) 1 2 0\n(c) 1.25 3 0\n.75,(d),3,0\n0 2 0\n0\n" + NAMES
    fast = _parse_fast(text.encode(), "f")
    assert fast is not None
    assert list(fast.ballots) == [((0, 1), 3), ((2,), 2), ((1,), 0)]
    assert fast.ballots.denominator == 1, "2.5 + 0.5 and 1.25 + .75 are whole"
    fast = _parse_fast(text.replace(".75", ".7").encode(), "f")
    assert list(fast.ballots)[1] == ((2,), Fraction(39, 20))
    assert fast.ballots.denominator == 20
    assert fast.ballots.weights.tolist() == [60, 39, 0]


def test_the_fast_path_hands_over_only_the_unusual_lines(monkeypatch):
    """A 2,000-line file with a few unusual lines: the careful parser sees just those, with their
    line numbers, and an error in a late part names its line."""
    lines = ["3 1"] + ["1 1 2 3 0", "2 3 1 0"] * 1000 + ["0", "Ann", "Bob", "Cat"]
    lines[700], lines[1500] = "1 1 - 2 0", "(x) 1 3 3 0"
    seen = []
    ballot = blt._ballot
    monkeypatch.setattr(
        blt,
        "_ballot",
        lambda tokens, n, source, lineno: seen.append(lineno) or ballot(tokens, n, source, lineno),
    )
    monkeypatch.setattr(fastblt, "PARTS", 3)
    fast = _parse_fast("\n".join(lines).encode(), "f")
    assert seen == [701, 1501]
    assert fast.truncated == 2
    assert list(fast.ballots) == [((0, 1, 2), 1000), ((2, 0), 1996), ((0,), 1), ((2,), 1)]
    lines[1800] = "1 2 4 0"
    with pytest.raises(FormatError, match=r"^f:1801: preference 4 is not a candidate \(there are 3\)$"):
        _parse_fast("\n".join(lines).encode(), "f")


@pytest.mark.parametrize(
    "text",
    [
        "3 1\n1 1 0\n\n-2\n1 2 0\n0\n" + NAMES,  # a withdrawn line after a blank one
        "3 1\n1 1 0\n(é) 1 2 0\n0\n" + NAMES,  # not ASCII: the file is decoded whole
        "3 1\n1 1 0\n 0\n1 2 0\n0\n" + NAMES,  # the careful parser ends the ballots at ' 0'
        "3 1\n1 1 0\n0.0000000000000000001 1 2 0\n0\n" + NAMES,  # 19 places: not in 64 bits
        f"3 1\n{2**60} 1 0\n{2**60} 2 0\n{2**60} 3 0\n{2**60} 1 0\n0\n" + NAMES,  # sums near 2**63
    ],
)
def test_the_fast_path_gives_up_where_only_the_whole_file_says(text):
    raw = text.encode()
    assert _parse_fast(raw, "f") is None
    try:
        careful = _parse_lines(decode_text(raw).split("\n"), "f")
    except FormatError as e:
        with pytest.raises(FormatError, match=re.escape(str(e))):
            parse_blt(raw, "f")
    else:
        assert same(parse_blt(raw, "f"), careful)


def test_many_candidates_take_the_fast_path():
    n = 130
    text = f"{n} 1\n2 {n} 1 65 0\n1 {n - 1} 64 {n - 1} 0\n0\n" + "".join(f"C{i}\n" for i in range(n))
    fast = _parse_fast(text.encode(), "x")
    assert list(fast.ballots) == [((n - 1, 0, 64), 2), ((n - 2, 63), 1)]
    assert fast.ballots.rankings.dtype == np.int16
    assert fast.truncated == 1
    assert same(fast, parse(text))


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("3 ²\n0\n", 1, "the header must be 'candidates seats', not '3 ²'"),
        (f"3 1\n1 1 ٣ 0\n0\n{NAMES}", 2, "preference '٣' is not a candidate number"),
        (f"3 1\n٣ 1 0\n0\n{NAMES}", 2, "a ballot line starts with its weight, not '٣'"),
    ],
)
def test_only_ascii_digits_are_numbers(text, line, problem):
    with pytest.raises(FormatError) as e:
        parse(text)
    assert str(e.value) == f"ward.blt:{line}: {problem}"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**19),  # the weight
            st.integers(0, 25),  # decimal places (past 18 the careful parser must read the file whole)
            st.lists(st.integers(1, 300), max_size=6, unique=True),
            st.lists(st.integers(0, 3), min_size=8, max_size=8),  # leading zeros
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([1, 2, 5]),
)
def test_the_fast_path_reads_numbers_as_the_careful_one_does(lines, parts):
    """Numbers of any length, leading zeros, weights about 2**53 and 2**63, candidate numbers
    past 255 (int16 rows): the C tokenizer reads what the careful parser reads."""
    text = ["300 1"]
    for weight, places, marks, zeros in lines:
        digits = "0" * zeros[0] + str(weight)
        if places:
            digits = digits.rjust(places + 1, "0")
            digits = f"{digits[:-places]}.{digits[-places:]}"
        marks = ["0" * z + str(m) for z, m in zip(zeros[1 : len(marks) + 1], marks, strict=True)]
        text.append(" ".join([digits, *marks, "0"]))
    raw = "\n".join([*text, "0", *(f"C{i}" for i in range(300)), ""]).encode()
    with patch.object(fastblt, "PARTS", parts):
        try:
            careful = _parse_lines(decode_text(raw).split("\n"), "f")
        except FormatError as e:  # weights too large for 64 bits
            with pytest.raises(FormatError, match=re.escape(str(e))):
                parse_blt(raw, "f")
            return
        fast = _parse_fast(raw, "f")
    if all(p <= 18 for _, p, _, _ in lines) and careful.ballots.total * 10**18 < 2**62:
        assert fast is not None
    if fast is not None:
        assert same(fast, careful)
        assert fast.ballots.rankings.dtype == np.int16


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_the_ballots_end_at_the_first_line_holding_0(eol):
    """The reader looks for the line ``0`` from the end of the file; a candidate named 0 after
    the real end does not make the names ballots (nor a 0 weight line an end)."""
    text = eol.join(["3 1", "2 1 2 0", "0 0", "1 3 0", "0", "Ann", "0", "Cat", "0", ""])
    fast = _parse_fast(text.encode(), "f")
    assert fast is not None
    assert list(fast.ballots) == [((0, 1), 2), ((), 0), ((2,), 1)]
    assert fast.ballots.candidates == ("Ann", "0", "Cat")
    assert fast.ballots.title == "0"
    assert same(fast, _parse_lines(decode_text(text.encode()).split("\n"), "f"))


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_rankings_longer_than_the_first_rows_widen_them(parts):
    """Rows start 32 candidates wide: longer rankings (read fast, or cut by the careful parser)
    widen them, in any part, and the rows before keep their rankings."""
    n = 130
    every = " ".join(str(c) for c in range(n, 0, -1))
    lines = ["2 1 2 0", f"1 {' '.join(map(str, range(1, 41)))} 0", f"3 {every} 0"]
    lines += ["1 5 0"] * 5 + [f"1 {' '.join(map(str, range(1, 101)))} - 7 0", "4 2 0"]
    text = "\n".join([f"{n} 2", *lines, "0", *(f"C{i}" for i in range(n)), ""])
    with patch.object(fastblt, "PARTS", parts):
        fast = _parse_fast(text.encode(), "f")
    assert fast is not None
    assert fast.ballots.rankings.shape == (6, n)
    assert list(fast.ballots)[:3] == [((0, 1), 2), (tuple(range(40)), 1), (tuple(range(n - 1, -1, -1)), 3)]
    assert list(fast.ballots)[4] == (tuple(range(100)), 1)
    assert fast.truncated == 1
    assert same(fast, _parse_lines(text.split("\n"), "f"))
