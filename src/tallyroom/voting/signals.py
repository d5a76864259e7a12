"""A decision on a frozen roll reaches the voter: a code for a member made eligible while codes
are out (unless a job issuing codes is under way: it will reach them; none for a member who has
voted in every contest they are now on, by a provisional ballot: ``codes.eligible_members``), and
an unused code withdrawn from a member left on no roll of the election; for one decision, or for a bulk one
(``roll_changed_in_bulk``: a job issues and sends the new codes in batches, in the background)."""

from django.db import transaction
from django.dispatch import receiver

from tallyroom.audit.events import record
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.roll.models import RollEntry
from tallyroom.roll.signals import roll_changed, roll_changed_in_bulk

from .codes import issue_and_send
from .models import BallotCode

BATCH = 5000


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


@receiver(roll_changed_in_bulk, sender=RollEntry, dispatch_uid="voting.codes_follow_roll_in_bulk")
def codes_follow_roll_in_bulk(sender, contest, member_ids, eligible, user=None, **kwargs):
    election = contest.election
    codes = BallotCode.objects.filter(election=election)
    if not codes.exists():
        return
    if eligible:
        if not jobs.active(election, Job.Kind.OPEN_VOTING, Job.Kind.ISSUE_CODES):
            jobs.start(Job.Kind.ISSUE_CODES, election, user)
        return
    batches = [member_ids[i : i + BATCH] for i in range(0, len(member_ids), BATCH)]
    on_a_roll = set()
    for batch in batches:
        on_a_roll.update(
            RollEntry.objects.filter(
                contest__election=election, eligible=True, member_id__in=batch
            ).values_list("member_id", flat=True)
        )
    with transaction.atomic():
        withdrawn = sum(
            codes.filter(member_id__in=[m for m in b if m not in on_a_roll], used_at__isnull=True).delete()[0]
            for b in batches
        )
        if withdrawn:
            record(user, "voting.withdraw_codes", f"election:{election.pk}", codes=withdrawn)
