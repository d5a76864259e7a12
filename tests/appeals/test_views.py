"""The appeals pages: the public lookup gives nothing away, links work once, a member sees their
standing in plain words and appeals, the panel decides, scrutineers see figures and no evidence."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.appeals.links import request_link
from tallyroom.appeals.models import AccessLink, Case, Outcome
from tallyroom.audit.models import Event
from tallyroom.voting.codes import postal_dir

pytestmark = pytest.mark.django_db
LOOKUP = reverse("appeals:lookup")


def link_in(message) -> str:
    return re.search(r"https?://[^/]+(/appeals/link/[^/\s]+/)", message.body).group(1)


def signed_in(member, client=None) -> Client:
    """A client through the member's emailed link."""
    client = client or Client()
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_link(member.number)
    link = link_in(mail.outbox[-1])
    assert client.get(link).status_code == 200  # the confirm page: nothing spent yet
    assert client.post(link).status_code == 302
    return client


def test_lookup_answers_unknown_numbers_exactly_as_known_ones(appeals, django_capture_on_commit_callbacks):
    """Byte for byte but for the audit trail's head in the footer, which every lookup moves on by
    exactly one event, known number or not (else the head itself would tell)."""
    bodies = []
    mail.outbox.clear()
    for number in (appeals.lena.number, "NO-SUCH-NUMBER", appeals.members[0].number):
        client = Client()
        events = Event.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(LOOKUP, {"number": number})
        assert response.status_code == 200 and Event.objects.count() == events + 1
        body = re.sub(rb'<p class="audit-head">.*?</p>', b"", response.content, flags=re.S)
        bodies.append((body, sorted(response.cookies)))
    assert bodies[0] == bodies[1] == bodies[2]
    assert [m.to for m in mail.outbox] == [["l1@example.org"]]  # members[0] has no email: by post
    (letter,) = postal_dir().glob("appeals-links-*.csv")
    assert appeals.members[0].number in letter.read_text()
    assert AccessLink.objects.count() == 2


