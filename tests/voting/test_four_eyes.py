"""Four eyes on what can swing a vote.

The attack of the security review: staff change an absent member's email with a member import,
then "replace a lost code" for that member, which is mailed to the changed address; they vote
with it. The audit trail showed only ``roll.import {"updated": 2}``. Now, once the roll is
frozen, the import refuses the change; the recorded contact change keeps old and new values;
the new code needs a second staff member, and the old address is told.
"""

from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tallyroom.audit.models import Event
from tallyroom.elections.models import Contest
from tallyroom.roll.contacts import change_contact
from tallyroom.roll.importer import MemberImportError, import_members
from tallyroom.roll.models import ContactChange, Member
from tallyroom.voting.casting import voter
from tallyroom.voting.codes import NeedsApproval, reissue_code
from tallyroom.voting.models import CodeReissue
from tallyroom.web.access import SCRUTINEER, STAFF

pytestmark = pytest.mark.django_db
HEADER = "number,name,unit,joined,status,category,email,address\n"


def row(member, email=None, address=None) -> str:
    address = (member.address if address is None else address).replace("\n", ", ")
    email = member.email if email is None else email
    return f'{member.number},{member.name},{member.unit.code},2020-01-01,active,member,{email},"{address}"\n'


@pytest.fixture
def frozen(setup):
    election, contests, members, codes = setup
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    return election, members, codes


@pytest.fixture
def clerks(user_with):
    return user_with("clerk", STAFF), user_with("second-clerk", STAFF)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_import_refuses_to_change_contact_details_on_a_frozen_roll(frozen, clerks, tmp_path):
    election, members, _ = frozen
    victim = members[2]
    path = tmp_path / "members.csv"
    path.write_text(HEADER + row(members[1]) + row(victim, email="insider@evil.invalid"))
    with pytest.raises(MemberImportError) as refused:
        import_members(path, user=clerks[0])
    assert f"{path}:3: member {victim.number} is on the frozen roll of {election.name}: their email" in str(
        refused.value
    )
    assert Member.objects.get(pk=victim.pk).email == "voter2@example.org"
    assert not ContactChange.objects.exists() and not Event.objects.filter(verb="roll.import").exists()


def test_an_import_before_the_freeze_records_old_and_new_values(setup, clerks, tmp_path):
    election, contests, members, codes = setup
    path = tmp_path / "members.csv"
    path.write_text(HEADER + row(members[2], email="new@example.org", address="9 New Road"))
    import_members(path, user=clerks[0])
    event = Event.objects.get(verb="roll.import")
    assert event.data["updated"] == 1
    assert [(c["field"], c["old"], c["new"], c["line"]) for c in event.data["contact_changes"]] == [
        ("email", "voter2@example.org", "new@example.org", 2),
        ("address", "2 High Street\nLondon", "9 New Road", 2),
    ]
    assert ContactChange.objects.filter(member=members[2], source=f"{path}:2").count() == 2


def test_the_attack_import_reissue_vote_no_longer_works_alone(frozen, clerks, user_with):
    election, members, codes = frozen
    victim, (insider, colleague) = members[2], clerks
    change_contact(
        victim, email="insider@evil.invalid", address=victim.address, reason="phoned", user=insider
    )
    event = Event.objects.get(verb="member.contact_change")
    assert event.actor == "clerk" and event.data["changes"] == [
        {"field": "email", "old": "voter2@example.org", "new": "insider@evil.invalid"}
    ]
    with pytest.raises(NeedsApproval):
        reissue_code(election, victim, user=insider)
    response = client_for(insider).post(
        reverse("voting:codes_reissue", args=[election.slug]), {"number": victim.number}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "voting:reissues", args=[election.slug]
    )
    assert not mail.outbox  # no code went anywhere
    assert voter(codes[2]).member == victim  # the member's own code still works
    pending = CodeReissue.objects.get(member=victim, done_at__isnull=True)
    approve_url = reverse("voting:reissue_approve", args=[election.slug, pending.pk])
    client_for(insider).post(approve_url)  # the insider cannot approve their own request
    assert CodeReissue.objects.get(pk=pending.pk).pending and not mail.outbox
    client_for(colleague).post(approve_url)
    done = CodeReissue.objects.get(pk=pending.pk)
    assert done.approved_by == colleague and not done.pending
    new_code, notice = sorted(mail.outbox, key=lambda m: m.to[0])
    assert new_code.to == ["insider@evil.invalid"] and "ballot code" in new_code.body
    assert notice.to == ["voter2@example.org"] and "contact the returning officer" in notice.body
    assert done.told_old_contact == "emailed voter2@example.org"
    with pytest.raises(Exception, match="not a valid ballot code|no longer"):
        voter(codes[2])
    verbs = list(Event.objects.values_list("verb", flat=True))
    assert verbs[-4:] == [
        "member.contact_change",
        "voting.reissue_requested",
        "voting.reissue_code",
        "voting.reissue_notice",
    ]
    page = client_for(user_with("watcher", SCRUTINEER)).get(reverse("voting:reissues", args=[election.slug]))
    text = page.content.decode()
    assert (
        "insider@evil.invalid" in text
        and "approved by second-clerk" in text
        and "emailed voter2@example.org" in text
    )
    assert "Approve and send" not in text  # scrutineers read, never act


