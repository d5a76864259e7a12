"""Paper ballots in stacks, keyed in twice: a paper is handed from the stack of its delegate's
weight and college and recorded against no delegate; agreement puts it in the box (channel
paper, the stack's weight), a disagreement is flagged and settled by a third teller, and the poll
closes only once issued, returned and keyed are reconciled by stack."""

import pytest

import builders as build
from tallyroom.audit.models import Event
from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import Ballot, ContestBox
from tallyroom.conference import delegations, papers, polls
from tallyroom.conference.models import Delegate, Paper, PaperStack, Poll
from tallyroom.results.models import ContestCount
from tallyroom.roll.models import RollEntry
from tallyroom.web.access import TELLER


def people(name):
    return list(
        Delegate.objects.filter(delegation__name=name, substitute=False)
        .select_related("member")
        .order_by("member__number")
    )


def test_double_entry_with_a_disagreement_caught(conference, staff, user_with, check_in_all):
    check_in_all(conference)
    poll, shares = build.poll(
        conference, staff, "Chair", candidates=["Ann", "Bob", "Cy"], method="scottish-stv"
    )
    polls.open_poll(poll, staff)
    gmb = people("GMB")
    given = papers.issue(poll, gmb, staff)
    assert [(d.pk, s.number) for d, s in given] == [(d.pk, 1) for d in gmb]  # GMB's weight: one stack
    assert papers.issue(poll, gmb, staff) == []  # one paper each
    with pytest.raises(BallotError, match="already voted"):
        polls.vote(poll, gmb[0], ["Ann"])  # a delegate given a paper does not vote by phone too
    stack = PaperStack.objects.get(poll=poll)
    assert (stack.college, stack.weight, stack.issued) == ("affiliates", "3000", 3)
    t1, t2, t3 = (user_with(f"teller{i}", TELLER) for i in (1, 2, 3))
    with pytest.raises(delegations.Refused, match="count and number its papers returned before keying"):
        papers.key_in(poll, 1, 1, t1, ["Ann"])
    papers.returned(poll, 1, 3, staff)  # the tellers count stack 1 out of the box, numbering 1 to 3
    with pytest.raises(delegations.Refused, match="papers 1 to 3 returned: no paper 4"):
        papers.key_in(poll, 1, 4, t1, ["Ann"])
    # paper 1: both tellers agree, it goes into the box
    assert papers.key_in(poll, 1, 1, t1, ["Ann", "Bob"]) == Paper.State.KEYED_ONCE
    with pytest.raises(delegations.Refused, match="another teller keys it"):
        papers.key_in(poll, 1, 1, t1, ["Ann", "Bob"])
    assert papers.key_in(poll, 1, 1, t2, ["Ann", "Bob"]) == Paper.State.IN_BOX
    # paper 2: the second teller reads it differently: flagged, not counted
    papers.key_in(poll, 1, 2, t1, ["Bob", "Cy"])
    assert papers.key_in(poll, 1, 2, t2, ["Bob", "Ann"]) == Paper.State.DISPUTED
    # paper 3: first entry only
    papers.key_in(poll, 1, 3, t2, ["Cy"])
    (row,) = papers.reconciliation(poll)
    assert {
        k: row[k] for k in ("issued", "returned", "not_returned", "keyed_once", "disputed", "in_box")
    } == {
        "issued": 3,
        "returned": 3,
        "not_returned": 0,
        "keyed_once": 1,
        "disputed": 1,
        "in_box": 1,
    }
    assert row["flagged"] == [2]
    with pytest.raises(delegations.Refused, match="2 of 3 returned papers not yet in the box \\(1 flagged"):
        polls.close_poll(poll, staff)
    with pytest.raises(BallotError):
        papers.key_in(poll, 1, 3, t1, ["Nobody"])  # not on the ballot
    papers.key_in(poll, 1, 3, t1, ["Cy"])
    assert papers.key_in(poll, 1, 2, t3, ["Bob", "Cy"]) == Paper.State.IN_BOX  # the third teller settles
    polls.declare(poll, staff, shares[:2])
    assert ContestBox.objects.get(contest__election=poll.election).by_channel == {"paper": 3}
    result = ContestCount.objects.get(contest__election=poll.election).result
    assert result["stages"][0]["totals"] == {"Ann": "3000.00000", "Bob": "3000.00000", "Cy": "3000.00000"}
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.DECLARED


