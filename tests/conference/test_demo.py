"""The conference demo: its size, what each poll shows, and the union that decides the last seat
of the regional section (recounted with that union's ballots turned the other way)."""

import pytest

from tallyroom import count as engine
from tallyroom.ballotbox.models import Ballot
from tallyroom.conference import demo
from tallyroom.conference.models import Poll
from tallyroom.count import Ballots
from tallyroom.results.models import ContestCount


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo.load()


def test_the_conference_day(loaded):
    conf = loaded.conference
    assert conf.delegations.filter(kind="clp").count() == 70
    assert conf.delegations.filter(kind="affiliate").count() == 8
    states = {p.contest.name: p.state for p in conf.polls.all()}
    assert states == {
        "CLP section": "declared",
        "Regional section": "declared",
        "Motion 1: a people's railway": "declared",
        "Motion 2: conference thanks the stewards": "declared",
        "Regional chair": "open",
    }
    clp_section = conf.polls.get(election__contests__name="CLP section")
    assert {i["college"] for i in clp_section.line_items} == {"clp"}
    assert len(loaded.badges) == demo.SPARE_BADGES
    assert all(p.read_text().startswith("tallyroom-share-v1:") for p in demo.share_files())
    again = demo.load()  # idempotent: the same conference, fresh spare badges
    assert again.conference.pk == conf.pk and again.badges != loaded.badges


def test_one_unions_delegation_decides_the_last_seat(loaded):
    """Recount the regional section with the union's ballots (the only ones carrying its weight,
    as the line items show) turned to the other slate: the last seat changes hands."""
    poll = Poll.objects.get(conference=loaded.conference, election__contests__name="Regional section")
    contest = poll.contest
    published = ContestCount.objects.get(contest=contest, published=True).result
    weight = {i["delegation"]: i["weight_per_delegate"] for i in poll.line_items}[demo.DECIDING_UNION]
    assert list(weight_holders(poll.line_items, weight)) == [demo.DECIDING_UNION]
    names = [c.name for c in contest.candidates.all()]
    forward = [names.index(n) for n in ("Helen Marsh", "Marcus Bell", "Sara Quinn")]

    def count(turn: bool):
        rows = [
            (forward if turn and w == weight else [names.index(n) for n in prefs], w, college)
            for prefs, w, college in Ballot.objects.filter(contest=contest).values_list(
                "preferences", "weight", "college"
            )
        ]
        ballots = Ballots.from_college_rankings(names, rows, colleges=sorted(contest.college_shares))
        return engine.count(ballots, "scottish-stv", 3, college_shares=contest.college_shares).elected

    as_cast, turned = count(False), count(True)
    assert set(as_cast) == set(published["elected"])
    assert len(set(as_cast) & set(turned)) == 2  # the first two seats stay
    last = (set(as_cast) - set(turned)).pop()
    assert last in ("Sunil Rao", "Joanna Kowalska", "Leo Hart")  # the union's slate took the last seat


def weight_holders(items, weight):
    return (i["delegation"] for i in items if i["weight_per_delegate"] == weight)
