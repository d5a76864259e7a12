"""Where the votes went at each stage of a count, by candidate and by slate.

The engine's ``Result`` keeps each stage's totals (after its transfer), the non-transferable and
the rounding loss, cumulatively; it does not keep the transfer by destination. It is derived
here exactly: at a stage that transfers the votes of its ``subject`` (a surplus, or an exclusion),
every other candidate's gain is the difference of their totals between the two stages, and the
non-transferable and loss are the differences of theirs. For Scottish STV, WIGM, ERS97 and IRV
only the subject's votes move at a stage, so this is the transfer itself, to the last decimal.
(Meek re-distributes every elected candidate's surplus at once: its stages name all of them as
the subject, and a gain may be negative as keep factors fall, so slate figures are net.)

Slate figures follow from the candidate figures: a transfer "from" a slate is one whose subjects
all stand on it (else its slate is the subjects' slates joined by ``+``); of what moved, *kept*
went to the slate's own candidates, *leaked* to each other slate, and the rest was
non-transferable (or lost to rounding). ``could_keep`` says whether a candidate of the same slate
was still continuing to receive it: loyalty is only measured where it was possible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from tallyroom.count import Result

from .slates import slate_of

NON_TRANSFERABLE = "non-transferable"
LOSS = "loss"


@dataclass(frozen=True)
class Transfer:
    """The votes that moved at one stage: from the ``sources`` to each candidate, and lost."""

    stage: int
    action: str
    sources: tuple[str, ...]
    received: dict[str, Fraction]  # candidate -> gain at this stage (only non-zero gains)
    non_transferable: Fraction
    loss: Fraction
    continuing: tuple[str, ...]  # who could receive votes at this stage

    @property
    def moved(self) -> Fraction:
        return sum(self.received.values(), Fraction(0)) + self.non_transferable + self.loss


def transfers(result: Result) -> list[Transfer]:
    """One ``Transfer`` per stage after the first that moved votes."""
    out = []
    gone: set[str] = set(result.withdrawn)
    for before, stage in zip(result.stages, result.stages[1:], strict=False):
        gone |= set(before.elected) | set(before.excluded)
        gone |= set(stage.excluded) | set(stage.subject)
        sources = tuple(stage.subject)
        received = {}
        for name, total in stage.totals.items():
            if name in sources:
                continue
            gain = total - before.totals.get(name, Fraction(0))
            if gain:
                received[name] = gain
        nt = stage.non_transferable - before.non_transferable
        loss = stage.loss - before.loss
        if not received and not nt and not loss:
            continue
        continuing = tuple(c for c in stage.totals if c not in gone)
        out.append(Transfer(stage.stage, stage.action, sources, received, nt, loss, continuing))
    return out


@dataclass
class SlateTransfer:
    """A transfer seen by slate: ``kept`` within the source slate, ``leaked`` to each other."""

    stage: int
    action: str
    slate: str
    moved: Fraction
    kept: Fraction
    leaked: dict[str, Fraction]
    non_transferable: Fraction
    loss: Fraction
    could_keep: bool


def source_slate(transfer: Transfer, slates: Mapping[str, str]) -> str:
    return "+".join(sorted({slate_of(slates, c) for c in transfer.sources}))


def by_slate(transfer: Transfer, slates: Mapping[str, str]) -> SlateTransfer:
    own = source_slate(transfer, slates)
    kept = Fraction(0)
    leaked: dict[str, Fraction] = defaultdict(Fraction)
    for name, votes in transfer.received.items():
        slate = slate_of(slates, name)
        if slate == own:
            kept += votes
        else:
            leaked[slate] += votes
    could_keep = any(slate_of(slates, c) == own for c in transfer.continuing)
    return SlateTransfer(
        transfer.stage,
        transfer.action,
        own,
        transfer.moved,
        kept,
        dict(leaked),
        transfer.non_transferable,
        transfer.loss,
        could_keep,
    )


@dataclass
class Loyalty:
    """A slate's transfers added up over stages (and contests)."""

    slate: str
    transfers: int = 0
    moved: Fraction = Fraction(0)
    kept: Fraction = Fraction(0)
    leaked: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))
    non_transferable: Fraction = Fraction(0)
    loss: Fraction = Fraction(0)

    def add(self, t: SlateTransfer) -> None:
        self.transfers += 1
        self.moved += t.moved
        self.kept += t.kept
        for slate, votes in t.leaked.items():
            self.leaked[slate] += votes
        self.non_transferable += t.non_transferable
        self.loss += t.loss

    @property
    def share_kept(self) -> Fraction | None:
        """Kept over what moved, the rounding loss left out (None if nothing moved)."""
        base = self.moved - self.loss
        return self.kept / base if base else None


def loyalty(slate_transfers: Sequence[SlateTransfer], *, only_could_keep: bool = True) -> dict[str, Loyalty]:
    """Each source slate's transfers added up; by default only those where a candidate of the same
    slate was continuing (elsewhere keeping the vote was impossible)."""
    out: dict[str, Loyalty] = {}
    for t in slate_transfers:
        if only_could_keep and not t.could_keep:
            continue
        out.setdefault(t.slate, Loyalty(t.slate)).add(t)
    return out


def matrix_rows(
    transfer: Transfer, slates: Mapping[str, str] | None = None
) -> list[tuple[str, str, Fraction]]:
    """``(from, to, votes)`` for one stage: by candidate, or by slate when ``slates`` is given
    (votes staying within a slate appear as from the slate to itself). Non-transferable and loss
    come last."""
    if slates is None:
        source = " + ".join(transfer.sources)
        rows = [(source, name, votes) for name, votes in transfer.received.items()]
    else:
        source = source_slate(transfer, slates)
        summed: dict[str, Fraction] = defaultdict(Fraction)
        for name, votes in transfer.received.items():
            summed[slate_of(slates, name)] += votes
        rows = [(source, slate, votes) for slate, votes in summed.items()]
    rows += [(source, NON_TRANSFERABLE, transfer.non_transferable)] if transfer.non_transferable else []
    rows += [(source, LOSS, transfer.loss)] if transfer.loss else []
    return rows
