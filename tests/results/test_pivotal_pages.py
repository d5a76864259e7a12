"""A college contest's result page lists the delegations whose choice decided a seat (the
counterfactual recounts of `tallyroom analyse pivotal` on the same ballots) and their voting
power (as `tallyroom analyse power` gives it); hidden where the weighted ballots are."""

import csv
import json
from collections import defaultdict
from fractions import Fraction

import pytest
from django.urls import reverse

import builders as build
from tallyroom.ballotbox.models import Ballot
from tallyroom.cli import main
from tallyroom.conference import delegations, polls, seating
from tallyroom.conference.models import Delegate, Delegation
from tallyroom.elections.models import Slate
from tallyroom.results.models import ContestAnalysis, ContestCount
from tallyroom.roll.models import Member

pytestmark = pytest.mark.django_db
HALVES = {"clp": "1/2", "affiliates": "1/2"}
CAST = {  # Hackney (3) and Camden (1): the CLP college, half; GMB's three delegates: the other half
    "hk00000": ["A", "B"],
    "hk00001": ["A", "C"],
    "hk00002": ["A", "D"],
    "cm00000": ["C", "B"],
    "gm00000": ["B"],
    "gm00001": ["B", "C"],
    "gm00002": ["D", "C"],
}


def delegate(number):
    return Delegate.objects.select_related("delegation", "member").get(member__number=number)


def declared(conference, staff, check_in_all, *, ballots_public=True) -> ContestCount:
    """The hand-worked poll of tests/conference/test_polls.py, with slates Left (A, B) and Right
    (C, D): B is elected on GMB's ballots; declared (published)."""
    hackney = Delegation.objects.get(name="Hackney CLP")
    delegations.name_delegate(hackney, Member.objects.get(number="hk00002"), staff)
    check_in_all(conference)
    seating.check(delegate("fb00000"), False, staff)
    poll, shares = build.poll(
        conference,
        staff,
        "Chair",
        candidates=["A", "B", "C", "D"],
        method="scottish-stv",
        college_shares=HALVES,
    )
    contest = poll.contest
    contest.ballots_public = ballots_public
    contest.save(update_fields=["ballots_public"])
    for name, members in (("Left", "AB"), ("Right", "CD")):
        slate = Slate.objects.create(election=poll.election, name=name)
        slate.candidates.set(contest.candidates.filter(name__in=list(members)))
    polls.open_poll(poll, staff)
    for number, names in CAST.items():
        polls.vote(poll, delegate(number), names)
    polls.declare(poll, staff, shares[:2])
    return ContestCount.objects.get(contest=contest, published=True)


def page(client, count):
    url = reverse("results:contest", args=[count.contest.election.slug, count.contest.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_delegations_that_decided_the_seat_as_the_cli_finds_them(
    conference, staff, check_in_all, clients, capsys, tmp_path
):
    count = declared(conference, staff, check_in_all)
    assert count.elected == ["B"]
    html = page(clients["anonymous"], count)
    kept = ContestAnalysis.objects.get(count=count).data["pivotal"]
    assert [d["name"] for d in kept["delegations"]] == ["GMB", "clp: weight 1 (2 delegations)"]
    # the same ballots as a delegation CSV with colleges, recounted by the CLI
    names = count.result["candidates"]
    by_class = defaultdict(list)
    for prefs, weight, college in Ballot.objects.filter(contest=count.contest).values_list(
        "preferences", "weight", "college"
    ):
        by_class[(college, Fraction(weight))].append(prefs)
    label = {("affiliates", Fraction(3000)): "GMB", ("clp", Fraction(1)): "clp: weight 1 (2 delegations)"}
    path = tmp_path / "delegations.csv"
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["candidates", "", "", *names])
        out.writerow(["delegation", "college", "weight", "1st", "2nd"])
        for (college, weight), rows in sorted(by_class.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
            out.writerows([label[(college, weight)], college, str(weight), *prefs] for prefs in rows)
    slates = tmp_path / "slates.csv"
    slates.write_text("candidate,group\nA,Left\nB,Left\nC,Right\nD,Right\n")
    capsys.readouterr()
    argv = [
        "analyse",
        "pivotal",
        str(path),
        "--slates",
        str(slates),
        "--method",
        "scottish-stv",
        "--seats",
        "1",
    ]
    assert main([*argv, "--college", "clp=1/2", "--college", "affiliates=1/2"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["elected"] == kept["elected"] == ["B"]
    assert cli["counterfactuals"] == kept["counterfactuals"]
    # GMB's three delegates decided the seat: had they voted Right, B would have lost it; had
    # they abstained, their college would have had no valid votes and the CLPs' 3 of 4 for A
    # would have decided it alone (count.colleges: the share goes to the other college).
    decisive = {(c["delegation"], c["change"]): (c["lost"], c["gained"]) for c in kept["counterfactuals"]}
    assert decisive[("GMB", "switch to Right")][0] == ["B"]
    assert decisive[("GMB", "abstain")] == (["B"], ["A"])
    assert (
        "<strong>GMB</strong>, had it voted Right's ticket: B would not have been elected, C would have been."
        in html
    )


def test_voting_power_is_what_the_cli_gives_for_the_scaled_weights(
    conference, staff, check_in_all, clients, capsys, tmp_path
):
    count = declared(conference, staff, check_in_all)
    html = page(clients["anonymous"], count)
    game = ContestAnalysis.objects.get(count=count).data["pivotal"]["power"]
    # each college is half: GMB's 9,000 and the CLPs' 4 weigh the same, 1 each; the quota is 2
    assert game["defined"] and game["quota"] == 2
    assert [(d["name"], d["weight"]) for d in game["delegations"]] == [
        ("GMB", 1),
        ("clp: weight 1 (2 delegations)", 1),
    ]
    weights = tmp_path / "weights.csv"
    weights.write_text("".join(f"{d['name']},{d['weight']}\n" for d in game["delegations"]))
    capsys.readouterr()
    assert main(["analyse", "power", str(weights), "--quota", "2"]) == 0
    cli = json.loads(capsys.readouterr().out)["delegations"]
    fields = ("name", "weight", "swings", "banzhaf", "penrose", "shapley_shubik")
    assert [{k: d[k] for k in fields} for d in cli] == game["delegations"]
    assert '<th scope="row">GMB</th><td>1</td><td>0.500000</td><td>0.500000</td><td>0.500000</td>' in html


def test_the_deciding_delegations_follow_the_weighted_ballots_to_the_scrutineers(
    conference, staff, check_in_all, clients
):
    count = declared(conference, staff, check_in_all, ballots_public=False)
    public = page(clients["anonymous"], count)
    assert "<strong>GMB</strong>" not in public and "Shown to the scrutineers only" in public
    assert "<strong>GMB</strong>, had it voted Right" in page(clients["scrutineer"], count)
