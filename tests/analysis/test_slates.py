"""Slates, transfers by stage and the slate report: a count small enough to follow by hand, and
the invariants on real wards."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import polib
import pytest

import tallyroom
from tallyroom.analysis.charts import bar_svg, draw_flow, flow_chart, flow_svg, flow_table_html
from tallyroom.analysis.report import contest_report, public
from tallyroom.analysis.slates import party_slates, read_party_rules, read_slates
from tallyroom.analysis.transfers import by_slate, loyalty, matrix_rows, transfers
from tallyroom.count import Ballots, ConstraintError, count
from tallyroom.formats import FormatError
from tallyroom.formats.blt import read_blt_file

SCOTLAND = Path(__file__).resolve().parents[1] / "data" / "scotland"
NAMES = ["A1", "A2", "B1", "C"]
SLATES = {"A1": "A", "A2": "A", "B1": "B"}  # C stands alone


def hand_count():
    # quota 6 of 15; A1's surplus of 2 goes at 0.25: 6 papers to A2 (1.5), 2 to B1 (0.5)
    ballots = Ballots.from_rankings(NAMES, [((0, 1), 6), ((0, 2), 2), ((2,), 4), ((3, 1), 3)])
    return count(ballots, "scottish-stv", 2), ballots


def test_transfers_by_candidate_and_slate_follow_the_stages():
    result, _ = hand_count()
    moves = transfers(result)
    first = moves[0]
    assert (first.stage, first.action, first.sources) == (2, "surplus", ("A1",))
    assert first.received == {"A2": Fraction(3, 2), "B1": Fraction(1, 2)}
    assert first.moved == 2 and first.non_transferable == 0
    st = by_slate(first, SLATES)
    assert (st.slate, st.kept, st.leaked, st.could_keep) == ("A", Fraction(3, 2), {"B": Fraction(1, 2)}, True)
    assert matrix_rows(first, SLATES) == [("A", "A", Fraction(3, 2)), ("A", "B", Fraction(1, 2))]
    second = moves[1]  # A2 excluded: its 1.5 find no one continuing
    assert (second.action, second.sources, second.received) == ("exclusion", ("A2",), {})
    assert second.non_transferable == Fraction(3, 2)
    assert not by_slate(second, SLATES).could_keep  # A1 elected, A2 out: no A candidate left
    loyal = loyalty([by_slate(t, SLATES) for t in moves])
    assert set(loyal) == {"A"} and loyal["A"].share_kept == Fraction(3, 4)
    assert loyalty([by_slate(t, SLATES) for t in moves], only_could_keep=False)["A"].moved == Fraction(7, 2)


def test_report_seats_and_first_preferences_by_slate():
    result, ballots = hand_count()
    report = public(contest_report(result, SLATES, ballots))
    by = {s["slate"]: s for s in report["slates"]}
    assert by["A"]["first_preferences"] == "8.00000" and by["A"]["first_share"] == "0.5333"
    assert sum(s["seats"] for s in report["slates"]) == 2
    assert by["C"]["candidates"] == ["C"]
    nexts = {r["slate"]: r for r in report["next_preferences"]}
    # A's 8 first preferences: 6 rank only A, 2 go next to B; all 8 could go A1 -> A2, 6 did
    assert nexts["A"]["to"] == {"only": "6.00000", "B": "2.00000"}
    assert nexts["A"]["party_line_share"] == "0.7500"
    assert nexts["C"]["to"] == {"A": "3.00000"}


@pytest.mark.parametrize("ward", ["aberdeen_2022_ward1", "glasgow_2022_ward10", "edinburgh_2022_ward3"])
def test_every_transfer_adds_up_on_real_wards(ward):
    read = read_blt_file(SCOTLAND / "ballots" / "2022" / f"{ward}.blt")
    result = count(read.ballots, "scottish-stv", read.seats)
    slates = party_slates(read.parties)
    for t in transfers(result):
        stage = result.stages[t.stage - 1]
        before = result.stages[t.stage - 2]
        out = sum(before.totals[s] - stage.totals[s] for s in t.sources)
        assert out == t.moved  # what left the sources is what arrived, or was lost
        st = by_slate(t, slates)
        assert st.kept + sum(st.leaked.values()) + st.non_transferable + st.loss == st.moved
        if t.action == "surplus":
            assert stage.totals[t.sources[0]] == result.quota
    svg = flow_svg(result, slates)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<desc" in svg
    table = flow_table_html(contest_report(result, slates))
    assert table.count("<tr>") == 1 + sum(len(matrix_rows(t)) for t in transfers(result))


def test_the_flow_chart_kept_as_json_is_drawn_in_the_words_given():
    """The web keeps ``flow_chart`` as JSON and draws it in the reader's language: in English it is
    the CLI's chart byte for byte; every word is asked of ``words``, and the catalogue has each."""
    result, _ = hand_count()
    chart = json.loads(json.dumps(flow_chart(result, SLATES)))
    assert draw_flow(chart, embed="flow-1") == flow_svg(result, SLATES, embed="flow-1")
    asked = []

    def words(msgid: str) -> str:
        asked.append(msgid)
        return f"«{msgid}»"

    svg = draw_flow(chart, words=words) + bar_svg("Title", [("A", 1.0)], words=words)
    assert "«How the votes moved: «count»»" in svg and "«A flow chart of 4 stages: each column" in svg
    assert "«stage 2: A1 to A2, 1.50»" in svg and "«A1, stage 1»" in svg and "«1 bars, largest" in svg
    assert "«stage 3: A2 to «non-transferable», 1.50»" in svg
    catalogue = Path(tallyroom.__file__).parent / "locale" / "cy" / "LC_MESSAGES" / "django.po"
    assert set(asked) <= {e.msgid for e in polib.pofile(str(catalogue)) if e.msgstr}


