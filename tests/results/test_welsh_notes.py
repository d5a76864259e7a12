"""The engine's notes, ties and stage descriptions on the web result sheet and the PDF: in the
reader's language (Welsh here), and in English exactly as the published result gives them."""

import html
import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from noted_counts import noted_results
from tallyroom.formats.results import describe, result_json, result_table
from tallyroom.formats.sheet_pdf import result_pdf
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results.models import ContestCount

pytestmark = pytest.mark.django_db

WELSH = {  # the English a result says and the Welsh the sheet shows instead
    "quota reduced to 3.50 (rule 5.4.8)": "gostyngwyd y cwota i 3.50 (rheol 5.4.8)",
    "RON elected: its seat is left vacant and nominations reopen for it": "Etholwyd RON: gadewir ei sedd",
    "lot draw 1": "tyniad coelbren 1",
    "keep values recomputed": "ailgyfrifwyd y gwerthoedd cadw",
    "votes required": "pleidleisiau sydd eu hangen",
    "excluded: the constraints bar them from the seat": "eithriwyd: mae'r cyfyngiadau'n eu rhwystro",
}

HEADINGS = {
    "first": ("First preferences", "Dewisiadau cyntaf"),
    "count": ("Count", "Cyfrif"),
    "surplus": ("Surplus of", "Gwarged"),
    "exclusion": ("Exclusion of", "Eithrio"),
}


@pytest.fixture
def section(closed_election, officer):
    counted = count_contest(closed_election.contests.get(slug="section"), officer)
    publish(counted, officer)
    return counted


def page_with(client, section, result, language):
    ContestCount.objects.filter(pk=section.pk).update(result_json=result_json(result))
    client.cookies["django_language"] = language
    return html.unescape(
        client.get(reverse("results:contest", args=["vale-2026", "section"])).content.decode()
    )


def pdf_text(result, language):
    with translation.override(language):
        pdf = result_pdf(result, words=gettext)
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_web_sheet_shows_notes_and_ties_in_welsh_and_in_english_as_published(section, clients):
    seen = set()
    for result in noted_results():
        welsh = page_with(clients["anonymous"], section, result, "cy")
        english = page_with(clients["anonymous"], section, result, "en-gb")
        for stage in result.stages:
            if stage.note:
                assert stage.note in english
                assert stage.note not in welsh
        for english_text, welsh_text in WELSH.items():
            if english_text in result_table(result):
                seen.add(english_text)
                assert english_text in english and english_text not in welsh
                assert welsh_text in welsh
        if result.ties:
            assert "settled by lot: " in english and "(elect)" in english
            assert "coelbren" in welsh and "(ethol)" in welsh and "settled by lot" not in welsh
        for stage in result.stages:  # the stage table's headings
            names = ", ".join(stage.subject)
            if stage.action in HEADINGS:
                english_heading, welsh_heading = HEADINGS[stage.action]
                assert f'"stage-action">{english_heading} {names}'.strip() + "<" in english
                assert f'"stage-action">{welsh_heading} {names}'.strip() + "<" in welsh
    assert seen == set(WELSH)


def test_the_pdf_describes_stages_notes_and_ties_in_welsh_and_in_english_as_the_text_sheet(clients):
    for result in noted_results():
        welsh, english = pdf_text(result, "cy"), pdf_text(result, "en-gb")
        for stage in result.to_dict()["stages"]:
            assert f"Stage {stage['stage']}: {describe(stage)}" in english.replace("\n", " ")
        for english_text, welsh_text in WELSH.items():
            if english_text in result_table(result):
                assert english_text in english.replace("\n", " ")
                assert english_text not in welsh.replace("\n", " ")
                assert welsh_text in welsh.replace("\n", " ")
        if result.ties:
            assert "Tie to elect between Ann, Bob" in english
            assert "Cyfartal (ethol) rhwng Ann, Bob" in welsh and "Tie to" not in welsh
        first = {"first": "dewisiadau cyntaf", "count": "y cyfrif"}[result.stages[0].action]
        assert f"Cam 1: {first}" in welsh and "Stage 1:" not in welsh
