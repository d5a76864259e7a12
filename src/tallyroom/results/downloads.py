"""The files a published count offers for download, so anyone can recount it."""

import csv
import io

from .models import Count


def groups_csv(groups: dict[str, list[str]]) -> str:
    """Candidates' groups as the ``candidate,group`` CSV that ``tallyroom count --groups`` reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", "group"])
    for name, names in groups.items():
        writer.writerows([name, g] for g in names)
    return out.getvalue()


def render(count: Count, name: str) -> tuple[str, str]:
    """``(body, content type)`` of the download called ``name``; KeyError if there is none."""
    from tallyroom.formats import result_csv, result_json

    from .counting import groups_of

    if name == "ballots.blt":
        return count.ballots_blt, "text/plain; charset=utf-8"
    if name == "result.json":
        return result_json(count.result), "application/json"
    if name == "result.csv":
        return result_csv(count.result), "text/csv; charset=utf-8"
    if name == "tie-seed.txt":
        return f"{count.tie_seed}\n", "text/plain; charset=utf-8"
    if name == "groups.csv" and count.result["constraints"]:
        return groups_csv(groups_of(count.contest)), "text/csv; charset=utf-8"
    raise KeyError(name)
