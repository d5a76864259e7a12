"""CSV ballots: headers, weights, the candidates row, early ends, errors with file:line."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tallyroom.count import Ballots, count
from tallyroom.formats import FormatError, csv_ballots_text, parse_csv_ballots, read_ballots, result_json


def parse(text: str):
    return parse_csv_ballots(text.encode(), "votes.csv")


def test_rows_without_header_weigh_one_and_names_sort():
    f = parse("Cat,Ann\nAnn\n\nCat,Ann\n,,\n")
    assert f.ballots.candidates == ("Ann", "Cat")
    assert list(f.ballots) == [((1, 0), 2), ((0,), 1)]
    assert f.seats is None and f.ballots.title == "votes"


def test_weight_header_candidates_row_and_decimal_weights():
    f = parse("candidates,Zed,Ann,Bob\nweight,1st,2nd\n2.5,Ann,Zed\n1,Bob,\n3\n")
    assert f.ballots.candidates == ("Zed", "Ann", "Bob")
    assert list(f.ballots) == [((1, 0), Fraction(5, 2)), ((2,), 1), ((), 3)]


def test_ranking_header_and_quoted_names_with_commas():
    f = parse('ranking,,\n"Smith, Jo",  Al   Lee \n')
    assert f.ballots.candidates == ("Al Lee", "Smith, Jo")
    assert list(f.ballots) == [((1, 0), 1)]


def test_a_gap_or_a_repeat_ends_the_ranking():
    f = parse("count,a,b,c\n1,Ann,,Bob\n1,Bob,Ann,Bob,Cat\n")
    assert list(f.ballots) == [((0,), 1), ((1, 0), 1)]
    assert f.truncated == 2
    assert f.ballots.candidates == ("Ann", "Bob", "Cat")


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("weight,a\n1,Ann\nx,Bob\n", 3, "weight 'x' is not a number"),
        ("weight,a\n-1,Ann\n", 2, "weight '-1' is not a number"),
        ("candidates,Ann,Bob\nAnn\nBob,Cy\n", 3, "'Cy' is not a candidate (see the candidates row)"),
        ("candidates,Ann,Ann\n", 1, "candidate 'Ann' is listed twice"),
        ("candidates,Ann,,Bob\n", 1, "the candidates row has an empty name"),
        ('Ann\n"Bob\n', 2, "not CSV: unexpected end of data"),
    ],
)
def test_errors_name_file_line_and_problem(text, line, problem):
    with pytest.raises(FormatError) as e:
        parse(text)
    assert str(e.value) == f"votes.csv:{line}: {problem}"


def test_an_empty_file_is_an_error():
    with pytest.raises(FormatError, match=r"^votes.csv: no ballots and no candidates$"):
        parse("\n\n")


def test_read_ballots_tells_blt_from_csv(tmp_path):
    blt = tmp_path / "ward.txt"
    blt.write_text("2 1\n3 1 2 0\n0\nAnn\nBob\nWard\n")
    votes = tmp_path / "votes.txt"
    votes.write_text("Bob,Ann\n")
    assert read_ballots(blt).seats == 1
    assert list(read_ballots(blt).ballots) == [((0, 1), 3)]
    assert read_ballots(votes).seats is None
    assert read_ballots(votes).ballots.candidates == ("Ann", "Bob")
    named = tmp_path / "x.csv"
    named.write_text("2 1\n")
    assert read_ballots(named).ballots.candidates == ("2 1",), "a .csv file is CSV whatever it holds"


COLLEGE_CSV = """title,CLP section
candidates,Ann,Bob,Cat
weight,college,1st,2nd
1,CLP,Ann,Bob
1,CLP,Ann,Bob
1000/3,Unite,Cat,Bob
2.5,GMB,Bob
0,GMB,Cat
"""


def test_a_college_column_and_fraction_weights():
    f = parse(COLLEGE_CSV)
    b = f.ballots
    assert b.title == "CLP section" and b.colleges == ("CLP", "GMB", "Unite")  # alphabetical
    assert [(r, w, b.college_of(i)) for i, (r, w) in enumerate(b)] == [
        ((0, 1), 2, "CLP"),
        ((2, 1), Fraction(1000, 3), "Unite"),
        ((1,), Fraction(5, 2), "GMB"),
        ((2,), 0, "GMB"),
    ]
    assert f.college_lines == {"CLP": 4, "Unite": 6, "GMB": 7}


def test_one_ranking_in_two_colleges_stays_two_rows():
    b = parse("weight,college\n1,A,X\n1,B,X\n1,A,X\n").ballots
    assert [(w, b.college_of(i)) for i, (_, w) in enumerate(b)] == [(2, "A"), (1, "B")]
    assert list(b.by_college()["B"]) == [((0,), 1)]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("weight,college,a\n1,CLP,Ann\n2\n", 3, "the row names no college (the header has a college column)"),
        ("weight,college\n1/0,CLP,Ann\n", 2, "weight '1/0' is not a number"),
        ("weight,college\n1/-3,CLP,Ann\n", 2, "weight '1/-3' is not a number"),
    ],
)
def test_college_rows_errors_name_the_line(text, line, problem):
    with pytest.raises(FormatError) as e:
        parse(text)
    assert str(e.value) == f"votes.csv:{line}: {problem}"


def test_the_csv_writer_reads_back_row_for_row(tmp_path):
    from tallyroom.formats import csv_ballots_text, write_csv_ballots

    for text in (COLLEGE_CSV, "weight,a\n2.5,Ann,Zed\n1,Bob\n3\n", "Cat,Ann\nAnn\n"):
        b = parse(text).ballots
        path = tmp_path / "out.csv"
        write_csv_ballots(path, b)
        again = read_ballots(path).ballots
        assert path.read_text() == csv_ballots_text(b)
        assert (again.title, again.candidates, again.colleges) == (b.title, b.candidates, b.colleges)
        assert [(r, w, again.college_of(i)) for i, (r, w) in enumerate(again)] == [
            (r, w, b.college_of(i)) for i, (r, w) in enumerate(b)
        ]
        assert csv_ballots_text(again) == csv_ballots_text(b)
    assert csv_ballots_text(parse(COLLEGE_CSV).ballots).splitlines()[2:4] == [
        "weight,college,1,2",
        "2,CLP,Ann,Bob",
    ]


def test_ballots_with_colleges_are_not_written_as_blt():
    from tallyroom.formats import blt_text

    with pytest.raises(ValueError, match="BLT has no college column"):
        blt_text(parse(COLLEGE_CSV).ballots, 1)


def test_a_written_college_file_recounts_to_the_same_result_byte_for_byte():
    """The colleges come back in the counted (alphabetical) order, whatever order the rows put
    them in, so the published ballots.csv recounts to the published result.json exactly."""
    rows = [([0, 1], 1, "clp"), ([0, 1], 1, "clp"), ([2, 1], 1, "clp"), ([1], 3000, "affiliates")]
    rows.append(([3, 2], 3000, "affiliates"))
    counted = Ballots.from_college_rankings(
        ["A", "B", "C", "D"], sorted(rows), title="Chair", colleges=["affiliates", "clp"]
    )
    back = parse(csv_ballots_text(counted)).ballots
    assert back.colleges == ("affiliates", "clp")  # the file's first row is a clp ballot
    shares = {"affiliates": "1/2", "clp": "1/2"}
    first = count(counted, "scottish-stv", 1, college_shares=shares, tie_seed="s")
    again = count(back, "scottish-stv", 1, college_shares=shares, tie_seed="s")
    assert result_json(again) == result_json(first)
