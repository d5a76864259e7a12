"""Issue 7 (13): regions, units and affiliates have screens (they had only the CLI and the admin,
which staff and the officer may not use); every change is an event."""

import pytest
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.organisation.models import Affiliate, Region, Unit

pytestmark = pytest.mark.django_db


def test_staff_create_and_edit_the_structure(client, staff):
    client.force_login(staff)
    client.post(reverse("organisation:new", args=["region"]), {"code": "wales", "name": "Wales"})
    wales = Region.objects.get()
    client.post(
        reverse("organisation:new", args=["unit"]),
        {"code": "cardiff-c", "name": "Cardiff Central", "kind": "clp", "region": wales.pk},
    )
    client.post(
        reverse("organisation:new", args=["affiliate"]),
        {"code": "gmb", "name": "GMB", "kind": "union", "affiliated_members": "5000"},
    )
    client.post(reverse("organisation:edit", args=["region", wales.pk]), {"code": "wales", "name": "Cymru"})
    assert Region.objects.get().name == "Cymru" and Unit.objects.get().region == wales
    assert Affiliate.objects.get().affiliated_members == 5000
    page = client.get(reverse("organisation:index")).content.decode()
    assert "Cardiff Central" in page and "GMB" in page
    assert list(Event.objects.values_list("verb", flat=True)) == [
        "region.create",
        "unit.create",
        "affiliate.create",
        "region.change",
    ]


def test_bad_input_is_shown_and_nothing_saved(client, staff):
    client.force_login(staff)
    response = client.post(reverse("organisation:new", args=["region"]), {"code": "no spaces", "name": ""})
    assert response.status_code == 200 and set(response.context["form"].errors) == {"code", "name"}
    assert not Region.objects.exists() and not Event.objects.exists()
    assert client.get(reverse("organisation:new", args=["planet"])).status_code == 404


def test_the_edit_page_and_its_errors_are_in_welsh(client, staff):
    """Issue 7: the page's title was English, and Django's Welsh lacks a slug's error."""
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    page = client.post(reverse("organisation:new", args=["region"]), {"code": "no spaces", "name": "Wales"})
    text = page.content.decode()
    assert "<h1>Rhanbarth newydd</h1>" in text and "New region" not in text
    assert "Rhowch slỳg dilys" in text and "consisting of letters" not in text
    wales = Region.objects.create(code="wales", name="Wales")
    edit = client.get(reverse("organisation:edit", args=["region", wales.pk])).content.decode()
    assert "Golygu Wales" in edit and "Edit Wales" not in edit


def test_scrutineers_read_only(client, scrutineer):
    client.force_login(scrutineer)
    page = client.get(reverse("organisation:index")).content.decode()
    assert "New region" not in page
    refused = client.post(reverse("organisation:new", args=["region"]), {"code": "x", "name": "X"})
    assert refused.status_code == 403
