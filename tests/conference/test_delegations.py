"""Entitlement from the roll (shown, exported, challenged), delegates named and imported against
it, and proxies within the standing orders."""

import csv
import io

import pytest

from tallyroom.audit.models import Event
from tallyroom.conference import delegations
from tallyroom.conference.models import Delegate, Delegation
from tallyroom.roll.models import Member


def test_entitlement_counted_from_the_roll_as_at_the_date(conference, staff):
    hackney = Delegation.objects.get(name="Hackney CLP")
    assert (hackney.members_counted, hackney.entitled, hackney.women_at_least) == (1000, 3, 1)
    further = "1,000 - 749 = 251 further members: 2 more (one for each 250 or part of 250)."
    assert further in hackney.working_lines
    # members who joined after the date, or lapsed, are not counted
    Member.objects.filter(number__in=["hk00998", "hk00999"]).update(joined="2026-01-05")
    Member.objects.filter(number="hk00997").update(status=Member.Status.LAPSED)
    delegations.compute_entitlements(conference, staff)
    hackney.refresh_from_db()
    assert (hackney.members_counted, hackney.entitled) == (997, 2)
    assert Event.objects.filter(verb="conference.entitlement").count() == 2


def test_entitlement_page_shows_the_working_and_exports_it(client, conference, staff):
    client.force_login(staff)
    hackney = Delegation.objects.get(name="Hackney CLP")
    page = client.get(f"/conference/{conference.slug}/delegation/{hackney.pk}/").content.decode()
    assert "First 749 members: 1 delegate." in page and "3 delegates" in page
    download = client.get(f"/conference/{conference.slug}/entitlement.csv")
    assert download.streaming  # an export, streamed
    text = b"".join(download.streaming_content).decode()
    rows = {r["delegation"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"Hackney CLP", "Camden CLP"}
    assert (rows["Hackney CLP"]["members"], rows["Hackney CLP"]["total"]) == ("1000", "3")
    assert "as at 2025-12-31" in rows["Camden CLP"]["working"]


def test_a_challenge_is_recorded_and_decided(client, conference, secretary, officer):
    camden = Delegation.objects.get(name="Camden CLP")
    client.force_login(secretary(camden))
    client.post(
        f"/conference/{conference.slug}/delegation/{camden.pk}/challenge/",
        {"grounds": "50 members were left off the list", "claimed": "2"},
    )
    made = camden.challenges.get()
    assert (made.state, made.claimed) == ("pending", 2)
    # the secretary may not decide it
    assert (
        client.post(
            f"/conference/{conference.slug}/delegation/{camden.pk}/challenge/{made.pk}/", {}
        ).status_code
        == 403
    )
    client.force_login(officer)
    client.post(
        f"/conference/{conference.slug}/delegation/{camden.pk}/challenge/{made.pk}/",
        {"upheld": "yes", "decision": "the July batch was missing", "entitled": "2"},
    )
    made.refresh_from_db()
    camden.refresh_from_db()
    assert (made.state, made.entitled_before, made.entitled_after, camden.entitled) == ("upheld", 1, 2, 2)
    assert [e.verb for e in Event.objects.filter(subject=f"delegation:{camden.pk}").order_by("seq")][-2:] == [
        "conference.challenge",
        "conference.challenge_decided",
    ]
    with pytest.raises(delegations.Refused, match="decided already"):
        delegations.decide(made, officer, False, "again")


def test_places_are_checked_against_entitlement_and_the_gender_rule(conference, staff):
    hackney = Delegation.objects.get(name="Hackney CLP")  # 3 places, a woman and a man named
    men = Member.objects.filter(number__startswith="hk").order_by("number")[2:5]
    delegations.name_delegate(hackney, men[0], staff)  # 3rd place: one woman already named
    with pytest.raises(delegations.Refused, match="all named"):
        delegations.name_delegate(hackney, men[1], staff, woman=True)
    camden = Delegation.objects.get(name="Camden CLP")
    Delegate.objects.filter(delegation=camden, substitute=False).delete()
    with pytest.raises(delegations.Refused, match="must go to women"):
        delegations.name_delegate(camden, Member.objects.get(number="cm00005"), staff)
    with pytest.raises(delegations.Refused, match="not a member of Camden CLP"):
        delegations.name_delegate(camden, men[1], staff, woman=True)


def test_a_secretary_names_only_their_own_delegation(client, conference, secretary):
    camden = Delegation.objects.get(name="Camden CLP")
    hackney = Delegation.objects.get(name="Hackney CLP")
    client.force_login(secretary(camden))
    assert client.get(f"/conference/{conference.slug}/delegation/{hackney.pk}/").status_code == 403
    assert (
        client.post(
            f"/conference/{conference.slug}/delegation/{hackney.pk}/", {"number": "hk00009"}
        ).status_code
        == 403
    )
    client.post(
        f"/conference/{conference.slug}/delegation/{camden.pk}/", {"number": "cm00009", "substitute": "on"}
    )
    assert camden.delegates.filter(member__number="cm00009", substitute=True).exists()


def test_import_is_all_or_nothing_with_errors_by_file_and_line(conference, staff):
    text = (
        "delegation,number,woman,young,substitute\n"
        "Hackney CLP,hk00002,no,no,no\n"
        "Nowhere CLP,hk00003,no,no,no\n"
        "Hackney CLP,hk00004,maybe,no,no\n"
        "Hackney CLP,hk00005,yes,no,no\n"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "delegates.csv"
    with pytest.raises(delegations.DelegateImportError) as e:
        delegations.import_delegates(conference, upload, staff)
    assert [str(x) for x in e.value.errors] == [
        "delegates.csv:3: no delegation 'Nowhere CLP' in London Regional Conference",
        "delegates.csv:4: woman must be yes or no, not 'maybe'",
    ]
    # rows that pass alone but break the entitlement together: line 3 is the fourth delegate
    text = "delegation,number,woman\nHackney CLP,hk00002,no\nHackney CLP,hk00005,yes\n"
    upload = io.BytesIO(text.encode())
    upload.name = "more.csv"
    with pytest.raises(delegations.DelegateImportError) as e:
        delegations.import_delegates(conference, upload, staff)
    assert [str(x) for x in e.value.errors] == [
        "more.csv:3: Hackney CLP is entitled to 3 delegates, all named"
    ]
    assert not Delegate.objects.filter(member__number__in=["hk00002", "hk00005"]).exists()
    upload = io.BytesIO(b"delegation,number\nHackney CLP,hk00002\n")
    upload.name = "ok.csv"
    assert delegations.import_delegates(conference, upload, staff) == 1


def test_proxies_only_where_standing_orders_allow(conference, staff):
    gmb = Delegation.objects.get(name="GMB")
    a, b, c = gmb.delegates.filter(substitute=False)
    fabian = Delegation.objects.get(name="Fabians").delegates.get()
    with pytest.raises(delegations.Refused, match="do not allow proxies"):
        delegations.set_proxy(a, b, staff)
    conference.proxies_allowed = True
    conference.save()
    a.delegation.conference.refresh_from_db()
    a = Delegate.objects.get(pk=a.pk)
    with pytest.raises(delegations.Refused, match="same delegation"):
        delegations.set_proxy(a, fabian, staff)
    delegations.set_proxy(a, b, staff)
    c = Delegate.objects.get(pk=c.pk)
    with pytest.raises(delegations.Refused, match="holds 1 proxy already"):
        delegations.set_proxy(c, b, staff)
    assert Delegate.objects.get(pk=a.pk).proxy_holder_id == b.pk


def test_admin_sets_a_secretary_and_records_it(client, conference, admin_user):
    from django.contrib.auth.models import User

    from tallyroom.audit.models import Event

    camden = Delegation.objects.get(name="Camden CLP")
    clerk = User.objects.get(username="clerk")
    client.force_login(admin_user)
    page = client.get(f"/admin/conference/delegation/{camden.pk}/change/")
    assert page.status_code == 200
    data = {
        "conference": conference.pk,
        "kind": "clp",
        "unit": camden.unit_id,
        "name": camden.name,
        "college": "clp",
        "women_members": "150",
        "young_members": "0",
        "sole_delegate_last_year_woman": "unknown",
        "secretaries": [clerk.pk],
    }
    response = client.post(f"/admin/conference/delegation/{camden.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    camden.refresh_from_db()
    assert list(camden.secretaries.all()) == [clerk] and camden.women_members == 150
    assert "secretaries" in Event.objects.get(verb="delegation.change").data["fields"]


def test_the_entitlement_csv_refuses_before_it_starts_when_a_count_cannot_be(client, conference):
    """More women declared than the roll counts: a page saying so, not a download broken part way."""
    Delegation.objects.filter(name="Camden CLP").update(women_members=800)
    response = client.get(f"/conference/{conference.slug}/entitlement.csv")
    assert response.status_code == 409 and not response.streaming
    assert "Camden CLP: 800 women members but only 700 members" in response.content.decode()
