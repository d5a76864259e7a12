"""Roll decisions reach the codes: a member made eligible gets one, one left on no roll loses theirs."""

import pytest
from django.core import mail
from django.utils import timezone

from tallyroom.elections.models import Contest
from tallyroom.roll.decisions import decide
from tallyroom.roll.models import RollEntry
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db(transaction=True)  # roll_changed is sent on commit


def test_codes_follow_roll_decisions(setup, officer):
    election, contests, members, codes = setup
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    excluded = RollEntry.objects.get(contest=contests["block"], member=members[1])
    members[1].roll_entries.exclude(pk=excluded.pk).update(eligible=False)
    BallotCode.objects.filter(member=members[1]).delete()
    decide(excluded, eligible=True, reason="appeal upheld: paid up", user=officer)
    assert BallotCode.objects.filter(election=election, member=members[1], used_at__isnull=True).exists()
    assert mail.outbox[-1].to == [members[1].email]
    decide(RollEntry.objects.get(pk=excluded.pk), eligible=False, reason="appeal withdrawn", user=officer)
    assert not BallotCode.objects.filter(member=members[1]).exists()
    decide(
        RollEntry.objects.get(contest=contests["stv"], member=members[2]),
        eligible=False,
        reason="x",
        user=officer,
    )
    assert BallotCode.objects.filter(member=members[2]).exists()  # still on other rolls
