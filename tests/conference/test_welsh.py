"""Every conference page in Welsh (the staff's, the delegate's phone ballot, the kiosk and the
projector), before a poll opens, while it is open and once it is declared: no page shows an
English text of the Welsh catalogue (tests/results/test_welsh_pages.py's check). Then each kind
of text the conference's own code writes, in Welsh: the entitlement's working (page and CSV),
challenges, refusals, the new poll form's errors, a motion's choices, the desk's messages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

import builders as build
from results.test_welsh_pages import english_phrases, english_words, text_of
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.marking import BallotError
from tallyroom.conference import delegations, kiosks, papers, polls, seating
from tallyroom.conference.models import Delegate, Delegation, Poll
from tallyroom.roll.models import Member
from tallyroom.web.access import CHAIR, TELLER


def english_shown(client, urls) -> dict[str, list[str]]:
    """GET each URL in Welsh: the catalogue's English phrases, and English words, each page shows."""
    phrases, found = english_phrases(), {}
    client.cookies["django_language"] = "cy"
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        html = page.content.decode()
        assert '<html lang="cy">' in html, url
        text = text_of(html)
        shown = sorted(p for p in phrases if p in text) + english_words(text)
        if shown:
            found[url] = shown
    return found


def test_every_conference_page_is_in_welsh(client, conference, staff, check_in_all):
    check_in_all(conference)
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    base = f"/conference/{conference.slug}"
    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    poll = polls.create_poll(conference, "Motion 1", key, staff)
    staff_pages = [
        f"{base}/",
        f"{base}/desk/",
        f"{base}/kiosks/",
        f"{base}/chair/",
        f"{base}/chair/new/",
        f"{base}/projector/",
        *(f"{base}/delegation/{d.pk}/" for d in Delegation.objects.filter(conference=conference)),
    ]
    assert english_shown(client, staff_pages) == {}
    refused = client.post(f"{base}/import/", follow=True).content.decode()
    assert "Dewiswch ffeil CSV o gynrychiolwyr." in refused and "Choose a CSV file" not in refused
    badge = client.post(f"{base}/badges/", {"delegate": [Delegate.objects.first().pk]})
    assert "Argraffwch y dudalen hon nawr" in text_of(badge.content.decode())
    code = badge.context["badges"][0].code
    assert english_shown(client, [f"{base}/vote/", f"{base}/v/{code}/"]) == {}
    polls.open_poll(poll, staff)
    assert english_shown(client, [*staff_pages, f"{base}/papers/{poll.pk}/", f"{base}/v/{code}/"]) == {}
    projector = text_of(client.get(f"{base}/projector/").content.decode())
    assert "Pleidleisio ar agor" in projector and "delegates present have voted" not in projector
    client.post(f"{base}/chair/{poll.pk}/", {"action": "declare", "share": [s.text for s in shares[:2]]})
    assert english_shown(client, staff_pages) == {}
    assert "Etholwyd:" in text_of(client.get(f"{base}/projector/").content.decode())


def welsh_refusal(action) -> str:
    """``action``'s refusal, raised with Welsh active."""
    with translation.override("cy"), pytest.raises((delegations.Refused, BallotError)) as e:
        action()
    return str(e.value)


