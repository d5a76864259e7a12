"""The chair's poll-creation screen, the secretary's proxy screen and the steward's kiosk unlock."""

from django.core.files.uploadedfile import SimpleUploadedFile

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
