"""The audit trail exported as JSON lines, for ``tallyroom audit verify`` to check offline:
a ``trail`` header (format, version, the site's public key, every election's public key, the
head), every ``event`` in order, then every published ``count`` with what its ``contest.publish``
event must match."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from django.db import models
from django.utils import timezone

from . import signing
from .models import Event, SigningKey
from .trail import FORMAT, GENESIS, VERSION, elected_of


def head() -> dict:
    """The trail's head: the last event's number, hash and time (the genesis hash before any)."""
    last = Event.objects.order_by("-seq").only("seq", "hash", "at").first()
    return {"seq": last.seq if last else 0, "hash": last.hash if last else GENESIS, "at": last and last.at}


def election_key_lines() -> dict[str, dict]:
    """Every election's public key by its id, with the election's number and slug."""
    rows = SigningKey.objects.select_related("election").only("key_id", "public_key", "election__slug")
    return {
        k.key_id: {
            "election": k.election_id,
            "slug": k.election.slug if k.election else "",
            "public_key": k.public_key,
        }
        for k in rows.order_by("election_id")
    }


def published_counts(newer_than=None, but=()) -> list[dict]:
    """Every published count as an export line; with ``newer_than``, less those published after
    that time whose ids are not in ``but`` (published after the export's head)."""
    from tallyroom.results.models import ContestCount

    counts = ContestCount.objects.filter(published=True).select_related("contest__election").order_by("pk")
    if newer_than is not None:
        counts = counts.exclude(models.Q(published_at__gt=newer_than) & ~models.Q(pk__in=list(but)))
    return [
        {
            "kind": "count",
            "id": c.pk,
            "contest": f"{c.contest.election.slug}/{c.contest.slug}",
            "election": c.contest.election_id,
            "elected": elected_of(c.result_json),
            "ballots_sha256": c.ballots_sha256,
            "result_sha256": hashlib.sha256(c.result_json.encode("utf-8")).hexdigest(),
        }
        for c in counts.only(
            "pk", "result_json", "ballots_sha256", "contest__slug", "contest__election__slug"
        )
    ]


def export_lines() -> Iterator[str]:
    """The export, line by line (each ends with a newline). The head is read first and the events
    up to it, then the counts published by then, so what is recorded meanwhile is left out whole."""
    top = head()
    header = {
        "kind": "trail",
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "public_keys": {signing.current_key_id(): signing.public_raw().hex()},
        "election_keys": election_key_lines(),
        "head": top["hash"],
        "events": top["seq"],
    }
    yield _line(header)
    seen = set()
    for event in Event.objects.filter(seq__lte=top["seq"]).order_by("seq").iterator(chunk_size=2000):
        if event.verb == "contest.publish":
            seen.add(event.data.get("count"))
        yield _line(event.as_line())
    for count in published_counts(newer_than=top["at"], but=seen) if top["at"] else published_counts():
        yield _line(count)


def _line(item: dict) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
