"""Sealing: after the close no transaction id or table order links a ballot to a voter's mark."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tallyroom.audit.models import Event
from tallyroom.elections.models import Election
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import cast
from tallyroom.voting.models import Ballot, BallotCode
from tallyroom.voting.seal import seal_ballots


def column(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_seal_only_after_close(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["stv"]: ["Ada"]})
    with pytest.raises(ValueError, match="once voting has closed"):
        seal_ballots(election)
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    election.refresh_from_db()
    assert seal_ballots(election) == 3
    assert Event.objects.filter(verb="voting.seal").get().data == {"ballots": 3}
    assert sorted(Ballot.objects.values_list("preferences", flat=True)) == [[], [], ["Ada"]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_seal_removes_the_transaction_and_order_traces():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (xmin and ctid are PostgreSQL's)")
    from tallyroom.voting.codes import issue_codes

    from .conftest import make_election

    election, contests, members = make_election(slug="sealed", voters=8)
    for _, code in issue_codes(election):
        cast(code, {})
    marks = set(column(f"SELECT xmin::text FROM {BallotCode._meta.db_table} WHERE voted_at IS NOT NULL"))
    table = Ballot._meta.db_table
    assert set(column(f"SELECT xmin::text FROM {table}")) == marks  # the trace sealing removes
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    election.refresh_from_db()
    out = io.StringIO()
    call_command("seal_ballots", election.slug, stdout=out)
    on_rolls = RollEntry.objects.filter(contest__election=election, eligible=True).count()
    assert out.getvalue() == f"sealed {on_rolls} ballots\n"
    after = column(f"SELECT xmin::text FROM {table}")
    assert len(set(after)) == 1 and not set(after) & marks
    in_file_order = column(f"SELECT tracker FROM {table} ORDER BY contest_id, ctid")
    assert in_file_order == column(f"SELECT tracker FROM {table} ORDER BY contest_id, tracker")
