"""The files a published count offers for download, so anyone can recount it."""

import csv
import io
import shlex
from collections.abc import Iterable

from django.utils.translation import gettext

from tallyroom.count import rule_set
from tallyroom.formats.results import result_csv, result_table
from tallyroom.formats.sheet_pdf import result_pdf
from tallyroom.web import streaming

from .models import ContestCount
from .names import namer, renamed

TEXT = "text/plain; charset=utf-8"


def filename_prefix(count: ContestCount) -> str:
    """Downloads are saved as ``<election>-<contest>-<name>``."""
    return f"{count.contest.election.slug}-{count.contest.slug}-"


def groups_csv(groups: dict[str, list[str]]) -> str:
    """Candidates' groups as the ``candidate,group`` CSV that ``tallyroom count --groups`` reads.
    Written verbatim, for the recount to read back: names a spreadsheet would run as formulas are
    refused when a candidate is entered (``formats.spreadsheet.is_formula``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", "group"])
    for name, names in groups.items():
        writer.writerows([name, g] for g in names)
    return out.getvalue()


def _colours(count: ContestCount) -> dict[str, str]:
    """Candidate -> the colour of their first slate (as the result page's chart draws them)."""
    candidates = count.contest.candidates.prefetch_related("slates")
    return {c.name: c.slates.all()[0].colour for c in candidates if c.slates.all()}


def ballots_name(count: ContestCount) -> str:
    """The ballots' download: CSV with each ballot's college for a count decided by colleges
    (BLT has no column for one), BLT otherwise."""
    return "ballots.csv" if count.result.get("colleges") else "ballots.blt"


# Downloads stored whole on the count, streamed from the database a slice at a time.
STORED = {"result.json": "result_json"}


def render(count: ContestCount, name: str) -> tuple[Iterable[str | bytes], str]:
    """``(body's chunks, content type)`` of the download called ``name``; KeyError if there is none.
    The ballots and the result are read from the database in slices (``count`` need not hold them:
    load it with them deferred); the others are made from the result, small."""
    stored = ContestCount.objects.filter(pk=count.pk)
    if name == ballots_name(count):
        kind = TEXT if name.endswith(".blt") else "text/csv; charset=utf-8"
        return streaming.text_slices(stored, "ballots_blt"), kind
    if name in STORED:
        return streaming.text_slices(stored, STORED[name]), "application/json"
    if name == "result.csv":
        return [result_csv(count.result)], "text/csv; charset=utf-8"
    if name == "result.txt":
        return [result_table(count.result)], TEXT
    if name == "result.pdf":
        name = namer(count.contest.election_id)
        colours = {name(n): c for n, c in _colours(count).items()}
        return [result_pdf(renamed(count.result, name), colours, words=gettext)], "application/pdf"
    if name == "tie-seed.txt":
        return [f"{count.tie_seed}\n"], TEXT
    if name == "groups.csv" and count.groups:
        return [groups_csv(count.groups)], "text/csv; charset=utf-8"
    raise KeyError(name)


def _option_text(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value).lower()


def recount_command(count: ContestCount) -> str:
    """The ``tallyroom count`` command line that recounts ``count`` from its downloads: the method,
    seats, each college's share, every option that differs from the method's preset, the
    constraints with the groups file, RON and the tie seed."""
    result, prefix = count.result, filename_prefix(count)
    preset = {k: _option_text(v) for k, v in rule_set(result["method"]).options_dict().items()}
    args = ["tallyroom", "count", f"{prefix}{ballots_name(count)}", "--method", result["method"]]
    args += ["--seats", str(result["seats"])]
    for college in result.get("colleges", []):
        args += ["--college", f"{college['college']}={college['share']}"]
    for key, value in result["options"].items():
        if _option_text(value) != preset.get(key):
            args += ["--option", f"{key}={_option_text(value)}"]
    for constraint in result["constraints"]:
        args += ["--constraint", constraint]
    if count.groups:
        args += ["--groups", f"{prefix}groups.csv"]
    if result["ron"]:
        args += ["--ron", result["ron"]]
    if result["tie_seed"]:
        args += ["--tie-seed", result["tie_seed"]]
    return shlex.join([*args, "--format", "json"])
