"""``tallyroom analyse``: each analysis from the command line, its formats and charts, and bad
input ending in one line on stderr."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tallyroom.cli import main

SCOTLAND = Path(__file__).resolve().parents[1] / "data" / "scotland"
WARD = SCOTLAND / "ballots" / "2022" / "aberdeen_2022_ward1.blt"
RULES = SCOTLAND / "parties-2022.csv"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_slates_json_csv_and_charts(capsys, tmp_path):
    code, out, err = run(capsys, "analyse", "slates", WARD, "--party-rules", RULES, "--charts", tmp_path)
    assert (code, err) == (0, "")
    data = json.loads(out)
    (contest,) = data["contests"]
    assert {s["slate"]: s["seats"] for s in contest["slates"]}["SNP"] == 2
    assert contest["transfers"][0]["from_slate"] == "SNP"
    assert data["loyalty"][0]["slate"] in {"SNP", "Con"}
    svg = (tmp_path / "aberdeen_2022_ward1.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "How the votes moved" in svg
    assert "<caption>" in (tmp_path / "aberdeen_2022_ward1.html").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "analyse", "slates", WARD, "--party-rules", RULES, "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["from"] == "SNP" and {r["stage"] for r in rows} >= {"2", "3"}


def test_power_one_and_two_colleges(capsys, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("name,weight\nGMB,12\nUnite,20\nUnison,15\nCWU,3\nUSDAW,9\n", encoding="utf-8")
    b.write_text("North,4\nSouth,5\nEast,3\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyse", "power", a, "-f", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out))}
    assert code == 0 and rows["Unite"]["swings"] == "10" and rows["CWU"]["shapley_shubik"] == "0.066667"
    code, out, _ = run(capsys, "analyse", "power", a, "--college-b", b, "--rule", "either")
    data = json.loads(out)
    assert data["rule"] == "either" and len(data["delegations"]) == 8
    assert sum(float(d["shapley_shubik"]) for d in data["delegations"]) == pytest.approx(1, abs=1e-5)
    for quota in ("--quota", "--quota-b"):  # 0 is a quota given, refused, not the default majority
        code, out, err = run(capsys, "analyse", "power", a, "--college-b", b, quota, "0")
        assert (code, out) == (1, "") and "the quota must be a positive integer, not 0" in err


def test_pivotal_by_weight_class(capsys, tmp_path):
    path = tmp_path / "cards.blt"
    path.write_text("3 1\n40 1 0\n35 2 0\n10 3 2 0\n10 3 1 0\n0\nAnn\nBob\nCy\nCards\n", encoding="utf-8")
    code, out, err = run(capsys, "analyse", "pivotal", path, "--by-weight", "-m", "irv", "--all")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["elected"] == ["Ann"] and data["delegations"] == 3
    by = {(c["delegation"], c["change"]): c for c in data["counterfactuals"]}
    assert by["weight 40", "abstain"]["gained"] == ["Bob"]


def test_forecast_prints_its_seed_and_reproduces(capsys, tmp_path):
    canvass, slates = tmp_path / "canvass.csv", tmp_path / "slates.csv"
    canvass.write_text(
        "unit,turnout,undecided,Left,Right\nNorth,0.6,10,50,40\nSouth,0.7,5,30,60\n", encoding="utf-8"
    )
    slates.write_text("Ann,Left\nBob,Left\nCy,Right\nDi,Right\n", encoding="utf-8")
    argv = ["analyse", "forecast", canvass, "--slates", slates, "--seats", "2", "-n", "60", "--seed", "9"]
    code, out, err = run(capsys, *argv, "--workers", "1", "--chart", tmp_path / "p.svg")
    assert code == 0 and "seed 9" in err
    data = json.loads(out)
    assert data["seed"] == 9 and set(data["win_probability"]) == {"Ann", "Bob", "Cy", "Di"}
    assert run(capsys, *argv, "--workers", "1")[1] == out
    assert "Chance of election" in (tmp_path / "p.svg").read_text(encoding="utf-8")
    table = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert table.startswith('<!doctype html>\n<html lang="en"><meta charset="utf-8">')
    assert "<caption>Chance of election (seed 9, 60 simulations)</caption>" in table
    assert table.count("<tr>") == 1 + 4 and "value (%)" in table
    assert ">Chance of election (seed 9, 60 simulations)</text>" in (tmp_path / "p.svg").read_text()
    code, out, _ = run(
        capsys, *argv, "--workers", "1", "--shift", "Left:Right", "--shares", "0,0.5", "-f", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["share"] for r in rows} == {"0.0", "0.5"} and {(r["seed"], r["simulations"]) for r in rows} == {
        ("9", "60")
    }


def test_regions_from_one_file_per_region(capsys, tmp_path):
    lines = WARD.read_text(encoding="utf-8").splitlines()
    header, end = lines[0], lines.index("0")
    body, tail = lines[1:end], lines[end:]
    for name, part in [("north", body[::2]), ("south", body[1::2])]:
        (tmp_path / f"{name}.blt").write_text("\n".join([header, *part, *tail]) + "\n", encoding="utf-8")
    code, out, err = run(
        capsys,
        "analyse",
        "regions",
        tmp_path / "north.blt",
        tmp_path / "south.blt",
        "--chart",
        tmp_path / "r.svg",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [c["regions"] for c in data["cells"]] == [["north"], ["south"]]
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("<tr>") == 1 + 2
    code, out, _ = run(
        capsys, "analyse", "regions", tmp_path / "north.blt", tmp_path / "south.blt", "--minimum", "10000"
    )
    assert [c["regions"] for c in json.loads(out)["cells"]] == [["north", "south"]]
    for low in ("0", "1", "49"):
        code, out, err = run(
            capsys, "analyse", "regions", tmp_path / "north.blt", tmp_path / "south.blt", "--minimum", low
        )
        assert (code, out) == (1, "") and f"--minimum {low}: give at least 50 ballots" in err


def test_bad_input_is_one_line(capsys, tmp_path):
    bad = tmp_path / "w.csv"
    bad.write_text("name,weight\nGMB,x\n", encoding="utf-8")
    code, out, err = run(capsys, "analyse", "power", bad)
    assert (code, out) == (1, "") and err == f"tallyroom: {bad}:2: weight 'x' is not a whole number\n"
    code, out, err = run(capsys, "analyse", "slates", WARD, "--slates", bad)
    assert code == 1 and out == "" and err.count("\n") == 1


def test_png_charts_need_cairosvg(capsys, tmp_path):
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        code, _, err = run(capsys, "analyse", "slates", WARD, "--charts", tmp_path, "--png")
        assert code == 1 and "PNG needs the optional cairosvg" in err
        return
    code, _, err = run(capsys, "analyse", "slates", WARD, "--charts", tmp_path, "--png")
    assert (code, err) == (0, "")
    assert (tmp_path / "aberdeen_2022_ward1.png").read_bytes().startswith(b"\x89PNG")


def test_forecast_with_cohesion_and_support_tables(capsys, tmp_path):
    canvass, slates = tmp_path / "canvass.csv", tmp_path / "slates.csv"
    canvass.write_text("unit,turnout,Left,Right\nNorth,1,60,40\n", encoding="utf-8")
    slates.write_text("Ann,Left\nBob,Left\nCy,Right\nDi,Right\n", encoding="utf-8")
    cohesion, support = tmp_path / "cohesion.csv", tmp_path / "support.csv"
    cohesion.write_text(
        "bloc,slate,cohesion\nLeft,Left,1\nLeft,Right,0\nRight,Right,1\nRight,Left,0\n", encoding="utf-8"
    )
    # every Left voter puts Ann above Bob: with 60 of 100, Left's quota-and-a-bit elects Ann always
    support.write_text("bloc,candidate,support\nLeft,Ann,1\nLeft,Bob,0\n", encoding="utf-8")
    argv = ["analyse", "forecast", canvass, "--slates", slates, "--seats", "2", "-n", "40", "--workers", "1"]
    code, out, _ = run(capsys, *argv, "--cohesion-table", cohesion, "--support", support)
    data = json.loads(out)
    assert code == 0 and data["win_probability"]["Ann"] == 1.0 and data["win_probability"]["Bob"] == 0.0
    assert data["seats"] == {"Left": {"1": 1.0}, "Right": {"1": 1.0}}
    support.write_text("Left,Zed,1\n", encoding="utf-8")
    code, out, err = run(capsys, *argv, "--support", support)
    assert (code, out) == (1, "") and "name no slate or candidate Zed" in err
    support.write_text("Left,Ann,-1\n", encoding="utf-8")
    code, out, err = run(capsys, *argv, "--support", support)
    assert code == 1 and err == f"tallyroom: {support}:1: -1.0 is negative\n"


def test_pivotal_and_regions_of_a_college_contest(capsys, tmp_path):
    # CLP 1/2: Ann 3 delegates in the North, Bob 2 in the South; affiliates 1/2: card votes of
    # 200 for Ann (North) and 300 for Bob (South). A CLP vote counts 1/10 of the whole, an
    # affiliate vote 1/1000: the North gives Ann 3/10 + 2/10, the South Bob 2/10 + 3/10.
    north, south = tmp_path / "north.csv", tmp_path / "south.csv"
    north.write_text(
        "weight,college,1,2\n1,CLP,Ann,Bob\n1,CLP,Ann\n1,CLP,Ann,Cy\n200,Aff,Ann\n", encoding="utf-8"
    )
    south.write_text("weight,college,1,2\n1,CLP,Bob\n1,CLP,Bob,Ann\n300,Aff,Bob,Cy\n", encoding="utf-8")
    shares = ["--college", "CLP=1/2", "--college", "Aff=1/2", "-m", "irv", "--seats", "1", "--tie-seed", "t"]
    code, out, err = run(capsys, "analyse", "regions", north, south, "--minimum", "50", *shares)
    assert (code, err) == (0, "")
    data = json.loads(out)
    cells = {c["regions"][0]: c for c in data["cells"]}
    # each CLP vote counts 1/10 of the whole, each affiliate vote 1/1000: a whole of 10 * 10**6
    whole = sum(int(v) for c in cells.values() for v in c["first"].values())
    assert cells["north"]["first"] == {"Ann": str(whole // 2), "Bob": "0", "Cy": "0"}
    assert cells["south"]["first"] == {"Ann": "0", "Bob": str(whole // 2), "Cy": "0"}
    assert cells["north"]["papers"] == "203" and cells["south"]["papers"] == "302"
    combined = tmp_path / "all.csv"
    combined.write_text(
        north.read_text(encoding="utf-8") + south.read_text(encoding="utf-8").split("\n", 1)[1],
        encoding="utf-8",
    )
    code, out, err = run(capsys, "analyse", "pivotal", combined, "--by-weight", "--all", *shares)
    assert (code, err) == (0, "")
    data = json.loads(out)
    by = {(c["delegation"], c["change"]): c for c in data["counterfactuals"]}
    # the CLP's one weight class is all its college: had it abstained, the affiliates' votes
    # would have decided alone (300 Bob to 200 Ann)
    assert set(by) == {
        ("CLP: weight 1", "abstain"),
        ("Aff: weight 200", "abstain"),
        ("Aff: weight 300", "abstain"),
    }
    assert by["CLP: weight 1", "abstain"]["elected"] == ["Bob"]
    # without the 200 the affiliates' half is all Bob's: Bob 1/5 + 1/2
    assert by["Aff: weight 200", "abstain"]["elected"] == ["Bob"]
    assert by["Aff: weight 300", "abstain"]["elected"] == ["Ann"]


def test_forecast_counts_by_the_count_options(capsys, tmp_path):
    """The simulated ballots are counted as ``tallyroom count`` would with the same options: a
    constraint, a college column with shares, and a tie seed refused (lots come from --seed)."""
    canvass, slates, groups = tmp_path / "canvass.csv", tmp_path / "slates.csv", tmp_path / "groups.csv"
    canvass.write_text("unit,turnout,Left,Right\nNorth,1,80,20\n", encoding="utf-8")
    slates.write_text("Ann,Left\nBob,Left\nCy,Right\n", encoding="utf-8")
    groups.write_text("Cy,woman\n", encoding="utf-8")
    argv = ["analyse", "forecast", canvass, "--slates", slates, "--seats", "2", "-n", "20", "--workers", "1"]
    argv += ["--cohesion", "1"]
    assert json.loads(run(capsys, *argv)[1])["win_probability"]["Cy"] == 0.0
    code, out, _ = run(capsys, *argv, "--groups", groups, "--constraint", "woman>=1")
    chances = json.loads(out)["win_probability"]
    assert code == 0 and chances["Cy"] == 1.0 and chances["Ann"] + chances["Bob"] == 1.0
    code, out, _ = run(capsys, *argv, "--withdraw", "Bob", "-f", "csv")
    assert code == 0 and "Cy,Right,1.0000" in out
    canvass.write_text("unit,college,turnout,Left,Right\nN,clp,1,160,0\nS,aff,1,10,50\n", encoding="utf-8")
    code, out, _ = run(capsys, *argv, "--college", "clp=1/2", "--college", "aff=1/2")
    assert code == 0 and json.loads(out)["win_probability"]["Cy"] == 1.0
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (1, "", "tallyroom: unit N names college 'clp'; the contest has no colleges\n")
    code, out, err = run(capsys, *argv, "--college", "clp=1/2", "--college", "aff=1/2", "--tie-seed", "x")
    assert code == 1 and "--tie-seed is not for a forecast" in err
