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
from django.db import transaction

from tallyroom.audit.events import record
from tallyroom.voting.codes import code_hash, new_code, normalise

from .card_votes import Delegation as CardVote
from .delegations import Refused
from .models import Conference, Delegate, Delegation


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
            d.credential_hash = code_hash(code)
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


def holder_of(conference: Conference, code: str) -> Delegate | None:
    """The delegate whose badge carries ``code``, or None."""
    if not normalise(code):
        return None
    return (
        Delegate.objects.select_related("delegation", "member")
        .filter(delegation__conference=conference, credential_hash=code_hash(code))
        .first()
    )


def check(delegate: Delegate, present: bool, user) -> None:
    """Check ``delegate`` in (``present``) or out at the registration desk."""
    with transaction.atomic():
        locked = Delegate.objects.select_for_update().get(pk=delegate.pk)
        if locked.checked_in == present:
            raise Refused(f"{locked.member.name} is checked {'in' if present else 'out'} already")
        if present and locked.substitute and locked.seated_for_id is None:
            raise Refused(f"{locked.member.name} is a substitute: seat them for an absent delegate first")
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
        raise Refused("a substitute takes the seat of a named delegate")
    if substitute.delegation_id != absent.delegation_id:
        raise Refused("a substitute takes a seat in their own delegation")
    if absent.woman and not substitute.woman:
        raise Refused(f"{absent.member.name}'s seat counts towards the women delegates: seat a woman")
    with transaction.atomic():
        absent = Delegate.objects.select_for_update().get(pk=absent.pk)
        if absent.checked_in:
            raise Refused(f"{absent.member.name} is checked in: check them out first")
        if Delegate.objects.filter(seated_for=absent).exclude(pk=substitute.pk).exists():
            raise Refused(f"{absent.member.name}'s seat is taken by another substitute")
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
