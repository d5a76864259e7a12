"""A small organisation, an election and a contest for the roll tests."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from tallyroom.elections.models import Contest, Election
from tallyroom.organisation.models import Affiliate, Region, Unit
from tallyroom.roll.models import Member
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF


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


def user_with(username, *roles):
    user = User.objects.create_user(username, password="pw-for-tests-only")
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def officer():
    return user_with("ro", RETURNING_OFFICER)


@pytest.fixture
def staff():
    return user_with("clerk", STAFF)


@pytest.fixture
def scrutineer():
    return user_with("watcher", SCRUTINEER)
