"""A cursor for the few statements run on every ballot cast: on PostgreSQL, each is prepared once
per connection (server-side binding, psycopg's protocol-level prepared statements), which cuts
the database's CPU per cast by about a third (docs/performance.md). Elsewhere, or with
``TALLYROOM_PREPARED_STATEMENTS=0`` (a connection pooler that keeps no prepared statements,
such as PgBouncer in transaction mode before 1.21), or with connections closed after every
request (``TALLYROOM_CONN_MAX_AGE=0``), Django's own cursor.

The cursor is wrapped as Django wraps its own, so query logging and ``execute_wrapper`` see
these statements too.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

ASKED_ONLY = 2**31 - 1


def enabled(db=None) -> bool:
    """On PostgreSQL, unless turned off or connections last one request only (``CONN_MAX_AGE``
    0: then each statement would be prepared, one round trip more, for a single use)."""
    db = connections[DEFAULT_DB_ALIAS] if db is None else db
    return (
        db.vendor == "postgresql"
        and getattr(settings, "TALLYROOM_PREPARED_STATEMENTS", True)
        and db.settings_dict.get("CONN_MAX_AGE") != 0
    )


@cache
def _prepared_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class Prepared(ServerBindingCursor):
        """Django's server-side binding cursor, every statement prepared."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

        def _send_query_prepared(self, name, pgq, *, binary=None):
            self._query = pgq  # what Django's query log reads; psycopg leaves it unset here
            super()._send_query_prepared(name, pgq, binary=binary)

    return Prepared


@contextmanager
def cursor():
    """A cursor on the default connection whose statements are prepared (see the module)."""
    # The connection is looked up once: each attribute read through ``django.db.connection`` is
    # a lookup of its own (2-6 µs; a cast read 20 here).
    db = connections[DEFAULT_DB_ALIAS]
    if not enabled(db):
        with db.cursor() as plain:
            yield plain
        return
    db.ensure_connection()
    db.validate_thread_sharing()
    pg = db.connection
    with db.wrap_database_errors:
        raw = _prepared_class()(pg)
    wrapped = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
    # Django turns psycopg's preparing off for the connection (``prepare_threshold`` None); it is
    # on while this cursor lives, at a threshold never reached, so only this cursor's statements,
    # which ask, are prepared.
    before = pg.prepare_threshold
    pg.prepare_threshold = ASKED_ONLY if before is None else before
    try:
        with wrapped:
            yield wrapped
    finally:
        pg.prepare_threshold = before