def test_slate_files_and_party_rules(tmp_path):
    path = tmp_path / "slates.csv"
    path.write_text("candidate,group\nA1,A\nA2,A\n", encoding="utf-8")
    assert read_slates(path, NAMES) == {"A1": "A", "A2": "A"}
    path.write_text("A1,A\nA1,B\n", encoding="utf-8")
    with pytest.raises(FormatError, match="more than one slate"):
        read_slates(path)
    path.write_text("Zed,A\n", encoding="utf-8")
    with pytest.raises(FormatError, match="Zed is not a candidate"):
        read_slates(path, NAMES)
    path.write_text("A1,A,extra\n", encoding="utf-8")
    with pytest.raises(ConstraintError, match=":1: expected 2 columns"):
        read_slates(path)
    rules = tmp_path / "rules.csv"
    rules.write_text("pattern,slate\n^Independent,-\nLabour,Lab\n", encoding="utf-8")
    parties = {"Jo": "Glasgow Labour", "Al": "Scottish Labour Party", "Ind": "Independent", "X": "Other"}
    assert party_slates(parties, read_party_rules(rules)) == {"Jo": "Lab", "Al": "Lab", "X": "Other"}
    rules.write_text("pattern,slate\n(unclosed,X\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"rules.csv:2: bad pattern"):
        read_party_rules(rules)


def test_ron_is_shown_on_its_own_not_as_a_slate():
    names = ["Ann", "Bob", "RON"]
    b = Ballots.from_rankings(names, [((2,), 5), ((0, 1), 3), ((1,), 2)])
    result = count(b, "scottish-stv", seats=2, ron="RON")
    report = contest_report(result, {"Ann": "Left", "Bob": "Left"}, b)
    assert [s["slate"] for s in report["slates"]] == ["Left"]
    assert report["ron"] == {
        "candidate": "RON",
        "seats": 1,
        "first_preferences": "5.00000",
        "first_share": "0.5000",
    }
    # without RON standing there is no RON entry
    assert contest_report(count(b, "scottish-stv", seats=2), {"Ann": "Left"}, b)["ron"] is None
