"""In-room polls: card-vote shares from the delegates present (substitutes, check-out, proxies),
a weighted STV count by colleges through the box against a hand-worked sheet, motions, a show of
hands, the delegate's phone ballot and the projector."""

from fractions import Fraction

import pytest
from django.test import Client

import builders as build
from tallyroom.audit.models import Event
from tallyroom.ballotbox.models import ContestBox
from tallyroom.conference import delegations, polls, seating
from tallyroom.conference.models import Delegate, Delegation, Poll
from tallyroom.results.models import ContestCount
from tallyroom.roll.models import Member, RollEntry

HALVES = {"clp": "1/2", "affiliates": "1/2"}


def weights(poll):
    return {
        e.member.number: (e.weight, e.college)
        for e in RollEntry.objects.filter(contest__election=poll.election).select_related("member")
    }


def delegate(number):
    return Delegate.objects.select_related("delegation", "member").get(member__number=number)


def test_card_votes_shared_among_those_present_substitutes_and_check_out(conference, staff, check_in_all):
    check_in_all(conference)
    poll, _ = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    w = weights(poll)
    assert w["gm00000"] == w["gm00001"] == w["gm00002"] == ("3000", "affiliates")
    assert w["fb00000"] == ("300", "affiliates")
    assert w["hk00000"] == w["cm00000"] == ("1", "clp")
    items = {i["delegation"]: i for i in poll.line_items}
    assert items["GMB"] == {
        "delegation": "GMB",
        "college": "affiliates",
        "card_vote": 9000,
        "present": 3,
        "weight_per_delegate": "3000",
    }
    polls.close_poll(poll, staff)
    # one GMB delegate leaves: the next poll shares 9,000 between two
    seating.check(delegate("gm00000"), False, staff)
    second, _ = build.poll(conference, staff, "Motion 2")
    polls.open_poll(second, staff)
    w = weights(second)
    assert "gm00000" not in w and w["gm00001"] == ("4500", "affiliates")
    polls.close_poll(second, staff)
    # the GMB substitute takes the seat: three again; a Hackney delegate leaves too
    seating.seat_substitute(delegate("gm00003"), delegate("gm00000"), staff)
    seating.check(delegate("gm00003"), True, staff)
    seating.check(delegate("hk00001"), False, staff)
    conference.clp_card_votes = True
    conference.save()
    third, _ = build.poll(conference, staff, "Motion 3")
    polls.open_poll(third, staff)
    w = weights(third)
    assert w["gm00003"] == w["gm00001"] == ("3000", "affiliates")
    assert w["hk00000"] == ("1000", "clp")  # Hackney's 1,000 members, one delegate present
    assert w["cm00000"] == ("700", "clp")
    assert [e.verb for e in Event.objects.filter(verb__startswith="conference.s")] == [
        "conference.substitute_seated"
    ]


def test_a_substitute_is_seated_only_for_an_absent_delegate_of_their_delegation(
    conference, staff, check_in_all
):
    check_in_all(conference)
    with pytest.raises(delegations.Refused, match="checked in: check them out first"):
        seating.seat_substitute(delegate("gm00003"), delegate("gm00000"), staff)
    with pytest.raises(delegations.Refused, match="own delegation"):
        seating.seat_substitute(delegate("cm00001"), delegate("gm00000"), staff)
    with pytest.raises(delegations.Refused, match="seat them for an absent delegate first"):
        seating.check(delegate("gm00003"), True, staff)


def test_a_proxy_holder_votes_for_the_absent_delegate(conference, staff, check_in_all):
    conference.proxies_allowed = True
    conference.save()
    delegations.set_proxy(delegate("gm00000"), delegate("gm00001"), staff)
    check_in_all(conference)
    seating.check(delegate("gm00000"), False, staff)
    poll, _ = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    w = weights(poll)
    assert w["gm00001"] == ("6000", "affiliates") and w["gm00002"] == ("3000", "affiliates")
    assert {i["delegation"]: i["present"] for i in poll.line_items}["GMB"] == 3


