"""Cases: a member lodges an appeal before the election's deadline; the panel decides it.

A decision needs at least the election's quorum of panel members sitting, none of them excluded
from the case (the appellant, a candidate in the election, or a member of the appellant's unit).
An upheld case puts the member on the roll of each contest appealed (``roll.decisions.decide``,
so their ballot code follows through ``roll_changed``) and admits any provisional ballot; a
dismissed one destroys the provisional ballot unread and tells the member why.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.elections.models import Candidate, Election
from tallyroom.roll.decisions import decide
from tallyroom.roll.eligibility import reasons_of
from tallyroom.roll.languages import language_of
from tallyroom.roll.models import RollEntry
from tallyroom.voting.codes import written_time
from tallyroom.web.access import APPEALS_PANEL, has_role
from tallyroom.words import Words, plural_noop

from .evidence import Checked
from .models import AppealRules, Case, EvidenceFile, Outcome, Panellist

State = Election.State


class AppealRefused(ValueError):
    """The appeal or decision cannot be made; the message (``Words``) says why, in the reader's
    terms and language."""


EITHER_OR = Words(gettext_noop("The decision is either upheld or dismissed."))
DECIDED_ALREADY = {
    Outcome.UPHELD: gettext_noop("Appeal %(n)s was upheld already."),
    Outcome.DISMISSED: gettext_noop("Appeal %(n)s was dismissed already."),
}


def rules_of(election: Election) -> AppealRules | None:
    return AppealRules.objects.filter(election=election).first()


def closed_reason(election: Election, now=None) -> Words | str:
    """Why no appeal can be lodged in ``election`` now ("" if one can)."""
    rules, now = rules_of(election), now or timezone.now()
    if rules is None:
        return Words(
            gettext_noop("%(election)s does not hear appeals through this site."), election=election.name
        )
    if election.state == State.CLOSED:
        return Words(gettext_noop("Voting in %(election)s has closed."), election=election.name)
    if now > rules.appeals_close:
        return Words(
            gettext_noop("The deadline for appeals in %(election)s was %(when)s."),
            election=election.name,
            when=written_time(rules.appeals_close),
        )
    return ""


def snapshot(member, election: Election) -> dict:
    """The member's record and standing on each contest's roll, as kept with the case."""
    entries = RollEntry.objects.filter(member=member, contest__election=election).select_related("contest")
    return {
        "number": member.number,
        "name": member.name,
        "unit": member.unit.code if member.unit_id else "",
        "joined": member.joined.isoformat(),
        "paid_up_to": member.paid_up_to.isoformat() if member.paid_up_to else "",
        "status": member.status,
        "category": member.category,
        "freeze_date": election.freeze_date.isoformat(),
        "roll": {
            e.contest.slug: {
                "eligible": e.eligible,
                "reason": e.reason,
                "frozen_at": e.contest.roll_frozen_at.isoformat() if e.contest.roll_frozen_at else "",
            }
            for e in entries
        },
    }


def lodge(
    member,
    election: Election,
    contests,
    grounds: str,
    evidence: str = "",
    files: list[Checked] = (),
    *,
    source: str = "web",
    user=None,
    now=None,
) -> Case:
    """Lodge ``member``'s appeal against their exclusion from ``contests``; AppealRefused if the
    deadline has passed, a contest is not one they are excluded from, or a case is pending."""
    now = now or timezone.now()
    grounds = grounds.strip()
    if not grounds:
        raise AppealRefused(Words(gettext_noop("Say why you should be on the roll (your grounds).")))
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election.pk)
        refused = closed_reason(election, now)
        if refused:
            raise AppealRefused(refused)
        contests = list(contests)
        if not contests:
            raise AppealRefused(Words(gettext_noop("Choose the contests you appeal against.")))
        excluded = set(
            RollEntry.objects.filter(member=member, contest__election=election, eligible=False).values_list(
                "contest_id", flat=True
            )
        )
        wrong = [c.name for c in contests if c.pk not in excluded]
        if wrong:
            raise AppealRefused(
                Words(
                    gettext_noop("You are not excluded from %(contests)s, so there is nothing to appeal."),
                    contests=", ".join(wrong),
                )
            )
        if Case.objects.filter(member=member, election=election, outcome=Outcome.PENDING).exists():
            raise AppealRefused(
                Words(
                    gettext_noop("You already have an appeal waiting for a decision in %(election)s."),
                    election=election.name,
                )
            )
        rules = rules_of(election)
        case = Case.objects.create(
            election=election,
            member=member,
            grounds=grounds,
            evidence=evidence.strip(),
            snapshot=snapshot(member, election),
            source=source,
            lodged_at=now,
            due_by=min(now + timedelta(days=rules.days_to_decide), election.voting_closes),
        )
        case.contests.set(contests)
        EvidenceFile.objects.bulk_create(
            EvidenceFile(case=case, name=f.name, content_type=f.content_type, size=len(f.data), data=f.data)
            for f in files
        )
        record(
            user,
            "appeals.lodge",
            f"appeal:{case.pk}",
            election=election.pk,
            member=member.number,
            contests=[c.slug for c in contests],
            files=len(files),
            source=source,
        )
    return case


def appealed_reasons(case: Case) -> list[str]:
    """The recorded exclusion reasons the case appeals against (from its snapshot), sorted."""
    roll = case.snapshot.get("roll", {})
    return sorted(
        {r for c in case.contests.all() for r in reasons_of(roll.get(c.slug, {}).get("reason", ""))}
    )


def is_overdue(case: Case, now=None) -> bool:
    return case.outcome == Outcome.PENDING and (now or timezone.now()) > case.due_by


def not_on_panel(user) -> Words:
    return Words(gettext_noop("%(name)s is not on the appeals panel"), name=user.get_username())


def candidate_in(user, election: Election) -> Words:
    return Words(
        gettext_noop("%(name)s is a candidate in %(election)s"),
        name=user.get_username(),
        election=election.name,
    )


def exclusion(case: Case, user) -> Words | str:
    """Why ``user`` may not sit on ``case`` ("" if they may)."""
    if not has_role(user, APPEALS_PANEL):
        return not_on_panel(user)
    seat = Panellist.objects.filter(user=user).select_related("member").first()
    member = seat.member if seat else None
    if member is None:
        return ""
    if member.pk == case.member_id:
        return Words(gettext_noop("%(name)s is the appellant"), name=user.get_username())
    if Candidate.objects.filter(contest__election_id=case.election_id, member=member).exists():
        return candidate_in(user, case.election)
    if member.unit_id and member.unit_id == case.member.unit_id:
        return Words(gettext_noop("%(name)s is a member of the appellant's unit"), name=user.get_username())
    return ""


def check_panel(election: Election, panel, user, conflicts) -> None:
    """AppealRefused unless ``panel`` (who sat) meets the quorum, includes ``user`` (who records
    it) and nobody on it has a conflict (``conflicts(member) -> reason``)."""
    rules = rules_of(election)
    quorum = rules.quorum if rules else 1
    panel = list(panel)
    if user not in panel:
        raise AppealRefused(Words(gettext_noop("Only a panel member who sat on the decision may record it.")))
    if len(panel) < quorum:
        raise AppealRefused(
            Words(
                *plural_noop(
                    "%(n)s panel member sat; %(election)s needs a quorum of %(quorum)s.",
                    "%(n)s panel members sat; %(election)s needs a quorum of %(quorum)s.",
                ),
                len(panel),
                n=len(panel),
                election=election.name,
                quorum=quorum,
            )
        )
    problems = [p for p in (conflicts(m) for m in panel) if p]
    if problems:
        raise AppealRefused(
            Words(
                gettext_noop("%(who)s: excluded from this decision."), who="; ".join(str(p) for p in problems)
            )
        )


def decide_case(case: Case, outcome: str, reason: str, panel, user) -> Case:
    """Record the panel's decision on a pending case and act on it (see the module's docstring).
    Refused, with nothing changed, if the case is decided, the reason is missing, or the panel
    falls short of the quorum or holds someone excluded from the case."""
    reason = reason.strip()
    if outcome not in (Outcome.UPHELD, Outcome.DISMISSED):
        raise AppealRefused(EITHER_OR)
    if not reason:
        raise AppealRefused(Words(gettext_noop("Give the reason for the decision: the member is told it.")))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("election", "member").get(pk=case.pk)
        if case.outcome != Outcome.PENDING:
            raise AppealRefused(Words(DECIDED_ALREADY[case.outcome], n=case.pk))
        check_panel(case.election, panel, user, lambda m: exclusion(case, m))
        made, admitted, destroyed = [], 0, 0
        if outcome == Outcome.UPHELD:
            if case.election.state != State.CLOSED:
                for entry in RollEntry.objects.filter(
                    member=case.member, contest__in=case.contests.all(), eligible=False
                ).order_by("contest__position"):
                    made.append(
                        decide(entry, eligible=True, reason=f"appeal {case.pk} upheld: {reason}", user=user)
                    )
                admitted = box.admit_provisional(case.provisional_key, case.member_id, user)
        else:
            destroyed = box.destroy_provisional(case.provisional_key, user)
        case.outcome, case.decision_reason = outcome, reason
        case.decided_at, case.decided_by = timezone.now(), user
        case.save(update_fields=["outcome", "decision_reason", "decided_at", "decided_by"])
        case.panel.set(panel)
        case.roll_decisions.add(*made)
        transaction.on_commit(lambda: tell_outcome(case))
        record(
            user,
            "appeals.decide",
            f"appeal:{case.pk}",
            outcome=outcome,
            reason=reason,
            panel=sorted(p.get_username() for p in panel),
            roll_decisions=[d.pk for d in made],
            provisional_admitted=admitted,
            provisional_destroyed=destroyed,
        )
    return case


def tell_outcome(case: Case) -> None:
    """Tell the member the decision and its reason by email (a member without one is written to
    by staff: the case page shows the decision to post)."""
    member = case.member
    if not member.email:
        return
    with translation.override(language_of(member.language)):
        if case.outcome == Outcome.UPHELD:
            what = _(
                "upheld your appeal: you are now on the roll. If you have no ballot code yet, one "
                "follows in a separate email; any provisional ballot you cast has been counted in."
            )
        else:
            what = _("dismissed your appeal. Any provisional ballot you cast has been destroyed unread.")
        subject = _("Your appeal in %(election)s: %(outcome)s") % {
            "election": case.election.name,
            "outcome": case.get_outcome_display().lower(),
        }
        body = _(
            "Dear %(name)s,\n\nThe appeals panel has %(what)s\n\nAppeal number %(n)s. "
            "The panel's reason:\n\n%(reason)s\n"
        ) % {"name": member.name, "what": what, "n": case.pk, "reason": case.reason_given}
    EmailMessage(subject=subject, body=body, to=[member.email]).send()


def update_hearing(case: Case, notes: str, hearing_at, user) -> None:
    """Staff: the case's notes and hearing date."""
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(staff_notes=notes.strip(), hearing_at=hearing_at)
        record(
            user,
            "appeals.hearing",
            f"appeal:{case.pk}",
            hearing_at=hearing_at.isoformat() if hearing_at else "",
            notes_changed=notes.strip() != case.staff_notes,
        )
