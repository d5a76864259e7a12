"""Every staff and returning officer's page in Welsh: walked from the URL conf as
bench/staff_pages.py walks it (its patterns, arguments and list of pages not timed), while voting
is open and after the count is published; no page may show an English text of the Welsh
catalogue. A Welsh member's ballot-code email and reminder are in Welsh, and the result sheet PDF
is in the reader's language."""

import csv
import io
import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from pypdf import PdfReader

import tallyroom
from tallyroom import lifecycle
from tallyroom.appeals import cases
from tallyroom.appeals.models import Case
from tallyroom.elections.models import Candidate, Slate
from tallyroom.formats import sheet_pdf
from tallyroom.jobs.models import Job
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting import reminders
from tallyroom.voting.codes import code_email, issued_codes, mail_merge_csv, vote_url

from .conftest import client_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import staff_pages  # noqa: E402

pytestmark = pytest.mark.django_db
CATALOGUE = Path(tallyroom.__file__).parent / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# Not walked: the conference pages are not yet translated (docs/languages.md); the admin is
# Django's own.
NOT_YET = ("conference:", "admin:")


def english_phrases() -> set[str]:
    """The English texts of the catalogue that a Welsh page must not show: each msgid split at its
    placeholders and tags, the pieces of three words or more that its translation does not keep."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        welsh = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            for piece in re.split(r"%\(\w+\)s|<[^>]+>", msgid):
                piece = " ".join(piece.split()).strip(" .,:;()·–")
                if len(piece.split()) >= 3 and piece not in welsh:
                    phrases.add(piece)
    return phrases


# Words Welsh never uses, so a text never marked for translation shows itself by them (the catalogue's
# phrases above catch only marked texts); bar the title of a law a method's description cites.
ENGLISH_WORDS = re.compile(r"\b(?:[Tt]he|has|have|been|cannot|which|will|with|[Tt]his|are)\b")
NAMED_IN_ENGLISH = ("The Scottish Local Government Elections Order",)


def english_words(text: str) -> list[str]:
    """Each English word of ``ENGLISH_WORDS`` in ``text``, with the words around it."""
    for name in NAMED_IN_ENGLISH:
        text = text.replace(name, "")
    return [text[max(0, m.start() - 30) : m.end() + 30] for m in ENGLISH_WORDS.finditer(text)]


class _Text(HTMLParser):
    """A page's visible text and its labels (alt, title, aria-label, placeholder, button values);
    not an audit event's details, its data shown as recorded (a job's message in English)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.recorded = [], 0, False

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.recorded = self.recorded or (tag == "td" and ("class", "details") in attrs)
        self.parts += [v for k, v in attrs if k in ("alt", "title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")
        self.recorded = self.recorded and tag != "td"

    def handle_data(self, data):
        if not self.skip and not self.recorded:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def context(election, officer) -> dict:
    """What staff_pages.arguments needs, from the results tests' election."""
    contest = election.contests.get(slug="section")
    entry = RollEntry.objects.filter(contest=contest).select_related("member").first()
    job = Job.objects.create(kind=Job.Kind.COUNT, election=election, contest=contest, started_by=officer)
    now = timezone.now()
    case = Case.objects.create(
        election=election,
        member=entry.member,
        grounds="I paid in time.",
        snapshot=cases.snapshot(entry.member, election),
        lodged_at=now,
        due_by=now - timedelta(days=1),
    )
    case.contests.add(contest)
    return {
        "election": election.slug,
        "contest": contest.pk,
        "contest_slug": contest.slug,
        "user": officer.pk,
        "unit": entry.member.unit_id,
        "entry": entry.pk,
        "number": entry.member.number,
        "candidate": Candidate.objects.filter(contest=contest).first().pk,
        "slate": Slate.objects.get(election=election).pk,
        "job": job.pk,
        "case": case.pk,
    }


def walk_in_welsh(client, ctx: dict) -> tuple[dict[str, list[str]], int]:
    """GET every page of the URL conf in Welsh: the English phrases each page shows, and how many
    HTML pages were read. A server error fails at once."""
    phrases, args, found, pages = english_phrases(), staff_pages.arguments(ctx), {}, 0
    client.cookies["django_language"] = "cy"
    for name, _route in staff_pages.patterns():
        if name.startswith(NOT_YET) or staff_pages.not_timed(name):
            continue
        try:
            url = reverse(name, kwargs=args.get(name) or None)
        except NoReverseMatch:
            raise AssertionError(f"{name}: add its arguments to bench/staff_pages.py") from None
        response = client.get(url)
        assert response.status_code < 500, (name, response.status_code)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if response.status_code == 200:
            assert '<html lang="cy">' in html, name
            pages += 1
        text = text_of(html)
        shown = sorted(p for p in phrases if p in text) + english_words(text)
        if shown:
            found[name] = shown
    return found, pages


def test_every_staff_page_is_in_welsh_while_voting_is_open(open_election, officer):
    election, _codes = open_election
    officer.is_superuser = True  # every role, so every button is shown
    officer.save()
    found, pages = walk_in_welsh(client_for(officer), context(election, officer))
    assert pages >= 30
    assert found == {}


def test_every_staff_page_is_in_welsh_once_the_results_are_published(closed_election, officer):
    for contest in closed_election.contests.all():
        lifecycle.publish(lifecycle.count(contest, officer), officer)
    officer.is_superuser = True
    officer.save()
    found, pages = walk_in_welsh(client_for(officer), context(closed_election, officer))
    assert pages >= 30
    assert found == {}


def test_the_walk_finds_an_english_page():
    """The check itself: an English staff page shows phrases of the catalogue."""
    phrases = english_phrases()
    page = "<p>Voting cannot open until every one is put right. Reload this page to check again.</p>"
    assert "Voting cannot open until every one is put right. Reload this page to check again" in phrases
    assert [p for p in phrases if p in text_of(page)]
    unmarked = text_of("<p>Cam 1: the guarded candidates fill the seats left</p>")
    assert english_words(unmarked) and not english_words("Cam 1: mae'r ymgeiswyr a warchodwyd yn llenwi")


WELSH_MONTHS = "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd Rhagfyr"


def welsh_month(text: str) -> bool:
    return any(re.search(rf"\b{month}\b", text) for month in WELSH_MONTHS.split())


def test_a_welsh_member_gets_their_code_and_reminder_in_welsh(setup):
    election, _contests, members, _codes = setup
    welsh, english = members[1], members[2]  # both have an email address
    Member.objects.filter(pk=welsh.pk).update(language="cy")
    welsh.refresh_from_db()
    message = code_email(election, welsh, "K7QF-9XMB-2PWD-H4TC", vote_url())
    assert message.subject == f"Eich cod pleidleisio: {election.name}"
    assert f"Annwyl {welsh.name}," in message.body and "Eich cod pleidleisio untro" in message.body
    assert "K7QF-9XMB-2PWD-H4TC" in message.body and "Dear" not in message.body
    assert welsh_month(message.body)  # the close is written with the Welsh month's name
    assert "Dear" in code_email(election, english, "K7QF-9XMB-2PWD-H4TC", vote_url()).body

    mail.outbox.clear()
    reminders.send(election, None)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[welsh.email].subject.startswith("Nodyn atgoffa: pleidleisiwch yn")
    assert "Nid ydych wedi pleidleisio eto" in by_address[welsh.email].body
    assert by_address[english.email].subject.startswith("Reminder: vote in")


def test_codes_issued_to_a_welsh_member_are_mailed_in_welsh(voting_election):
    election, _contests, members = voting_election(slug="cymru-2026")
    Member.objects.filter(pk__in=[members[1].pk, members[3].pk]).update(language="cy")
    mail.outbox.clear()
    pairs = issued_codes(election)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[members[1].email].subject.startswith("Eich cod pleidleisio:")
    assert by_address[members[2].email].subject.startswith("Your ballot code:")
    merge = mail_merge_csv([(r, c) for r, c in pairs if not r.email], election)
    rows = {row["membership_number"]: row for row in csv.DictReader(io.StringIO(merge))}
    assert rows[members[3].number]["language"] == "cy" and rows[members[0].number]["language"] == "en-gb"
    assert welsh_month(rows[members[3].number]["closes"])
    assert not welsh_month(rows[members[0].number]["closes"])


def test_the_result_sheet_pdf_is_in_the_readers_language(closed_election, officer):
    contest = closed_election.contests.get(slug="section")
    lifecycle.publish(lifecycle.count(contest, officer), officer)
    url = reverse("results:download", args=[closed_election.slug, contest.slug, "result.pdf"])
    reader = client_for(None)
    english = pdf_text(b"".join(reader.get(url).streaming_content))
    reader.cookies["django_language"] = "cy"
    welsh = pdf_text(b"".join(reader.get(url).streaming_content))
    assert "Elected: 1. Tom" in english and "Candidate" in english
    assert "Etholwyd: 1. Tom" in welsh and "Ymgeisydd" in welsh and "Cam 1" in welsh
    assert "Elected:" not in welsh and "Candidate" not in welsh


def test_every_word_the_sheet_asks_for_is_listed(closed_election, officer):
    """``words`` is asked only for the sheet's listed words, so the catalogue has each one."""
    contest = closed_election.contests.get(slug="section")
    asked = []
    sheet_pdf.result_pdf(lifecycle.count(contest, officer).result, words=lambda w: asked.append(w) or w)
    assert asked and set(asked) <= sheet_pdf.WORDS
    english = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert english >= sheet_pdf.WORDS


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_members_appeal_pages_are_in_welsh(db):
    """The pages a member reaches to check their standing (no sign-in, no data needed)."""
    visitor = client_for(None)
    visitor.cookies["django_language"] = "cy"
    phrases = english_phrases()
    for name in ("appeals:lookup", "appeals:code"):
        text = text_of(visitor.get(reverse(name)).content.decode())
        assert "Rhowch eich rhif aelodaeth" in text or "Rhowch y cod o'ch llythyr" in text
        assert sorted(p for p in phrases if p in text) == [], name


def test_a_refusal_is_in_the_readers_language(open_election, officer):
    """A lifecycle refusal reads in the language active where it is shown (a request's)."""
    election, _codes = open_election
    contest = election.contests.get(slug="section")
    for language, words in (
        ("cy", "dim ond ar ôl i'r pleidleisio gau y gellir cyfrif"),
        ("en-gb", "can be counted only once voting has closed"),
    ):
        with translation.override(language):
            with pytest.raises(lifecycle.Refused) as refused:
                lifecycle.count(contest, officer)
            assert words in str(refused.value) and contest.name in str(refused.value)
