"""Languages: the voter's pages in English and Welsh, chosen by the browser or on the page; the
Welsh catalogue complete and compiled."""

import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

import tallyroom
from tallyroom.voting.messages import VOTER_MESSAGES

pytestmark = pytest.mark.django_db
CATALOGUE = Path(tallyroom.__file__).parent / "locale" / "cy" / "LC_MESSAGES"


WELSH_FORMS = {1: 0, 2: 1, 3: 2, 8: 3}  # n -> plural form, by the catalogue's Plural-Forms


def translations(entry) -> list[tuple[str, str]]:
    """(as the .mo gives it, as the .po says) for each form of ``entry``."""
    if not entry.msgid_plural:
        if entry.msgctxt:
            return [(translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr)]
        return [(translation.gettext(entry.msgid), entry.msgstr)]
    if entry.msgctxt:
        return [
            (
                translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n),
                entry.msgstr_plural[form],
            )
            for n, form in WELSH_FORMS.items()
        ]
    return [
        (translation.ngettext(entry.msgid, entry.msgid_plural, n), entry.msgstr_plural[form])
        for n, form in WELSH_FORMS.items()
    ]


def test_the_welsh_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 40 and not po.untranslated_entries() and not po.fuzzy_entries()
    with translation.override("cy"):
        stale = [e.msgid for e in po for got, want in translations(e) if got != want]
    assert stale == [], "run scripts/messages: django.mo is older than django.po"
    placeholder = re.compile(r"%\(\w+\)s")
    for entry in po:  # every placeholder survives translation
        wanted = sorted(set(placeholder.findall(entry.msgid + entry.msgid_plural)))
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            assert sorted(set(placeholder.findall(text))) == wanted, entry.msgid


def test_every_listed_voter_message_is_still_raised_word_for_word():
    sources = "".join(
        (Path(tallyroom.__file__).parent / p).read_text()
        for p in ("voting/casting.py", "voting/views.py", "ballotbox/box.py", "ballotbox/marking.py")
    )
    assert [m for m in VOTER_MESSAGES if f'"{m}"' not in sources] == []


def token(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_welsh_from_the_browser_and_back_to_english_on_the_ballot(setup):
    election, contests, members, codes = setup
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy")
    page = welsh.get(reverse("voting:enter")).content.decode()
    assert '<html lang="cy">' in page and "Eich cod pleidleisio" in page
    assert 'lang="en-gb" class="link">English</button>' in page  # each language named in itself
    wrong = welsh.post(reverse("voting:enter"), {"code": "AAAA-BBBB-CCCC-DDDD"}).content.decode()
    assert "Nid yw hwnnw&#x27;n god pleidleisio dilys" in wrong
    ballot = welsh.post(reverse("voting:enter"), {"code": codes[2]}).content.decode()
    assert "Rhowch rif i&#x27;r ymgeiswyr" in ballot and "Dewiswch un ymgeisydd." in ballot
    stv = contests["stv"]
    switched = welsh.post(
        reverse("voting:ballot"), {"token": token(ballot), f"c{stv.pk}-1": "1", "language": "en-gb"}
    )
    html = switched.content.decode()
    assert switched.cookies["django_language"].value == "en-gb"
    assert "Number the candidates" in html and re.search(rf'id="c{stv.pk}-1"[^>]*value="1"', html)
    assert "There is a problem" not in html  # switching language checks nothing
    review = welsh.post(
        reverse("voting:ballot"), {"token": token(html), f"c{stv.pk}-1": "1"}
    ).content.decode()
    assert "Check your ballot" in review  # the cookie now says English
    again = welsh.post(reverse("voting:ballot"), {"token": token(review), "review": "1", "language": "cy"})
    assert (
        "Gwiriwch eich papur pleidleisio" in again.content.decode()
        and "<ol><li>Bea</li></ol>" in again.content.decode()
    )


def test_welsh_ballot_errors(setup):
    election, contests, members, codes = setup
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy")
    ballot = welsh.post(reverse("voting:enter"), {"code": codes[2]}).content.decode()
    stv = contests["stv"]
    data = {"token": token(ballot), f"c{stv.pk}-0": "1", f"c{stv.pk}-1": "3"}
    html = welsh.post(reverse("voting:ballot"), data).content.decode()
    assert "Mae problem gyda'ch papur pleidleisio" in html and "nid oes 2" in html


def test_the_language_chooser_on_the_code_page(client):
    page = client.get(reverse("voting:enter")).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'lang="cy"' in page and ">Cymraeg<" in page
    chosen = client.post("/i18n/setlang/", {"language": "cy", "next": reverse("voting:enter")})
    assert chosen.status_code == 302
    assert "Eich cod pleidleisio" in client.get(reverse("voting:enter")).content.decode()


def test_the_codes_page_says_in_welsh_why_no_code_can_be_issued(voting_election, officer):
    election, _contests, _members = voting_election()
    election.state = election.State.CLOSED
    election.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="cy")
    client.force_login(officer)
    page = client.get(reverse("voting:codes", args=[election.slug])).content.decode()
    assert "ni ellir rhoi, disodli nac anfon cod" in page and "no code can be issued" not in page


def test_a_voters_whole_journey_in_welsh_shows_no_english(setup):
    """The code page, a wrong code, the ballot, the review, the receipt and a used code's page, in
    Welsh: none shows the catalogue's English phrases or an English word."""
    from results.test_welsh_pages import english_phrases, english_words, text_of

    election, contests, members, codes = setup
    welsh, phrases, pages = Client(HTTP_ACCEPT_LANGUAGE="cy"), english_phrases(), {}
    pages["code"] = welsh.get(reverse("voting:enter"))
    pages["wrong code"] = welsh.post(reverse("voting:enter"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    pages["ballot"] = welsh.post(reverse("voting:enter"), {"code": codes[2]})
    stv = contests["stv"]
    marked = {"token": token(pages["ballot"].content.decode()), f"c{stv.pk}-1": "1"}
    pages["review"] = welsh.post(reverse("voting:ballot"), marked)
    pages["receipt"] = welsh.post(reverse("voting:cast"), {"token": token(pages["review"].content.decode())})
    pages["used code"] = welsh.post(reverse("voting:enter"), {"code": codes[2]})
    assert "Mae eich pleidlais wedi" in text_of(pages["receipt"].content.decode())  # it was cast
    shown = {}
    for name, response in pages.items():
        text = text_of(response.content.decode())
        found = sorted(p for p in phrases if p in text) + english_words(text)
        if found:
            shown[name] = found
    assert shown == {}
