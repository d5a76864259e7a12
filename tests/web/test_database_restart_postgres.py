"""After PostgreSQL drops a kept connection (a restart, a failover), the next request gets a new
one instead of an error: Django's health check tries a kept connection as a request first uses
it (``CONN_HEALTH_CHECKS``)."""

import psycopg
import pytest
from django.db import close_old_connections, connection

from tallyroom.elections.models import Election

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_connection_the_database_dropped_is_replaced_at_the_next_request():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    Election.objects.count()
    dropped = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [dropped])
    close_old_connections()  # what Django does as each request starts
    assert Election.objects.count() == 0  # without the health check: OperationalError
    assert connection.connection.info.backend_pid != dropped
