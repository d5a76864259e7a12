"""The order candidates appear in on the ballot page, as the contest says (``Contest.ballot_order``).

Only the page changes: the ballot form's fields keep the candidates' canonical indices (the order of
:func:`tallyroom.elections.ballot.ballot_candidates`), so marks are read, stored and counted the same
whatever the order shown. RON, when offered, stays last.

- fixed: the canonical order (positions, then names);
- alphabetical: by name, ignoring case;
- random: one shuffle for every voter, drawn from the contest's recorded ``ballot_seed``, so anyone
  can reproduce it (``random.Random(f"{seed}:{contest slug}")``, Python's Mersenne Twister);
- rotated: voter k's ballot starts k places further down the canonical order (k from the ballot
  code's record), so each candidate heads the list for an equal share of voters.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence

from .ballot import RON_NAME


def new_seed() -> str:
    return secrets.token_hex(8)


def display_order(contest, names: Sequence[str], voter: int = 0) -> list[int]:
    """Indices into ``names`` (the canonical order) in the order to show them to ``voter``."""
    ron = [i for i, n in enumerate(names) if n == RON_NAME]
    rest = [i for i, n in enumerate(names) if n != RON_NAME]
    kind = contest.ballot_order
    if kind == "alphabetical":
        rest.sort(key=lambda i: (names[i].casefold(), names[i]))
    elif kind == "random":
        random.Random(f"{contest.ballot_seed}:{contest.slug}").shuffle(rest)
    elif kind == "rotated" and rest:
        k = voter % len(rest)
        rest = rest[k:] + rest[:k]
    return rest + ron
