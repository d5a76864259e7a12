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


def test_once_closed_turnout_is_counted_once_and_again_after_a_reopening(
    setup, officer, django_assert_num_queries
):
    """No code is used while voting is closed: the grouped count is kept under the close's time
    and the codes' totals (a code stored since counts); a reopening and the next close count
    afresh, and while voting it is live."""
    from datetime import timedelta

    from django.utils import timezone

    from tallyroom import lifecycle
    from tallyroom.roll.models import Member
    from tallyroom.voting.codes import code_hash
    from tallyroom.voting.models import BallotCode

    election, contests, members, codes = setup
    cast(codes[0], {})
    lifecycle.close_voting(election, officer)
    closed = turnout(election)
    assert (closed.overall.issued, closed.overall.voted) == (6, 1)
    with django_assert_num_queries(3):  # the units' names, the close's time, the totals: no join
        assert turnout(election) == closed
    late = Member.objects.create(number="late", name="Late", unit=members[0].unit, joined=members[0].joined)
    BallotCode.objects.create(
        election=election, member=late, code_hash=code_hash("late"), issued_at=timezone.now()
    )
    assert [(t.unit, t.issued) for t in turnout(election).by_unit] == [("Camden", 3), ("Hackney", 4)]
    lifecycle.reopen_voting(election, officer, timezone.now() + timedelta(days=1), "closed early")
    cast(codes[1], {})
    assert turnout(election).overall.voted == 2
    cast(codes[2], {})
    assert turnout(election).overall.voted == 3  # live while voting
    lifecycle.close_voting(election, officer)
    assert [(t.unit, t.voted) for t in turnout(election).by_unit] == [("Camden", 1), ("Hackney", 2)]
