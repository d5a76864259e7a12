"""``tallyroom count`` and ``tallyroom methods``, run in-process through ``main`` (and once as a
command): real wards recounted to their declared results, every output format, every option,
and bad input ending in one line on stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tallyroom.cli import main
from tallyroom.count import method_names

SCOTLAND = Path(__file__).resolve().parents[1] / "data" / "scotland"
EDINBURGH = SCOTLAND / "ballots" / "2012-edinburgh"
ALMOND = EDINBURGH / "edinburgh_2012_ward1.blt"  # S13002919


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def declared(ward: str) -> dict:
    return json.loads((SCOTLAND / "official" / "2012-edinburgh" / ward / "ResultsJson.json").read_text())[
        "Constituency"
    ]


def test_table_recounts_a_real_ward_as_declared(capsys):
    code, out, err = run(capsys, "count", ALMOND, "--method", "scottish-stv")
    assert (code, err) == (0, "")
    info = declared("S13002919")["countInfo"]
    assert out.startswith("Almond Ward\n")
    assert f"Quota:      {float(info['Quota']):.5f}" in out
    assert f"Valid poll: {float(info['Valid_Poll']):.5f}" in out
    elected = out.split("Elected, in order:\n")[1].split("\n")
    assert [line.split(". ", 1)[1] for line in elected if line] == [
        "Norman James WORK",
        "Lindsay PATERSON",
        "Alastair Gordon SHIELDS",
    ]


def test_json_stage_totals_match_the_declared_sheet(capsys):
    code, out, _ = run(capsys, "count", ALMOND, "-m", "scottish-stv", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["method"] == "scottish-stv" and result["seats"] == 3
    sheet = declared("S13002919")["countGroup"]
    for row in sheet:
        if not row["Total_Votes"]:  # the sheet leaves an excluded candidate's later stages blank
            continue
        name = f"{row['Firstname']} {row['Surname']}"
        stage = result["stages"][int(row["Count_Number"]) - 1]
        assert float(stage["totals"][name]) == pytest.approx(float(row["Total_Votes"]), abs=1e-5)


def test_jsonl_gives_one_object_per_file_with_its_source(capsys):
    files = sorted(EDINBURGH.glob("*.blt"))[:3]
    code, out, _ = run(capsys, "count", *files, "-m", "scottish-stv", "-f", "jsonl")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    for path, line in zip(files, lines, strict=True):
        obj = json.loads(line)
        assert obj["source"] == str(path)
        assert obj["title"] and len(obj["elected"]) == obj["seats"]


def test_csv_is_a_stage_table_whose_columns_add_up(capsys):
    code, out, _ = run(capsys, "count", ALMOND, "-m", "scottish-stv", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [r["candidate"] for r in rows][-3:] == ["Non-transferable", "Loss", "Total"]
    stages = sum(1 for k in rows[0] if k.startswith("total_votes")) + 1
    for s in range(2, stages + 1):
        column = f"total_votes{s:02d}"
        parts = sum(float(r[column]) for r in rows if r["candidate"] != "Total")
        assert parts == pytest.approx(float(rows[-1][column]))
        for r in rows:
            before = r["first_prefs"] if s == 2 else r[f"total_votes{s - 1:02d}"]
            assert float(before) + float(r[f"transfers{s:02d}"] or 0) == pytest.approx(float(r[column]))
    assert {r["candidate"]: r["status"] for r in rows if r["status"] == "Elected"}.keys() == {
        "Norman James WORK",
        "Lindsay PATERSON",
        "Alastair Gordon SHIELDS",
    }


def test_several_files_in_csv_and_table(capsys):
    files = sorted(EDINBURGH.glob("*.blt"))[:2]
    _, out, _ = run(capsys, "count", *files, "-m", "scottish-stv", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["source"] for r in rows} == {str(f) for f in files}
    _, out, _ = run(capsys, "count", *files, "-m", "scottish-stv")
    assert out.count("==> ") == 2 and out.count("Elected, in order:") == 2


@pytest.fixture
def small(tmp_path) -> Path:
    """First preferences Ann 5, Bob 3, Cat 2, Dan 1; first two marks Bob 8, Ann 7, Dan 4, Cat 3."""
    path = tmp_path / "small.csv"
    path.write_text("weight,1,2\n5,Ann,Bob\n3,Bob,Dan\n2,Cat,Ann\n1,Dan,Cat\n")
    return path


def test_csv_ballots_need_seats(capsys, small):
    code, out, err = run(capsys, "count", small, "-m", "plurality")
    assert (code, out) == (1, "")
    assert err == f"tallyroom: {small}: give --seats: this file does not say how many seats there are\n"


def test_groups_and_constraints(capsys, small, tmp_path):
    groups = tmp_path / "groups.csv"
    groups.write_text("candidate,group\nAnn,woman\nBob,woman\nCat,woman\n")
    _, out, _ = run(capsys, "count", small, "-m", "block", "--seats", "2", "-f", "json")
    assert json.loads(out)["elected"] == ["Bob", "Ann"]
    args = ["count", small, "-m", "block", "--seats", "2", "-f", "json", "--groups", groups]
    _, out, _ = run(capsys, *args, "--constraint", "woman<=1")
    result = json.loads(out)
    assert result["elected"] == ["Bob", "Dan"] and result["constraints"] == ["woman<=1"]


def test_withdraw_ron_and_options(capsys, small):
    irv = ["count", small, "-m", "irv", "--seats", "1", "--tie-seed", "s", "-f", "json"]
    _, out, _ = run(capsys, *irv, "--withdraw", "Ann")
    result = json.loads(out)
    assert result["withdrawn"] == ["Ann"] and "Ann" not in result["candidates"]
    assert result["elected"] == ["Bob"]  # Ann's 5 go to Bob: 8 of 11
    _, out, _ = run(capsys, *irv, "--ron", "Dan")
    assert json.loads(out)["ron"] == "Dan"
    block = ["count", small, "-m", "block", "--seats", "2", "-f", "json"]
    _, out, _ = run(capsys, *block, "--option", "marks=all")
    assert json.loads(out)["options"]["marks"] == "all"


def test_ties_by_seed_and_by_order(capsys, tmp_path):
    tied = tmp_path / "tied.csv"
    tied.write_text("Ann\nBob\n")
    code, _, err = run(capsys, "count", tied, "-m", "plurality", "--seats", "1")
    assert code == 1 and "publish a tie seed" in err and err.count("\n") == 1
    _, out, _ = run(
        capsys, "count", tied, "-m", "plurality", "--seats", "1", "--tie-seed", "s1", "-f", "json"
    )
    tie = json.loads(out)["stages"][0]["ties"][0]
    assert tie["settled_by"] == "lot" and tie["chosen"] in ("Ann", "Bob")
    order = ["count", tied, "-m", "plurality", "--seats", "1", "--option", "ties=order"]
    for given, winner in (("Bob,Ann", "Bob"), ("Ann,Bob", "Ann")):
        _, out, _ = run(capsys, *order, "--tie-order", given, "-f", "json")
        assert json.loads(out)["elected"] == [winner]
    _, out, _ = run(capsys, *order, "--tie-order", "Bob", "--tie-order", "Ann")
    assert "Tie to elect between Ann, Bob: Bob, by order." in out


@pytest.mark.parametrize(
    "argv, reason",
    [
        (["--method", "nope"], "unknown method 'nope'; choose from"),
        (["-m", "plurality", "--withdraw", "Zed"], "no candidate named 'Zed'"),
        (["-m", "plurality", "--option", "marks"], "--option takes key=value, not 'marks'"),
        (["-m", "plurality", "--option", "colour=red"], "method plurality has no option 'colour'"),
        (["-m", "plurality", "--constraint", "woman>=1"], "--constraint needs --groups"),
    ],
)
def test_bad_options_end_in_one_line(capsys, argv, reason):
    code, out, err = run(capsys, "count", ALMOND, *argv)
    assert (code, out) == (1, "")
    assert err.startswith("tallyroom: ") and reason in err and err.count("\n") == 1


def test_a_malformed_file_stops_everything_with_file_and_line(capsys, tmp_path):
    bad = tmp_path / "ward.blt"
    bad.write_text("3 1\n1 1 2 0\n1 2 31 0\n0\nA\nB\nC\n")
    code, out, err = run(capsys, "count", ALMOND, bad, "-m", "scottish-stv", "-f", "jsonl")
    assert (code, out) == (1, ""), "nothing is printed for the good file before the bad one"
    assert err == f"tallyroom: {bad}:3: preference 31 is not a candidate (there are 3)\n"
    code, _, err = run(capsys, "count", tmp_path / "missing.blt", "-m", "irv")
    assert code == 1 and err == f"tallyroom: {tmp_path / 'missing.blt'}: No such file or directory\n"


def test_truncated_ballots_are_reported_on_stderr(capsys, tmp_path):
    path = tmp_path / "skips.blt"
    path.write_text("2 1\n1 1 - 2 0\n1 2 0\n0\nA\nB\n")
    code, out, err = run(capsys, "count", path, "-m", "irv", "--tie-seed", "s", "-f", "json")
    assert code == 0 and json.loads(out)["stages"][0]["totals"] == {"A": "1", "B": "1"}
    note = "1 ballot(s) counted only up to a skipped, equal or repeated preference"
    assert err == f"tallyroom: {path}: {note}\n"


def test_methods_lists_every_rule_set(capsys):
    code, out, _ = run(capsys, "methods")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()][
        :-1
    ] == method_names()
    _, out, _ = run(capsys, "methods", "--format", "json")
    listing = json.loads(out)
    assert [m["method"] for m in listing] == method_names()
    scottish = next(m for m in listing if m["method"] == "scottish-stv")
    assert scottish["options"]["places"] == 5 and "2007/42" in scottish["source"]


def test_the_command_runs_as_a_program(tmp_path):
    ok = subprocess.run(
        [sys.executable, "-m", "tallyroom.cli", "count", ALMOND, "-m", "scottish-stv", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["elected"][0] == "Norman James WORK"
    bad = tmp_path / "bad.blt"
    bad.write_text("2 1\n1 1 0\n")
    failed = subprocess.run(
        [sys.executable, "-m", "tallyroom.cli", "count", bad, "-m", "irv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr == f"tallyroom: {bad}:2: the ballots are not ended by a line holding 0\n"


def test_count_imports_only_what_it_needs():
    """`tallyroom count` registers its own subcommand alone: the PDF, analysis and key libraries
    of the other subcommands stay unloaded (fpdf alone cost 0.2 s a count)."""
    heavy = ("fpdf", "tallyroom.analysis", "cryptography", "django")
    script = (
        "import sys; from tallyroom.cli import main; code = main(sys.argv[1:]); "
        f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "count", str(ALMOND), "--method", "scottish-stv", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "0 []"
