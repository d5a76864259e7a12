import pytest

from tallyroom.voting.casting import cast
from tallyroom.voting.turnout import Turnout, turnout

pytestmark = pytest.mark.django_db


def test_turnout_overall_and_by_unit(setup):
    election, contests, members, codes = setup  # voters 0, 2, 4 in Hackney; 1, 3, 5 in Camden
    for i in (0, 2, 3):
        cast(codes[i], {})
    result = turnout(election)
    assert (result.overall.issued, result.overall.voted, result.overall.percent) == (6, 3, "50.0%")
    assert [(t.unit, t.issued, t.voted) for t in result.by_unit] == [("Camden", 3, 1), ("Hackney", 3, 2)]
    assert result.by_unit[1].percent == "66.7%"  # rounded, not truncated


@pytest.mark.parametrize(
    "voted, issued, shown",
    [
        (20, 46, "43.5%"),  # 43.478...: issue 7 (10) saw 43.4%
        (1, 30294, "<0.1%"),  # not 0.0%: someone voted
        (0, 30294, "0.0%"),
        (30293, 30294, ">99.9%"),  # not 100.0%: someone has not
        (46, 46, "100.0%"),
        (1, 8, "12.5%"),  # half up
        (1, 3, "33.3%"),
        (0, 0, "0.0%"),
    ],
)
def test_percent_is_rounded_and_small_shares_stay_visible(voted, issued, shown):
    assert Turnout("", issued, voted).percent == shown


def test_by_unit_region_and_category_from_one_count_agree_with_each_code(
    setup, django_assert_max_num_queries
):
    """Against the codes counted one by one: a voter of another region, one with no unit (an
    affiliated supporter), the units' names and categories' labels; one grouped query."""
    from django.utils import timezone

    from tallyroom.organisation.models import Affiliate, Region, Unit
    from tallyroom.roll.models import Member
    from tallyroom.voting.codes import code_hash
    from tallyroom.voting.models import BallotCode

    election, contests, members, codes = setup
    north = Region.objects.create(code="north", name="North")
    leeds = Unit.objects.create(code="leeds", name="Leeds", region=north)
    gmb = Affiliate.objects.create(code="gmb", name="GMB", affiliated_members=10)
    now = timezone.now()
    for number, unit, affiliate, category, used in (
        ("x1", leeds, None, Member.Category.REGISTERED_SUPPORTER, now),
        ("x2", None, gmb, Member.Category.AFFILIATED_SUPPORTER, None),
        ("x3", None, gmb, Member.Category.AFFILIATED_SUPPORTER, now),
    ):
        member = Member.objects.create(
            number=number, name=number, unit=unit, affiliate=affiliate, category=category, joined=now.date()
        )
        BallotCode.objects.create(
            election=election, member=member, code_hash=code_hash(number), issued_at=now, used_at=used
        )
    cast(codes[0], {})
    expected: dict[str, dict] = {"unit": {}, "region": {}, "category": {}}
    labels = dict(Member.Category.choices)
    for code in BallotCode.objects.filter(election=election).select_related("member__unit__region"):
        unit = code.member.unit
        keys = {
            "unit": unit.name if unit else "No unit",
            "region": unit.region.name if unit and unit.region else "No region",
            "category": labels[code.member.category],
        }
        for group, key in keys.items():
            issued, voted = expected[group].get(key, (0, 0))
            expected[group][key] = (issued + 1, voted + code.is_used)
    with django_assert_max_num_queries(2):  # the units' names, then the one grouped count
        result = turnout(election)
    for group, rows in (
        ("unit", result.by_unit),
        ("region", result.by_region),
        ("category", result.by_category),
    ):
        assert {t.unit: (t.issued, t.voted) for t in rows} == expected[group]
    assert [t.unit for t in result.by_unit] == ["Camden", "Hackney", "Leeds", "No unit"]
    assert [t.unit for t in result.by_region][-1] == "No region"
    assert (result.overall.issued, result.overall.voted) == (9, 3)


def test_overall_alone_is_one_count_and_agrees_with_the_grouped_one(setup, django_assert_num_queries):
    from tallyroom.voting.turnout import overall

    election, contests, members, codes = setup
    for i in (1, 4):
        cast(codes[i], {})
    with django_assert_num_queries(1):
        alone = overall(election)
    assert alone == turnout(election).overall and (alone.issued, alone.voted) == (6, 2)


