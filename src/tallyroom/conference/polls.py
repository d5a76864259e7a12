"""In-room polls: each poll is its own election of one contest (or motion) with its own trustees'
key, so opening one poll's box can never open another's (docs/conference.md).

    create_poll(conference, title, ...)       a draft election and contest, with its key installed
    open_poll(poll, chair)                    the roll: delegates present now, with their weights
    vote(poll, delegate, names)               into the ballot box, channel in_room (papers.py:
                                              paper ballots in stacks, keyed in twice, channel paper)
    declare(poll, chair, shares)              close, open the box with the trustees' shares,
                                              count with the colleges' shares, publish
    show_of_hands(poll, chair, counts)        recorded as such, no ballots

Each is one transaction with its audit events; ``Refused`` says why and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tallyroom import lifecycle
from tallyroom.audit.events import record
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import Channel
from tallyroom.count.numbers import exact_str
from tallyroom.elections.models import Candidate, Contest, Election
from tallyroom.roll.models import RollEntry

from . import papers
from .delegations import Refused
from .models import Conference, Delegate, Poll
from .seating import present_voters

MOTION_CHOICES = ("For", "Against")  # an abstention is a ballot with neither
# A motion's choices are stored in English (its candidates' names, a show of hands' counts) and
# shown in the reader's language: ``shown_choice``.
MOTION_WORDS = {
    "For": pgettext_lazy("a motion", "For"),
    "Against": pgettext_lazy("a motion", "Against"),
    "Abstain": pgettext_lazy("a motion", "Abstain"),
}
POLL_HOURS = 12  # the timetable's close; the chair closes the poll long before


def create_poll(
    conference: Conference,
    title: str,
    key: keys.PublicKey,
    user,
    *,
    candidates: Sequence[str] = (),
    method: str = "plurality",
    seats: int = 1,
    college: str = "",
    college_shares: Mapping[str, str] | None = None,
    ballots_public: bool = True,
    constraints: str = "",
    groups: Mapping[str, str] | None = None,
) -> Poll:
    """A poll of ``conference``: a motion (no ``candidates``: For or Against, by plurality) or a
    contest. ``college``: only that college's delegations vote. ``key``: this poll's own key from
    a key ceremony (``tallyroom keys ceremony``), installed now."""
    motion = not candidates
    with transaction.atomic():
        position = conference.polls.count() + 1
        slug = f"{conference.slug}-{position}-{slugify(title)}"[:64]
        now = timezone.now()
        election = Election.objects.create(
            slug=slug,
            name=f"{conference.name}: {title}",
            freeze_date=conference.counted_as_at,
            voting_opens=now,
            voting_closes=now + timedelta(hours=POLL_HOURS),
        )
        contest = Contest.objects.create(
            election=election,
            slug="poll",
            name=title,
            method=method,
            seats=seats,
            college_shares=dict(college_shares or {}),
            ballots_public=ballots_public,
            constraints=constraints,
            tie_seed=f"{slug}:{now.isoformat()}",
        )
        names = list(MOTION_CHOICES if motion else candidates)
        Candidate.objects.bulk_create(
            Candidate(contest=contest, name=n, position=i, groups=(groups or {}).get(n, ""))
            for i, n in enumerate(names)
        )
        poll = Poll.objects.create(
            conference=conference,
            election=election,
            kind=Poll.Kind.MOTION if motion else Poll.Kind.CONTEST,
            college=college,
            position=position,
        )
        box.install_key(election, key, user)
        record(user, "conference.poll_created", f"conference:{conference.pk}", poll=poll.pk, title=title)
    return poll


def _locked(poll: Poll, *states: str) -> Poll:
    """The poll re-read under a row lock (held to the end of the transaction), refused unless
    it is in one of ``states``."""
    locked = Poll.objects.select_for_update().select_related("election", "conference").get(pk=poll.pk)
    if locked.state not in states:
        raise Refused(
            _("%(poll)s: the poll is %(state)s")
            % {"poll": locked, "state": locked.get_state_display().lower()}
        )
    return locked


def open_poll(poll: Poll, user) -> int:
    """Open the poll: its roll is the delegates present now, each with their weight (their share
    of the card vote) and college; the line items keep the raw figures. Returns the voters."""
    with transaction.atomic():
        _locked(poll, Poll.State.READY)
        if Poll.objects.filter(conference=poll.conference, state=Poll.State.OPEN).exists():
            raise Refused(_("another poll is open: close it first"))
        delegations = poll.conference.delegations.prefetch_related("delegates")
        if poll.college:
            delegations = delegations.filter(college=poll.college)
        lines, voters = present_voters(delegations, poll.conference.clp_card_votes)
        if not voters:
            raise Refused(_("no delegate is checked in"))
        contest = poll.contest
        RollEntry.objects.bulk_create(
            RollEntry(
                contest=contest,
                member_id=v.member_id,
                eligible=True,
                weight=exact_str(v.weight),
                college=v.college,
            )
            for v in voters
        )
        contest.freeze_roll()
        now = timezone.now()
        Election.objects.filter(pk=poll.election_id).update(
            state=Election.State.VOTING, voting_opens=now, voting_closes=now + timedelta(hours=POLL_HOURS)
        )
        poll.line_items = [
            {
                "delegation": line.name,
                "college": line.college,
                "card_vote": line.card_vote,
                "present": line.present,
                "weight_per_delegate": "" if line.weight is None else exact_str(line.weight),
            }
            for line in lines
        ]
        poll.state, poll.opened_at = Poll.State.OPEN, now
        poll.save(update_fields=["line_items", "state", "opened_at"])
        record(user, "conference.poll_open", f"election:{poll.election_id}", poll=poll.pk, voters=len(voters))
    return len(voters)


def vote(poll: Poll, delegate: Delegate, names: Sequence[str], contest_id: int | None = None) -> box.Receipt:
    """Put ``delegate``'s ballot (names chosen, first preference first) in the poll's box, from
    their phone or a kiosk (channel in_room); refused once they have been given a paper of this
    poll (the box marked them as voting on paper). ``contest_id``: the poll's contest, if the
    caller has it (a query saved)."""
    if poll.state != Poll.State.OPEN:
        raise BallotError(_("This poll is not open."))
    if contest_id is None:
        contest_id = poll.election.contests.values_list("pk", flat=True).get()
    return box.deposit(
        poll.election_id,
        delegate.member_id,
        {contest_id: list(names)},
        Channel.IN_ROOM,
        contests=[contest_id],
    )


def close_poll(poll: Poll, user) -> None:
    """Close voting in the poll; the box records what it holds."""
    with transaction.atomic():
        _locked(poll, Poll.State.OPEN)
        papers.check_reconciled(poll)
        lifecycle.close_voting(poll.election, user)
        poll.state, poll.closed_at = Poll.State.CLOSED, timezone.now()
        poll.save(update_fields=["state", "closed_at"])


def declare(poll: Poll, user, shares: Sequence[str]) -> None:
    """The trustees' ``shares`` of this poll's key open its box; the contest is counted (with its
    colleges' shares) and its result published. The key exists only in memory meanwhile. A
    wrong share refuses, leaving the poll closed for the shares to be given again."""
    if poll.state == Poll.State.OPEN:
        close_poll(poll, user)
    with transaction.atomic():
        _locked(poll, Poll.State.CLOSED)
        try:
            lifecycle.open_box(poll.election, user, shares)
            counted = lifecycle.count(poll.contest, user)
            lifecycle.publish(counted, user)
        except lifecycle.Refused as e:
            raise Refused(str(e)) from None
        poll.state = Poll.State.DECLARED
        poll.save(update_fields=["state"])
        record(
            user,
            "conference.poll_declared",
            f"election:{poll.election_id}",
            poll=poll.pk,
            elected=counted.elected,
        )


def show_of_hands(poll: Poll, user, counts: Mapping[str, int]) -> None:
    """Record the chair's count of a show of hands (e.g. For, Against, Abstain) on a poll that
    has not opened: no ballots are taken; the record says it was a show of hands."""
    if any(not isinstance(v, int) or v < 0 for v in counts.values()):
        raise Refused(_("a show of hands is counted in whole numbers"))
    with transaction.atomic():
        _locked(poll, Poll.State.READY)
        poll.show_of_hands = dict(counts)
        poll.state, poll.closed_at = Poll.State.DECLARED, timezone.now()  # counted: closed now
        poll.save(update_fields=["show_of_hands", "state", "closed_at"])
        record(
            user,
            "conference.show_of_hands",
            f"election:{poll.election_id}",
            poll=poll.pk,
            counts=dict(counts),
        )


def shown_choice(poll: Poll, name: str) -> str:
    """``name`` (a candidate's, or a show of hands' count's) as the reader sees it: a motion's
    For, Against or Abstain in the active language; any other name as it stands."""
    return str(MOTION_WORDS.get(name, name)) if poll.kind == Poll.Kind.MOTION else name


def turnout(poll: Poll) -> tuple[int, int]:
    """``(voted, on the roll)`` of the poll: its delegates present at the opening."""
    roll = RollEntry.objects.filter(contest__election_id=poll.election_id, eligible=True)
    return roll.filter(voted_at__isnull=False).count(), roll.count()
