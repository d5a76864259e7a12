"""The returning officer sets appeals up on the site: the election's rules and the panel, each
change an audit event; nobody else may."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tallyroom.appeals.cases import AppealRefused, decide_case, lodge
from tallyroom.appeals.models import AppealRules, Outcome, Panellist
from tallyroom.audit.models import Event
from tallyroom.elections.models import Candidate
from tallyroom.web.access import APPEALS_PANEL, SCRUTINEER, STAFF, has_role

pytestmark = pytest.mark.django_db


def test_officer_sets_the_rules_and_each_change_is_an_event(appeals, client, officer):
    client.force_login(officer)
    url = reverse("appeals:rules", args=[appeals.election.slug])
    page = client.get(url).content.decode()
    assert "The appeals panel has 3 members." in page and "each at most 5.0" in page
    shown = timezone.localtime(appeals.rules.appeals_close)
    assert f'value="{shown:%Y-%m-%dT%H:%M}"' in page and 'name="quorum" value="2"' in page
    close = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    form = {
        "appeals_close": f"{close:%Y-%m-%dT%H:%M}",
        "quorum": "3",
        "days_to_decide": "4",
        "max_files": "5",
    }
    assert client.post(url, form).status_code == 302
    rules = AppealRules.objects.get(election=appeals.election)
    assert (rules.appeals_close, rules.quorum, rules.days_to_decide) == (close, 3, 4)
    event = Event.objects.filter(verb="appeals.rules").get()
    assert event.actor == officer.username and event.data["before"]["quorum"] == 2
    assert event.data["after"] == {
        "appeals_close": close.isoformat(),
        "quorum": 3,
        "days_to_decide": 4,
        "max_files": 5,
        "max_file_bytes": None,
    }
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "in time")
    assert case.due_by == case.lodged_at + timedelta(days=4)
    with pytest.raises(AppealRefused, match="needs a quorum of 3"):  # the new quorum applies
        decide_case(case, Outcome.UPHELD, "fine", appeals.panel[:2], appeals.panel[0])
    bad = client.post(url, {**form, "quorum": "0"})
    assert bad.status_code == 400 and AppealRules.objects.get().quorum == 3
    assert Event.objects.filter(verb="appeals.rules").count() == 1


def test_rules_for_an_election_without_any(appeals, client, officer):
    AppealRules.objects.all().delete()
    client.force_login(officer)
    url = reverse("appeals:rules", args=[appeals.election.slug])
    assert "takes no appeals until its rules are saved" in client.get(url).content.decode()
    close = timezone.localtime(appeals.election.voting_closes)
    form = {
        "appeals_close": f"{close:%Y-%m-%dT%H:%M}",
        "quorum": "1",
        "days_to_decide": "7",
        "max_files": "5",
    }
    assert client.post(url, form).status_code == 302
    assert Event.objects.get(verb="appeals.rules").data["before"] == {}
    assert AppealRules.objects.get(election=appeals.election).quorum == 1


def test_officer_appoints_and_removes_panel_members(appeals, client, officer, user_with):
    newcomer = user_with("newcomer")
    client.force_login(officer)
    url = reverse("appeals:panel")
    bad = client.post(url, {"account": newcomer.pk, "number": "NOBODY-1"})
    assert bad.status_code == 400 and b"No member has the membership number NOBODY-1" in bad.content
    assert (
        not has_role(newcomer, APPEALS_PANEL)
        and not Event.objects.filter(verb__startswith="appeals.").exists()
    )
    neighbour = appeals.members[2]  # in the unit of Lena, the appellant below
    assert client.post(url, {"account": newcomer.pk, "number": neighbour.number}).status_code == 302
    assert has_role(newcomer, APPEALS_PANEL) and Panellist.objects.get(user=newcomer).member == neighbour
    event = Event.objects.get(verb="appeals.panel_appoint")
    assert event.data == {"name": "newcomer", "member": neighbour.number, "already_on_panel": False}
    page = client.get(url).content.decode()
    assert "newcomer" in page and neighbour.number in page
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "in time")
    with pytest.raises(AppealRefused, match="newcomer is a member of the appellant's unit"):
        decide_case(case, Outcome.UPHELD, "fine", [appeals.panel[0], newcomer], appeals.panel[0])
    # appointed again with another record: the exclusion follows the record
    candidate = appeals.members[3]
    Candidate.objects.filter(contest=appeals.contests["chair"], name="Hal").update(member=candidate)
    client.post(url, {"account": newcomer.pk, "number": candidate.number})
    assert Event.objects.filter(verb="appeals.panel_appoint").last().data["already_on_panel"] is True
    with pytest.raises(AppealRefused, match="newcomer is a candidate"):
        decide_case(case, Outcome.UPHELD, "fine", [appeals.panel[0], newcomer], appeals.panel[0])
    removed = appeals.panel[1]
    assert client.post(reverse("appeals:panel_remove", args=[removed.pk])).status_code == 302
    assert not has_role(removed, APPEALS_PANEL)
    assert Event.objects.get(verb="appeals.panel_remove").data == {"name": "panel1"}
    with pytest.raises(AppealRefused, match="panel1 is not on the appeals panel"):
        decide_case(case, Outcome.UPHELD, "fine", appeals.panel[:2], appeals.panel[0])
    again = client.post(reverse("appeals:panel_remove", args=[removed.pk]), follow=True)
    assert b"panel1 is not on the appeals panel" in again.content
    assert Event.objects.filter(verb="appeals.panel_remove").count() == 1


@pytest.mark.parametrize("role", [STAFF, SCRUTINEER, APPEALS_PANEL, None])
def test_only_the_officer_sets_appeals_up(appeals, client, user_with, role):
    client.force_login(user_with("someone", *([role] if role else [])))
    rules_url = reverse("appeals:rules", args=[appeals.election.slug])
    close = f"{timezone.now() + timedelta(days=30):%Y-%m-%dT%H:%M}"
    newcomer = user_with("newcomer")
    attempts = [
        client.get(rules_url),
        client.post(
            rules_url, {"appeals_close": close, "quorum": "1", "days_to_decide": "1", "max_files": "1"}
        ),
        client.get(reverse("appeals:panel")),
        client.post(reverse("appeals:panel"), {"account": newcomer.pk, "number": ""}),
        client.post(reverse("appeals:panel_remove", args=[appeals.panel[0].pk])),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert AppealRules.objects.get().quorum == 2 and not has_role(newcomer, APPEALS_PANEL)
    assert has_role(appeals.panel[0], APPEALS_PANEL)
    assert not Event.objects.filter(
        verb__in=["appeals.rules", "appeals.panel_appoint", "appeals.panel_remove"]
    )


def test_rules_page_warns_when_the_panel_is_smaller_than_the_quorum(appeals, client, officer):
    client.force_login(officer)
    url = reverse("appeals:rules", args=[appeals.election.slug])
    assert "fewer than the quorum" not in client.get(url).content.decode()  # 3 on the panel, quorum 2
    close = f"{timezone.localtime(appeals.rules.appeals_close):%Y-%m-%dT%H:%M}"
    client.post(url, {"appeals_close": close, "quorum": "4", "days_to_decide": "3", "max_files": "5"})
    assert "That is fewer than the quorum of 4: no case can be decided." in client.get(url).content.decode()


def test_officer_limits_the_evidence_files(appeals, client, officer, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_views import signed_in

    settings.TALLYROOM_APPEALS_FILE_BYTES = 10 * 1024
    client.force_login(officer)
    url = reverse("appeals:rules", args=[appeals.election.slug])
    close = f"{timezone.localtime(appeals.rules.appeals_close):%Y-%m-%dT%H:%M}"
    form = {"appeals_close": close, "quorum": "2", "days_to_decide": "3", "max_files": "1"}
    above = client.post(url, {**form, "max_file_kb": "11"})
    assert above.status_code == 400 and b"At most 10 kilobytes" in above.content
    assert client.post(url, {**form, "max_file_kb": "1"}).status_code == 302
    assert Event.objects.get(verb="appeals.rules").data["after"]["max_file_bytes"] == 1024
    assert "Now: up to 1 files an appeal, each at most 1.0" in client.get(url).content.decode()
    member = signed_in(appeals.lena)
    appeal = reverse("appeals:appeal", args=[appeals.election.slug])
    assert "Up to 1 files" in member.get(appeal).content.decode()
    stv = {"contests": [appeals.contests["stv"].pk], "grounds": "I paid"}
    big = member.post(appeal, {**stv, "files": [SimpleUploadedFile("big.txt", b"x" * 1025)]})
    assert (
        big.status_code == 400
        and b"big.txt is 1,025 bytes: each file may be at most 1,024 bytes." in big.content
    )
    two = [SimpleUploadedFile(f"{i}.txt", b"note") for i in range(2)]
    assert b"Send at most 1 files." in member.post(appeal, {**stv, "files": two}).content
    client.post(url, {**form, "max_files": "0"})
    assert 'type="file"' not in member.get(appeal).content.decode()
    refused = member.post(appeal, {**stv, "files": [SimpleUploadedFile("a.txt", b"note")]})
    assert b"This election takes no files." in refused.content
    assert member.post(appeal, stv).status_code == 302
