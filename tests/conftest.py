"""Fixtures shared by the web apps' tests: users holding each role."""

import pytest
from django.contrib.auth.models import Group, User

from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF


@pytest.fixture
def user_with(db):
    """Make a signed-up user holding the given roles: ``user_with("ro", RETURNING_OFFICER)``."""

    def make(username: str, *roles: str) -> User:
        user = User.objects.create_user(username, password="pw-for-tests-only")
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def officer(user_with):
    return user_with("ro", RETURNING_OFFICER)


@pytest.fixture
def staff(user_with):
    return user_with("clerk", STAFF)


@pytest.fixture
def scrutineer(user_with):
    return user_with("watcher", SCRUTINEER)
