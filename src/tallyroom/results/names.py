"""Candidates' names as the result sheets show them: a motion poll's For, Against and Abstain in
the reader's language (``conference.polls.shown_choice``), any other name as it stands. The
published JSON and the downloads a recount reads keep the names as counted."""

from collections.abc import Callable, Mapping
from typing import Any

from tallyroom.conference.models import Poll
from tallyroom.conference.polls import shown_choice


def namer(election_id: int) -> Callable[[str], str]:
    """How the names of the election's contests are shown."""
    poll = Poll.objects.filter(election_id=election_id).first()
    return str if poll is None else lambda name: shown_choice(poll, name)


def renamed(result: Mapping[str, Any], name: Callable[[str], str]) -> dict[str, Any]:
    """``result`` (the published JSON form) with each candidate's name as ``name`` shows it."""

    def names(values) -> list[str]:
        return [name(n) for n in values]

    def keyed(values: Mapping[str, Any]) -> dict[str, Any]:
        return {name(n): v for n, v in values.items()}

    def stage(s: Mapping[str, Any]) -> dict[str, Any]:
        ties = [{**t, "candidates": names(t["candidates"]), "chosen": name(t["chosen"])} for t in s["ties"]]
        lists = {k: names(s[k]) for k in ("subject", "elected", "excluded")}
        return {**s, **lists, "totals": keyed(s["totals"]), "ties": ties}

    out = {**result, "candidates": names(result["candidates"]), "elected": names(result["elected"])}
    out["stages"] = [stage(s) for s in result["stages"]]
    if "withdrawn" in result:
        out["withdrawn"] = names(result["withdrawn"])
    if result.get("ron"):
        out["ron"] = name(result["ron"])
    if result.get("colleges"):
        out["colleges"] = [
            {**c, "votes": keyed(c["votes"]), "counted": keyed(c["counted"])} for c in result["colleges"]
        ]
    return out