def test_a_paper_is_linked_to_its_stack_never_its_delegate(conference, staff, user_with, check_in_all):
    """The attack: read everything the database and the audit trail keep of an issue and of the
    keying, and try to tie a keyed paper to the delegate it was handed to. Only the stack (the
    weight and college, which the box needs) links them."""
    check_in_all(conference)
    poll, shares = build.poll(conference, staff, "Chair", candidates=["Ann", "Bob"])
    polls.open_poll(poll, staff)
    gmb = people("GMB")
    papers.issue(poll, gmb, staff)
    t1, t2 = user_with("t1", TELLER), user_with("t2", TELLER)
    papers.returned(poll, 1, 3, staff)
    for number, names in ((1, ["Ann"]), (2, ["Bob"]), (3, ["Bob"])):
        for teller in (t1, t2):
            papers.key_in(poll, 1, number, teller, names)
    numbers = {d.member.number for d in gmb}
    for model in (Paper, PaperStack):  # no column names a delegate or a member
        assert not {f.name for f in model._meta.get_fields()} & {"delegate", "member", "issued_to"}
    for event in Event.objects.filter(verb__startswith="conference.paper"):
        if event.verb == "conference.papers_issued":
            assert set(event.data["members"]) == numbers and "paper" not in event.data
        else:  # keyed and returned papers name a stack and a number, never a delegate
            assert not numbers & set(map(str, event.data.values()))
    assert set(
        RollEntry.objects.filter(contest__election=poll.election, member__number__in=numbers).values_list(
            "channel", flat=True
        )
    ) == {"paper"}
    polls.declare(poll, staff, shares[:2])
    opened = Ballot.objects.filter(contest__election=poll.election)
    assert sorted((b.preferences, b.weight) for b in opened) == [(["Ann"], "3000"), *[(["Bob"], "3000")] * 2]
    assert not {f.name for f in Ballot._meta.get_fields()} & {"member", "voter", "delegate"}


def test_papers_not_returned_are_accounted_at_the_close(conference, staff, user_with, check_in_all):
    check_in_all(conference)
    poll, shares = build.poll(conference, staff, "Chair", candidates=["Ann", "Bob"])
    polls.open_poll(poll, staff)
    given = papers.issue(poll, people("GMB") + people("Hackney CLP"), staff)
    assert sorted({s.number for _, s in given}) == [1, 2]  # weight 3000 and weight 1: two stacks
    with pytest.raises(delegations.Refused, match="stack 1: count the papers returned"):
        polls.close_poll(poll, staff)
    t1, t2 = user_with("t1", TELLER), user_with("t2", TELLER)
    with pytest.raises(delegations.Refused, match="4 returned, but 3 papers were issued"):
        papers.returned(poll, 1, 4, staff)
    papers.returned(poll, 1, 2, staff)
    papers.returned(poll, 2, 1, staff)
    for teller in (t1, t2):
        papers.key_in(poll, 1, 2, teller, ["Ann"])
        papers.key_in(poll, 2, 1, teller, ["Bob"])
    with pytest.raises(delegations.Refused, match="paper 2 is keyed in already, so at least 2 returned"):
        papers.returned(poll, 1, 1, staff)
    with pytest.raises(delegations.Refused, match="stack 1: 1 of 2 returned papers not yet in the box"):
        polls.close_poll(poll, staff)
    papers.returned(poll, 1, 2, staff)  # recounted: still 2
    for teller in (t1, t2):
        papers.key_in(poll, 1, 1, teller, ["Ann"])
    with pytest.raises(delegations.Refused, match="no paper 3"):
        papers.key_in(poll, 1, 3, t1, ["Ann"])  # one of GMB's three papers never came back
    polls.declare(poll, staff, shares[:2])
    box = ContestBox.objects.get(contest__election=poll.election)
    assert (box.by_channel, box.papers_not_returned) == ({"paper": 3}, 2)
    result = ContestCount.objects.get(contest__election=poll.election).result
    assert result["stages"][0]["totals"]["Ann"] == "6000"


def test_tellers_page_keys_a_paper(client, conference, staff, user_with, check_in_all):
    check_in_all(conference)
    poll, _ = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    url = f"/conference/{conference.slug}/papers/{poll.pk}/"
    client.force_login(user_with("t1", TELLER))
    page = client.post(url, {"action": "issue"}).content.decode()
    assert 'id="given"' in page
    assert sum(s.issued for s in poll.stacks.all()) == 7
    stack = poll.stacks.get(weight="3000").number
    field = f"c{poll.contest.pk}"
    client.post(url, {"action": "returned", "stack": stack, "count": "3"})
    assert poll.stacks.get(number=stack).returned == 3
    client.post(url, {"action": "key", "stack": stack, "number": "1", field: "0"})
    client.force_login(user_with("t2", TELLER))
    client.post(url, {"action": "key", "stack": stack, "number": "1", field: "1"})
    page = client.get(url).content.decode()
    assert "papers 1" in page
    assert Paper.objects.get(stack__poll=poll, stack__number=stack, number=1).state == Paper.State.DISPUTED
    client.force_login(staff)
    assert client.get(url).status_code == 403