def _fresh(election) -> list[tuple]:
    from tallyroom.voting.turnout import _grouped

    return sorted(_grouped(election), key=str)


def _stored(election) -> list[tuple]:
    from tallyroom.voting.models import ClosedTurnout

    rows = ClosedTurnout.objects.filter(election=election)
    return sorted(rows.values_list("unit_id", "category", "issued", "voted"), key=str)


def test_the_close_stores_the_grouped_count_and_turnout_reads_it_alone(
    setup, officer, django_assert_num_queries
):
    from tallyroom import lifecycle
    from tallyroom.audit.models import Event

    election, contests, members, codes = setup
    cast(codes[0], {})
    cast(codes[3], {})
    live = turnout(election)
    lifecycle.close_voting(election, officer)
    assert Event.objects.filter(verb="election.close", subject=f"election:{election.pk}").count() == 1
    assert _stored(election) == _fresh(election) and len(_stored(election)) == 2
    with django_assert_num_queries(2):  # the units' names and the stored rows: no count
        closed = turnout(election)
    assert closed == live and (closed.overall.issued, closed.overall.voted) == (6, 2)


def test_a_reopening_deletes_the_stored_turnout_and_the_next_close_stores_it_afresh(setup, officer):
    from datetime import timedelta

    from django.utils import timezone

    from tallyroom import lifecycle
    from tallyroom.audit.models import Event

    election, contests, members, codes = setup
    cast(codes[0], {})
    lifecycle.close_voting(election, officer)
    first = _stored(election)
    lifecycle.reopen_voting(election, officer, timezone.now() + timedelta(days=1), "closed early")
    assert _stored(election) == [] and Event.objects.filter(verb="election.reopen").count() == 1
    cast(codes[1], {})
    assert turnout(election).overall.voted == 2  # live while voting
    cast(codes[2], {})
    lifecycle.close_voting(election, officer)
    assert _stored(election) == _fresh(election) != first
    assert [(t.unit, t.voted) for t in turnout(election).by_unit] == [("Camden", 1), ("Hackney", 2)]


def test_an_election_closed_without_stored_turnout_counts_once_and_stores_it(
    setup, officer, django_assert_num_queries
):
    """As one closed before the figures were kept (the migration adds none)."""
    from tallyroom import lifecycle
    from tallyroom.voting.models import ClosedTurnout

    election, contests, members, codes = setup
    cast(codes[4], {})
    lifecycle.close_voting(election, officer)
    expected = turnout(election)
    ClosedTurnout.objects.filter(election=election).delete()
    assert turnout(election) == expected and _stored(election) == _fresh(election)
    with django_assert_num_queries(2):
        assert turnout(election) == expected


def test_a_withdrawal_reaching_the_codes_after_the_close_deletes_the_stored_turnout(setup, officer):
    """A decision made just before the close whose codes are withdrawn just after it (the signal
    runs after the decision's commit): the next view counts afresh, without the withdrawn code."""
    from tallyroom import lifecycle
    from tallyroom.roll.models import RollEntry
    from tallyroom.voting.signals import codes_follow_roll

    election, contests, members, codes = setup
    lifecycle.close_voting(election, officer)
    entries = RollEntry.objects.filter(member=members[5], contest__election=election)
    entries.update(eligible=False)  # as the decision did before the close
    codes_follow_roll(sender=RollEntry, entry=entries.select_related("contest__election").first())
    assert _stored(election) == []
    after = turnout(election)
    assert (after.overall.issued, _stored(election)) == (5, _fresh(election))


@pytest.mark.parametrize("page", ["voting:codes", "results:election", "voting:turnout_csv"])
def test_a_staff_page_after_the_close_reads_the_stored_turnout_not_the_grouped_count(setup, officer, page):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tallyroom import lifecycle

    election, contests, members, codes = setup
    cast(codes[1], {})
    lifecycle.close_voting(election, officer)
    client = Client()
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, args=[election.slug]))
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("voting_closedturnout" in q for q in sql) == 1
    assert not [q for q in sql if "voting_ballotcode" in q and "roll_member" in q and "GROUP BY" in q]