def test_lookup_is_rate_limited(appeals):
    client = Client()
    statuses = [client.post(LOOKUP, {"number": f"guess-{i}"}).status_code for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert Client(REMOTE_ADDR="10.0.0.9").post(LOOKUP, {"number": "x"}).status_code == 200


def test_link_works_once_and_expires(appeals, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_link(appeals.lena.number)
    link = link_in(mail.outbox[-1])
    assert Client().post(link).status_code == 302
    assert Client().post(link).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        request_link(appeals.leo.number)
    AccessLink.objects.filter(member=appeals.leo).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().post(link_in(mail.outbox[-1])).status_code == 400
    assert Client().get(reverse("appeals:standing")).status_code == 403


def test_postal_code_typed_in(appeals, django_capture_on_commit_callbacks):
    member = appeals.members[0]
    with django_capture_on_commit_callbacks(execute=True):
        request_link(member.number)
    (letter,) = postal_dir().glob("appeals-links-*.csv")
    (row,) = csv.DictReader(io.StringIO(letter.read_text()))
    code = row["code"]
    client = Client()
    assert client.post(reverse("appeals:code"), {"code": code.lower().replace("-", " ")}).status_code == 302
    assert member.name in client.get(reverse("appeals:standing")).content.decode()


def test_standing_in_plain_words_and_an_appeal_with_a_file(appeals, django_capture_on_commit_callbacks):
    client = signed_in(appeals.lena)
    page = client.get(reverse("appeals:standing")).content.decode()
    assert "You joined on 1 February 2026, after the freeze date of 1 January 2026" in page
    url = reverse("appeals:appeal", args=[appeals.election.slug])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("form.pdf", b"\x7fELF not a pdf")
    response = client.post(
        url, {"contests": [appeals.contests["stv"].pk], "grounds": "posted 10 Jan", "files": [bad]}
    )
    assert response.status_code == 400 and b"form.pdf is not a PDF" in response.content
    page = response.content.decode()  # what the member chose is kept for them to correct
    assert f'value="{appeals.contests["stv"].pk}" checked>' in page and "posted 10 Jan</textarea>" in page
    assert f'value="{appeals.contests["chair"].pk}">' in page  # left unticked, stays unticked
    good = SimpleUploadedFile("form.pdf", b"%PDF-1.7 the form")
    response = client.post(
        url, {"contests": [appeals.contests["stv"].pk], "grounds": "posted 10 Jan", "files": [good]}
    )
    assert response.status_code == 302
    case = Case.objects.get(member=appeals.lena)
    assert [f.content_type for f in case.files.all()] == ["application/pdf"]
    assert b"Cast a provisional ballot" in client.get(reverse("appeals:standing")).content


def test_the_appeal_page_says_how_soon_the_panel_decides(appeals, django_capture_on_commit_callbacks):
    client = signed_in(appeals.lena)
    url = reverse("appeals:appeal", args=[appeals.election.slug])
    assert "The panel aims to decide within 3 days." in client.get(url).content.decode()
    appeals.rules.days_to_decide = 1
    appeals.rules.save()
    assert "The panel aims to decide within 1 day." in client.get(url).content.decode()
    welsh = client.get(url, headers={"accept-language": "cy"}).content.decode()
    assert "Nod y panel yw penderfynu o fewn 1 diwrnod." in welsh


def test_appeal_page_after_the_deadline_refuses_with_the_reason(appeals, django_capture_on_commit_callbacks):
    client = signed_in(appeals.leo)
    appeals.rules.appeals_close = timezone.now() - timedelta(hours=1)
    appeals.rules.save()
    url = reverse("appeals:appeal", args=[appeals.election.slug])
    response = client.post(url, {"contests": [appeals.contests["stv"].pk], "grounds": "too late?"})
    assert response.status_code == 403 and b"The deadline for appeals in" in response.content
    assert not Case.objects.exists()


def test_provisional_ballot_through_the_pages(appeals, django_capture_on_commit_callbacks):
    from tallyroom.appeals.cases import lodge

    stv = appeals.contests["stv"]
    case = lodge(appeals.lena, appeals.election, [stv], "in time")
    client = signed_in(appeals.lena)
    url = reverse("appeals:tender", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Executive" in page and "Auditors" not in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    fields = {f"c{stv.pk}-{i}": v for i, v in enumerate(["", "", "", "1"])}
    review = client.post(url, {"token": token, **fields}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', review).group(1)
    receipt = client.post(f"{url}cast/", {"token": token}).content.decode()
    assert "Your provisional ballot is cast" in receipt and "appeal " + str(case.pk) in receipt
    assert case.member.roll_entries.get(contest=stv).channel == "provisional"
    other = signed_in(appeals.leo)  # another member cannot use Lena's case
    assert other.get(url).status_code == 404


def test_staff_set_the_hearing_and_notes_on_the_case_page(appeals, staff):
    from tallyroom.appeals.cases import lodge

    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "my grounds here")
    url = reverse("appeals:case", args=[case.pk])
    client = Client()
    client.force_login(staff)
    form = {"action": "hearing", "hearing_at": "2026-03-02T10:30", "staff_notes": "rang the branch"}
    assert client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert timezone.localtime(case.hearing_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 10:30"
    assert case.staff_notes == "rang the branch"
    assert Event.objects.get(verb="appeals.hearing").data["notes_changed"] is True
    typo = client.post(url, {**form, "hearing_at": "2/3/2026 10:30", "staff_notes": "changed"})
    assert typo.status_code == 400 and "is not a date and time" in typo.content.decode()
    case.refresh_from_db()  # a typo neither clears the hearing date nor saves the notes
    assert case.hearing_at is not None and case.staff_notes == "rang the branch"
    panel_only = Client()
    panel_only.force_login(appeals.panel[0])
    assert panel_only.post(url, form).status_code == 403


def test_panel_decides_through_the_case_page(appeals, client, django_capture_on_commit_callbacks):
    from tallyroom.appeals.cases import lodge

    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "my grounds here", "receipt 123")
    client.force_login(appeals.panel[0])
    url = reverse("appeals:case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "my grounds here" in page and "receipt 123" in page
    frozen = timezone.localtime(appeals.contests["stv"].roll_frozen_at).strftime("%-d %B %Y %H:%M")
    assert f"<dt>Executive</dt><dd>excluded: joined after freeze date (roll frozen {frozen})</dd>" in page
    response = client.post(
        url, {"action": "decide", "outcome": "upheld", "reason": "ok", "panel": [appeals.panel[0].pk]}
    )
    assert response.status_code == 400 and b"needs a quorum of 2" in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "decide",
                "outcome": "upheld",
                "reason": "ok",
                "panel": [p.pk for p in appeals.panel[:2]],
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == Outcome.UPHELD


def test_scrutineer_sees_the_register_never_the_evidence(appeals, scrutineer, officer):
    from tallyroom.appeals.cases import decide_case, lodge

    case = lodge(
        appeals.lena, appeals.election, [appeals.contests["stv"]], "SECRET GROUNDS", "SECRET EVIDENCE"
    )
    lodge(appeals.leo, appeals.election, [appeals.contests["stv"]], "more grounds")
    decide_case(case, Outcome.UPHELD, "fine", appeals.panel[:2], appeals.panel[0])
    client = Client()
    client.force_login(scrutineer)
    page = client.get(reverse("appeals:register", args=[appeals.election.slug])).content.decode()
    assert "2 appeals: 1 pending, 1 upheld, 0 dismissed" in page
    assert "joined after freeze date" in page and "panel0: 1" in page
    main = re.search(r"<main.*?</main>", page, re.S).group(0)  # not the random CSRF token
    assert "SECRET" not in page and appeals.lena.number not in main
    assert client.get(reverse("appeals:case", args=[case.pk])).status_code == 403
    assert client.get(reverse("appeals:file", args=[case.pk, 1])).status_code == 403
    public = reverse("appeals:statistics", args=[appeals.election.slug])
    assert Client().get(public).status_code == 404
    assert public not in Client().get(reverse("home")).content.decode()
    lifecycle.close_voting(appeals.election, officer)
    assert public in Client().get(reverse("home")).content.decode()
    page = Client().get(public).content.decode()
    assert "2 appeals: 0 pending, 1 upheld, 0 dismissed" not in page  # pending stays pending
    assert "2 appeals: 1 pending, 1 upheld, 0 dismissed" in page and "SECRET" not in page


def test_guessed_postal_codes_are_rate_limited(appeals):
    client = Client()
    url = reverse("appeals:code")
    statuses = [client.post(url, {"code": f"AAAA-BBBB-CCCC-{i:04d}"}).status_code for i in range(7)]
    assert statuses == [400] * 5 + [429] * 2


def test_a_panel_member_excluded_from_a_case_sees_no_evidence(appeals):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tallyroom.appeals.cases import lodge
    from tallyroom.appeals.evidence import checked
    from tallyroom.appeals.models import Panellist

    files = checked([SimpleUploadedFile("proof.txt", b"PRIVATE PROOF")])
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "PRIVATE GROUNDS", "", files)
    neighbour = appeals.panel[2]
    Panellist.objects.create(user=neighbour, member=appeals.members[2])  # in Lena's unit
    client = Client()
    client.force_login(neighbour)
    page = client.get(reverse("appeals:case", args=[case.pk])).content.decode()
    assert "panel2 is a member of the appellant&#x27;s unit" in page and "PRIVATE" not in page
    assert client.get(reverse("appeals:file", args=[case.pk, case.files.get().pk])).status_code == 403
    forged = client.post(
        reverse("appeals:case", args=[case.pk]),
        {
            "action": "decide",
            "outcome": "upheld",
            "reason": "mine",
            "panel": [neighbour.pk, appeals.panel[0].pk],
        },
    )
    assert forged.status_code == 400 and b"excluded from this decision" in forged.content
    case.refresh_from_db()
    assert case.outcome == Outcome.PENDING
    other = Client()
    other.force_login(appeals.panel[0])
    assert other.get(reverse("appeals:file", args=[case.pk, case.files.get().pk])).content == b"PRIVATE PROOF"


def test_scrutineer_sees_every_case_and_decision(appeals, scrutineer):
    from tallyroom.appeals.cases import decide_case, lodge, update_hearing
    from tallyroom.appeals.classes import decide_class
    from tallyroom.roll.eligibility import JOINED_LATE

    stv = appeals.contests["stv"]
    dismissed = lodge(appeals.lena, appeals.election, [stv], "SECRET GROUNDS", "SECRET EVIDENCE")
    update_hearing(dismissed, "SECRET NOTES", None, appeals.panel[0])
    decide_case(dismissed, Outcome.DISMISSED, "posted after the freeze", appeals.panel[1:], appeals.panel[2])
    settled = lodge(appeals.leo, appeals.election, [stv], "SECRET TOO")
    decision = decide_class(
        appeals.election,
        [stv],
        JOINED_LATE,
        Outcome.UPHELD,
        "all late joiners back",
        appeals.panel[:2],
        appeals.panel[0],
    )
    client = Client()
    client.force_login(scrutineer)
    page = client.get(reverse("appeals:register", args=[appeals.election.slug])).content.decode()
    rows = re.search(r'<table class="register-cases">.*?</table>', page, re.S).group(0)
    assert rows.count("<tr") == 3  # the header and both cases
    assert re.search(
        rf"<td>{dismissed.pk}</td>.*?Dismissed.*?by panel2.*?panel1, panel2.*?posted after the freeze",
        rows,
        re.S,
    )
    assert re.search(
        rf"<td>{settled.pk}</td>.*?Upheld \(class decision {decision.pk}\).*?by panel0.*?late joiners back",
        rows,
        re.S,
    )
    assert "joined after freeze date" in rows
    main = re.search(r"<main.*?</main>", page, re.S).group(0)  # not the random CSRF token or trail head
    for private in ("SECRET", appeals.lena.number, appeals.lena.name, appeals.leo.number, appeals.leo.name):
        assert private not in main
    assert "SECRET" not in page


def test_lookup_is_padded_to_the_same_duration_whatever_the_work(appeals, settings, monkeypatch):
    """On a fake clock: a lookup whose work (finding the member, sending the email) takes long and
    one that finds nothing both end at the floor of TALLYROOM_APPEALS_LOOKUP_SECONDS."""
    from tallyroom.appeals import links, views

    settings.TALLYROOM_APPEALS_LOOKUP_SECONDS = 1.0
    clock = {"now": 100.0}
    work = {appeals.lena.number: 0.4, "NO-SUCH-NUMBER": 0.01}
    real = links.request_link

    def slow_request_link(number, send=True):
        real(number, send)
        clock["now"] += work[number]

    def sleep(seconds):
        clock["now"] += seconds

    monkeypatch.setattr(views.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(views.time, "sleep", sleep)
    monkeypatch.setattr(views.links, "request_link", slow_request_link)
    took = []
    for number in work:
        start = clock["now"]
        assert Client().post(LOOKUP, {"number": number}).status_code == 200
        took.append(round(clock["now"] - start, 6))
    assert took == [1.0, 1.0]


def test_a_number_gets_a_few_links_however_many_addresses_ask(appeals, django_capture_on_commit_callbacks):
    """Flooding a member's inbox from many addresses: after TALLYROOM_APPEALS_LINKS_PER_NUMBER
    links the page answers as ever (and as for an unknown number) but nothing more is sent."""
    mail.outbox.clear()
    answers = []
    for i, number in enumerate([appeals.lena.number] * 5 + ["NO-SUCH-NUMBER"] * 5):
        events = Event.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = Client(REMOTE_ADDR=f"10.1.0.{i}").post(LOOKUP, {"number": number})
        assert response.status_code == 200 and Event.objects.count() == events + 1
        answers.append(re.sub(rb'<p class="audit-head">.*?</p>', b"", response.content, flags=re.S))
    assert len(set(answers)) == 1
    assert len(mail.outbox) == 3 and AccessLink.objects.filter(member=appeals.lena).count() == 3
    assert Event.objects.filter(verb="appeals.lookup", data__sent="limit reached").count() == 2


def test_a_welsh_member_is_sent_the_link_in_welsh(appeals):
    appeals.lena.language = "cy"
    appeals.lena.save()
    signed_in(appeals.lena)
    (letter,) = mail.outbox
    assert letter.subject == "Eich statws ar y cofrestrau, a sut i apelio"
    assert "Dilynwch y ddolen hon" in letter.body and "Follow this link" not in letter.body