def test_the_entitlement_working_is_shown_and_exported_in_the_readers_language(client, conference, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    base = f"/conference/{conference.slug}"
    hackney, gmb = Delegation.objects.get(name="Hackney CLP"), Delegation.objects.get(name="GMB")
    page = text_of(client.get(f"{base}/delegation/{hackney.pk}/").content.decode())
    assert "Y 749 aelod cyntaf: 1 cynrychiolydd." in page
    assert "Hawl: 3 cynrychiolydd, o leiaf un ohonynt yn fenyw." in page
    assert "First 749 members" not in page and "Entitlement: 3 delegates" not in page
    page = text_of(client.get(f"{base}/delegation/{gmb.pk}/").content.decode())
    assert "Aelodaeth gysylltiedig a ddatganwyd: 9,000." in page and "Affiliated membership" not in page
    csv_text = b"".join(client.get(f"{base}/entitlement.csv").streaming_content).decode()
    header, *rows = csv_text.splitlines()
    assert header.startswith("delegation,rule,as_at,members,")  # column names stay English
    assert "Aelodau ar 2025-12-31: 1,000;" in csv_text and "Members as at" not in csv_text
    client.cookies["django_language"] = "en-gb"
    page = text_of(client.get(f"{base}/delegation/{hackney.pk}/").content.decode())
    assert "First 749 members: 1 delegate." in page and "Y 749 aelod cyntaf" not in page


def test_a_challenge_and_its_decision_in_welsh(client, conference, officer):
    camden = Delegation.objects.get(name="Camden CLP")
    client.force_login(officer)
    client.cookies["django_language"] = "cy"
    url = f"/conference/{conference.slug}/delegation/{camden.pk}/"
    page = text_of(client.post(f"{url}challenge/", {"grounds": " "}, follow=True).content.decode())
    assert "dywedwch ar ba sail yr herir yr hawl" in page and "on what grounds" not in page
    page = text_of(
        client.post(f"{url}challenge/", {"grounds": "members missed"}, follow=True).content.decode()
    )
    assert "Cofnodwyd yr her." in page and "Challenge recorded" not in page
    made = camden.challenges.get()
    decide = f"{url}challenge/{made.pk}/"
    page = text_of(client.post(decide, {"upheld": "yes", "decision": "agreed"}, follow=True).content.decode())
    assert "mae her a gadarnheir yn dweud beth yw'r hawl bellach" in page and "upheld challenge" not in page
    page = text_of(
        client.post(
            decide, {"upheld": "yes", "decision": "agreed", "entitled": "2"}, follow=True
        ).content.decode()
    )
    assert "Penderfynwyd ar yr her." in page and f"Cadarnhawyd her {made.pk}: agreed" in page
    assert f"Challenge {made.pk} upheld" not in page
    assert "penderfynwyd ar yr her hon eisoes" in welsh_refusal(
        lambda: delegations.decide(made, officer, False, "again")
    )
    client.cookies["django_language"] = "en-gb"  # kept as words, so shown in English to an English reader
    assert f"Challenge {made.pk} upheld: agreed" in text_of(client.get(url).content.decode())


def test_naming_delegates_and_proxies_refused_in_welsh(conference, staff):
    hackney, gmb = Delegation.objects.get(name="Hackney CLP"), Delegation.objects.get(name="GMB")
    named = Member.objects.get(number="hk00000")
    text = welsh_refusal(lambda: delegations.name_delegate(hackney, named, staff))
    assert text == "mae Hk Member 0 wedi'i enwi yn Hackney CLP eisoes"
    outsider = Member.objects.get(number="cm00005")
    assert (
        welsh_refusal(lambda: delegations.name_delegate(hackney, outsider, staff))
        == "nid yw Cm Member 5 yn aelod o Hackney CLP"
    )
    delegations.name_delegate(hackney, Member.objects.get(number="hk00002"), staff)
    text = welsh_refusal(
        lambda: delegations.name_delegate(hackney, Member.objects.get(number="hk00003"), staff)
    )
    assert (
        text == "mae gan Hackney CLP hawl i 3 cynrychiolydd, pob un wedi'i enwi" and "all named" not in text
    )
    a, b, c = gmb.delegates.filter(substitute=False)
    text = welsh_refusal(lambda: delegations.set_proxy(a, b, staff))
    assert text == "nid yw rheolau sefydlog London Regional Conference yn caniatáu dirprwyon"
    conference.proxies_allowed = True
    conference.save()
    a, c = Delegate.objects.get(pk=a.pk), Delegate.objects.get(pk=c.pk)
    delegations.set_proxy(a, b, staff)
    text = welsh_refusal(lambda: delegations.set_proxy(c, b, staff))
    assert "yn dal 1 dirprwy eisoes" in text and "proxy already" not in text


def test_a_delegates_file_refused_in_welsh(client, conference, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    upload = io.BytesIO(b"delegation,number,woman\nNowhere CLP,zz9,maybe\nHackney CLP,hk00002,no\n")
    upload.name = "delegates.csv"
    page = text_of(
        client.post(f"/conference/{conference.slug}/import/", {"file": upload}, follow=True).content.decode()
    )
    assert "delegates.csv:2: dim dirprwyaeth 'Nowhere CLP' yn London Regional Conference" in page
    assert "delegates.csv:2: dim aelod â'r rhif 'zz9'" in page
    assert "delegates.csv:2: rhaid i woman fod yn yes neu no, nid 'maybe'" in page
    assert "no delegation" not in page and "must be yes or no" not in page


def test_the_desk_kiosks_papers_and_polls_refuse_in_welsh(client, conference, staff, check_in_all):
    gm0, gm3 = (Delegate.objects.get(member__number=n) for n in ("gm00000", "gm00003"))
    poll, shares = build.poll(conference, staff)
    assert (
        welsh_refusal(lambda: polls.open_poll(poll, staff)) == "nid oes cynrychiolydd wedi cofrestru i mewn"
    )
    assert "eilydd yw Gm Member 3" in welsh_refusal(lambda: seating.check(gm3, True, staff))
    check_in_all(conference)
    assert (
        welsh_refusal(lambda: seating.check(gm0, True, staff))
        == "mae Gm Member 0 wedi cofrestru i mewn eisoes"
    )
    assert "cofrestrwch nhw allan yn gyntaf" in welsh_refusal(
        lambda: seating.seat_substitute(gm3, gm0, staff)
    )
    assert (
        welsh_refusal(lambda: kiosks.add(conference, " ", staff))
        == "enwch y ciosg (lle mae'n sefyll yn y neuadd)"
    )
    kiosk, _ = kiosks.add(conference, "Hall A", staff)
    assert "nid yw Hall A wedi'i osod" in welsh_refusal(lambda: kiosks.unlock(kiosk, gm0, staff))
    assert welsh_refusal(lambda: kiosks.lock(kiosk, staff)) == "mae Hall A wedi'i gloi eisoes"
    assert "tra bo'r bleidlais ar agor" in welsh_refusal(lambda: papers.issue(poll, [gm0], staff))
    assert welsh_refusal(lambda: polls.vote(poll, gm0, ["For"])) == "Nid yw'r bleidlais hon ar agor."
    assert (
        welsh_refusal(lambda: polls.show_of_hands(poll, staff, {"For": -1}))
        == "cyfrifir codi dwylo mewn rhifau cyfan"
    )
    polls.open_poll(poll, staff)
    second, _ = build.poll(conference, staff, "Motion 2")
    assert (
        welsh_refusal(lambda: polls.open_poll(second, staff))
        == "mae pleidlais arall ar agor: caewch hi yn gyntaf"
    )
    assert (
        welsh_refusal(lambda: polls.show_of_hands(poll, staff, {}))
        == "London Regional Conference: Motion 1: mae'r bleidlais ar agor"
    )
    text = welsh_refusal(lambda: papers.returned(poll, 1, 1, staff))
    assert text == "nid oes gan y bleidlais hon bentwr 1 o bapurau" and "no stack" not in text
    polls.vote(poll, gm0, ["For"])
    with translation.override("cy"), pytest.raises(BallotError) as e:
        box.issue_paper(poll.election_id, gm0.member_id, poll.contest.pk)
    with translation.override("cy"):  # the box's refusal is Words: written in Welsh when read
        assert str(e.value) == "Mae'r cynrychiolydd hwn wedi pleidleisio eisoes."
    papers.issue(poll, [Delegate.objects.get(member__number="gm00001")], staff)
    text = welsh_refusal(lambda: polls.close_poll(poll, staff))
    assert text == "pentwr 1: cyfrifwch y papurau a ddychwelwyd: cysonwch y papurau cyn cau"
    assert "reconcile" not in text


def test_the_new_poll_forms_errors_in_welsh(client, conference, user_with):
    client.force_login(user_with("chair", CHAIR))
    client.cookies["django_language"] = "cy"
    url = f"/conference/{conference.slug}/chair/new/"
    base = {"title": "Motion 4", "candidates": "", "method": "plurality", "seats": "1", "college": "clp"}
    for bad, welsh, english in (
        (
            {"college": "", "college_shares": "clp"},
            "ysgrifennwch bob coleg fel ENW=CYFRAN, nid 'clp'",
            "write each",
        ),
        (
            {"college": "", "college_shares": "unions=1"},
            "nid oes dirprwyaeth yng ngholeg 'unions'",
            "no delegation",
        ),
        ({"college_shares": "clp=1/2 affiliates=1/2"}, "nid yw colegau'n penderfynu", "not decided by"),
        ({"candidates": "Ann\nAnn\nBob"}, "Ann wedi'u henwi ddwywaith", "named twice"),
        ({"candidates": "Ann"}, "mae angen dau ymgeisydd neu fwy", "two candidates"),
    ):
        key, _ = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
        upload = SimpleUploadedFile("election-key.json", key.to_json().encode())
        page = text_of(client.post(url, {**base, **bad, "key": upload}).content.decode())
        assert welsh in page and english not in page, bad


def test_a_motions_choices_in_welsh_on_the_ballot_the_chairs_desk_and_the_projector(
    client, conference, staff, user_with, check_in_all
):
    check_in_all(conference)
    client.cookies["django_language"] = "cy"
    base = f"/conference/{conference.slug}"
    (badge,) = seating.issue_badges([Delegate.objects.get(member__number="gm00000")], str, staff)
    poll, shares = build.poll(conference, staff)
    polls.open_poll(poll, staff)
    ballot = client.get(f"{base}/v/{badge.code}/").content.decode()
    assert ">O blaid<" in ballot and ">Yn erbyn<" in ballot and ">For<" not in ballot
    client.post(f"{base}/v/{badge.code}/", {f"c{poll.contest.pk}": "0"})  # For
    again = text_of(client.post(f"{base}/v/{badge.code}/", {f"c{poll.contest.pk}": "1"}).content.decode())
    assert "Rydych eisoes wedi pleidleisio yn yr etholiad hwn." in again and "already voted" not in again
    client.force_login(user_with("chair", CHAIR, TELLER))
    tellers = client.get(f"{base}/papers/{poll.pk}/").content.decode()
    assert ">O blaid<" in tellers and ">For<" not in tellers
    client.post(f"{base}/chair/{poll.pk}/", {"action": "declare", "share": shares[:2]})
    projector = client.get(f"{base}/projector/").content.decode()
    assert "<strong>O blaid</strong>" in projector and "<strong>For</strong>" not in projector
    hands, _ = build.poll(conference, staff, "Motion 2")
    client.post(
        f"{base}/chair/{hands.pk}/", {"action": "hands", "For": "120", "Against": "45", "Abstain": "3"}
    )
    assert Poll.objects.get(pk=hands.pk).show_of_hands == {"For": 120, "Against": 45, "Abstain": 3}
    projector = text_of(client.get(f"{base}/projector/").content.decode())
    assert "Codi dwylo: O blaid 120 · Yn erbyn 45 · Ymatal 3" in projector and "For 120" not in projector
    chair = text_of(client.get(f"{base}/chair/").content.decode())
    assert "Codi dwylo: O blaid 120, Yn erbyn 45, Ymatal 3." in chair and "Against 45" not in chair
    contest, _ = build.poll(conference, staff, "Chair", candidates=["For", "Bob"])  # a contest's names stand
    with translation.override("cy"):
        assert (polls.shown_choice(contest, "For"), polls.shown_choice(poll, "For")) == ("For", "O blaid")


def test_the_desks_and_the_tellers_messages_in_welsh(client, conference, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    base = f"/conference/{conference.slug}"
    person = Delegate.objects.get(member__number="gm00000")
    page = text_of(
        client.post(f"{base}/desk/", {"delegate": person.pk, "action": "in"}, follow=True).content.decode()
    )
    assert "Mae Gm Member 0 wedi cofrestru i mewn." in page and "checked in." not in page
    page = text_of(
        client.post(f"{base}/desk/", {"delegate": person.pk, "action": "in"}, follow=True).content.decode()
    )
    assert "mae Gm Member 0 wedi cofrestru i mewn eisoes" in page
    page = text_of(client.post(f"{base}/entitlement/", follow=True).content.decode())
    assert "Cyfrifwyd yr hawliau." in page and "worked out" not in page
    assert client.get(f"{base}/v/AAAA-BBBB-CCCC-DDDD/").status_code == 404
    page = text_of(client.get(f"{base}/v/AAAA-BBBB-CCCC-DDDD/").content.decode())
    assert "Nid yw cod y bathodyn hwn yn hysbys" in page and "registration desk" not in page


def test_more_women_declared_than_members_counted_is_refused_in_welsh(client, conference, staff):
    Delegation.objects.filter(name="Camden CLP").update(women_members=800)
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    page = text_of(client.post(f"/conference/{conference.slug}/entitlement/", follow=True).content.decode())
    assert "Camden CLP: 800 aelod sy'n fenyw ond dim ond 700 aelod" in page and "but only" not in page
