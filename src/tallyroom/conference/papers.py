"""Paper ballots of an in-room poll, keyed in twice.

    issue(poll, delegates, user)        numbered papers, one per delegate on the poll's roll
    returned(poll, number, user)        the paper came back in the ballot box
    key_in(poll, number, teller, names) a teller's entry: the second, by another teller, puts the
                                        paper in the box if the two agree, else flags it; a third
                                        teller's entry settles a flagged paper and puts it in
    reconciliation(poll)                issued, returned, in the box, flagged: the poll closes
                                        only when every returned paper is in the box

A paper goes into the same ballot box as the phones' ballots, channel ``paper``, under the
delegate it was issued to (so its weight and college are theirs). The paper's number is tied to
that delegate here, as a numbered counterfoil is: see docs/conference.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import current_marking
from tallyroom.ballotbox.models import Channel
from tallyroom.roll.models import RollEntry

from .delegations import Refused
from .models import Delegate, Paper, PaperEntry, Poll


def issue(poll: Poll, delegates: Iterable[Delegate], user) -> list[Paper]:
    """Number and issue a paper to each of ``delegates`` who is on the open poll's roll, has not
    voted and has no paper yet; the others are passed over. Returns the papers issued."""
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.state != Poll.State.OPEN:
            raise Refused("papers are issued while the poll is open")
        waiting = set(
            RollEntry.objects.filter(
                contest__election_id=poll.election_id, eligible=True, voted_at__isnull=True
            ).values_list("member_id", flat=True)
        )
        holding = set(locked.papers.values_list("delegate_id", flat=True))
        chosen = [d for d in delegates if d.member_id in waiting and d.pk not in holding]
        start = (locked.papers.aggregate(n=Max("number"))["n"] or 0) + 1
        made = Paper.objects.bulk_create(
            Paper(poll=locked, number=start + i, delegate=d) for i, d in enumerate(chosen)
        )
        if made:
            record(
                user,
                "conference.papers_issued",
                f"election:{poll.election_id}",
                first=start,
                papers=len(made),
            )
    return made


def _paper(poll: Poll, number: int) -> Paper:
    try:
        return Paper.objects.select_for_update().select_related("delegate").get(poll=poll, number=number)
    except Paper.DoesNotExist:
        raise Refused(f"no paper numbered {number} was issued in this poll") from None


def returned(poll: Poll, number: int, user) -> None:
    """Paper ``number`` was found in the ballot box."""
    with transaction.atomic():
        paper = _paper(poll, number)
        if paper.state != Paper.State.ISSUED:
            raise Refused(f"paper {number} is {paper.get_state_display().lower()} already")
        paper.state = Paper.State.RETURNED
        paper.save(update_fields=["state"])
        record(user, "conference.paper_returned", f"election:{poll.election_id}", paper=number)


def _into_box(poll: Poll, paper: Paper, names: Sequence[str]) -> None:
    contest = poll.contest
    box.deposit(
        poll.election_id, paper.delegate.member_id, {contest.pk: list(names)}, Channel.PAPER, [contest.pk]
    )
    paper.state = Paper.State.IN_BOX
    paper.save(update_fields=["state"])


def key_in(poll: Poll, number: int, teller, names: Sequence[str]) -> str:
    """``teller``'s entry of paper ``number``; returns the paper's state after it."""
    names = current_marking(poll.contest).check(names)  # BallotError for a paper marked wrongly
    with transaction.atomic():
        paper = _paper(poll, number)
        entries = list(paper.entries.all())
        if paper.state in (Paper.State.ISSUED, Paper.State.IN_BOX):
            raise Refused(f"paper {number} is {paper.get_state_display().lower()}: nothing to key")
        if any(e.teller_id == teller.pk for e in entries):
            raise Refused(f"you have keyed paper {number} already: another teller keys it")
        settles = paper.state == Paper.State.DISPUTED
        PaperEntry.objects.create(paper=paper, teller=teller, choices=names, settles=settles)
        if settles or (entries and entries[0].choices == names):
            _into_box(poll, paper, names)
        elif entries:
            paper.state = Paper.State.DISPUTED
            paper.save(update_fields=["state"])
        record(
            teller,
            "conference.paper_keyed",
            f"election:{poll.election_id}",
            paper=number,
            entry=len(entries) + 1,
            state=paper.state,
        )
    return paper.state


def reconciliation(poll: Poll) -> dict[str, int]:
    """Papers issued; of those, not returned, returned awaiting entry, flagged, in the box."""
    states = Counter(poll.papers.values_list("state", flat=True))
    return {
        "issued": sum(states.values()),
        "not_returned": states[Paper.State.ISSUED],
        "awaiting_entry": states[Paper.State.RETURNED],
        "disputed": states[Paper.State.DISPUTED],
        "in_box": states[Paper.State.IN_BOX],
    }


def check_reconciled(poll: Poll) -> None:
    """Refused while a returned paper is not yet in the box (waiting for its second entry, or
    flagged for a third teller)."""
    figures = reconciliation(poll)
    waiting = figures["awaiting_entry"] + figures["disputed"]
    if waiting:
        raise Refused(
            f"{waiting} returned paper{'s' * (waiting > 1)} not yet in the box "
            f"({figures['disputed']} flagged for a third teller): key them in before closing"
        )
