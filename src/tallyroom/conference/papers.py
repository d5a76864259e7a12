"""Paper ballots of an in-room poll, in stacks, keyed in twice, never linked to their delegates.

    issue(poll, delegates, user)                 each delegate on the roll who has not voted is
                                                 marked as voting on paper and handed a paper of
                                                 the stack of their weight and college
    returned(poll, stack, count, user)           the tellers' count of a stack's papers found in
                                                 the ballot box, which they number 1 to count
    key_in(poll, stack, number, teller, names)   a teller's entry of paper ``number`` of a stack:
                                                 the second, by another teller, puts the paper in
                                                 the box if the two agree, else flags it; a third
                                                 teller's entry settles a flagged paper
    reconciliation(poll)                         issued, returned, keyed and in the box, by stack:
                                                 the poll closes only when they agree

Secrecy: a stack holds the papers of one weight and college (the ballot box needs no more to
count a paper), and what is recorded of an issue is that the delegate was given a paper (the
box's "has voted" mark, channel paper) and that their stack's count went up. Papers are blank
when handed out and numbered only when the tellers count them out of the ballot box (1 to the
number returned, for the two entries to refer to), so no number was ever beside a delegate, not
even in the order papers were issued: a keyed paper is linked to its stack only, as the online
ballot is to its weight. A stack of one delegate (a delegation with a weight of its own and one
delegate present) identifies that delegate's paper, as the weight identifies their online ballot
(docs/conference.md, "Secrecy against verifiability").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import BallotError, current_marking
from tallyroom.count.numbers import exact_str
from tallyroom.roll.models import RollEntry

from .delegations import Refused
from .models import Delegate, Paper, PaperEntry, PaperStack, Poll


def _open(poll: Poll) -> Poll:
    locked = Poll.objects.select_for_update().get(pk=poll.pk)
    if locked.state != Poll.State.OPEN:
        raise Refused(_("paper ballots are issued and keyed while the poll is open"))
    return locked


def issue(poll: Poll, delegates: Iterable[Delegate], user) -> list[tuple[Delegate, PaperStack]]:
    """Hand a paper to each of ``delegates`` who is on the open poll's roll and has not voted
    (the others are passed over): each is marked in the box as voting on paper and their stack's
    count goes up. Returns each delegate given a paper with their stack."""
    with transaction.atomic():
        locked = _open(poll)
        contest_id = locked.election.contests.values_list("pk", flat=True).get()
        waiting = set(
            RollEntry.objects.filter(contest_id=contest_id, eligible=True, voted_at__isnull=True).values_list(
                "member_id", flat=True
            )
        )
        stacks = {(s.college, s.weight): s for s in locked.stacks.select_for_update()}
        given = []
        for d in delegates:
            if d.member_id not in waiting:
                continue
            weight, college = box.issue_paper(locked.election_id, d.member_id, contest_id)
            key = (college, exact_str(weight))
            if key not in stacks:
                stacks[key] = PaperStack.objects.create(
                    poll=locked, number=len(stacks) + 1, college=college, weight=key[1]
                )
            stacks[key].issued += 1
            waiting.discard(d.member_id)
            given.append((d, stacks[key]))
        for stack in {s.pk: s for _, s in given}.values():
            stack.save(update_fields=["issued"])
        if given:
            record(
                user,
                "conference.papers_issued",
                f"election:{locked.election_id}",
                members=[d.member.number for d, _ in given],
                stacks={s.number: s.issued for s in stacks.values()},
            )
    return given


def _stack(poll: Poll, number: int) -> PaperStack:
    try:
        return PaperStack.objects.select_for_update().get(poll=poll, number=number)
    except PaperStack.DoesNotExist:
        raise Refused(_("this poll has no stack %(n)s of papers") % {"n": number}) from None


def returned(poll: Poll, stack_number: int, count: int, user) -> None:
    """The tellers counted ``count`` papers of stack ``stack_number`` in the ballot box."""
    with transaction.atomic():
        _open(poll)
        stack = _stack(poll, stack_number)
        if count > stack.issued:
            raise Refused(
                ngettext(
                    "stack %(stack)s: %(count)s returned, but %(n)s paper was issued",
                    "stack %(stack)s: %(count)s returned, but %(n)s papers were issued",
                    stack.issued,
                )
                % {"stack": stack.number, "count": count, "n": stack.issued}
            )
        highest = stack.papers.aggregate(n=Max("number"))["n"] or 0
        if count < highest:
            raise Refused(
                _("stack %(stack)s: paper %(n)s is keyed in already, so at least %(n)s returned")
                % {"stack": stack.number, "n": highest}
            )
        stack.returned = count
        stack.save(update_fields=["returned"])
        record(
            user,
            "conference.papers_returned",
            f"election:{poll.election_id}",
            stack=stack.number,
            issued=stack.issued,
            returned=count,
        )


def key_in(poll: Poll, stack_number: int, number: int, teller, names: Sequence[str]) -> str:
    """``teller``'s entry of paper ``number`` of stack ``stack_number``; returns the paper's state
    after it. A paper goes into the box, with its stack's weight and college, when two tellers'
    entries agree or a third teller settles a flagged one."""
    names = current_marking(poll.contest).check(names)  # BallotError for a paper marked wrongly
    with transaction.atomic():
        _open(poll)
        stack = _stack(poll, stack_number)
        if stack.returned is None:
            raise Refused(
                _("stack %(stack)s: count and number its papers returned before keying them")
                % {"stack": stack.number}
            )
        if not 1 <= number <= stack.returned:
            raise Refused(
                _("stack %(stack)s has papers 1 to %(returned)s returned: no paper %(n)s")
                % {"stack": stack.number, "returned": stack.returned, "n": number}
            )
        paper, _created = Paper.objects.select_for_update().get_or_create(stack=stack, number=number)
        if paper.state == Paper.State.IN_BOX:
            raise Refused(
                _("paper %(n)s of stack %(stack)s is in the box: nothing to key")
                % {"n": number, "stack": stack.number}
            )
        entries = list(paper.entries.all())
        if any(e.teller_id == teller.pk for e in entries):
            raise Refused(
                _("you have keyed paper %(n)s of stack %(stack)s: another teller keys it")
                % {"n": number, "stack": stack.number}
            )
        settles = paper.state == Paper.State.DISPUTED
        PaperEntry.objects.create(paper=paper, teller=teller, choices=names, settles=settles)
        if settles or (entries and entries[0].choices == names):
            try:
                box.deposit_paper(
                    poll.election_id, poll.contest.pk, Fraction(stack.weight), stack.college, names
                )
            except (BallotError, box.BoxError) as e:
                raise Refused(str(e)) from None
            paper.state = Paper.State.IN_BOX
        elif entries:
            paper.state = Paper.State.DISPUTED
        paper.save(update_fields=["state"])
        record(
            teller,
            "conference.paper_keyed",
            f"election:{poll.election_id}",
            stack=stack.number,
            paper=number,
            entry=len(entries) + 1,
            state=paper.state,
        )
    return paper.state


def reconciliation(poll: Poll) -> list[dict]:
    """Per stack: its weight and college, papers issued, returned (None until counted), not
    returned, keyed once (awaiting a second entry), flagged, in the box, and the flagged numbers."""
    stacks = poll.stacks.annotate(
        once=Count("papers", filter=Q(papers__state=Paper.State.KEYED_ONCE)),
        disputed=Count("papers", filter=Q(papers__state=Paper.State.DISPUTED)),
        in_box=Count("papers", filter=Q(papers__state=Paper.State.IN_BOX)),
    )
    flagged = {}
    for stack_id, number in Paper.objects.filter(stack__poll=poll, state=Paper.State.DISPUTED).values_list(
        "stack_id", "number"
    ):
        flagged.setdefault(stack_id, []).append(number)
    return [
        {
            "stack": s.number,
            "college": s.college,
            "weight": s.weight,
            "issued": s.issued,
            "returned": s.returned,
            "not_returned": None if s.returned is None else s.issued - s.returned,
            "keyed_once": s.once,
            "disputed": s.disputed,
            "in_box": s.in_box,
            "flagged": sorted(flagged.get(s.pk, [])),
        }
        for s in stacks
    ]


def check_reconciled(poll: Poll) -> None:
    """Refused unless every stack's returned papers are counted and all of them are in the box."""
    problems = []
    for s in reconciliation(poll):
        if s["returned"] is None:
            problems.append(_("stack %(stack)s: count the papers returned") % {"stack": s["stack"]})
        elif s["in_box"] != s["returned"]:
            problems.append(
                _(
                    "stack %(stack)s: %(missing)s of %(returned)s returned papers not yet in the box "
                    "(%(flagged)s flagged for a third teller)"
                )
                % {
                    "stack": s["stack"],
                    "missing": s["returned"] - s["in_box"],
                    "returned": s["returned"],
                    "flagged": s["disputed"],
                }
            )
    if problems:
        raise Refused(
            _("%(problems)s: reconcile the papers before closing") % {"problems": "; ".join(problems)}
        )
