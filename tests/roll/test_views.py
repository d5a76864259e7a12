"""Roll pages: who may see and do what, upload, review, export, build and decisions."""

import csv
import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.roll.eligibility import build_roll, freeze_rolls
from tallyroom.roll.models import ContactChange, Member, RollDecision, RollEntry

from .conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def roll(places, contest):
    member("a1", places["hackney"], name="Ann Able")
    member("b2", places["leeds"], name="Bob Bell", status="lapsed")
    build_roll(contest)
    return contest


def pages(contest):
    entry = RollEntry.objects.get(contest=contest, member__number="b2")
    return {
        "index": reverse("roll:index"),
        "import": reverse("roll:import"),
        "contest": reverse("roll:contest", args=[contest.pk]),
        "export": reverse("roll:export", args=[contest.pk]),
        "decision": reverse("roll:decision", args=[entry.pk]),
    }


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("staff", {"index", "import", "contest", "export"}),
        ("scrutineer", {"index", "contest", "export"}),
        ("officer", {"index", "import", "contest", "export", "decision"}),
    ],
)
def test_access_by_role(client, roll, request, who, allowed):
    client.force_login(request.getfixturevalue(who))
    for name, url in pages(roll).items():
        assert client.get(url).status_code == (200 if name in allowed else 403), name


def test_anonymous_is_sent_to_sign_in(client, roll):
    for url in pages(roll).values():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_review_counts_search_and_export(client, roll, scrutineer):
    client.force_login(scrutineer)
    page = client.get(reverse("roll:contest", args=[roll.pk]))
    assert page.context["reasons"] == [("status lapsed", 1)]
    units = {u["name"]: (u["eligible"], u["excluded"]) for u in page.context["units"]}
    assert units == {"Hackney": (1, 0), "Leeds": (0, 1)}
    assert page.context["totals"] == {"n_eligible": 1, "n_excluded": 1}  # the units' sums
    found = client.get(reverse("roll:contest", args=[roll.pk]), {"q": "bell"})
    assert [e.member.number for e in found.context["page"]] == ["b2"]
    excluded = client.get(
        reverse("roll:contest", args=[roll.pk]), {"standing": "excluded", "reason": "lapsed"}
    )
    assert [e.member.number for e in excluded.context["page"]] == ["b2"]
    response = client.get(reverse("roll:export", args=[roll.pk]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["number"], r["eligible"], r["reason"]) for r in rows] == [
        ("a1", "yes", ""),
        ("b2", "no", "status lapsed"),
    ]
    assert Event.objects.filter(verb="roll.export", actor="watcher").exists()


def test_upload_reports_every_error_then_imports(client, places, staff):
    client.force_login(staff)
    header = b"number,name,unit,joined,status,category\n"
    bad = header + b"L1,,hackney,2020-01-01,active,member\nL2,B,mars,2020-01-01,active,member\n"
    page = client.post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", bad)}, follow=True)
    assert "Line 2: name is empty" in page.content.decode()  # on the import job's page
    assert "Line 3: unknown unit &#x27;mars&#x27;" in page.content.decode()
    assert Member.objects.count() == 0
    good = header + b"L1,A,hackney,2020-01-01,active,member\n"
    response = client.post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", good)})
    assert response.status_code == 302 and Member.objects.get().name == "A"


def test_build_button_refused_after_freeze(client, roll, staff, officer):
    client.force_login(staff)
    Member.objects.filter(number="b2").update(status="active")
    client.post(reverse("roll:build", args=[roll.pk]))
    assert RollEntry.objects.get(member__number="b2").eligible
    freeze_rolls(roll.election, officer)
    Member.objects.filter(number="b2").update(status="expelled")
    client.post(reverse("roll:build", args=[roll.pk]))
    assert RollEntry.objects.get(member__number="b2").eligible


def test_decision_page(client, roll, officer):
    freeze_rolls(roll.election, officer)
    client.force_login(officer)
    url = pages(roll)["decision"]
    refused = client.post(url, {"eligible": "yes", "kind": "appeal", "reason": ""})
    assert refused.status_code == 200 and not RollEntry.objects.get(member__number="b2").eligible
    response = client.post(url, {"eligible": "yes", "kind": "appeal", "reason": "direct debit was taken"})
    assert response.status_code == 302
    assert RollEntry.objects.get(member__number="b2").eligible
    assert Event.objects.get(verb="roll.decision").actor == "ro"


def test_no_decision_offered_after_the_close(client, roll, officer):
    """Issue 7 (6): the roll-decision form was offered after the close and then refused."""
    freeze_rolls(roll.election, officer)
    client.force_login(officer)
    contest_page = pages(roll)["contest"]
    assert "Record a decision" in client.get(contest_page).content.decode()
    roll.election.state = "closed"
    roll.election.save()
    assert "Record a decision" not in client.get(contest_page).content.decode()
    page = client.get(pages(roll)["decision"]).content.decode()
    assert "has closed: the roll can no longer change" in page and "Record the decision" not in page


def test_a_refused_decision_or_contact_change_reads_in_the_officers_language(client, roll, officer):
    freeze_rolls(roll.election, officer)
    client.force_login(officer)
    client.cookies["django_language"] = "cy"
    bell = Member.objects.get(number="b2")
    refused = client.post(pages(roll)["decision"], {"eligible": "no", "kind": "appeal", "reason": "x"})
    page = unescape(refused.content.decode())
    assert f"mae {bell} wedi'i eithrio eisoes" in page and "is already excluded" not in page
    same = {"email": bell.email, "address": bell.address, "reason": "she wrote"}
    page = unescape(client.post(reverse("roll:contact", args=["b2"]), same).content.decode())
    assert f"dyma fanylion cyswllt {bell} eisoes" in page and "are already these" not in page
    assert not RollDecision.objects.exists() and not ContactChange.objects.exists()
