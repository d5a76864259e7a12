"""The appeals app in Welsh: each kind of refusal (a member's appeal, its files, a case's or a
class decision's panel, the rules and the panel's setup, a provisional ballot), the member's
exclusion reasons, the register's outcome counts and the postal link file's ``until``."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tallyroom.appeals import provisional, setup
from tallyroom.appeals.cases import AppealRefused, decide_case, lodge
from tallyroom.appeals.classes import decide_class
from tallyroom.appeals.links import request_link
from tallyroom.appeals.models import AccessLink, Outcome, Panellist
from tallyroom.ballotbox.marking import BallotError
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.voting.codes import postal_dir

from .conftest import late_member
from .test_views import signed_in

pytestmark = pytest.mark.django_db


def welsh(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "cy"
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def refused(error_class, call) -> str:
    """The refusal ``call`` raises, read with Welsh active."""
    with translation.override("cy"), pytest.raises(error_class) as caught:
        call()
    with translation.override("cy"):
        return str(caught.value)


def test_a_member_s_appeal_refused_in_welsh(appeals, django_capture_on_commit_callbacks):
    client = signed_in(appeals.lena, welsh())
    standing = text(client.get(reverse("appeals:standing")))
    assert "Ymunoch ar 1 Chwefror 2026, ar ôl y dyddiad rhewi, 1 Ionawr 2026" in standing
    assert "You joined on" not in standing
    url = reverse("appeals:appeal", args=[appeals.election.slug])
    stv = appeals.contests["stv"].pk
    no_grounds = text(client.post(url, {"contests": [stv], "grounds": " "}))
    assert "Dywedwch pam y dylech fod ar y gofrestr (sail yr apêl)." in no_grounds
    assert "Say why" not in no_grounds
    no_contest = text(client.post(url, {"grounds": "paid"}))
    assert "Dewiswch y cystadlaethau" in no_contest and "Choose the contests" not in no_contest
    bad = SimpleUploadedFile("form.pdf", b"\x7fELF not a pdf")
    not_pdf = text(client.post(url, {"contests": [stv], "grounds": "paid", "files": [bad]}))
    assert "Nid yw form.pdf yn ffeil PDF, PNG, JPEG na thestun plaen." in not_pdf
    assert "is not a PDF" not in not_pdf
    assert client.post(url, {"contests": [stv], "grounds": "paid"}).status_code == 302
    again = text(client.post(url, {"contests": [stv], "grounds": "paid"}))
    assert f"Mae gennych apêl yn aros am benderfyniad yn {appeals.election.name} eisoes." in again
    assert "already have an appeal" not in again
    member = appeals.members[0]  # on every roll: nothing to appeal
    message = refused(AppealRefused, lambda: lodge(member, appeals.election, [appeals.contests["stv"]], "x"))
    assert message.startswith("Nid ydych wedi'ch eithrio o ") and "not excluded" not in message


def test_files_refused_in_welsh(appeals):
    from tallyroom.appeals.evidence import EvidenceRefused, checked

    appeals.rules.max_files, appeals.rules.max_file_bytes = 1, 1024
    two = [SimpleUploadedFile(f"{i}.txt", b"note") for i in range(2)]
    assert refused(EvidenceRefused, lambda: checked(two, appeals.rules)) == "Anfonwch 1 ffeil ar y mwyaf."
    big = [SimpleUploadedFile("big.txt", b"x" * 1025)]
    assert (
        refused(EvidenceRefused, lambda: checked(big, appeals.rules))
        == "Mae big.txt yn 1,025 beit: caiff pob ffeil fod yn 1,024 beit ar y mwyaf."
    )
    appeals.rules.max_files = 0
    none = refused(EvidenceRefused, lambda: checked(big, appeals.rules))
    assert none == "Nid yw'r etholiad hwn yn derbyn ffeiliau."


def test_the_panel_s_refusals_in_welsh(appeals):
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "paid")
    one, two, neighbour = appeals.panel
    url = reverse("appeals:case", args=[case.pk])
    decide = {"action": "decide", "outcome": "upheld", "reason": "paid", "panel": [one.pk]}
    short = text(welsh(one).post(url, decide))
    assert "Eisteddodd 1 aelod o'r panel; mae angen cworwm o 2 ar" in short
    assert "panel member sat" not in short
    Panellist.objects.create(user=neighbour, member=appeals.members[2])  # in Lena's unit
    conflict = text(welsh(one).post(url, {**decide, "panel": [one.pk, neighbour.pk]}))
    assert "Mae panel2 yn aelod o uned yr apelydd: wedi'u heithrio o'r penderfyniad hwn." in conflict
    assert "excluded from this decision" not in conflict
    no_reason = text(welsh(one).post(url, {**decide, "reason": "", "panel": [one.pk, two.pk]}))
    assert "Rhowch y rheswm dros y penderfyniad" in no_reason and "Give the reason" not in no_reason
    neither = text(welsh(one).post(url, {**decide, "outcome": "maybe", "panel": [one.pk, two.pk]}))
    assert "naill ai'n caniatáu'r apêl neu'n ei gwrthod" in neither and "either upheld" not in neither
    not_sat = text(welsh(one).post(url, {**decide, "outcome": "dismissed", "panel": [two.pk]}))
    assert "Dim ond aelod o'r panel a eisteddodd" in not_sat and "Only a panel member" not in not_sat
    decide_case(case, Outcome.UPHELD, "paid", [one, two], one)
    twice = refused(AppealRefused, lambda: decide_case(case, Outcome.DISMISSED, "no", [one, two], one))
    assert twice == f"Caniatawyd apêl {case.pk} eisoes."


def test_a_bad_hearing_date_refused_in_welsh(appeals, staff):
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "paid")
    page = text(
        welsh(staff).post(
            reverse("appeals:case", args=[case.pk]),
            {"action": "hearing", "staff_notes": "", "hearing_at": "next Tuesday"},
        )
    )
    assert "Nid yw dyddiad y gwrandawiad, 'next Tuesday', yn ddyddiad ac amser" in page
    assert "nothing was saved" not in page


def test_class_decisions_refused_in_welsh(appeals):
    stv, (one, two, _) = appeals.contests["stv"], appeals.panel

    def attempt(**change):
        args = {"contests": [stv], "rule": JOINED_LATE, "outcome": Outcome.UPHELD, "reason": "r"}
        args.update(change)
        return refused(
            AppealRefused, lambda: decide_class(appeals.election, panel=[one, two], user=one, **args)
        )

    assert attempt(rule="") == "Enwch y cystadlaethau, y rheol a'r rheswm dros y penderfyniad."
    assert attempt(outcome="maybe") == "Mae'r penderfyniad naill ai'n caniatáu'r apêl neu'n ei gwrthod."
    window = attempt(joined_from=timezone.now().date(), joined_to=timezone.now().date() - timedelta(days=1))
    assert window == "Mae'r cyfnod ymuno yn dod i ben cyn iddo ddechrau."
    form = {"contests": [stv.pk], "rule": JOINED_LATE, "joined_to": "12/07/2026", "preview": "1"}
    page = text(welsh(one).post(reverse("appeals:class_decision", args=[appeals.election.slug]), form))
    assert "Ymunodd hyd at: nid yw '12/07/2026' yn ddyddiad (e.e. 2026-07-12): ni phenderfynwyd dim." in page
    assert "is not a date" not in page


def test_setup_refused_in_welsh(appeals, officer):
    def rules(**change):
        args = {"appeals_close": timezone.now(), "quorum": 2, "days_to_decide": 3, **change}
        return refused(setup.SetupRefused, lambda: setup.save_rules(appeals.election, officer, **args))

    assert rules(quorum=0) == "Mae'r cworwm yn un aelod o'r panel o leiaf."
    assert rules(days_to_decide=0) == "Mae gan y panel un diwrnod o leiaf i benderfynu ar achos."
    assert rules(max_file_bytes=10**12).startswith("Caiff ffeil fod yn ")
    form = {"account": appeals.panel[0].pk, "number": "NO-SUCH"}
    page = text(welsh(officer).post(reverse("appeals:panel"), form))
    assert "Nid oes gan unrhyw aelod y rhif aelodaeth NO-SUCH." in page and "No member has" not in page
    removed = welsh(officer).post(reverse("appeals:panel_remove", args=[officer.pk]), follow=True)
    assert "Nid yw ro ar banel yr apeliadau." in text(removed)
    assert "is not on the appeals panel" not in text(removed)


def test_a_provisional_ballot_refused_in_welsh(appeals):
    one, two, _ = appeals.panel
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "paid")
    decide_case(case, Outcome.DISMISSED, "no", [one, two], one)
    message = refused(BallotError, lambda: provisional.cast(case, {appeals.contests["stv"].pk: ["Di"]}))
    assert message == "Gwrthodwyd eich apêl: mae pleidlais dros dro ar gyfer apêl sy'n aros am benderfyniad."


def test_the_register_counts_outcomes_in_welsh(appeals, scrutineer):
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "paid")
    lodge(appeals.leo, appeals.election, [appeals.contests["stv"]], "paid too")
    decide_case(case, Outcome.UPHELD, "fine", appeals.panel[:2], appeals.panel[0])
    page = text(welsh(scrutineer).get(reverse("appeals:register", args=[appeals.election.slug])))
    assert "2 apêl: 1 yn aros, 1 caniatawyd, 0 gwrthodwyd" in page
    assert "1 pending" not in page and "1 upheld" not in page


def test_the_link_file_s_until_is_in_each_member_s_language(appeals, django_capture_on_commit_callbacks):
    cymro = appeals.members[0]  # no email: by post
    cymro.language = "cy"
    cymro.save(update_fields=["language"])
    english = late_member("L3", appeals.contests.values(), email=False)
    english.language = "en-gb"
    english.save(update_fields=["language"])
    for member in (cymro, english):
        with django_capture_on_commit_callbacks(execute=True):
            request_link(member.number)
    rows = {}
    for letter in postal_dir().glob("appeals-links-*.csv"):
        (row,) = csv.DictReader(io.StringIO(letter.read_text()))
        rows[row["membership_number"]] = row["until"]
    expires = timezone.localtime(AccessLink.objects.get(member=cymro).expires_at)
    with translation.override("cy"):
        month_cy = date_format(expires, "F")
    with translation.override("en-gb"):
        month_en = date_format(expires, "F")
    assert month_cy in rows[cymro.number] and month_en not in rows[cymro.number]
    assert month_en in rows[english.number] and month_cy not in rows[english.number]


def test_a_passed_deadline_in_welsh(appeals, django_capture_on_commit_callbacks):
    client = signed_in(appeals.lena, welsh())
    appeals.rules.appeals_close = timezone.now() - timedelta(hours=1)
    appeals.rules.save()
    with translation.override("cy"):
        when = date_format(timezone.localtime(appeals.rules.appeals_close), "j F Y, H:i")
    page = text(client.get(reverse("appeals:appeal", args=[appeals.election.slug])))
    assert f"Y dyddiad cau ar gyfer apeliadau yn {appeals.election.name} oedd {when}." in page
    assert "The deadline for appeals" not in page