def test_by_post_the_old_address_gets_a_letter(frozen, clerks, settings, tmp_path):
    settings.TALLYROOM_POSTAL_DIR = str(tmp_path)
    election, members, codes = frozen
    by_post = members[3]  # no email
    change_contact(by_post, email="", address="1 Insider Lane", reason="letter", user=clerks[0])
    client_for(clerks[0]).post(
        reverse("voting:codes_reissue", args=[election.slug]), {"number": by_post.number}
    )
    pending = CodeReissue.objects.get(member=by_post)
    client_for(clerks[1]).post(reverse("voting:reissue_approve", args=[election.slug, pending.pk]))
    files = {p.name: p.read_text() for p in tmp_path.iterdir()}
    notices = next(text for name, text in files.items() if "-notices-" in name)
    merge = next(text for name, text in files.items() if "-notices-" not in name)
    assert "3 High Street\nLondon" in notices and "1 Insider Lane" not in notices
    assert "1 Insider Lane" in merge


def test_a_reissue_without_a_contact_change_needs_no_approval(frozen, clerks):
    election, members, codes = frozen
    client_for(clerks[0]).post(
        reverse("voting:codes_reissue", args=[election.slug]), {"number": members[2].number}
    )
    assert [m.to for m in mail.outbox] == [["voter2@example.org"]]
    assert CodeReissue.objects.get(member=members[2]).needs_approval is False


def test_staff_change_contact_details_only_with_a_reason(frozen, clerks):
    election, members, _ = frozen
    url = reverse("roll:contact", args=[members[2].number])
    client = client_for(clerks[0])
    page = client.get(url).content.decode()
    assert f"is on the frozen roll of {election.name}" in page
    client.post(url, {"email": "x@example.org", "address": "", "reason": ""})
    assert Member.objects.get(pk=members[2].pk).email == "voter2@example.org"
    client.post(url, {"email": "x@example.org", "address": members[2].address, "reason": "asked in person"})
    assert Member.objects.get(pk=members[2].pk).email == "x@example.org"
    assert ContactChange.objects.get(member=members[2]).reason == "asked in person"


def test_the_four_eyes_refusals_read_in_welsh(frozen, clerks):
    election, members, _ = frozen
    victim, (insider, _) = members[2], clerks
    change_contact(
        victim, email="insider@evil.invalid", address=victim.address, reason="phoned", user=insider
    )
    asker = client_for(insider)
    asker.cookies["django_language"] = "cy"
    asked = asker.post(
        reverse("voting:codes_reissue", args=[election.slug]), {"number": victim.number}, follow=True
    )
    page = unescape(asked.content.decode())
    assert f"newidiodd cyfeiriad e-bost {victim} ar ôl i'r gofrestr gael ei rhewi" in page
    assert "changed after the roll froze" not in page and "The request waits" not in page
    pending = CodeReissue.objects.get(member=victim, done_at__isnull=True)
    approve_url = reverse("voting:reissue_approve", args=[election.slug, pending.pk])
    own = unescape(asker.post(approve_url, follow=True).content.decode())
    assert "rhaid i ail aelod o staff gymeradwyo: nid yr un a ofynnodd" in own
    assert "not the one who asked" not in own and not mail.outbox
