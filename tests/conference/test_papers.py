"""Paper ballots keyed in twice: agreement puts a paper in the box (channel paper, with its
delegate's weight), a disagreement is flagged and settled by a third teller, and the poll closes
only once issued, returned and keyed are reconciled."""

import pytest

from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import ContestBox
from tallyroom.conference import delegations, papers, polls
from tallyroom.conference.models import Delegate, Paper, Poll
from tallyroom.results.models import ContestCount
from tallyroom.web.access import TELLER

from .test_polls import new_poll


def test_double_entry_with_a_disagreement_caught(conference, staff, user_with, check_in_all):
    check_in_all(conference)
    poll, shares = new_poll(
        conference, staff, "Chair", candidates=["Ann", "Bob", "Cy"], method="scottish-stv"
    )
    polls.open_poll(poll, staff)
    gmb = list(Delegate.objects.filter(delegation__name="GMB", substitute=False).order_by("member__number"))
    issued = papers.issue(poll, gmb, staff)
    assert [p.number for p in issued] == [1, 2, 3]
    assert papers.issue(poll, gmb, staff) == []  # one paper each
    with pytest.raises(BallotError, match="paper ballot"):
        polls.vote(poll, gmb[0], ["Ann"])  # a delegate with a paper does not vote by phone too
    t1, t2, t3 = (user_with(f"teller{i}", TELLER) for i in (1, 2, 3))
    with pytest.raises(delegations.Refused, match="issued: nothing to key"):
        papers.key_in(poll, 1, t1, ["Ann"])
    for n in (1, 2, 3):
        papers.returned(poll, n, staff)
    # paper 1: both tellers agree, it goes into the box
    assert papers.key_in(poll, 1, t1, ["Ann", "Bob"]) == Paper.State.RETURNED
    with pytest.raises(delegations.Refused, match="another teller keys it"):
        papers.key_in(poll, 1, t1, ["Ann", "Bob"])
    assert papers.key_in(poll, 1, t2, ["Ann", "Bob"]) == Paper.State.IN_BOX
    # paper 2: the second teller reads it differently: flagged, not counted
    papers.key_in(poll, 2, t1, ["Bob", "Cy"])
    assert papers.key_in(poll, 2, t2, ["Bob", "Ann"]) == Paper.State.DISPUTED
    # paper 3: first entry only
    papers.key_in(poll, 3, t2, ["Cy"])
    assert papers.reconciliation(poll) == {
        "issued": 3,
        "not_returned": 0,
        "awaiting_entry": 1,
        "disputed": 1,
        "in_box": 1,
    }
    with pytest.raises(delegations.Refused, match="2 returned papers not yet in the box \\(1 flagged"):
        polls.close_poll(poll, staff)
    with pytest.raises(BallotError):
        papers.key_in(poll, 3, t1, ["Nobody"])  # not on the ballot
    papers.key_in(poll, 3, t1, ["Cy"])
    assert papers.key_in(poll, 2, t3, ["Bob", "Cy"]) == Paper.State.IN_BOX  # the third teller settles
    polls.declare(poll, staff, shares[:2])
    assert ContestBox.objects.get(contest__election=poll.election).by_channel == {"paper": 3}
    result = ContestCount.objects.get(contest__election=poll.election).result
    assert result["stages"][0]["totals"] == {"Ann": "3000.00000", "Bob": "3000.00000", "Cy": "3000.00000"}
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.DECLARED


def test_tellers_page_keys_a_paper(client, conference, staff, user_with, check_in_all):
    check_in_all(conference)
    poll, _ = new_poll(conference, staff)
    polls.open_poll(poll, staff)
    url = f"/conference/{conference.slug}/papers/{poll.pk}/"
    client.force_login(user_with("t1", TELLER))
    client.post(url, {"action": "issue"})
    assert poll.papers.count() == 7
    client.post(url, {"action": "returned", "number": "1"})
    field = f"c{poll.contest.pk}"
    client.post(url, {"action": "key", "number": "1", field: "0"})
    client.force_login(user_with("t2", TELLER))
    client.post(url, {"action": "key", "number": "1", field: "1"})
    page = client.get(url).content.decode()
    assert "papers 1" in page and Paper.objects.get(poll=poll, number=1).state == Paper.State.DISPUTED
    client.force_login(staff)
    assert client.get(url).status_code == 403
