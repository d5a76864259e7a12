"""Import regions, units and affiliates from one CSV file, all or nothing (docs/roll.md).

Columns: ``type`` (region, unit or affiliate), ``code``, ``name``, and as the type needs ``kind``
(clp or branch for a unit; union or society for an affiliate), ``region`` (a unit's region code, in
the file or already known) and ``affiliated_members`` (an affiliate's affiliated membership). Rows
whose code exists already update it.
"""

from __future__ import annotations

from django.db import transaction

from tallyroom.audit.events import record

from .csvfile import Table
from .models import Affiliate, Region, Unit

REQUIRED = ("type", "code", "name")
OPTIONAL = ("kind", "region", "affiliated_members")
TYPES = ("region", "unit", "affiliate")


class StructureImportError(ValueError):
    """The file was refused and nothing was written; ``errors`` holds every problem found."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _check(values: dict[str, str], region_codes: set[str]) -> list[str]:
    kind, problems = values["kind"], []
    if not values["code"] or not values["name"]:
        problems.append("code and name must not be empty")
    if values["type"] == "unit":
        if kind and kind not in Unit.Kind.values:
            problems.append(f"a unit's kind is one of {', '.join(Unit.Kind.values)}, not {kind!r}")
        if values["region"] not in region_codes:
            problems.append(f"unknown region {values['region']!r}")
    elif values["type"] == "affiliate":
        if kind and kind not in Affiliate.Kind.values:
            problems.append(f"an affiliate's kind is one of {', '.join(Affiliate.Kind.values)}, not {kind!r}")
        if values["affiliated_members"] and not values["affiliated_members"].isdigit():
            problems.append(f"affiliated_members {values['affiliated_members']!r} is not a whole number")
    else:
        problems.append(f"type {values['type']!r} is not one of {', '.join(TYPES)}")
    return problems


def import_structure(file_or_path, *, user=None) -> dict[str, int]:
    """Create or update the regions, units and affiliates in the file; return how many of each."""
    table = Table(file_or_path, REQUIRED, OPTIONAL)
    rows = list(table)
    region_codes = set(Region.objects.values_list("code", flat=True))
    region_codes |= {v["code"] for _, v in rows if v["type"] == "region"}
    seen: dict[tuple[str, str], int] = {}
    for line, values in rows:
        problems = [] if values["type"] == "region" and values["code"] else _check(values, region_codes)
        key = (values["type"], values["code"])
        if key in seen:
            problems.insert(0, f"{values['type']} {values['code']} is also on line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            table.error(line, "; ".join(problems))
    if table.errors:
        raise StructureImportError(sorted(table.errors, key=lambda e: e.line or 0))
    counts = dict.fromkeys(TYPES, 0)
    with transaction.atomic():
        for _, values in sorted(rows, key=lambda r: TYPES.index(r[1]["type"])):
            code, name, kind = values["code"], values["name"], values["kind"]
            if values["type"] == "region":
                Region.objects.update_or_create(code=code, defaults={"name": name})
            elif values["type"] == "unit":
                region = Region.objects.get(code=values["region"])
                Unit.objects.update_or_create(
                    code=code, defaults={"name": name, "kind": kind or Unit.Kind.CLP, "region": region}
                )
            else:
                Affiliate.objects.update_or_create(
                    code=code,
                    defaults={
                        "name": name,
                        "kind": kind or Affiliate.Kind.UNION,
                        "affiliated_members": int(values["affiliated_members"] or 0),
                    },
                )
            counts[values["type"]] += 1
        record(user, "organisation.import", table.name, **counts)
    return counts
