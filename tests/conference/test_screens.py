"""The chair's poll-creation screen, the secretary's proxy screen and the steward's kiosk unlock."""

from django.core.files.uploadedfile import SimpleUploadedFile

import builders as build
from tallyroom.audit.models import Event
from tallyroom.ballotbox import keys
from tallyroom.conference.models import Poll
from tallyroom.web.access import CHAIR, STAFF


def key_file():
    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    return SimpleUploadedFile("election-key.json", key.to_json().encode()), [s.text for s in shares]


def test_the_chair_makes_a_contest_decided_by_colleges(client, conference, user_with):
    client.force_login(user_with("chair", CHAIR))
    url = f"/conference/{conference.slug}/chair/new/"
    assert b"Make the poll" in client.get(url).content
    upload, _ = key_file()
    form = {
        "title": "Regional executive",
        "candidates": "Ann\nBob\n\nCy\n",
        "method": "scottish-stv",
        "seats": "2",
        "college": "",
        "college_shares": "clp=1/2, affiliates=50%",
        "ballots_public": "",
        "key": upload,
    }
    page = client.post(url, form)
    assert page.status_code == 302
    poll = Poll.objects.get(conference=conference)
    contest = poll.contest
    assert (contest.name, contest.method, contest.seats, contest.ballots_public) == (
        "Regional executive",
        "scottish-stv",
        2,
        False,
    )
    assert contest.college_shares == {"clp": "1/2", "affiliates": "1/2"}
    assert [c.name for c in contest.candidates.order_by("position")] == ["Ann", "Bob", "Cy"]
    assert poll.election.key.threshold == 2
    assert Event.objects.filter(verb="conference.poll_created").count() == 1


def test_a_motion_for_one_college_and_bad_input_refused(client, conference, user_with):
    client.force_login(user_with("chair", CHAIR))
    url = f"/conference/{conference.slug}/chair/new/"
    base = {"title": "Motion 4", "candidates": "", "method": "plurality", "seats": "1", "college": "clp"}
    for bad, message in (
        ({"college": "", "college_shares": "clp=1/2 affiliates=1/3"}, "add up to 5/6, not 1"),
        ({"college": "", "college_shares": "unions=1"}, "no delegation is in college"),
        ({"college_shares": "clp=1/2 affiliates=1/2"}, "is not decided by colleges"),
        ({"candidates": "Ann\nAnn\nBob"}, "Ann named twice"),
    ):
        upload, _ = key_file()
        page = client.post(url, {**base, **bad, "key": upload})
        assert page.status_code == 200 and message in page.content.decode()
    page = client.post(url, {**base, "key": SimpleUploadedFile("k.json", b"{}")})
    assert "k.json: " in page.content.decode()
    assert not Poll.objects.exists()
    upload, _ = key_file()
    assert client.post(url, {**base, "key": upload}).status_code == 302
    poll = Poll.objects.get()
    assert (poll.kind, poll.college) == (Poll.Kind.MOTION, "clp")
    assert [c.name for c in poll.contest.candidates.order_by("position")] == ["For", "Against"]
    client.force_login(user_with("clerk2", STAFF))
    upload, _ = key_file()
    assert client.post(url, {**base, "key": upload}).status_code == 403


def test_the_secretary_records_a_proxy_only_where_standing_orders_allow(client, conference, secretary):
    from tallyroom.conference.models import Delegate, Delegation

    gmb = Delegation.objects.get(name="GMB")
    a, b, c = gmb.delegates.filter(substitute=False).order_by("member__number")
    fabian = Delegation.objects.get(name="Fabians").delegates.get()
    client.force_login(secretary(gmb))
    url = f"/conference/{conference.slug}/delegation/{gmb.pk}/"
    assert "do not allow proxies" in client.get(url).content.decode()
    client.post(url, {"action": "proxy", "giver": a.pk, "holder": b.pk})
    assert Delegate.objects.get(pk=a.pk).proxy_holder_id is None  # refused: off by default
    conference.proxies_allowed = True
    conference.save()
    page = client.get(url).content.decode()
    assert 'id="proxies"' in page and "holds at most 1" in page
    page = client.post(url, {"action": "proxy", "giver": a.pk, "holder": b.pk}, follow=True).content.decode()
    assert Delegate.objects.get(pk=a.pk).proxy_holder_id == b.pk and "proxy held by" in page
    # at most N per holder; a holder does not give their own; only the same delegation
    assert (
        "holds 1 proxy already"
        in client.post(url, {"action": "proxy", "giver": c.pk, "holder": b.pk}, follow=True).content.decode()
    )
    assert (
        "holds a proxy: they cannot give their own"
        in client.post(url, {"action": "proxy", "giver": b.pk, "holder": c.pk}, follow=True).content.decode()
    )
    assert client.post(url, {"action": "proxy", "giver": a.pk, "holder": fabian.pk}).status_code == 404
    # the Fabians' secretary cannot touch GMB's proxies
    client.force_login(secretary(fabian.delegation))
    assert client.post(url, {"action": "proxy", "giver": a.pk, "holder": ""}).status_code == 403
    assert Delegate.objects.get(pk=a.pk).proxy_holder_id == b.pk
    assert Event.objects.filter(verb="conference.proxy").count() == 1