def test_weighted_stv_by_colleges_through_the_box_equals_the_hand_worked_sheet(
    conference, staff, check_in_all
):
    """Four CLP delegates (each 1/8 of the whole: the CLP college is half, shared by four) and
    three GMB delegates (each 3,000 of 9,000: 1/6 of the whole); the Fabians absent. One seat.
    In 24ths of the whole, the sheet worked by hand:

        stage             A    B    C    D    non-transferable
        1 first prefs     9    8    3    4    0
        2 exclude C       9   11    -    4    0      (C>B: 3 to B)
        3 exclude D       9   11    -    -    4      (D>C: C is out, 4 lost)
        4 exclude A       -   14    -    -   10      (A>B: 3 to B; A>C, A>D: 6 lost)  B elected
    """
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
    polls.open_poll(poll, staff)
    cast = {
        "hk00000": ["A", "B"],
        "hk00001": ["A", "C"],
        "hk00002": ["A", "D"],
        "cm00000": ["C", "B"],
        "gm00000": ["B"],
        "gm00001": ["B", "C"],
        "gm00002": ["D", "C"],
    }
    for number, names in cast.items():
        polls.vote(poll, delegate(number), names)
    assert polls.turnout(poll) == (7, 7)
    polls.declare(poll, staff, shares[:2])
    poll.refresh_from_db()
    assert poll.state == Poll.State.DECLARED
    result = ContestCount.objects.get(contest__election=poll.election, published=True).result
    whole = Fraction(result["valid_poll"])
    unit = whole / 24
    sheet = [
        {"A": 9, "B": 8, "C": 3, "D": 4},
        {"A": 9, "B": 11, "C": 0, "D": 4},
        {"A": 9, "B": 11, "C": 0, "D": 0},
        {"A": 0, "B": 14, "C": 0, "D": 0},
    ]
    got = [{n: Fraction(s["totals"][n]) for n in "ABCD"} for s in result["stages"]]
    assert got == [{n: v * unit for n, v in row.items()} for row in sheet]
    assert [Fraction(s["non_transferable"]) for s in result["stages"]] == [0, 0, 4 * unit, 10 * unit]
    assert result["elected"] == ["B"]
    colleges = {c["college"]: c for c in result["colleges"]}
    assert colleges["clp"]["valid_poll"] == "4" and colleges["affiliates"]["valid_poll"] == "9000"
    assert colleges["affiliates"]["votes"] == {"A": "0", "B": "6000", "C": "0", "D": "3000"}
    # the key was used only in memory: every sealed ballot is gone, the box opened once
    assert ContestBox.objects.get(contest__election=poll.election).is_open


def test_a_motion_whose_affiliates_all_abstain_is_decided_by_the_clps(conference, staff, check_in_all):
    """Every affiliate delegate present casts an empty ballot: the affiliates' college has no
    valid votes, so its half goes to the CLPs and their 1:2 decides; the projector shows it."""
    check_in_all(conference)
    poll, shares = build.poll(conference, staff, college_shares=HALVES)
    polls.open_poll(poll, staff)
    cast = {"hk00000": ["For"], "hk00001": ["Against"], "cm00000": ["Against"]}
    for number in ("gm00000", "gm00001", "gm00002", "fb00000"):
        cast[number] = []
    for number, names in cast.items():
        polls.vote(poll, delegate(number), names)
    polls.declare(poll, staff, shares[:2])
    result = ContestCount.objects.get(contest__election=poll.election).result
    colleges = {c["college"]: c for c in result["colleges"]}
    assert colleges["affiliates"]["counted_share"] == "0" and colleges["affiliates"]["empty"] == "9300"
    assert colleges["clp"]["counted_share"] == "1"
    total = {n: Fraction(v) for n, v in result["stages"][0]["totals"].items()}
    assert total["Against"] == 2 * total["For"] and result["elected"] == ["Against"]
    shown = Client().get(f"/conference/{conference.slug}/projector/").content.decode()
    assert "affiliates (0.5, counted as 0)" in shown and "clp (0.5, counted as 1)" in shown


def test_a_wrong_share_leaves_the_poll_closed_for_the_shares_again(conference, staff, check_in_all):
    check_in_all(conference)
    poll, shares = build.poll(conference, staff)
    other, other_shares = build.poll(conference, staff, "Motion 2")
    polls.open_poll(poll, staff)
    polls.vote(poll, delegate("gm00000"), ["For"])
    with pytest.raises(delegations.Refused, match="another election's key"):
        polls.declare(poll, staff, other_shares[:2])  # the shares of another poll's key
    poll.refresh_from_db()
    assert poll.state == Poll.State.CLOSED
    polls.declare(poll, staff, shares[1:])
    poll.refresh_from_db()
    assert poll.state == Poll.State.DECLARED


