"""Rule sets as data: named presets (``rules.toml``) over a few counting algorithms.

A rule set names an algorithm module in this package and the options it is run with. Each
algorithm module defines ``Options`` (a frozen dataclass: the options it takes, with defaults) and
``count(ballots, seats, options, context) -> Result``; it may define ``first_marks(options, seats)``,
how many marks of each ballot its first stage credits (without it: 1, the first preference), which
a count by colleges shows per college. Presets fix the options a published rule
prescribes; ``overrides`` change them for a contest's own rules (``--option quota=droop-exact``).
"""

from __future__ import annotations

import dataclasses
import importlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .ties import check_rules as check_tie_rules

PRESETS_FILE = Path(__file__).with_name("rules.toml")
BALLOT_SHAPES = ("ranked", "one", "up-to-seats", "any")


@dataclass(frozen=True)
class RuleSet:
    """A named, published way of counting."""

    name: str
    algorithm: str
    ballot: str  # how it is marked: one of BALLOT_SHAPES
    description: str
    source: str
    options: Any  # the algorithm's Options instance

    @property
    def module(self):
        return importlib.import_module(f"{__package__}.{self.algorithm}")

    def options_dict(self) -> dict[str, Any]:
        """The options by name (``dataclasses.asdict`` without its deep copy: every field is a
        str, int, bool or a tuple of str, all immutable, and a Monte Carlo asks for them per count)."""
        return {f.name: getattr(self.options, f.name) for f in dataclasses.fields(self.options)}


@cache
def presets() -> dict[str, dict[str, Any]]:
    with open(PRESETS_FILE, "rb") as f:
        return tomllib.load(f)


def method_names() -> list[str]:
    return list(presets())


def _coerce(field: dataclasses.Field, value: Any) -> Any:
    """Options given as text (from the command line) take the type of the field's default."""
    if not isinstance(value, str):
        return value
    default = field.default if field.default is not dataclasses.MISSING else None
    if isinstance(default, bool):
        if value.lower() in ("true", "yes", "1", "on"):
            return True
        if value.lower() in ("false", "no", "0", "off"):
            return False
        raise ValueError(f"option {field.name} takes true or false, not {value!r}")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"option {field.name} takes a whole number, not {value!r}") from None
    if isinstance(default, tuple):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def rule_set(name: str, overrides: Mapping[str, Any] | None = None) -> RuleSet:
    """The preset called ``name`` with ``overrides`` applied; ValueError names what is wrong."""
    table = presets()
    if name not in table:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(table)}")
    preset = dict(table[name])
    algorithm = preset.pop("algorithm")
    ballot = preset.pop("ballot")
    if ballot not in BALLOT_SHAPES:
        raise ValueError(f"method {name}: ballot must be one of {', '.join(BALLOT_SHAPES)}, not {ballot!r}")
    description = preset.pop("description", "")
    source = preset.pop("source", "")
    module = importlib.import_module(f"{__package__}.{algorithm}")
    fields = {f.name: f for f in dataclasses.fields(module.Options)}
    values = {**preset, **dict(overrides or {})}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValueError(f"method {name} has no option {unknown[0]!r}; its options are {', '.join(fields)}")
    values = {k: _coerce(fields[k], v) for k, v in values.items()}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    options = module.Options(**values)
    check_tie_rules(options.ties)
    return RuleSet(name, algorithm, ballot, description, source, options)
