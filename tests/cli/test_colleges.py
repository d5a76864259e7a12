"""``tallyroom count --college``: a count decided by electoral colleges recounted from its CSV
download, byte for byte; every method; errors naming file and line."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from tallyroom.cli import main
from tallyroom.count import Ballots, count, method_names
from tallyroom.formats import csv_ballots_text, result_json, result_table

SHARES = ["--college", "CLP=1/2", "--college", "Unite=1/4", "--college", "GMB=25%"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def conference() -> Ballots:
    """As the ballot box gives it: delegates' rankings with card votes, colleges in alphabetical order."""
    third = Fraction(1000, 3)  # Unite: 1,000 members, three delegates present
    return Ballots.from_college_rankings(
        ["Ann", "Bob", "Cat"],
        [
            ((0, 1), 1, "CLP"),
            ((0, 2), 1, "CLP"),
            ((1, 2), 1, "CLP"),
            ((2, 1), third, "Unite"),
            ((2,), third, "Unite"),
            ((1,), third, "Unite"),
            ((1, 0), 250, "GMB"),
        ],
        title="CLP section",
        colleges=["CLP", "GMB", "Unite"],
    )


@pytest.fixture
def download(tmp_path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(csv_ballots_text(conference()), encoding="utf-8")
    return path


@pytest.mark.parametrize("method", method_names())
def test_the_csv_download_recounts_to_the_same_bytes(capsys, download, method):
    seats = 1 if method == "irv" else 2
    shares = {"CLP": Fraction(1, 2), "Unite": Fraction(1, 4), "GMB": Fraction(1, 4)}
    published = count(conference(), method, seats, college_shares=shares, tie_seed="seed")
    code, out, err = run(
        capsys, "count", download, "-m", method, "--seats", seats, *SHARES, "--tie-seed", "seed", "-f", "json"
    )
    assert (code, err) == (0, "")
    assert out == result_json(published)
    colleges = json.loads(out)["colleges"]
    assert [c["college"] for c in colleges] == ["CLP", "GMB", "Unite"]
    assert colleges[2]["votes"]["Cat"] == "2000/3"  # exact: two of Unite's delegates, 1000/3 each
    _, table, _ = run(
        capsys, "count", download, "-m", method, "--seats", seats, *SHARES, "--tie-seed", "seed"
    )
    assert table == result_table(published) and "Electoral colleges:" in table


def test_a_college_without_a_share_is_named_at_its_first_line(capsys, download):
    code, out, err = run(capsys, "count", download, "-m", "plurality", "--seats", "1", *SHARES[:4])
    assert (code, out) == (1, "")
    assert err == f"tallyroom: {download}:10: college 'GMB' has no share\n"


@pytest.mark.parametrize(
    "argv, reason",
    [
        ([], "the ballots carry colleges (CLP, GMB, Unite): give each its share with --college NAME=SHARE"),
        (
            [*SHARES[:4], "--college", "GMB=1/3"],
            "the college shares add up to 13/12, not 1 (CLP=0.5, Unite=0.25, GMB=1/3)",
        ),
        ([*SHARES, "--college", "Unison=0"], "college 'Unison' has share 0: a share must be above 0"),
        ([*SHARES, "--college", "CLP=1/2"], "--college CLP is given twice"),
        (["--college", "CLP"], "--college takes NAME=SHARE, not 'CLP'"),
        (
            ["--college", "CLP=half"],
            "--college CLP: a share is a fraction (1/2), a decimal (0.5) or a percentage",
        ),
    ],
)
def test_bad_shares_end_in_one_line(capsys, download, argv, reason):
    code, out, err = run(capsys, "count", download, "-m", "plurality", "--seats", "1", *argv)
    assert (code, out) == (1, "")
    assert err.startswith("tallyroom: ") and reason in err and err.count("\n") == 1


def test_a_college_whose_ballots_are_all_withdrawn_gives_its_share_to_the_others(capsys, download):
    code, out, err = run(
        capsys, "count", download, "-m", "plurality", "--seats", "1", *SHARES,
        "--withdraw", "Bob", "--withdraw", "Ann", "-f", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    colleges = {c["college"]: c for c in json.loads(out)["colleges"]}
    assert {n: c.get("counted_share", c["share"]) for n, c in colleges.items()} == {
        "CLP": "2/3",
        "GMB": "0",
        "Unite": "1/3",
    }
    _, table, _ = run(
        capsys,
        "count",
        download,
        "-m",
        "plurality",
        "--seats",
        "1",
        *SHARES,
        "--withdraw",
        "Bob",
        "--withdraw",
        "Ann",
    )
    assert re.search(r"College +Share +Counted share +Valid poll", table)
    assert re.search(r"GMB +0\.25 +0 +0 +250 +0\n", table) and re.search(r"CLP +0\.5 +2/3 ", table)


def test_a_college_that_cast_no_ballot_recounts_from_the_download_to_the_same_bytes(capsys, tmp_path):
    """The box lists every college given a share; the download has rows only for those that
    voted. The recount, given the same shares, lists the college that did not vote in its place."""
    voted = conference()
    rows = [(voted.ranking(i), voted.weight(i), voted.college_of(i)) for i in range(len(voted))]
    rows = [row for row in rows if row[2] != "GMB"]
    published = Ballots.from_college_rankings(
        voted.candidates, rows, title=voted.title, colleges=["CLP", "GMB", "Unite"]
    )
    result = count(published, "scottish-stv", 2, college_shares={"CLP": "1/2", "Unite": "1/4", "GMB": "1/4"})
    path = tmp_path / "ballots.csv"
    path.write_text(csv_ballots_text(published), encoding="utf-8")
    assert "GMB" not in path.read_text()
    code, out, err = run(capsys, "count", path, "-m", "scottish-stv", "--seats", 2, *SHARES, "-f", "json")
    assert (code, err) == (0, "")
    assert out == result_json(result)
    assert [c["college"] for c in json.loads(out)["colleges"]] == ["CLP", "GMB", "Unite"]


def test_shares_for_a_file_without_colleges_are_refused(capsys, tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("Ann\nBob\n")
    code, _, err = run(capsys, "count", plain, "-m", "plurality", "--seats", "1", "--college", "CLP=1")
    assert code == 1 and "these ballots carry no colleges" in err