def test_a_steward_unlocks_a_kiosk_for_one_delegate_at_a_time(
    client, conference, staff, user_with, check_in_all
):
    from django.test import Client

    from tallyroom.conference import polls
    from tallyroom.conference.models import Delegate, Kiosk
    from tallyroom.roll.models import RollEntry
    from tallyroom.web.access import REGISTRATION_DESK

    check_in_all(conference)
    steward = Client()
    steward.force_login(user_with("steward", REGISTRATION_DESK))
    desk = f"/conference/{conference.slug}/kiosks/"
    page = steward.post(desk, {"action": "add", "name": "Left aisle"})
    setup = page.context["setup_url"]
    kiosk = Kiosk.objects.get(name="Left aisle")
    assert not kiosk.set_up and setup.split("/")[-2] not in kiosk.token_hash
    machine = Client()  # the kiosk's own browser: no account
    screen = f"/conference/{conference.slug}/kiosk/"
    assert machine.get(screen).status_code == 403  # not a kiosk yet
    machine.post(setup.replace("http://testserver", ""))
    assert Kiosk.objects.get(pk=kiosk.pk).set_up
    # the setup address works once: another machine that saw it does not become the kiosk
    thief = Client()
    assert thief.post(setup.replace("http://testserver", "")).status_code == 404
    assert thief.get(screen).status_code == 403
    poll, _ = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    page = machine.get(screen)
    assert b'id="locked"' in page.content and len(page.content) % 65536 == 0
    ann, bob = (Delegate.objects.get(member__number=n) for n in ("gm00000", "gm00001"))
    steward.post(desk, {"action": "unlock", "kiosk": kiosk.pk, "delegate": ann.pk})
    field = f"c{poll.contest.pk}"
    ballot = machine.get(screen)
    assert ann.member.name.encode() in ballot.content
    unlocks = ballot.context["kiosk"].unlocks
    # while unlocked for Ann, the steward cannot hand it to Bob without locking it first
    refused = steward.post(desk, {"action": "unlock", "kiosk": kiosk.pk, "delegate": bob.pk}, follow=True)
    assert "unlocked for another delegate" in refused.content.decode()
    # a phone that knows the kiosk's address but not its cookie casts nothing
    assert Client().post(screen, {field: "0", "unlocks": unlocks}).status_code == 403
    cast = machine.post(screen, {field: "0", "unlocks": unlocks})
    assert b"Your vote is cast" in cast.content
    assert RollEntry.objects.get(contest=poll.contest, member=ann.member).channel == "in_room"
    # locked again: the next press casts nothing, the screen waits for the steward
    again = machine.post(screen, {field: "1", "unlocks": unlocks})
    assert b"Your vote is cast" not in again.content and b'id="locked"' in machine.get(screen).content
    # a ballot page left from an earlier unlocking does not vote for the delegate unlocked now
    steward.post(desk, {"action": "unlock", "kiosk": kiosk.pk, "delegate": bob.pk})
    stale = machine.post(screen, {field: "1", "unlocks": unlocks})
    assert b"unlocked for someone else" in stale.content
    assert RollEntry.objects.get(contest=poll.contest, member=bob.member).voted_at is None
    verbs = list(Event.objects.filter(verb__startswith="conference.kiosk").values_list("verb", flat=True))
    assert verbs == [
        "conference.kiosk_added",
        "conference.kiosk_set_up",
        "conference.kiosk_unlocked",
        "conference.kiosk_unlocked",
    ]
    # only stewards and staff unlock
    nobody = Client()
    nobody.force_login(user_with("nobody"))
    assert nobody.post(desk, {"action": "unlock", "kiosk": kiosk.pk, "delegate": ann.pk}).status_code == 403
