"""Keyset pagination for long staff lists (a roll of 640,000): a page is the rows after (or
before) the key of the row at its edge, read through the key's index, so the last page costs what
the first does; OFFSET reads and drops every row before the page. No total is counted here: the
page shows the totals it already has. The query string carries ``after=KEY``, ``before=KEY`` or
``last=1``; a key that no longer exists still works (the rows either side of it), and one that is
not a key at all (``?after=x`` where keys are numbers) gives the first page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError


@dataclass
class Page:
    """The rows of one page and the links to its neighbours (query strings from "?", "" where none)."""

    rows: list
    first: str
    previous: str
    next: str
    last: str

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _key(model, path: str, text: str | None):
    """``text`` as a value of the field at ``path`` (from ``model``), or None if it is none."""
    field = model._meta.pk
    for name in path.split("__"):
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        model = field.related_model or model
    try:
        return field.to_python(text) if text else None
    except ValidationError:
        return None


def page(queryset, key: str, value: Callable, params, size: int) -> Page:
    """The page of ``queryset`` that ``params`` (the request's GET) asks for, in ascending order of
    ``key`` (a field path, unique within ``queryset``); ``value(row)`` is a row's key."""
    after, before = (_key(queryset.model, key, params.get(edge)) for edge in ("after", "before"))
    rows, more_before, more_after = [], False, False
    if params.get("last") or before:
        chosen = queryset.filter(**{f"{key}__lt": before}) if before else queryset
        rows = list(chosen.order_by(f"-{key}")[: size + 1])
        more_before, more_after = len(rows) > size, bool(before)
        rows = rows[:size][::-1]
        if before and not more_before:  # near the start: the first page, full
            after = before = None
            rows = []
    if not rows and not before:
        chosen = queryset.filter(**{f"{key}__gt": after}) if after else queryset
        rows = list(chosen.order_by(key)[: size + 1])
        more_before, more_after = bool(after), len(rows) > size
        rows = rows[:size]
    kept = {k: v for k, v in params.items() if k not in ("after", "before", "last")}

    def link(**edge) -> str:
        return "?" + urlencode({**kept, **edge})

    return Page(
        rows=rows,
        first=link() if more_before else "",
        previous=link(before=value(rows[0])) if more_before and rows else "",
        next=link(after=value(rows[-1])) if more_after and rows else "",
        last=link(last=1) if more_after else "",
    )
