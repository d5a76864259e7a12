"""How the old address was told of a reissued code, on the staff's reissue pages in the reader's
language (stored as Words); a reissue recorded before that as it was stored."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from results.test_welsh_pages import text_of
from tallyroom.elections.models import Contest
from tallyroom.roll.contacts import change_contact
from tallyroom.roll.models import Member
from tallyroom.voting.models import CodeReissue
from tallyroom.web.access import STAFF

pytestmark = pytest.mark.django_db


def client_for(user, language="en-gb") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def reissued(election, member, asker, approver) -> tuple[CodeReissue, str]:
    """Ask for a new code for ``member`` and approve it in Welsh: the reissue and the page after."""
    client_for(asker).post(reverse("voting:codes_reissue", args=[election.slug]), {"number": member.number})
    pending = CodeReissue.objects.get(member=member, done_at__isnull=True)
    url = reverse("voting:reissue_approve", args=[election.slug, pending.pk])
    page = client_for(approver, "cy").post(url, follow=True)
    assert page.status_code == 200
    return CodeReissue.objects.get(pk=pending.pk), text_of(page.content.decode())


def test_the_old_address_told_is_shown_in_the_readers_language(setup, user_with):
    election, _, members, _ = setup
    asker, approver = user_with("clerk", STAFF), user_with("second-clerk", STAFF)
    by_post = members[3]
    Member.objects.filter(pk=by_post.pk).update(email="")
    by_post.refresh_from_db()
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    change_contact(
        members[2], email="new@example.org", address=members[2].address, reason="phoned", user=asker
    )
    change_contact(by_post, email="", address="9 New Road", reason="moved", user=asker)
    emailed, page = reissued(election, members[2], asker, approver)
    assert emailed.told_old_contact == "emailed voter2@example.org"  # in English, for the audit trail
    assert "anfonwyd e-bost at voter2@example.org" in page and "emailed voter2" not in page
    _, page = reissued(election, by_post, asker, approver)
    notices = f"{election.slug}-codes-notices-{timezone.now():%Y%m%d}.csv"
    assert f"llythyr i'r hen gyfeiriad post, yn {notices}" in page and "a letter to" not in page
    CodeReissue.objects.create(
        election=election,
        member=members[1],
        done_at=timezone.now(),
        told_old_contact="emailed old@example.org",
    )  # recorded before the words were kept
    listed = text_of(
        client_for(approver, "cy").get(reverse("voting:reissues", args=[election.slug])).content.decode()
    )
    assert "anfonwyd e-bost at voter2@example.org" in listed and "emailed voter2" not in listed
    assert f"llythyr i'r hen gyfeiriad post, yn {notices}" in listed and "emailed old@example.org" in listed
    english = text_of(
        client_for(approver).get(reverse("voting:reissues", args=[election.slug])).content.decode()
    )
    assert (
        "emailed voter2@example.org" in english
        and f"a letter to the old postal address, in {notices}" in english
    )
