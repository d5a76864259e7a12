"""Delegations and their delegates: entitlement from the roll as at a date (``entitlement.py``),
challenges to it, delegates named or imported and checked against it, substitutes and proxies.

Every change is one transaction with its audit event; a refusal (``Refused``) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from tallyroom.audit.events import record
from tallyroom.organisation.csvfile import Table
from tallyroom.organisation.importer import StructureImportError
from tallyroom.roll.models import Member
from tallyroom.words import Words, read

from .entitlement import Counts, CountsError, entitle, entitlements_lines, rule
from .models import Conference, Delegate, Delegation, EntitlementChallenge

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class Refused(ValueError):
    """The change is not allowed; the message says why."""


class DelegateImportError(StructureImportError):
    """A delegates file refused as a whole: ``errors`` names each file line and its problem."""


def counted_members(conference: Conference) -> dict[int, int]:
    """Each CLP's members as at the conference's date (active members of its unit who had joined
    by then) by unit, in one grouped count; a unit with none is absent."""
    units = conference.delegations.filter(kind=Delegation.Kind.CLP).values("unit_id")
    members = Member.objects.filter(status=Member.Status.ACTIVE, joined__lte=conference.counted_as_at)
    return dict(members.filter(unit_id__in=units).values_list("unit_id").annotate(n=Count("*")).order_by())


def entitlement_of(delegation: Delegation, conference: Conference, counted: dict[int, int]):
    """The CLP's ``entitlement.Entitlement`` from the roll as at the conference's date (its
    members from ``counted``, as ``counted_members`` gives them); Refused if it declares more
    women or young members than the roll counts."""
    counts = Counts(
        counted.get(delegation.unit_id, 0),
        delegation.women_members,
        delegation.young_members,
        conference.counted_as_at,
    )
    try:
        return entitle(
            counts, rule(conference.rule), delegation.name, delegation.sole_delegate_last_year_woman
        )
    except CountsError as e:
        raise Refused(read(e.step)) from None


def compute_entitlements(conference: Conference, user) -> int:
    """Work out every delegation's entitlement and store it with its working; an affiliate's is
    the number its standing orders set. Returns how many delegations were worked out."""
    with transaction.atomic():
        now = timezone.now()
        delegations = list(conference.delegations.select_for_update())
        counted = counted_members(conference)
        for d in delegations:
            if d.kind == Delegation.Kind.CLP:
                e = entitlement_of(d, conference, counted)
                d.members_counted, d.entitled = e.counts.members, e.total
                d.women_at_least, d.young_at_least = e.women_at_least, int(e.extra_young)
                d.working = list(e.steps)
            else:
                d.entitled = d.delegates_allowed or 0
                d.women_at_least = d.young_at_least = 0
                d.working = [
                    Words(
                        gettext_noop("Affiliated membership declared: %(n)s."),
                        n=f"{d.declared_members or 0:,}",
                    ).stored(),
                    Words(
                        gettext_noop("Delegates as the standing orders set: %(n)s."), n=d.entitled
                    ).stored(),
                ]
            d.entitlement_at = now
        Delegation.objects.bulk_update(
            delegations,
            ["members_counted", "entitled", "women_at_least", "young_at_least", "working", "entitlement_at"],
        )
        record(
            user,
            "conference.entitlement",
            f"conference:{conference.pk}",
            rule=conference.rule,
            as_at=conference.counted_as_at.isoformat(),
            entitled={d.name: d.entitled for d in delegations},
        )
    return len(delegations)


def export_lines(conference: Conference) -> Iterator[str]:
    """Every CLP's entitlement with its working, as ``entitlement.entitlements_lines`` writes it
    (the members counted once for all of them; the working in the active language). Every one is
    worked out before the first line, so a refusal (Refused) comes before the download starts."""
    clps = conference.delegations.filter(kind=Delegation.Kind.CLP)
    counted = counted_members(conference)
    worked = [entitlement_of(d, conference, counted) for d in clps]  # one small object a CLP
    return entitlements_lines(worked, read)


def challenge(delegation: Delegation, user, grounds: str, claimed: int | None = None) -> EntitlementChallenge:
    """Record a challenge to ``delegation``'s entitlement."""
    if not grounds.strip():
        raise Refused(_("say on what grounds the entitlement is challenged"))
    with transaction.atomic():
        made = EntitlementChallenge.objects.create(
            delegation=delegation, grounds=grounds.strip(), claimed=claimed, raised_by=user
        )
        record(
            user,
            "conference.challenge",
            f"delegation:{delegation.pk}",
            challenge=made.pk,
            grounds=made.grounds,
            claimed=claimed,
            entitled=delegation.entitled,
        )
    return made


