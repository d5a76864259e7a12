"""Casting's statements prepared once per PostgreSQL connection (ballotbox/prepared.py), and
nothing else: the ORM's statements stay unprepared, query logging and execute wrappers still see
casting's, and ``TALLYROOM_PREPARED_STATEMENTS=0`` turns it off."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tallyroom.elections.models import Election
from tallyroom.voting.casting import CLAIM, cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
CLAIM_START = "UPDATE voting_ballotcode SET used_at = $1"


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def runs() -> dict[str, int]:
    """Each statement prepared on this connection, with how often it has run."""
    with connection.cursor() as c:
        c.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(c.fetchall())


def claim_runs() -> int:
    return sum(n for statement, n in runs().items() if statement.startswith(CLAIM_START))


def test_each_cast_runs_the_prepared_statements(setup):
    election, contests, members, codes = setup
    before = claim_runs()
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as logged, connection.execute_wrapper(watch):
        for code in codes[:3]:
            cast(code, {contests["chair"].pk: ["Hal"]})
    assert claim_runs() == before + 3
    assert (
        seen.count(CLAIM) == 3 and sum(q["sql"].startswith("UPDATE voting_ballotcode") for q in logged) == 3
    )
    assert connection.connection.prepare_threshold is None  # Django's setting, back after the cast
    for _ in range(6):
        Election.objects.filter(pk=election.pk).exists()
    assert not [s for s in runs() if "elections_election" in s and "LIMIT" in s]  # the ORM's: not prepared


@pytest.mark.parametrize("off", ["setting", "connections last one request"])
def test_turned_off_nothing_is_prepared(setup, settings, monkeypatch, off):
    if off == "setting":
        settings.TALLYROOM_PREPARED_STATEMENTS = False
    else:
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    election, contests, members, codes = setup
    before = claim_runs()
    cast(codes[0], {contests["chair"].pk: ["Hal"]})
    assert claim_runs() == before
