"""Quotas on who is elected, such as "at least one woman" or "no more than 2 from one CLP".

Candidates belong to groups (from a sidecar CSV ``candidate,group``; a candidate may be in
several). A constraint bounds how many of the elected come from one group: ``woman>=1``,
``clp-a<=2`` or ``bame=1``.

Every method asks the same question: can the remaining seats still be filled from the
continuing candidates so that every bound holds? From it follow, as in Hill's "Implementing STV
constraints" and Otten's "Fuller STV constraints" (Voting matters 9 and 13):

- a continuing candidate is **doomed** when electing them would make that impossible: STV methods
  exclude doomed candidates at once, and plurality and block methods pass over them;
- a continuing candidate is **guarded** when excluding them would make it impossible: STV methods
  never exclude a guarded candidate (the lowest unguarded one goes instead), and elect the guarded
  candidates when they alone can fill the remaining seats.

Seats must be filled while candidates remain: if fewer candidates continue than seats are left,
all of them are taken, and the bounds must hold with those.

A seat RON wins is ``reopened``: it is filled later by a new election, which applies the bounds
again. The bounds are met by this count's other seats while they still can be; once RON's seat
makes that impossible (``woman>=2`` for 2 seats, one of them RON's), each minimum is lowered by
the reopened seat (maximums unchanged) and the new election must supply the rest
(``context.Context.constrained``). Without that, every candidate would be doomed and the other
seats left empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SPEC = re.compile(r"^\s*(?P<group>[^<>=]+?)\s*(?P<op><=|>=|=)\s*(?P<n>\d+)\s*$")


class ConstraintError(ValueError):
    """The constraints are malformed or cannot be met by the candidates standing."""


@dataclass(frozen=True)
class Constraint:
    group: str
    minimum: int = 0
    maximum: int | None = None

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """``group>=N``, ``group<=N`` or ``group=N``."""
        m = _SPEC.match(text)
        if not m:
            raise ConstraintError(f"constraint {text!r} is not of the form group>=N, group<=N or group=N")
        n = int(m["n"])
        op = m["op"]
        return cls(
            m["group"], minimum=n if op in (">=", "=") else 0, maximum=n if op in ("<=", "=") else None
        )

    def __str__(self) -> str:
        if self.maximum == self.minimum:
            return f"{self.group}={self.minimum}"
        parts = []
        if self.minimum:
            parts.append(f"{self.group}>={self.minimum}")
        if self.maximum is not None:
            parts.append(f"{self.group}<={self.maximum}")
        return ", ".join(parts) or f"{self.group}>=0"


def read_groups(path: str | Path) -> dict[str, set[str]]:
    """Read a ``candidate,group`` CSV (an optional ``candidate,group`` header first) into
    candidate -> groups. Errors name the file and line."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConstraintError(f"{path}:{line}: not UTF-8 text") from None
    groups: dict[str, set[str]] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            line = reader.line_num
            if not row or not "".join(row).strip():
                continue
            if len(row) != 2:
                raise ConstraintError(f"{path}:{line}: expected 2 columns candidate,group, found {len(row)}")
            name, group = (cell.strip() for cell in row)
            if not groups and (name.lower(), group.lower()) == ("candidate", "group"):
                continue
            if not name or not group:
                raise ConstraintError(f"{path}:{line}: empty candidate or group")
            groups.setdefault(name, set()).add(group)
    except csv.Error as e:
        raise ConstraintError(f"{path}:{reader.line_num}: {e}") from None
    return groups


class Constraints:
    """A set of constraints over a contest's candidates (by index)."""

    def __init__(
        self,
        candidates: Sequence[str],
        constraints: Iterable[Constraint | str],
        groups: Mapping[str, Iterable[str]],
    ):
        self.constraints = [c if isinstance(c, Constraint) else Constraint.parse(c) for c in constraints]
        unknown = sorted(set(groups) - set(candidates))
        if unknown:
            raise ConstraintError(f"groups name candidates who are not standing: {', '.join(unknown)}")
        known = {g for gs in groups.values() for g in gs}
        for c in self.constraints:
            if c.group not in known:
                raise ConstraintError(f"constraint {c} names group {c.group!r}, which no candidate is in")
        # The constrained groups each candidate belongs to, as a tuple of 0/1 per constraint.
        self.signature = [
            tuple(int(c.group in set(groups.get(name, ()))) for c in self.constraints) for name in candidates
        ]

    def __bool__(self) -> bool:
        return bool(self.constraints)

    def __str__(self) -> str:
        return "; ".join(str(c) for c in self.constraints)

    def feasible(
        self, elected: Iterable[int], continuing: Iterable[int], seats_left: int, reopened: int = 0
    ) -> bool:
        """Can ``seats_left`` more be chosen from ``continuing`` so that every bound holds, each
        minimum lowered by the ``reopened`` seats (won by RON, filled by a new election)?"""
        if not self.constraints:
            return True
        continuing = list(continuing)
        counts = [0] * len(self.constraints)
        for c in elected:
            counts = [a + b for a, b in zip(counts, self.signature[c], strict=True)]
        kinds: dict[tuple[int, ...], int] = {}
        for c in continuing:
            kinds[self.signature[c]] = kinds.get(self.signature[c], 0) + 1
        take = min(seats_left, len(continuing))
        return _fill(
            tuple(counts),
            tuple(sorted(kinds.items())),
            take,
            tuple((max(c.minimum - reopened, 0), c.maximum) for c in self.constraints),
        )

    def doomed(
        self, elected: Sequence[int], continuing: Sequence[int], seats_left: int, reopened: int = 0
    ) -> list[int]:
        """Continuing candidates whose election would make the constraints impossible to meet."""
        if not self.constraints or seats_left <= 0:
            return []
        return [
            c
            for c in continuing
            if not self.feasible([*elected, c], [d for d in continuing if d != c], seats_left - 1, reopened)
        ]

    def guarded(
        self, elected: Sequence[int], continuing: Sequence[int], seats_left: int, reopened: int = 0
    ) -> list[int]:
        """Continuing candidates whose exclusion would make the constraints impossible to meet."""
        if not self.constraints:
            return []
        return [
            c
            for c in continuing
            if not self.feasible(elected, [d for d in continuing if d != c], seats_left, reopened)
        ]


@lru_cache(maxsize=65536)
def _fill(
    counts: tuple[int, ...],
    kinds: tuple[tuple[tuple[int, ...], int], ...],
    take: int,
    bounds: tuple[tuple[int, int | None], ...],
) -> bool:
    """Whether ``take`` candidates can be drawn from ``kinds`` (signature, how many) so that the
    group counts end within ``bounds``. Candidates of one signature are interchangeable, so the
    search is over how many of each kind, not which."""
    if any(hi is not None and n > hi for n, (_, hi) in zip(counts, bounds, strict=True)):
        return False
    if take == 0:
        return all(n >= lo for n, (lo, _) in zip(counts, bounds, strict=True))
    if not kinds:
        return False
    available = sum(n for _, n in kinds)
    if available < take:
        return False
    # The most each group can still gain bounds what minimums are reachable.
    for i, (lo, _) in enumerate(bounds):
        gain = min(take, sum(n for sig, n in kinds if sig[i]))
        if counts[i] + gain < lo:
            return False
    (sig, n), rest = kinds[0], kinds[1:]
    for k in range(min(n, take), -1, -1):
        grown = tuple(a + k * b for a, b in zip(counts, sig, strict=True))
        if _fill(grown, rest, take - k, bounds):
            return True
    return False
