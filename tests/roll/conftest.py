"""A small organisation, an election and a contest for the roll tests."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tallyroom.elections.models import Contest, Election
from tallyroom.organisation.models import Affiliate, Region, Unit
from tallyroom.roll.models import Member


@pytest.fixture
def places():
    london = Region.objects.create(code="london", name="London")
    north = Region.objects.create(code="north", name="North")
    return {
        "london": london,
        "north": north,
        "hackney": Unit.objects.create(code="hackney", name="Hackney", region=london),
        "camden": Unit.objects.create(code="camden", name="Camden", region=london),
        "leeds": Unit.objects.create(code="leeds", name="Leeds", region=north),
        "unison": Affiliate.objects.create(code="unison", name="UNISON", affiliated_members=1000),
    }


@pytest.fixture
def election():
    opens = timezone.make_aware(datetime(2026, 3, 1, 9))
    return Election.objects.create(
        slug="board-2026",
        name="Regional board 2026",
        freeze_date=date(2026, 1, 1),
        voting_opens=opens,
        voting_closes=opens + timedelta(days=14),
    )


@pytest.fixture
def contest(election):
    return Contest.objects.create(election=election, slug="chair", name="Chair", method="fptp")


def member(number, unit, **fields):
    values = {
        "name": f"Member {number}",
        "joined": date(2020, 1, 1),
        "paid_up_to": date(2026, 12, 31),
        "status": Member.Status.ACTIVE,
        "category": Member.Category.MEMBER,
    }
    return Member.objects.create(number=number, unit=unit, **{**values, **fields})
