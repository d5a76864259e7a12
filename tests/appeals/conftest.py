"""An election in voting with frozen rolls, codes out, appeal rules (quorum 2) and a panel of
three; members excluded for joining after the freeze date ("late" ones), one lapsed."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tallyroom.appeals.models import AppealRules
from tallyroom.elections.models import Contest
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting.codes import issued_codes
from tallyroom.web.access import APPEALS_PANEL


@pytest.fixture(autouse=True)
def quick_lookups(settings, tmp_path):
    settings.TALLYROOM_APPEALS_LOOKUP_SECONDS = 0
    settings.TALLYROOM_POSTAL_DIR = str(tmp_path / "post")


def late_member(number: str, contests, *, email=True, joined=date(2026, 2, 1), unit=None) -> Member:
    member = Member.objects.create(
        number=number,
        name=f"Late {number}",
        email=f"{number.lower()}@example.org" if email else "",
        address="1 Late Lane",
        unit=unit,
        joined=joined,
    )
    RollEntry.objects.bulk_create(
        RollEntry(contest=c, member=member, eligible=False, reason=JOINED_LATE) for c in contests
    )
    return member


@pytest.fixture
def appeals(voting_election, user_with):
    election, contests, members = voting_election()
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    for contest in contests.values():
        contest.refresh_from_db()
        contest.election = election
    rules = AppealRules.objects.create(
        election=election, appeals_close=timezone.now() + timedelta(days=5), quorum=2, days_to_decide=3
    )
    unit = members[2].unit
    lena = late_member("L1", contests.values(), unit=unit)
    leo = late_member("L2", contests.values(), unit=unit)
    codes = {m.number: c for m, c in issued_codes(election)}
    panel = [user_with(f"panel{i}", APPEALS_PANEL) for i in range(3)]
    return SimpleNamespace(
        election=election,
        contests=contests,
        members=members,
        rules=rules,
        lena=lena,
        leo=leo,
        codes=codes,
        panel=panel,
    )
