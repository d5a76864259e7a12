"""Sealing an election's ballots after the close: erase what the database itself records about
the order and the transactions in which they were cast.

A ballot row carries no voter, code or time, but PostgreSQL keeps two traces beside every row: the
id of the transaction that wrote it (``xmin``, the same as on the voter's "has voted" mark, since
both are written in one transaction) and its place in the table file (insertion order). Sealing
rewrites every ballot of the election in one transaction (so all share one ``xmin``) and then
``CLUSTER``s the table by contest and tracker (a new file in tracker order, old row versions
gone). On SQLite (tests, the demo) the rewrite is done and the reordering left out.
"""

from django.db import connection, transaction
from django.db.models import F

from tallyroom.audit.events import record
from tallyroom.elections.models import Election

from .models import Ballot


def seal_ballots(election: Election, *, user=None) -> int:
    """Seal the ballots of ``election`` (voting must be closed); returns how many were rewritten."""
    if election.state != Election.State.CLOSED:
        raise ValueError(f"{election.name}: ballots are sealed once voting has closed")
    with transaction.atomic():
        rewritten = Ballot.objects.filter(contest__election=election).update(college=F("college"))
        record(user, "voting.seal", f"election:{election.pk}", ballots=rewritten)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CLUSTER refuses pending deferred checks
            cursor.execute(f'CLUSTER {Ballot._meta.db_table} USING "tracker_per_contest"')
    return rewritten