def decide(made: EntitlementChallenge, user, upheld: bool, decision: str, entitled: int | None = None):
    """Decide a pending challenge: upheld, the delegation's entitlement becomes ``entitled``."""
    if not decision.strip():
        raise Refused(_("give the reasons for the decision"))
    if upheld and entitled is None:
        raise Refused(_("an upheld challenge says what the entitlement now is"))
    with transaction.atomic():
        made = EntitlementChallenge.objects.select_for_update().get(pk=made.pk)
        if made.state != EntitlementChallenge.State.PENDING:
            raise Refused(_("this challenge has been decided already"))
        delegation = Delegation.objects.select_for_update().get(pk=made.delegation_id)
        made.entitled_before = delegation.entitled
        if upheld:
            delegation.entitled = entitled
            upheld_line = Words(
                gettext_noop("Challenge %(n)s upheld: %(decision)s"), n=made.pk, decision=decision.strip()
            )
            delegation.working = [*delegation.working, upheld_line.stored()]
            delegation.save(update_fields=["entitled", "working"])
        made.state = EntitlementChallenge.State.UPHELD if upheld else EntitlementChallenge.State.DISMISSED
        made.entitled_after = delegation.entitled
        made.decision, made.decided_by, made.decided_at = decision.strip(), user, timezone.now()
        made.save()
        record(
            user,
            "conference.challenge_decided",
            f"delegation:{delegation.pk}",
            challenge=made.pk,
            state=made.state,
            entitled_before=made.entitled_before,
            entitled_after=made.entitled_after,
            decision=made.decision,
        )
    return made


def may_name(user, delegation: Delegation) -> bool:
    """The delegation's secretary names its delegates (a role scoped to it); staff may too."""
    from tallyroom.web.access import STAFF, has_role

    return has_role(user, STAFF) or delegation.secretaries.filter(pk=user.pk).exists()


def check_place(delegation: Delegation, member: Member, woman: bool, young: bool, substitute: bool) -> None:
    """Refused unless ``member`` may take a place: in the CLP's unit, active, not named already,
    within the entitlement, leaving room for the women (and the young delegate) the rule requires."""
    if delegation.entitled is None:
        raise Refused(
            _("%(delegation)s: work out the entitlement before naming delegates") % {"delegation": delegation}
        )
    if member.status != Member.Status.ACTIVE:
        raise Refused(
            _("%(member)s is not an active member (%(status)s)")
            % {"member": member.name, "status": member.get_status_display().lower()}
        )
    names = {"member": member.name, "delegation": delegation.name}
    if delegation.kind == Delegation.Kind.CLP and member.unit_id != delegation.unit_id:
        raise Refused(_("%(member)s is not a member of %(delegation)s") % names)
    if delegation.delegates.filter(member=member).exists():
        raise Refused(_("%(member)s is named in %(delegation)s already") % names)
    if substitute:
        return
    named = list(delegation.delegates.filter(substitute=False).values_list("woman", "young"))
    if len(named) >= delegation.entitled:
        raise Refused(
            ngettext(
                "%(delegation)s is entitled to %(n)s delegate, named already",
                "%(delegation)s is entitled to %(n)s delegates, all named",
                delegation.entitled,
            )
            % {"delegation": delegation.name, "n": delegation.entitled}
        )
    places = delegation.entitled - len(named)
    women_short = max(0, delegation.women_at_least - sum(w for w, _ in named))
    if not woman and women_short >= places:
        raise Refused(
            ngettext(
                "%(delegation)s: the %(n)s place left must go to women "
                "(at least %(women)s women among its delegates)",
                "%(delegation)s: the %(n)s places left must go to women "
                "(at least %(women)s women among its delegates)",
                places,
            )
            % {"delegation": delegation.name, "n": places, "women": delegation.women_at_least}
        )
    young_short = max(0, delegation.young_at_least - sum(y for _, y in named))
    if not young and young_short >= places:
        raise Refused(
            _("%(delegation)s: the last place is for its young delegate") % {"delegation": delegation}
        )


