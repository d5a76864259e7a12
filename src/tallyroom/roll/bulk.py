"""Fast bulk writes for large tables: one prepared statement run over many rows (``executemany``),
which is several times quicker than ``bulk_create``/``bulk_update`` with model instances on both
SQLite and PostgreSQL. Values go through the backend's own adapters; call inside a transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from django.db import connection

BATCH = 5000
# Field types whose values the backend prepares; others (text, numbers, booleans, keys) go as they are.
ADAPTED = frozenset({"DateField", "DateTimeField", "DecimalField", "JSONField"})


def _adapters(model, fields: Sequence[str]):
    """Per field: its column name and a function preparing a value for the database."""
    out = []
    for name in fields:
        field = model._meta.get_field(name)
        adapt = None
        if field.get_internal_type() in ADAPTED:
            adapt = partial(field.get_db_prep_save, connection=connection)
        out.append((connection.ops.quote_name(field.column), adapt))
    return out


def _prepared(rows: Iterable[Sequence], adapters) -> Iterable[list]:
    adapt = [(i, a) for i, (_, a) in enumerate(adapters) if a is not None]
    last = [(None, None)] * len(adapters)  # per column: the previous value and its adapted form
    for row in rows:
        row = list(row)
        for i, a in adapt:
            value = row[i]
            if value is None:
                continue
            if value is not last[i][0]:  # a batch's rows often share one timestamp object
                last[i] = (value, a(value))
            row[i] = last[i][1]
        yield row


def _run(sql: str, rows: Iterable[list]) -> None:
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def insert(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert ``rows`` (tuples of values in ``fields`` order) into ``model``'s table (on PostgreSQL
    with ``COPY``)."""
    adapters = _adapters(model, fields)
    columns = ", ".join(column for column, _ in adapters)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in _prepared(rows, adapters):
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    _run(f"INSERT INTO {table} ({columns}) VALUES ({marks})", _prepared(rows, adapters))


def update(model, fields: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Update ``model`` rows: each row is the values in ``fields`` order followed by the primary key."""
    adapters = _adapters(model, fields)
    sets = ", ".join(f"{column} = %s" for column, _ in adapters)
    table, pk = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(model._meta.pk.column),
    )
    _run(f"UPDATE {table} SET {sets} WHERE {pk} = %s", _prepared(rows, [*adapters, ("", None)]))


def analyze(*models) -> None:
    """Refresh PostgreSQL's planner statistics of tables just bulk-loaded (autovacuum may be off,
    or not have caught up); nothing elsewhere."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
