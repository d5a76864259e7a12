"""What the returning officer does to an election, one function per verb, each of one shape:
``verb(subject, user, ...)`` checks the state under a row lock, makes the change and records its
audit event in one transaction, and raises ``Refused`` (saying why) leaving nothing half-done.

    open_voting(election)   draft/nominations -> voting, as a job: freeze rolls, issue and send codes
    close_voting(election)  voting -> closed: no more ballots; the box records what it holds
    extend_voting(election) voting: the close moves later, a recorded decision with its reason
    reopen_voting(election) closed, box still sealed -> voting: after an early close, with a reason
    open_box(election)      closed: the trustees' shares open the box (tallyroom.ballotbox.box)
    count(contest)          once opened: the engine counts the contest's ballots
    start_count(contest)    the same, as a job (the web app's way)
    publish(count)          the newest count of a contest becomes its published result

Long work runs as a job (tallyroom.jobs): the verb checks and records the decision and starts
the job, whose work (``opening_work``, ``issuing_work``, ``counting_work``) a worker runs. Opening
the box never does: the trustees' shares must not be written to the queue (docs/jobs.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tallyroom import count as engine
from tallyroom.audit.events import record
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.models import ContestBox
from tallyroom.elections import checklist
from tallyroom.elections.ballot_order import new_seed
from tallyroom.elections.models import Contest, Election
from tallyroom.formats import blt_text
from tallyroom.formats.csvballots import csv_ballots_text
from tallyroom.formats.results import result_json
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.results.models import ContestCount
from tallyroom.roll import bulk
from tallyroom.roll.eligibility import freeze_rolls
from tallyroom.roll.models import RollEntry
from tallyroom.voting import turnout
from tallyroom.voting.codes import Recipient, Sent, drop_pending, issue_and_send
from tallyroom.voting.models import ClosedTurnout
from tallyroom.words import Words, plural_noop

State = Election.State


class Refused(Exception):
    """The action is not allowed now, or failed; the message says why, in the officer's terms."""


# The state as a refusal names it, in the middle of a sentence (the labels are capitalised).
_STATE_WORDS = {
    State.DRAFT: gettext_noop("draft"),
    State.NOMINATIONS: gettext_noop("nominations"),
    State.VOTING: gettext_noop("voting open"),
    State.CLOSED: gettext_noop("voting closed"),
}


_CANNOT_OPEN = gettext_noop("cannot open voting in %(name)s: its state is '%(state)s'")
_CANNOT_ISSUE = gettext_noop("cannot issue ballot codes in %(name)s: its state is '%(state)s'")


def _locked(election: Election, refusal: str, allowed: tuple[str, ...]) -> Election:
    """The election re-read under a row lock, refused unless its state is one of ``allowed``;
    ``refusal`` is the msgid saying so, with ``%(name)s`` and ``%(state)s``."""
    locked = Election.objects.select_for_update().get(pk=election.pk)
    if locked.state not in allowed:
        raise Refused(Words(refusal, name=locked.name, state=Words(_STATE_WORDS[locked.state])))
    return locked


def _key_installed(election: Election) -> None:
    try:
        box.public_key(election)
    except box.BoxError as e:
        raise Refused(*e.args) from None


def _not_under_way(election: Election, *kinds: str, contest: Contest | None = None) -> None:
    """Refused while a job of one of ``kinds`` (of ``contest``, if given) is queued or running."""
    job = jobs.active(election, *kinds, contest=contest)
    if job is not None:
        what = job.contest or job.election
        raise Refused(
            _("%(what)s: %(kind)s is under way already (job %(job)s)")
            % {"what": what, "kind": job.get_kind_display().lower(), "job": job.pk}
        )


def _ready(election: Election) -> None:
    """Refused, with every reason, while the checklist finds anything wrong (elections/checklist.py)."""
    found = checklist.problems(election)
    if found:
        raise Refused(_("cannot open voting in %(name)s:") % {"name": election.name} + " " + " ".join(found))


KeepCodes = Callable[[list[tuple[Recipient, str]]], None]