def name_delegate(
    delegation: Delegation, member: Member, user, woman=False, young=False, substitute=False
) -> Delegate:
    """Name ``member`` as a delegate (or substitute) of ``delegation``, checked by ``check_place``."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        check_place(delegation, member, woman, young, substitute)
        made = Delegate.objects.create(
            delegation=delegation, member=member, woman=woman, young=young, substitute=substitute
        )
        record(
            user,
            "conference.delegate_named",
            f"delegation:{delegation.pk}",
            member=member.number,
            woman=woman,
            young=young,
            substitute=substitute,
        )
    return made


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    return True if value in YES else False if value in NO else None


def import_delegates(conference: Conference, source, user) -> int:
    """Delegates from a CSV file (``delegation,number,woman,young,substitute``): every row is
    checked as ``name_delegate`` would; one bad row and nothing is written (DelegateImportError
    names each file line and its problem). Returns how many were named."""
    table = Table(source, ("delegation", "number"), ("woman", "young", "substitute"))
    by_name = {d.name: d for d in conference.delegations.all()}
    rows = []
    for line, row in table:
        delegation, member = by_name.get(row["delegation"]), None
        flags = {k: _flag(row[k]) for k in ("woman", "young", "substitute")}
        if delegation is None:
            table.error(
                line,
                _("no delegation %(delegation)r in %(conference)s")
                % {"delegation": row["delegation"], "conference": conference.name},
            )
        member = Member.objects.filter(number=row["number"]).first()
        if member is None:
            table.error(line, _("no member numbered %(number)r") % {"number": row["number"]})
        bad = [k for k, v in flags.items() if v is None]
        if bad:
            table.error(
                line,
                _("%(column)s must be yes or no, not %(value)r") % {"column": bad[0], "value": row[bad[0]]},
            )
        if delegation and member and not bad:
            rows.append((line, delegation, member, flags))
    if table.errors:
        raise DelegateImportError(sorted(table.errors, key=lambda e: e.line or 0))
    with transaction.atomic():
        for line, delegation, member, flags in rows:
            try:
                name_delegate(delegation, member, user, **flags)
            except Refused as e:
                table.error(line, str(e))
        if table.errors:  # raised inside the transaction: the rows named before are undone
            raise DelegateImportError(table.errors)
        record(
            user,
            "conference.delegates_imported",
            f"conference:{conference.pk}",
            file=table.name,
            rows=len(rows),
        )
    return len(rows)


def set_proxy(giver: Delegate, holder: Delegate | None, user) -> None:
    """``holder`` (None: nobody) holds ``giver``'s vote while ``giver`` is absent: only where the
    standing orders allow proxies, within one delegation, and at most their number per holder."""
    conference = giver.delegation.conference
    with transaction.atomic():
        if holder is not None:
            if not conference.proxies_allowed:
                raise Refused(
                    _("%(conference)s's standing orders do not allow proxies")
                    % {"conference": conference.name}
                )
            if holder.delegation_id != giver.delegation_id:
                raise Refused(_("a proxy is held by a delegate of the same delegation"))
            if holder.pk == giver.pk or holder.proxy_holder_id:
                raise Refused(_("a delegate cannot hold their own proxy, nor one who has given theirs"))
            if giver.substitute or holder.substitute:
                raise Refused(_("a substitute takes a seat at the desk: proxies are between named delegates"))
            if Delegate.objects.filter(proxy_holder=giver).exists():
                raise Refused(
                    _("%(member)s holds a proxy: they cannot give their own") % {"member": giver.member.name}
                )
            held = (
                Delegate.objects.select_for_update().filter(proxy_holder=holder).exclude(pk=giver.pk).count()
            )
            if held >= conference.proxies_per_holder:
                raise Refused(
                    ngettext(
                        "%(member)s holds %(n)s proxy already, the most the standing orders allow",
                        "%(member)s holds %(n)s proxies already, the most the standing orders allow",
                        held,
                    )
                    % {"member": holder.member.name, "n": held}
                )
        giver.proxy_holder = holder
        giver.save(update_fields=["proxy_holder"])
        record(
            user,
            "conference.proxy",
            f"delegation:{giver.delegation_id}",
            giver=giver.member.number,
            holder=holder.member.number if holder else None,
        )