def test_a_motion_by_card_vote_with_colleges_and_abstentions(conference, staff, check_in_all):
    check_in_all(conference)
    poll, shares = build.poll(conference, staff, college_shares=HALVES)
    polls.open_poll(poll, staff)
    for number, names in {
        "hk00000": ["For"],
        "hk00001": ["For"],
        "cm00000": ["Against"],  # CLPs 2:1 for
        "gm00000": ["Against"],
        "gm00001": ["Against"],
        "gm00002": [],
        "fb00000": ["For"],  # 6000:300 against
    }.items():
        polls.vote(poll, delegate(number), names)
    polls.declare(poll, staff, shares[:2])
    result = ContestCount.objects.get(contest__election=poll.election).result
    colleges = {c["college"]: c for c in result["colleges"]}
    assert colleges["affiliates"]["empty"] == "3000"  # GMB's abstaining delegate
    # For: 1/2 * 2/3 + 1/2 * 300/6300 ; Against: 1/2 * 1/3 + 1/2 * 6000/6300
    share_for = Fraction(1, 2) * Fraction(2, 3) + Fraction(1, 2) * Fraction(300, 6300)
    total = {n: Fraction(v) for n, v in result["stages"][0]["totals"].items()}
    assert total["For"] / (total["For"] + total["Against"]) == share_for
    assert result["elected"] == ["Against"]


def test_a_show_of_hands_is_recorded_as_such(client, conference, staff, user_with):
    from tallyroom.web.access import CHAIR

    poll, _ = build.poll(conference, staff)
    client.force_login(user_with("chair", CHAIR))
    client.post(
        f"/conference/{conference.slug}/chair/{poll.pk}/",
        {"action": "hands", "For": "120", "Against": "45", "Abstain": "3"},
    )
    poll.refresh_from_db()
    assert poll.state == Poll.State.DECLARED and poll.show_of_hands == {
        "For": 120,
        "Against": 45,
        "Abstain": 3,
    }
    assert Event.objects.get(verb="conference.show_of_hands").data["counts"]["For"] == 120
    assert not RollEntry.objects.filter(contest__election=poll.election).exists()
    assert (
        "Show of hands: For 120" in client.get(f"/conference/{conference.slug}/projector/").content.decode()
    )


def test_phone_ballot_with_the_badge_code_then_projector(client, conference, staff, user_with, check_in_all):
    from tallyroom.web.access import CHAIR, REGISTRATION_DESK

    check_in_all(conference)
    desk = user_with("desk", REGISTRATION_DESK)
    client.force_login(desk)
    page = client.post(f"/conference/{conference.slug}/badges/", {"delegate": [delegate("gm00000").pk]})
    assert page.content.count(b"<svg") == 1
    code = page.context["badges"][0].code
    client.logout()
    url = f"/conference/{conference.slug}/v/{code}/"
    waiting = client.get(url)
    assert b"no poll is open" in waiting.content and len(waiting.content) % 65536 == 0
    assert client.get(f"/conference/{conference.slug}/v/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    poll, shares = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    ballot = client.get(url)
    assert b"Motion 1" in ballot.content and len(ballot.content) % 65536 == 0
    contest = poll.contest
    cast = client.post(url, {f"c{contest.pk}": "0"})  # For
    assert b"Your vote is cast" in cast.content and len(cast.content) % 65536 == 0
    again = client.post(url, {f"c{contest.pk}": "1"})
    assert b"already voted" in again.content
    shown = client.get(f"/conference/{conference.slug}/projector/").content.decode()
    assert "1</strong> of 7 delegates present have voted" in shown
    client.force_login(user_with("chair", CHAIR))
    client.post(f"/conference/{conference.slug}/chair/{poll.pk}/", {"action": "declare", "share": shares[:2]})
    shown = client.get(f"/conference/{conference.slug}/projector/").content.decode()
    assert "Elected: <strong>For</strong>" in shown
    items = client.get(f"/conference/{conference.slug}/poll/{poll.pk}/line-items.csv").content.decode()
    assert "GMB,affiliates,9000,3,3000" in items


def test_roles_guard_the_desk_and_the_chair(client, conference, staff, user_with):
    from tallyroom.web.access import REGISTRATION_DESK

    poll, _ = build.poll(conference, staff)
    client.force_login(user_with("desk", REGISTRATION_DESK))
    assert (
        client.post(f"/conference/{conference.slug}/chair/{poll.pk}/", {"action": "open"}).status_code == 403
    )
    client.force_login(user_with("nobody"))
    person = delegate("gm00000")
    assert (
        client.post(
            f"/conference/{conference.slug}/desk/", {"delegate": person.pk, "action": "in"}
        ).status_code
        == 403
    )
    assert not Delegate.objects.get(pk=person.pk).checked_in


def test_a_kiosk_takes_the_badge_code_typed_in(client, conference, staff, check_in_all):
    check_in_all(conference)
    (badge,) = seating.issue_badges([delegate("gm00001")], str, staff)
    poll, _ = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    typed = badge.code.lower().replace("-", " ")
    page = client.post(f"/conference/{conference.slug}/vote/", {"code": typed}, follow=True)
    assert b"Motion 1" in page.content and b"Gm Member 1" in page.content