def open_voting(election: Election, user, *, inline: bool = False, keep: KeepCodes | None = None) -> Job:
    """Decide to open voting and start the job that does it (``opening_work``). Allowed from draft
    or nominations once the checklist finds nothing wrong (the trustees' key among it), unless an
    opening is under way. Returns
    the job; ``inline`` runs it here (the demo, tests), handing each batch's ``(recipient, code)``
    pairs to ``keep``."""
    with transaction.atomic():
        locked = _locked(election, _CANNOT_OPEN, (State.DRAFT, State.NOMINATIONS))
        _ready(locked)
        _not_under_way(locked, Job.Kind.OPEN_VOTING, Job.Kind.ISSUE_CODES)
        job = jobs.start(Job.Kind.OPEN_VOTING, locked, user, queue=not inline)
    return jobs.run_inline(job, keep=keep) if inline else job


def _summary(sent: Sent) -> dict:
    return {
        "emailed": sent.emailed,
        "posted": sent.posted,
        "failed": sent.failed,
        "postal_file": sent.postal_file.name if sent.postal_file else "",
        "seconds": {step: round(s, 2) for step, s in sent.seconds.items()},
    }


def _draw_tie_seeds(election: Election, user) -> None:
    """Every rule set settles a tie nothing else separates by lot, drawn from the contest's tie
    seed: a contest without one gets one now, fixed and recorded before any ballot is cast (else
    its count could fail after the close, when the contest can no longer change)."""
    for contest in election.contests.filter(tie_seed=""):
        contest.tie_seed = new_seed()
        contest.save(update_fields=["tie_seed"])
        record(user, "contest.tie_seed", f"contest:{contest.pk}", tie_seed=contest.tie_seed)


def opening_work(job: Job, progress, keep: KeepCodes | None = None) -> dict:
    """The opening job: freeze every contest's roll and open voting (one transaction; skipped when
    a retry finds voting open already), then issue and send the codes batch by batch."""
    user = job.started_by
    # outside the transaction, or nobody would see it
    progress(0, 0, Words(gettext_noop("freezing the rolls")))
    with transaction.atomic():
        locked = _locked(job.election, _CANNOT_OPEN, (State.DRAFT, State.NOMINATIONS, State.VOTING))
        if locked.state != State.VOTING:
            _key_installed(locked)
            _draw_tie_seeds(locked, user)
            freeze_rolls(locked, user)
            locked.state = State.VOTING
            locked.save(update_fields=["state"])
            record(user, "election.open", f"election:{locked.pk}", job=job.pk)
    bulk.analyze(RollEntry)  # the codes' queries read the rolls just written
    progress(0, 0, Words(gettext_noop("issuing and sending ballot codes")))
    if job.attempts > 1:  # a retry: codes an earlier attempt stored but never marked are replaced
        drop_pending(locked, user)
    sent = issue_and_send(locked, user=user, progress=progress, keep=keep)
    return {
        "message": Words(gettext_noop("Voting is open: %(sent)s"), sent=_sent_message(sent)),
        **_summary(sent),
    }


def _sent_message(sent: Sent) -> Words:
    figures = {"issued": f"{sent.issued:,}", "emailed": f"{sent.emailed:,}", "posted": f"{sent.posted:,}"}
    if sent.failed:
        return Words(
            *plural_noop(
                "%(issued)s ballot code issued: %(emailed)s emailed, %(posted)s for post, %(failed)s "
                "refused by the mail server.",
                "%(issued)s ballot codes issued: %(emailed)s emailed, %(posted)s for post, %(failed)s "
                "refused by the mail server.",
            ),
            sent.issued,
            failed=f"{sent.failed:,}",
            **figures,
        )
    return Words(
        *plural_noop(
            "%(issued)s ballot code issued: %(emailed)s emailed, %(posted)s for post.",
            "%(issued)s ballot codes issued: %(emailed)s emailed, %(posted)s for post.",
        ),
        sent.issued,
        **figures,
    )


def issue_codes(election: Election, user, *, inline: bool = False, keep: KeepCodes | None = None) -> Job:
    """Start a job issuing codes to the voters of an open election who have none (``issuing_work``)."""
    with transaction.atomic():
        locked = _locked(election, _CANNOT_ISSUE, (State.VOTING,))
        _not_under_way(locked, Job.Kind.OPEN_VOTING, Job.Kind.ISSUE_CODES)
        job = jobs.start(Job.Kind.ISSUE_CODES, locked, user, queue=not inline)
    return jobs.run_inline(job, keep=keep) if inline else job


