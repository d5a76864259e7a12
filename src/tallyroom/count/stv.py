"""What every STV method decides the same way, whatever its arithmetic.

An STV method (wigm, ers97, meek) keeps its own ballots and arithmetic and hands each stage's
totals (exact, indexable by candidate: Fractions of a vote, or ints in units of ``1 / unit`` of a
vote, as wigm counts) to a ``CountState``, which keeps who is elected, excluded or
continuing, records the stages, and takes the decisions the methods share:

- ``settle(stage, totals, quota)``: after a stage's transfer, elect the continuing candidates who
  reach the quota, highest first, passing over doomed ones; then fill the last vacancies: when no
  more candidates continue than seats are left they are all elected, and under constraints, when
  the guarded candidates alone fill the seats left they are elected.
- ``doomed()``: continuing candidates whose election would break the constraints; methods exclude
  them at once, in one exclusion stage.
- ``lowest(totals)``: the next candidate to exclude: fewest votes, never a guarded one, ties by
  the contest's tie rules (``purpose="exclude"``).
- ``largest(candidates, surpluses)``: which surplus goes first, ties by the tie rules
  (``purpose="surplus"``).

Tie rules look back through ``history``: the totals of every stage so far, stage 1 first. A tie
met choosing what the next stage does is recorded on that stage; one met electing, on the stage
at whose end the election happens.

RON counts like any other candidate but is never doomed or guarded: a seat it wins is reopened
and filled by a new election, so constraints are judged on the other candidates and seats, each
minimum lowered by the reopened seat (constraints.py); the stage electing RON says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from . import notes
from .ballots import Ballots
from .context import Context
from .quotas import Quota
from .result import Result, Stage, Tie


class CountState:
    """The state of one STV count over ``ballots.candidates`` (by index)."""

    def __init__(self, ballots: Ballots, seats: int, context: Context, places: int, unit: int = 1):
        self.names = ballots.candidates
        self.unit = unit  # totals handed in count 1 / unit of a vote; stages record them in votes
        self.seats = seats
        self.context = context
        self.places = places
        self.continuing: list[int] = list(context.standing)
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.stages: list[Stage] = []
        self.history: list[list[Fraction | int]] = []  # in the units handed in
        self._ties: list[Tie] = []
        self._votes: dict[Fraction | int, Fraction] = {}  # units -> votes, for unit > 1

    @property
    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    @property
    def finished(self) -> bool:
        return self.seats_left <= 0 or not self.continuing

    def record(
        self,
        action: str,
        subject: Sequence[int],
        totals: Sequence[Fraction | int],
        non_transferable: Fraction | int,
        loss: Fraction | int,
        transfer_value: Fraction | None = None,
        excluded: Sequence[int] = (),
    ) -> Stage:
        """Append a stage with the totals after its transfer (for every candidate standing). Without
        ``context.record_stages`` only the totals the tie rules look back at are kept: the Stage
        returned (for ``settle`` to mark) is blank and not appended, so the count is the same."""
        if not self.context.record_stages:
            self._ties = []
            self.history.append(list(totals) if self.unit > 1 else [_exact(t) for t in totals])
            return Stage(stage=len(self.history), action=action, subject=[], totals={})
        stage = Stage(
            stage=len(self.stages) + 1,
            action=action,
            subject=[self.names[c] for c in subject],
            totals={self.names[c]: self.votes(totals[c]) for c in self.context.standing},
            non_transferable=self.votes(non_transferable),
            loss=self.votes(loss),
            transfer_value=transfer_value,
            ties=self._ties,
            excluded=[self.names[c] for c in excluded],
        )
        self._ties = []
        self.stages.append(stage)
        self.history.append(list(totals) if self.unit > 1 else [_exact(t) for t in totals])
        return stage

    def votes(self, value: Fraction | int) -> Fraction:
        """A figure handed in (in units of ``1 / unit``) as a Fraction of a vote. Totals repeat from
        stage to stage (elected candidates keep the quota, excluded ones 0), so each is made once."""
        if self.unit == 1:
            return _exact(value)
        votes = self._votes.get(value)
        if votes is None:
            votes = self._votes[value] = Fraction(value, self.unit)
        return votes

    def exclude(self, candidates: Sequence[int]) -> None:
        """Take candidates out of the count before their papers are transferred; the stage that
        transfers them names them in ``excluded``."""
        for c in candidates:
            self.continuing.remove(c)
            self.excluded.append(c)

    def choose(self, tied: Sequence[int], purpose: str, stage: Stage | None = None) -> int:
        """Settle a tie by the contest's tie rules. It is recorded on ``stage`` if given, otherwise
        on the next stage recorded (the one that acts on the choice)."""
        chosen, tie = self.context.ties.choose(tied, purpose, self.history)
        if tie:
            (stage.ties if stage else self._ties).append(tie)
        return chosen

    # --- constraints ---------------------------------------------------------------------

    def _constrained(self) -> tuple[list[int], list[int], int, int]:
        """Elected, continuing, seats left and reopened as the constraints see them (RON left out)."""
        return self.context.constrained(self.elected, self.continuing, self.seats_left)

    def doomed(self) -> list[int]:
        """Continuing candidates whose election would make the constraints impossible to meet."""
        if not self.context.constraints:
            return []
        return self.context.constraints.doomed(*self._constrained())

    def guarded(self) -> list[int]:
        """Continuing candidates whose exclusion would make the constraints impossible to meet."""
        if not self.context.constraints:
            return []
        return self.context.constraints.guarded(*self._constrained())

    # --- decisions -----------------------------------------------------------------------

    def settle(self, stage: Stage, totals: Sequence[Fraction], quota: Quota) -> None:
        """Elect who the quota elects, then fill the last vacancies if the rules allow."""
        value = quota.value  # compared here, not by Quota.reached: a small count settles often
        if quota.exceed:
            reached = [c for c in self.continuing if totals[c] > value]
        else:
            reached = [c for c in self.continuing if totals[c] >= value]
        ordered = self.context.constraints or len(reached) > self.seats_left
        while reached and self.seats_left > 0:
            best = max(totals[c] for c in reached)
            tied = [c for c in reached if totals[c] == best]
            c = self.choose(tied, "elect", stage) if ordered else tied[0]
            reached.remove(c)
            if c != self.context.ron and c in self.doomed():
                continue  # stays continuing; the method excludes it as doomed
            self.elect(stage, [c])
        self.fill_last(stage, totals)

    def elect(self, stage: Stage, candidates: Sequence[int]) -> None:
        for c in candidates:
            self.continuing.remove(c)
            self.elected.append(c)
            stage.elected.append(self.names[c])
            if c == self.context.ron:
                stage.add_note(notes.RON)

    def fill_last(self, stage: Stage, totals: Sequence[Fraction]) -> None:
        """Elect the continuing candidates when they are no more than the seats left (the last
        vacancies rule), or the guarded ones when they alone fill the seats left."""
        if self.seats_left <= 0 or not self.continuing:
            return
        if len(self.continuing) <= self.seats_left:
            last = sorted(self.continuing, key=lambda c: -totals[c])
            stage.add_note(notes.LAST_VACANCIES)
        else:
            last = self.guarded()
            if not last or len(last) != self.seats_left:
                return
            last = sorted(last, key=lambda c: -totals[c])
            stage.add_note(notes.GUARDED_FILL)
        self.elect(stage, last)

    def lowest(self, totals: Sequence[Fraction]) -> int:
        """The continuing candidate to exclude: fewest votes among those not guarded."""
        guarded = self.guarded()
        pool = [c for c in self.continuing if c not in guarded] if guarded else self.continuing
        if not pool:
            raise AssertionError("every continuing candidate is guarded, so the constraints cannot be met")
        low = min([totals[c] for c in pool])
        return self.choose([c for c in pool if totals[c] == low], "exclude")

    def largest(self, candidates: Sequence[int], surpluses: Sequence[Fraction]) -> int:
        """Whose surplus is transferred first: the largest, ties by the tie rules."""
        best = max(surpluses)
        return self.choose([c for c, s in zip(candidates, surpluses, strict=True) if s == best], "surplus")

    def result(self, ballots: Ballots, quota: Fraction | None) -> Result:
        return self.context.result(ballots, self.seats, self.elected, self.stages, self.places, quota)


def _exact(value) -> Fraction:
    """``value`` as a Fraction; one that already is one is kept (Fractions are immutable, and building one
    from another costs more than the rest of a small stage)."""
    return value if type(value) is Fraction else Fraction(value)
