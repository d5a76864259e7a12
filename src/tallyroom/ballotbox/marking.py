"""How a contest's ballot is marked, and the check every stored ballot passes.

The method's rule set says (``ballot`` in ``tallyroom/count/rules.toml``): ranked 1, 2, 3... (IRV
and the STV rule sets), one mark (plurality), up to as many marks as seats (block) or any number
(approval). A ballot is a list of candidate names: for a ranking, first preference first; for
marks, in ballot order. An empty list is an abstention.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext

from tallyroom.count import rule_set
from tallyroom.elections.ballot import ballot_candidates
from tallyroom.elections.models import Candidate, Contest, Nomination, Slate

RANK, ONE, UP_TO, ANY = "rank", "one", "up_to", "any"
FRESH_SECONDS = 5.0
_recent: dict[int, tuple[float, Contest, Marking]] = {}


class BallotError(ValueError):
    """A ballot that cannot be accepted; the message says why, in the voter's terms."""


@dataclass(frozen=True)
class Marking:
    """A contest's ballot: its candidates in order, how it is marked and the most marks allowed,
    and beside each candidate the slates that endorse them and asked to be shown on the ballot."""

    kind: str
    limit: int
    candidates: tuple[str, ...]
    slates: tuple[str, ...] = ()

    @property
    def ranked(self) -> bool:
        return self.kind == RANK

    def instructions(self, seats: int) -> str:
        """What the voter is asked to do, in the voter's language."""
        values = {"n": len(self.candidates), "seats": seats, "limit": self.limit}
        if self.kind == RANK:
            return (
                gettext(
                    "Number the candidates in order of preference: 1 for your first choice, 2 for your "
                    "second, and so on. Rank as many or as few as you wish, without gaps or repeats "
                    "(1 to %(n)s). %(seats)s to be elected."
                )
                % values
            )
        if self.kind == ONE:
            return gettext("Choose one candidate.")
        if self.kind == UP_TO:
            return gettext("Choose up to %(limit)s candidates (%(seats)s to be elected).") % values
        return gettext("Choose every candidate you approve of (%(seats)s to be elected).") % values

    def check(self, names: Sequence[str]) -> list[str]:
        """``names`` as a stored ballot, or BallotError."""
        names = list(names)
        unknown = [n for n in names if n not in self.candidates]
        if unknown:
            raise BallotError(f"not on this ballot: {', '.join(map(str, unknown))}")
        if len(set(names)) != len(names):
            raise BallotError("a candidate is chosen more than once")
        if len(names) > self.limit:
            raise BallotError(f"at most {self.limit} may be chosen, not {len(names)}")
        if not self.ranked:
            order = {name: i for i, name in enumerate(self.candidates)}
            names.sort(key=order.__getitem__)
        return names


def marking(contest) -> Marking:
    candidates = ballot_candidates(contest)
    names = tuple(c.name for c in candidates)
    shown = {c.pk: ", ".join(s.name for s in c.slates.all() if s.show_on_ballot) for c in candidates if c.pk}
    slates = tuple(shown.get(c.pk, "") for c in candidates)
    shape = rule_set(contest.method, contest.options).ballot
    if shape == "ranked":
        return Marking(RANK, len(names), names, slates)
    if shape == "one":
        return Marking(ONE, 1, names, slates)
    if shape == "up-to-seats":
        return Marking(UP_TO, min(contest.seats, len(names)), names, slates)
    return Marking(ANY, len(names), names, slates)


def current_marking(contest) -> Marking:
    return contest_marking(contest.pk)[1]


def contest_marking(contest_id: int) -> tuple[Contest, Marking]:
    """The contest (with its election) and its marking, reused for up to ``FRESH_SECONDS`` within
    this process (casting asks on every ballot). Edits to contests, candidates and nominations
    clear it in this process; in other processes a withdrawal shows within the interval, and a
    withdrawn candidate's marks are skipped at the count in any case."""
    now = time.monotonic()
    hit = _recent.get(contest_id)
    if hit is None or now - hit[0] > FRESH_SECONDS:
        contest = Contest.objects.select_related("election").get(pk=contest_id)
        hit = _recent[contest_id] = (now, contest, marking(contest))
    return hit[1], hit[2]


@receiver([post_save, post_delete], sender=Contest, dispatch_uid="ballotbox.marking.contest")
@receiver([post_save, post_delete], sender=Candidate, dispatch_uid="ballotbox.marking.candidate")
@receiver([post_save, post_delete], sender=Nomination, dispatch_uid="ballotbox.marking.nomination")
@receiver([post_save, post_delete], sender=Slate, dispatch_uid="ballotbox.marking.slate")
@receiver(m2m_changed, sender=Slate.candidates.through, dispatch_uid="ballotbox.marking.slate_candidates")
def forget_markings(**kwargs):
    _recent.clear()
