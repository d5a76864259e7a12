"""Result writers: JSON is to_dict() exactly; the CSV and printed sheet show every stage, tie,
withdrawal and election, from a Result or from its published dict alike."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from tallyroom.count import Ballots, count
from tallyroom.formats import read_blt
from tallyroom.formats.results import result_csv, result_json, result_table

from .conftest import SCOTLAND

ALMOND = SCOTLAND / "ballots" / "2012-edinburgh" / "edinburgh_2012_ward1.blt"


def almond():
    return count(read_blt(ALMOND), "scottish-stv", 3)


def test_json_is_to_dict_exactly():
    result = almond()
    assert json.loads(result_json(result)) == json.loads(json.dumps(result.to_dict()))
    assert result_json(result.to_dict()) == result_json(result)


def test_the_writers_take_the_published_dict():
    result = almond()
    published = json.loads(result_json(result))
    assert result_csv(published) == result_csv(result)
    assert result_table(published) == result_table(result)


def test_csv_transfers_are_the_differences_of_totals():
    result = almond()
    rows = {r["candidate"]: r for r in csv.DictReader(io.StringIO(result_csv(result)))}
    for stage in result.to_dict()["stages"][1:]:
        before = result.to_dict()["stages"][stage["stage"] - 2]
        for name, total in stage["totals"].items():
            row = rows[name]
            assert row[f"total_votes{stage['stage']:02d}"] == total
            change = Decimal(total) - Decimal(before["totals"][name])
            assert Decimal(row[f"transfers{stage['stage']:02d}"]) == change
    assert rows["Total"]["first_prefs"] == result.to_dict()["valid_poll"]
    assert (rows["Norman James WORK"]["status"], rows["Norman James WORK"]["stage"]) == ("Elected", "1")
    assert (rows["Otto INGLIS"]["status"], rows["Otto INGLIS"]["stage"]) == ("Excluded", "4")


def test_sheet_shows_stages_transfers_and_decisions():
    sheet = result_table(almond())
    assert "Quota:      2091.00000" in sheet
    assert "Stage 2: surplus of Norman James WORK transferred at 0.23181." in sheet
    assert "Stage 4: exclusion of Otto INGLIS." in sheet
    grid = sheet.split("\n\n")[2].splitlines()
    work = next(line for line in grid if line.startswith("Norman James WORK"))
    assert work.split()[3:6] == ["2722.00000", "-631.00000", "2091.00000"]
    assert work.endswith("Elected at stage 1")
    total = next(line for line in grid if line.startswith("Total"))
    assert total.split()[1:] == ["8362.00000"] * 7


def test_sheet_shows_ties_withdrawals_and_ron():
    ballots = Ballots.from_rankings(
        ["Ann", "Bob", "Cat", "RON"], [((0,), 2), ((1,), 2), ((2,), 1), ((3,), 1)]
    )
    result = count(ballots, "plurality", 1, tie_seed="published-seed", withdrawn=["Cat"], ron="RON")
    sheet = result_table(result)
    tie = result.stages[0].ties[0]
    assert f"Tie to elect between Ann, Bob: {tie.chosen}, by lot (lot draw 1)." in sheet
    assert "Withdrawn:           Cat" in sheet
    assert "Re-open nominations: RON" in sheet
    assert "Tie seed:            published-seed" in sheet
    assert "Cat" not in sheet.split("\n\n")[2], "a withdrawn candidate has no row"
    rows = list(csv.DictReader(io.StringIO(result_csv(result))))
    assert list(rows[0]) == ["candidate", "status", "stage", "first_prefs"], "one stage, no transfer columns"
