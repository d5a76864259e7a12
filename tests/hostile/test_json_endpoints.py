"""schemathesis over the app's one JSON endpoint, a job's state (``/jobs/<pk>.json``): whatever
path it is given, the answer is the documented JSON or a 404, never a server error, and always
of the content type and shape the schema says."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import unsupported_method

import builders as build
from tallyroom.jobs.models import Job
from tallyroom.web.access import SCRUTINEER

from .strategies import EXAMPLES

NULLABLE_TEXT = {"type": ["string", "null"]}
JOB = {
    "type": "object",
    "required": ["id", "kind", "election", "state", "done", "total", "percent", "attempts", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": [k.value for k in Job.Kind]},
        "election": {"type": "string"},
        "contest": NULLABLE_TEXT,
        "started_by": NULLABLE_TEXT,
        "state": {"type": "string", "enum": [s.value for s in Job.State]},
        "done": {"type": "integer", "minimum": 0},
        "total": {"type": "integer", "minimum": 0},
        "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "message": {"type": "string"},
        "attempts": {"type": "integer", "minimum": 0},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": NULLABLE_TEXT,
        "finished_at": NULLABLE_TEXT,
        "outcome_url": NULLABLE_TEXT,
    },
}
SCHEMA = {
    "openapi": "3.1.0",
    "info": {"title": "tallyroom jobs", "version": "1"},
    "paths": {
        "/jobs/{pk}.json": {
            "get": {
                "parameters": [{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "the job", "content": {"application/json": {"schema": JOB}}},
                    "404": {"description": "no such job", "content": {"text/html": {}}},
                },
            }
        }
    },
}
schema = schemathesis.openapi.from_dict(SCHEMA)


@pytest.fixture
def signed_in_scrutineer(user_with):
    """A scrutineer's session cookie, and two jobs (one running, one done) to find."""
    election = build.election("fuzz", name="Fuzz", days=1, freeze_date=timezone.now().date())
    Job.objects.create(kind=Job.Kind.OPEN_VOTING, election=election, state=Job.State.RUNNING, total=10)
    Job.objects.create(kind=Job.Kind.OPEN_VOTING, election=election, state=Job.State.DONE, done=3, total=3)
    client = Client()
    client.force_login(user_with("scrutineer-fuzz", SCRUTINEER))
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.fixture
def app():
    """Django's WSGI handler, with the test's database connection kept open across requests (as
    Django's test client does): the handler would close it after each."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=max(EXAMPLES // 4, 25), deadline=None, suppress_health_check=list(HealthCheck))
def test_the_job_endpoint_keeps_to_its_schema(case, app, signed_in_scrutineer):
    response = case.call_and_validate(
        app=app,
        cookies=signed_in_scrutineer,
        # Other methods: Django's CSRF check answers an unsafe one 403 before the view's 405.
        excluded_checks=[unsupported_method],
    )
    assert response.status_code < 500
    if case.method == "GET" and response.request.method == "GET":
        assert response.status_code in (200, 404)
