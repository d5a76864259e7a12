"""A small organisation, an election and a contest for the roll tests."""

from datetime import date, datetime

import pytest
from django.utils import timezone

import builders as build
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
    return build.election(name="Regional board 2026", opens=opens)


@pytest.fixture
def contest(election):
    return build.contest(election, "chair")


def member(number, unit, **fields):
    """One paid-up, active member with no email address (``build.members`` otherwise)."""
    values = {
        "email": "",
        "paid_up_to": date(2026, 12, 31),
        "status": Member.Status.ACTIVE,
        "category": Member.Category.MEMBER,
    }
    return build.members([number], unit, **{**values, **fields})[0]
