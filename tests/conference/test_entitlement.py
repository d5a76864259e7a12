"""Delegate entitlement against worked examples from Labour's rule book, chapter 3, clause I.1.B-C
(as amended in 2022): "one delegate for the first 749 individual members ... or part thereof ...
and one further delegate for every additional 250 individual members ... or part thereof. No CLP
shall be represented by more than 6 delegates"; "at least every second delegate ... shall be a
woman"; an additional woman delegate at 100 women members, an additional delegate under 27 at
30 Young Labour members."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tallyroom.conference.entitlement import PRESETS_FILE, Counts, entitle, entitlements_csv, presets, rule

LABOUR = rule("labour")


@pytest.mark.parametrize(
    ("members", "delegates", "women"),
    [
        (1, 1, 1),  # "the first 749 ... or part thereof": any membership up to 749 sends one
        (749, 1, 1),
        (750, 2, 1),  # 1 over 749 is "part of" a further 250
        (999, 2, 1),  # 250 over: exactly one further 250
        (1000, 3, 1),  # 251 over: a 250 and part of another
        (1249, 3, 1),
        (1250, 4, 2),
        (1749, 5, 2),  # 1,000 over: four further 250s
        (1750, 6, 3),  # 1,001 over: five more, the cap
        (2000, 6, 3),  # seven by the bands, capped at six
        (50_000, 6, 3),
    ],
)
def test_delegates_for_members_by_the_bands_and_the_cap(members, delegates, women):
    e = entitle(Counts(members), LABOUR)
    assert (e.for_members, e.women_among_them, e.total) == (delegates, women, delegates)
    assert not e.extra_woman and not e.extra_young


def test_the_working_shows_each_step():
    e = entitle(Counts(1001, women=120, young=35, as_at=date(2024, 12, 31)), LABOUR, "Thames North CLP")
    assert e.working == [
        "Members as at 2024-12-31: 1,001; women: 120; young members (under 27): 35.",
        "First 749 members: 1 delegate.",
        "1,001 - 749 = 252 further members: 2 more (one for each 250 or part of 250).",
        "Delegates for members: 3 (at most 6).",
        "At least every second delegate a woman: at least 1 of the 3.",
        "120 women members (100 or more): 1 additional woman delegate.",
        "35 young members (30 or more): 1 additional delegate under 27.",
        "Entitlement: 5 delegates, at least 2 of them women.",
    ]
    assert (e.total, e.women_at_least) == (5, 2)


@pytest.mark.parametrize(
    ("women", "young", "extra_woman", "extra_young"),
    [(99, 29, False, False), (100, 29, True, False), (99, 30, False, True), (100, 30, True, True)],
)
def test_the_additional_woman_and_young_delegates_start_at_100_and_30(women, young, extra_woman, extra_young):
    e = entitle(Counts(800, women=women, young=young), LABOUR)
    assert (e.extra_woman, e.extra_young) == (extra_woman, extra_young)
    assert e.total == 2 + extra_woman + extra_young
    assert e.women_at_least == 1 + extra_woman


def test_the_additional_delegates_are_over_the_cap_of_six():
    """C3.I.1.C's delegates are "additional": a CLP at the cap with 100 women and 30 young
    members sends eight."""
    e = entitle(Counts(2000, women=1000, young=300), LABOUR)
    assert (e.for_members, e.total, e.women_at_least) == (6, 8, 4)
    assert "7 delegates, capped at 6: no delegation sends more for its members." in e.working


def test_a_sole_delegate_is_a_woman_at_least_every_other_year():
    counts = Counts(600)
    assert entitle(counts, LABOUR, sole_delegate_last_year_woman=False).women_at_least == 1
    after_a_woman = entitle(counts, LABOUR, sole_delegate_last_year_woman=True)
    assert after_a_woman.women_at_least == 0
    assert after_a_woman.working[-1] == "Entitlement: 1 delegate, no woman required."
    unknown = entitle(counts, LABOUR)
    assert unknown.women_at_least == 1 and "is not given (taken as a man)" in unknown.working[2]


def test_no_members_no_delegates():
    e = entitle(Counts(0), LABOUR)
    assert (e.total, e.working[-1]) == (0, "Entitlement: no delegates.")


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (Counts(10, women=11), "Ash CLP: 11 women members but only 10 members"),
        (Counts(10, young=20), "Ash CLP: 20 young members but only 10 members"),
        (Counts(-1), "Ash CLP: members must be a whole number, not -1"),
        (Counts(2.5), "Ash CLP: members must be a whole number, not 2.5"),
    ],
)
def test_impossible_counts_are_refused(counts, message):
    with pytest.raises(ValueError) as e:
        entitle(counts, LABOUR, "Ash CLP")
    assert str(e.value) == message


@given(st.integers(1, 10_000))
def test_the_bands_are_counted_as_a_person_would(members):
    """Walk the members in: a delegate on the first, and one more on the first member of each
    further band of 250; at most six."""
    by_hand = 0
    for m in range(1, members + 1):
        if m == 1 or (m > 749 and (m - 750) % 250 == 0):
            by_hand += 1
    assert entitle(Counts(members), LABOUR).for_members == min(by_hand, 6)


def test_rules_are_data(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        """[union]
description = "A union's branches"
source = "-"
counted_as_at = "1 January"
first_band = 100
band = 100
max_delegates = 3
women_every = 3
sole_delegate_alternates = false
extra_woman_at = 0
extra_young_at = 10
young_under = 30
extras_within_cap = true
"""
    )
    union = rule("union", path)
    assert (entitle(Counts(101), union).for_members, entitle(Counts(101), union).women_at_least) == (2, 0)
    full = entitle(Counts(1000, women=500, young=50), union)
    assert (full.for_members, full.extra_woman, full.extra_young, full.total) == (3, False, False, 3)
    assert "The additional young delegate would pass the cap" in full.working[-2]
    path.write_text(path.read_text().replace("band = 100\n", "band = 100\ncolour = 1\n", 1))
    with pytest.raises(ValueError, match=r"entitlement rule \[union\] has no setting 'colour'"):
        presets(path)
    with pytest.raises(ValueError, match="no entitlement rule 'green'; choose from labour"):
        rule("green")


def test_a_setting_of_the_wrong_type_is_refused(tmp_path):
    text = PRESETS_FILE.read_text().replace("max_delegates = 6", 'max_delegates = "6"')
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"\[labour\] max_delegates must be int, not '6'"):
        presets(path)


def test_entitlements_export_as_csv():
    rows = list(
        csv.DictReader(
            io.StringIO(entitlements_csv([entitle(Counts(1001, 120, 35), LABOUR, "Thames North CLP")]))
        )
    )
    assert rows[0]["delegation"] == "Thames North CLP"
    assert (rows[0]["total"], rows[0]["extra_woman"], rows[0]["women_at_least"]) == ("5", "true", "2")
    assert rows[0]["working"].startswith("Members as at 31 December of the previous year: 1,001;")
