"""CSV injection: names a spreadsheet would run as formulas reach no export as a formula.

The attack: a member (or a candidate entered before the entry check) is named
``=HYPERLINK("http://evil.invalid","x")``; staff open the exported CSV in a spreadsheet.
"""

import csv
import io

import pytest
from django.urls import reverse

from tallyroom.elections.models import Candidate, Slate
from tallyroom.formats.spreadsheet import is_formula, neutralise
from tallyroom.lifecycle import close_voting, open_box, publish
from tallyroom.lifecycle import count as count_contest
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting.casting import cast
from tallyroom.voting.codes import mail_merge_csv

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.invalid","x")'
STARTS = ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1")


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(text: str) -> None:
    formulas = [cell for cell in cells(text) if is_formula(cell)]
    assert not formulas, formulas


@pytest.mark.parametrize("cell", STARTS)
def test_each_formula_start_is_neutralised_and_numbers_are_not(cell):
    assert neutralise(cell) == "'" + cell and not is_formula(neutralise(cell))
    assert neutralise("-1.5") == "-1.5" and neutralise(3) == 3 and neutralise("Ann") == "Ann"


def test_the_roll_export_neutralises_a_member_named_as_a_formula(closed_election, clients):
    contest = closed_election.contests.get(slug="chair")
    member = Member.objects.get(number="M001")
    member.name = EVIL
    member.save()
    RollEntry.objects.get_or_create(contest=contest, member=member, defaults={"eligible": True})
    response = clients["staff"].get(reverse("roll:export", args=[contest.pk]))
    text = b"".join(response.streaming_content).decode()
    assert "'" + EVIL in cells(text)
    assert_no_formula(text)


def test_the_mail_merge_neutralises_name_and_address(closed_election):
    member = Member.objects.get(number="M002")
    member.name, member.address = EVIL, "@evil\nTown"
    text = mail_merge_csv([(member, "CODE-1234")], closed_election)
    assert "'" + EVIL in cells(text) and "'@evil\nTown" in cells(text)
    assert_no_formula(text)


def test_the_result_csv_neutralises_a_formula_candidate(open_election, shares, officer, clients):
    election, codes = open_election
    contest = election.contests.get(slug="chair")
    Candidate.objects.filter(contest=contest, name="Ann").update(name=EVIL)  # entered before the check
    for number in ("M000", "M001", "M002"):
        cast(codes[number], {contest: [EVIL]})
    cast(codes["M003"], {contest: ["Bob", EVIL]})
    close_voting(election, officer)
    open_box(election, officer, shares[:2])
    publish(count_contest(contest, officer), officer)
    anonymous = clients["anonymous"]
    result = anonymous.get(reverse("results:download", args=["vale-2026", "chair", "result.csv"]))
    assert "'" + EVIL in cells(result.getvalue().decode())
    assert_no_formula(result.getvalue().decode())


@pytest.mark.parametrize("field", ["name", "groups"])
def test_candidate_names_and_groups_that_are_formulas_are_refused_at_entry(draft_election, clients, field):
    contest = draft_election.contests.get(slug="section")
    url = reverse("elections:candidate_new", args=["vale-2026", contest.pk])
    data = {"name": "Zed", "groups": "woman", "position": 9, field: "=cmd|' /C calc'!A0"}
    page = clients["staff"].post(url, data).content.decode()
    expected = "cannot start with &#x27;=&#x27;" if field == "name" else "would run it as a formula"
    assert expected in page
    assert not Candidate.objects.filter(contest=contest, position=9).exists()


def test_a_slate_named_as_a_formula_is_refused_at_entry(draft_election, clients):
    """A slate's name is each of its candidates' group in a forecast's slates.csv, written verbatim
    for ``tallyroom analyse --slates`` to read back."""
    url = reverse("elections:slate_new", args=["vale-2026"])
    page = clients["staff"].post(url, {"name": '=HYPERLINK("http://x")', "colour": "#aa0000"})
    assert "would run it as a formula" in page.content.decode()
    assert not Slate.objects.filter(name__startswith="=").exists()
