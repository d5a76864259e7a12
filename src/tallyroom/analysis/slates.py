"""Which slate (party) each candidate stands for, from a ``candidate,group`` CSV or a BLT's parties.

A slate map is a plain ``dict`` candidate -> slate name. A candidate the map leaves out stands
alone: their slate is their own name (so two independents are never one slate).

Published BLT files label parties inconsistently (``Scottish Labour Party``, ``Glasgow Labour``,
``Labour and Co-operative Party``), so ``party_slates`` takes rules: a CSV of ``pattern,slate``
rows, each a regular expression searched in the party label (case-insensitive), the first match
naming the slate; the slate ``-`` means "stands alone" (independents). A label no rule matches is
its own slate.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tallyroom.count import read_groups
from tallyroom.formats.ballotfile import decode_text
from tallyroom.formats.errors import FormatError

ALONE = "-"


def slate_of(slates: Mapping[str, str], candidate: str) -> str:
    """The candidate's slate; one the map leaves out stands alone."""
    return slates.get(candidate, candidate)


def read_slates(path: str | Path, candidates: Iterable[str] | None = None) -> dict[str, str]:
    """A ``candidate,group`` CSV (the format of ``tallyroom count --groups``) as candidate -> slate.
    Each candidate may be on one slate; with ``candidates``, every name must be one of them."""
    groups = read_groups(path)
    known = None if candidates is None else set(candidates)
    slates = {}
    for name, names in groups.items():
        if len(names) > 1:
            raise FormatError(
                str(path), None, f"{name} is on more than one slate: {', '.join(sorted(names))}"
            )
        if known is not None and name not in known:
            raise FormatError(str(path), None, f"{name} is not a candidate")
        slates[name] = next(iter(names))
    return slates


def read_party_rules(path: str | Path) -> list[tuple[re.Pattern, str]]:
    """A ``pattern,slate`` CSV (optional header ``pattern,slate``) as compiled rules."""
    rules = []
    reader = csv.reader(io.StringIO(decode_text(Path(path).read_bytes()), newline=""))
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 2:
            raise FormatError(str(path), line, f"expected 2 columns pattern,slate, found {len(cells)}")
        pattern, slate = (c.strip() for c in cells)
        if not rules and (pattern.lower(), slate.lower()) == ("pattern", "slate"):
            continue
        if not pattern or not slate:
            raise FormatError(str(path), line, "empty pattern or slate")
        try:
            rules.append((re.compile(pattern, re.IGNORECASE), slate))
        except re.error as e:
            raise FormatError(str(path), line, f"bad pattern {pattern!r}: {e}") from None
    return rules


def party_slates(parties: Mapping[str, str], rules: Sequence[tuple[re.Pattern, str]] = ()) -> dict[str, str]:
    """candidate -> slate from the parties a ballot file names, through ``rules`` (see above)."""
    slates = {}
    for name, party in parties.items():
        slate = next((s for pattern, s in rules if pattern.search(party)), party)
        if slate != ALONE and party.strip():
            slates[name] = slate
    return slates


def slate_order(candidates: Sequence[str], slates: Mapping[str, str]) -> list[str]:
    """Every slate of these candidates once, in the order they first stand."""
    return list(dict.fromkeys(slate_of(slates, c) for c in candidates))
