"""Results by region: the voter's region goes through the box with the ballot (never a link to
the voter), regions under the contest's minimum are merged when the box is opened, so neither
the ballot table nor the page ever holds a smaller group; the page's figures are those of
`tallyroom analyse regions` on the stored cells."""

import json

import pytest
from django.db.models import Count
from django.urls import reverse

import builders as build
from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot
from tallyroom.cli import main
from tallyroom.count import Ballots
from tallyroom.formats import blt_text
from tallyroom.results.models import ContestAnalysis
from tallyroom.voting.casting import cast

pytestmark = pytest.mark.django_db

# region -> the ballots its members cast (one member each)
BALLOTS = {
    "North": [["Ann"]] * 40 + [["Bob", "Ann"]] * 20,
    "South": [["Bob"]] * 30 + [["Cat", "Bob"]] * 20,
    "Isle": [["Cat", "Ann"]] * 10 + [["Ann"]] * 10,
}
MINIMUM = (
    50  # the least a contest may set: Isle's 20 ballots are merged with South's 50; North's 60 stand alone
)


@pytest.fixture
def regional(trustees_key, officer, ready_to_open):
    """An IRV contest shown by region, voted in through the box and published."""
    election = build.election("isles-2026", name="Isles 2026", days=7)
    contest = build.contest(
        election,
        "chair",
        "Ann Bob Cat",
        method="irv",
        results_by_region=True,
        region_minimum=MINIMUM,
    )
    voters = []
    for name, ballots in BALLOTS.items():
        (unit,) = build.units(name.lower(), f"{name.lower()}-clp", names=[f"{name} CLP"])
        numbers = [f"{name}{k}" for k in range(len(ballots))]
        build.members(numbers, unit, name=lambda k, name=name: f"{name} {k}")
        voters.extend(zip(numbers, ballots, strict=True))
    shares = trustees_key(election)
    ready_to_open(election, officer)
    codes = build.opened(election, officer)
    for number, ballot in voters:
        cast(codes[number], {contest: ballot})
    lifecycle.close_voting(election, officer)
    lifecycle.open_box(election, officer, shares[:2])
    stored = lifecycle.count(contest, officer)
    lifecycle.publish(stored, officer)
    return stored


def test_the_box_stores_regions_merged_to_the_minimum(regional):
    sizes = dict(Ballot.objects.values_list("region").annotate(n=Count("pk")).values_list("region", "n"))
    assert sizes == {"North": 60, "Isle + South": 70}
    assert all(n >= MINIMUM for n in sizes.values())  # whoever holds the database sees no smaller group


def test_a_contest_not_shown_by_region_stores_no_region(closed_election):
    assert set(Ballot.objects.values_list("region", flat=True)) == {""}


def test_the_page_shows_each_region_as_the_cli_computes_it(regional, clients, capsys, tmp_path):
    html = clients["anonymous"].get(reverse("results:contest", args=["isles-2026", "chair"])).content.decode()
    kept = ContestAnalysis.objects.get(count=regional).data["regions"]
    # the CLI, given the stored cells as one ballot file each
    candidates = regional.result["candidates"]
    files = []
    for label in ("Isle + South", "North"):
        rows = Ballot.objects.filter(region=label).values_list("preferences", flat=True)
        ballots = Ballots.from_rankings(candidates, [([candidates.index(n) for n in p], 1) for p in rows])
        path = tmp_path / f"{label}.blt"
        path.write_text(blt_text(ballots, 1, [], {}), encoding="utf-8")
        files.append(str(path))
    capsys.readouterr()
    assert (
        main(["analyse", "regions", *files, "--method", "irv", "--seats", "1", "--minimum", str(MINIMUM)])
        == 0
    )
    cli = json.loads(capsys.readouterr().out)
    assert kept == cli
    # Cat (30) is excluded; her ballots go to Bob (20) and Ann (10): Bob 70, Ann 60
    assert regional.elected == ["Bob"]
    north = next(c for c in kept["cells"] if c["regions"] == ["North"])
    assert north["first"] == {"Ann": "40", "Bob": "20", "Cat": "0"}
    assert north["final"] == {"Ann": "40", "Bob": "20", "exhausted": "0"}
    # a ranked table and a bar chart, Isle + South (Bob 50 of 70) above North (20 of 60)
    assert html.index('<th scope="row">Isle + South</th>') < html.index('<th scope="row">North</th>')
    assert '<th scope="row">Isle + South</th><td>70</td><td>71.4%</td>' in html
    assert '<th scope="row">North</th><td>60</td><td>33.3%</td>' in html
    assert "Bob: share of the final round by region" in html
    assert ">Isle<" not in html and ">South<" not in html  # no region under the minimum is shown alone


def test_turnout_by_region_is_public_with_small_regions_merged(regional, clients):
    html = clients["anonymous"].get(reverse("results:election_results", args=["isles-2026"])).content.decode()
    # 130 voters: Isle (20) is under the public minimum of 50 and is merged with South (50)
    assert '<th scope="row">Isle + South</th><td>100.0%</td><td>70</td><td>70</td>' in html
    assert '<th scope="row">Isle</th>' not in html
    staff = clients["scrutineer"].get(reverse("results:election", args=["isles-2026"])).content.decode()
    assert '<th scope="row">Isle</th><td>100.0%</td><td>20</td><td>20</td>' in staff