def issuing_work(job: Job, progress, keep: KeepCodes | None = None) -> dict:
    """The issuing job: refused unless voting is open (a failed job retried after the close would
    otherwise mail codes that no longer work)."""
    with transaction.atomic():
        _locked(job.election, _CANNOT_ISSUE, (State.VOTING,))
    if job.attempts > 1:
        drop_pending(job.election, job.started_by)
    sent = issue_and_send(job.election, user=job.started_by, progress=progress, keep=keep)
    return {"message": _sent_message(sent), **_summary(sent)}


def close_voting(election: Election, user) -> None:
    """Close voting: no ballot is accepted afterwards, the box records what it holds, and the
    turnout by unit and category is counted and stored (``turnout.store``: no code changes until
    a reopening)."""
    with transaction.atomic():
        locked = _locked(
            election,
            gettext_noop("cannot close voting in %(name)s: its state is '%(state)s'"),
            (State.VOTING,),
        )
        _not_under_way(locked, Job.Kind.OPEN_VOTING, Job.Kind.ISSUE_CODES)
        locked.state = State.CLOSED
        locked.save(update_fields=["state"])
        record(user, "election.close", f"election:{locked.pk}")
        box.close(locked, user)
        turnout.store(locked)
    election.refresh_from_db()


def _move_close(locked: Election, user, verb: str, until, reason: str) -> None:
    """Set the locked election's close to ``until`` (with its state, as set by the caller) and
    record the decision ``verb`` with its reason; refused without a reason or a future close."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("say why: the reason is recorded in the audit trail"))
    if until <= timezone.now():
        raise Refused(
            _("the new close (%(when)s) must be in the future")
            % {"when": f"{timezone.localtime(until):%d %b %Y %H:%M}"}
        )
    before = locked.voting_closes
    locked.voting_closes = until
    locked.save(update_fields=["state", "voting_closes"])
    record(
        user,
        verb,
        f"election:{locked.pk}",
        closes_was=before.isoformat(),
        closes=until.isoformat(),
        reason=reason,
    )


def extend_voting(election: Election, user, until, reason: str) -> None:
    """Move the close of voting later, to ``until``, as a recorded decision (with ``reason``)."""
    with transaction.atomic():
        locked = _locked(
            election,
            gettext_noop("cannot extend voting in %(name)s: its state is '%(state)s'"),
            (State.VOTING,),
        )
        if until <= locked.voting_closes:
            raise Refused(_("an extension must move the close later than it is now"))
        _move_close(locked, user, "election.extend", until, reason)
    election.refresh_from_db()


def reopen_voting(election: Election, user, until, reason: str) -> None:
    """Reopen voting after a close, until ``until``, as a recorded decision (with ``reason``).
    Only while the box is still sealed: what the box held at the close is set aside (its record
    stays in the audit trail) and recorded again at the next close, as is the stored turnout."""
    with transaction.atomic():
        locked = _locked(
            election,
            gettext_noop("cannot reopen voting in %(name)s: its state is '%(state)s'"),
            (State.CLOSED,),
        )
        if box.is_opened(locked):
            raise Refused(
                _("cannot reopen voting in %(name)s: the ballot box has been opened") % {"name": locked.name}
            )
        ContestBox.objects.filter(contest__election=locked).delete()
        ClosedTurnout.objects.filter(election=locked).delete()
        locked.state = State.VOTING
        _move_close(locked, user, "election.reopen", until, reason)
    election.refresh_from_db()


def open_box(
    election: Election, user, shares: Sequence[str], progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Open the box with the trustees' ``shares``: the ballots opened per contest slug."""
    try:
        return box.open_box(election, shares, user, progress)
    except keys.ShareError as e:
        raise Refused(Words.from_stored(e.words) if e.words else e.args[0]) from None
    except box.BoxError as e:
        raise Refused(*e.args) from None


def slate_labels(contest: Contest) -> dict[str, str]:
    """Candidate name -> the slates endorsing them (published as the candidate's party in the BLT)."""
    candidates = contest.candidates.prefetch_related("slates")
    slates = {c.name: ", ".join(s.name for s in c.slates.all()) for c in candidates}
    return {name: names for name, names in slates.items() if names}


