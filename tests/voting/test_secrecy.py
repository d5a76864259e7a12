"""Secrecy: a stored ballot carries nothing that links it to a voter, a code or a time."""

import uuid

import pytest
from django.db import connection, models

from tallyroom.voting.casting import cast
from tallyroom.voting.models import Ballot

pytestmark = pytest.mark.django_db


def test_ballot_model_has_no_link_to_voter_code_or_time():
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "contest", "tracker", "preferences", "weight", "college"}
    assert isinstance(fields["id"], models.UUIDField) and fields["id"].primary_key
    assert not any(isinstance(f, models.DateField | models.AutoField) for f in fields.values())
    assert [f.name for f in fields.values() if f.is_relation] == ["contest"]
    assert not Ballot._meta.ordering


def test_ballot_row_in_the_database_has_only_those_columns(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["stv"]: ["Ada"]})
    with connection.cursor() as cursor:
        columns = [
            c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)
        ]
        cursor.execute(f"SELECT * FROM {Ballot._meta.db_table}")
        rows = cursor.fetchall()
    assert sorted(columns) == ["college", "contest_id", "id", "preferences", "tracker", "weight"]
    dump = repr(rows)
    member = members[2]
    for secret in (member.number, member.name, str(member.pk) + ",", codes[2]):
        assert secret not in dump
    assert all(uuid.UUID(str(row[columns.index("id")])).version == 4 for row in rows)
