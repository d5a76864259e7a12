"""Registration on the day: badges with a credential and its QR code, delegates checked in and
out, a substitute taking an absent delegate's seat, and who is present to vote with what weight.

A badge's code is made when the badge is printed and only its keyed hash is kept (as for ballot
codes, ``tallyroom.voting.codes``): printing a badge again replaces the code on the old one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import segno
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tallyroom.audit.events import record
from tallyroom.elections.models import Contest
from tallyroom.roll.models import Member
from tallyroom.voting.codes import new_code, normalise, token_hash

from .card_votes import Delegation as CardVote
from .delegations import Refused
from .models import Conference, Delegate, Delegation, Poll


@dataclass(frozen=True)
class Badge:
    delegate: Delegate
    code: str
    url: str

    def qr_svg(self) -> str:
        """The QR code of the voting address on the badge, as inline SVG."""
        return segno.make(self.url, error="m").svg_inline(scale=4, omitsize=False)


def issue_badges(delegates: Iterable[Delegate], url_of, user) -> list[Badge]:
    """A fresh credential for each delegate (their old badge stops working); ``url_of(code)`` is
    the voting address the QR code carries. The codes exist only in the returned badges."""
    badges = []
    with transaction.atomic():
        for d in delegates:
            code = new_code()
            d.credential_hash = token_hash(code)
            d.save(update_fields=["credential_hash"])
            badges.append(Badge(d, code, url_of(code)))
        if badges:
            record(
                user,
                "conference.badges",
                f"conference:{badges[0].delegate.delegation.conference_id}",
                delegates=[b.delegate.member.number for b in badges],
            )
    return badges


@dataclass(frozen=True)
class Badged:
    """What the delegate's ballot page needs, read in one statement: the conference, the badge's
    holder (with their member's and delegation's names) and the open poll's ids and kind, if one
    is open."""

    conference: Conference
    holder: Delegate
    poll_id: int | None
    election_id: int | None
    poll_kind: str | None
    contest_id: int | None


# The delegate's every request reads this; written out, as the box's casting statements are,
# since the ORM's building of four queries cost more than the database spent on them.
BADGED = (
    f"SELECT c.id, c.name, d.id, d.member_id, d.delegation_id, m.name, g.name, "
    f"p.id, p.election_id, p.kind, k.id "
    f"FROM {Conference._meta.db_table} c "
    f"JOIN {Delegation._meta.db_table} g ON g.conference_id = c.id "
    f"JOIN {Delegate._meta.db_table} d ON d.delegation_id = g.id "
    f"JOIN {Member._meta.db_table} m ON m.id = d.member_id "
    f"LEFT JOIN {Poll._meta.db_table} p ON p.conference_id = c.id AND p.state = %s "
    f"LEFT JOIN {Contest._meta.db_table} k ON k.election_id = p.election_id "
    "WHERE c.slug = %s AND d.credential_hash = %s"
)


def badged(slug: str, code: str) -> Badged | None:
    """The holder of the badge carrying ``code`` at conference ``slug`` and the poll open there,
    or None if no badge of that conference carries it."""
    if not normalise(code):
        return None
    with connection.cursor() as cursor:
        cursor.execute(BADGED, [Poll.State.OPEN, slug, token_hash(code)])
        row = cursor.fetchone()
    if row is None:
        return None
    conf_id, conf_name, pk, member_id, delegation_id, member_name, delegation_name, *poll = row
    conference = Conference(pk=conf_id, slug=slug, name=conf_name)
    holder = Delegate(pk=pk, member_id=member_id, delegation_id=delegation_id)
    holder.member = Member(pk=member_id, name=member_name)
    holder.delegation = Delegation(pk=delegation_id, conference_id=conf_id, name=delegation_name)
    return Badged(conference, holder, *poll)


def check(delegate: Delegate, present: bool, user) -> None:
    """Check ``delegate`` in (``present``) or out at the registration desk."""
    with transaction.atomic():
        locked = Delegate.objects.select_for_update().get(pk=delegate.pk)
        if locked.checked_in == present:
            checked = (
                _("%(member)s is checked in already") if present else _("%(member)s is checked out already")
            )
            raise Refused(checked % {"member": locked.member.name})
        if present and locked.substitute and locked.seated_for_id is None:
            raise Refused(
                _("%(member)s is a substitute: seat them for an absent delegate first")
                % {"member": locked.member.name}
            )
        locked.checked_in = present
        locked.save(update_fields=["checked_in"])
        record(
            user,
            "conference.check_in" if present else "conference.check_out",
            f"delegation:{locked.delegation_id}",
            member=locked.member.number,
        )
    delegate.checked_in = present


def seat_substitute(substitute: Delegate, absent: Delegate, user) -> None:
    """``substitute`` takes ``absent``'s seat (same delegation; a woman's seat goes to a woman):
    from the next poll opened, ``absent`` is not counted present and ``substitute`` is."""
    if not substitute.substitute or absent.substitute:
        raise Refused(_("a substitute takes the seat of a named delegate"))
    if substitute.delegation_id != absent.delegation_id:
        raise Refused(_("a substitute takes a seat in their own delegation"))
    if absent.woman and not substitute.woman:
        raise Refused(
            _("%(member)s's seat counts towards the women delegates: seat a woman")
            % {"member": absent.member.name}
        )
    with transaction.atomic():
        absent = Delegate.objects.select_for_update().get(pk=absent.pk)
        if absent.checked_in:
            raise Refused(
                _("%(member)s is checked in: check them out first") % {"member": absent.member.name}
            )
        if Delegate.objects.filter(seated_for=absent).exclude(pk=substitute.pk).exists():
            raise Refused(
                _("%(member)s's seat is taken by another substitute") % {"member": absent.member.name}
            )
        substitute.seated_for = absent
        substitute.save(update_fields=["seated_for"])
        record(
            user,
            "conference.substitute_seated",
            f"delegation:{absent.delegation_id}",
            substitute=substitute.member.number,
            seat_of=absent.member.number,
        )


@dataclass(frozen=True)
class Voter:
    """A delegate present when a poll opens: their member, weight (exact) and college."""

    member_id: int
    weight: Fraction
    college: str


def present_voters(
    delegations: Iterable[Delegation], clp_card_votes: bool
) -> tuple[list[CardVote], list[Voter]]:
    """Who votes, with what weight: each delegation's line item (card vote, votes present) and its
    present delegates. Present: checked in and either named (not replaced by a seated substitute)
    or a seated substitute. A delegate holding a present-absent delegate's proxy votes for both.
    An affiliate's card vote (and a CLP's, if ``clp_card_votes``) is shared equally among the
    votes present; otherwise each CLP delegate's vote weighs 1."""
    lines, voters = [], []
    for d in delegations:
        people = list(d.delegates.all())
        replaced = {p.seated_for_id for p in people if p.substitute and p.seated_for_id}
        here = [p for p in people if p.checked_in and (p.substitute or p.pk not in replaced)]
        here_ids = {p.pk for p in here}
        proxies = {}
        for p in people:
            if p.proxy_holder_id in here_ids and p.pk not in here_ids and not p.substitute:
                proxies[p.proxy_holder_id] = proxies.get(p.proxy_holder_id, 0) + 1
        votes = len(here) + sum(proxies.values())
        card = d.card_vote if d.kind == Delegation.Kind.AFFILIATE or clp_card_votes else votes
        line = CardVote(d.name, d.college, card, votes)
        lines.append(line)
        for p in here:
            voters.append(Voter(p.member_id, line.weight * (1 + proxies.get(p.pk, 0)), d.college))
    return lines, voters