def _countable(contest: Contest) -> None:
    if contest.election.state != State.CLOSED:
        raise Refused(
            Words(gettext_noop("%(name)s can be counted only once voting has closed"), name=contest.name)
        )
    if contest.counts.filter(published=True).exists():
        raise Refused(Words(gettext_noop("%(name)s has a published result already"), name=contest.name))


def start_count(contest: Contest, user, *, inline: bool = False) -> Job:
    """Start a job counting ``contest`` (``counting_work``), refused as ``count`` would be (and
    while a count of it is under way)."""
    with transaction.atomic():
        locked = Contest.objects.select_for_update().select_related("election").get(pk=contest.pk)
        _countable(locked)
        _not_under_way(locked.election, Job.Kind.COUNT, contest=locked)
        job = jobs.start(Job.Kind.COUNT, locked.election, user, contest=locked, queue=not inline)
    return jobs.run_inline(job) if inline else job


def counting_work(job: Job, progress) -> dict:
    """The counting job: one step, the count; its result names the stored count."""
    name = job.contest.name
    progress(0, 1, Words(gettext_noop("counting %(name)s"), name=name))
    counted = count(job.contest, job.started_by)
    progress(1, 1, Words(gettext_noop("%(name)s counted"), name=name))
    return {
        "count": counted.pk,
        "message": Words(
            gettext_noop("%(name)s counted: review the result before publishing it."), name=name
        ),
    }


def count(contest: Contest, user) -> ContestCount:
    """Count ``contest`` through the engine and store the count with what anyone needs to recount
    it: the ballots as BLT, or as CSV with each ballot's college for a contest decided by colleges
    (with their SHA-256), the result (method and options in it), the groups and the tie seed.
    Refused before the box is opened or once a result is published."""
    _countable(contest)
    try:
        given = box.count_input(contest)
        result = engine.count(
            given.ballots,
            contest.method,
            contest.seats,
            options=contest.options,
            constraints=contest.constraint_lines(),
            groups=given.groups,
            tie_seed=contest.tie_seed or None,
            withdrawn=list(given.withdrawn),
            ron=given.ron,
            college_shares=contest.college_shares or None,
        )
    except box.BoxError as e:
        raise Refused(*e.args) from None
    except (ValueError, engine.TieUnresolved) as e:
        raise Refused(
            Words(gettext_noop("%(name)s could not be counted: %(why)s"), name=contest.name, why=str(e))
        ) from e
    if given.ballots.colleges:  # BLT has no column for a college: the CSV ballots recount it
        blt = csv_ballots_text(given.ballots)
    else:
        blt = blt_text(given.ballots, contest.seats, list(given.withdrawn), slate_labels(contest))
    with transaction.atomic():
        stored = ContestCount.objects.create(
            contest=contest,
            result_json=result_json(result),
            ballots_blt=blt,
            ballots_sha256=hashlib.sha256(blt.encode("utf-8")).hexdigest(),
            tie_seed=contest.tie_seed,
            groups=given.groups if result.constraints else {},
            counted_by=user,
        )
        record(
            user,
            "contest.count",
            f"contest:{contest.pk}",
            count=stored.pk,
            ballots_sha256=stored.ballots_sha256,
            elected=result.elected,
        )
    return stored


def publish(counted: ContestCount, user) -> None:
    """Publish ``counted``: it must be its contest's newest count and the contest must have no
    published result yet."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=counted.contest_id)
        if contest.counts.filter(published=True).exists():
            raise Refused(_("%(name)s has a published result already") % {"name": contest.name})
        if contest.counts.first().pk != counted.pk:
            raise Refused(
                _("%(name)s has been counted again since; review the newest count") % {"name": contest.name}
            )
        counted.published = True
        counted.published_at = timezone.now()
        counted.save(update_fields=["published", "published_at"])
        record(
            user,
            "contest.publish",
            f"contest:{contest.pk}",
            count=counted.pk,
            ballots_sha256=counted.ballots_sha256,
            result_sha256=hashlib.sha256(counted.result_json.encode("utf-8")).hexdigest(),
            elected=counted.elected,
        )
