"""A decision on a frozen roll reaches the voter: a code for a member made eligible while codes
are out (unless a job issuing codes is under way: it will reach them), and an unused code
withdrawn from a member left on no roll of the election."""

from django.db import transaction
from django.dispatch import receiver

from tallyroom.audit.events import record
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.roll.models import RollEntry
from tallyroom.roll.signals import roll_changed

from .codes import issue_and_send
from .models import BallotCode


@receiver(roll_changed, sender=RollEntry, dispatch_uid="voting.codes_follow_roll")
def codes_follow_roll(sender, entry, decision=None, **kwargs):
    election = entry.contest.election
    codes = BallotCode.objects.filter(election=election)
    if not codes.exists():
        return
    user = getattr(decision, "decided_by", None)
    if entry.eligible:
        if not jobs.active(election, Job.Kind.OPEN_VOTING, Job.Kind.ISSUE_CODES):
            issue_and_send(election, user=user)
    elif not RollEntry.objects.filter(
        member=entry.member, contest__election=election, eligible=True
    ).exists():
        with transaction.atomic():
            if codes.filter(member=entry.member, used_at__isnull=True).delete()[0]:
                record(user, "voting.withdraw_code", f"election:{election.pk}", member=entry.member.number)
