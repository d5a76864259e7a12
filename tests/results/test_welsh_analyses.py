"""The analyses of a published result read in the reader's language: the flow chart (kept as its
shapes, drawn when shown), the transfer tables, the regions' chart and note, why voting power is
not computed, and a forecast's chart; in English as before."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results import analyses
from tallyroom.results.models import ContestAnalysis, Forecast

from .test_forecast_pages import CANVASS
from .test_pivotal_pages import declared
from .test_region_pages import regional  # noqa: F401 (a fixture)
from .test_welsh_pages import english_phrases, english_words, text_of

pytestmark = pytest.mark.django_db


def pages(client: Client, url: str) -> tuple[str, str]:
    """``url`` in English, then in Welsh (the language cookie)."""
    english = client.get(url)
    client.cookies["django_language"] = "cy"
    welsh = client.get(url)
    assert english.status_code == welsh.status_code == 200
    return english.content.decode(), welsh.content.decode()


def no_english(html: str) -> None:
    text = text_of(html)
    assert sorted(p for p in english_phrases() if p in text) == []
    assert english_words(text) == []


def test_the_flow_chart_and_transfer_tables_read_in_welsh(closed_election, officer):
    for contest in closed_election.contests.all():
        publish(count_contest(contest, officer), officer)
    url = reverse("results:contest", args=["vale-2026", "chair"])
    english, welsh = pages(Client(), url)
    kept = ContestAnalysis.objects.get(count__contest__slug="chair")
    assert kept.flow_svg == "" and kept.data["flow"]["bands"]  # its shapes, no words
    # Cat's exclusion: her 2 ballots go to Bob
    assert f'<title id="flow-{kept.count_id}-title">How the votes moved: ' in english
    assert "A flow chart of 3 stages: each column is a stage" in english
    assert "stage 3: Cat to Bob, 2.00" in english and "Cat, stage 3" in english
    assert "Stage 3: exclusion of Cat (Cat), 2 votes moved, by candidate" in english
    assert "Sut y symudodd y pleidleisiau: " in welsh and "Siart llif o 3 cam: mae pob colofn" in welsh
    assert "cam 3: o Cat i Bob, 2.00" in welsh and "Cat, cam 3" in welsh
    assert "Cam 3: eithrio Cat (Cat), 2 pleidlais wedi'u symud, fesul ymgeisydd" in welsh
    for gone in ("How the votes moved", "stage 3: Cat to Bob", "exclusion of"):
        assert gone not in welsh
    no_english(welsh)
    section_url = reverse("results:contest", args=["vale-2026", "section"])
    _english, section = pages(Client(), section_url)
    assert "Dewisiadau cyntaf" in section  # its slates (elected at the first stage: no transfer)
    no_english(section)
    _english, election = pages(Client(), reverse("results:election_results", args=["vale-2026"]))
    no_english(election)  # the slates added up over both contests


def test_an_analysis_kept_before_its_chart_was_shows_the_chart_it_stored(closed_election, officer):
    contest = closed_election.contests.get(slug="chair")
    publish(count_contest(contest, officer), officer)
    url = reverse("results:contest", args=["vale-2026", "chair"])
    Client().get(url)  # the analysis is made
    kept = ContestAnalysis.objects.get()
    del kept.data["flow"]
    kept.flow_svg = '<svg role="img"><title>How the votes moved: as stored</title></svg>'
    kept.save()
    assert kept.flow_svg in Client().get(url).content.decode()


def test_the_regions_chart_reads_in_welsh(regional):  # noqa: F811 (the fixture imported)
    url = reverse("results:contest", args=[regional.contest.election.slug, regional.contest.slug])
    english, welsh = pages(Client(), url)
    assert "Bob: share of the final round by region" in english and "2 bars, largest first" in english
    assert "Bob: cyfran y rownd olaf fesul rhanbarth" in welsh and "2 bar, y mwyaf yn gyntaf" in welsh
    assert "exhausted: final round" in english and "wedi&#x27;u dihysbyddu: y rownd olaf" in welsh
    assert "share of the final round" not in welsh and "exhausted" not in welsh
    no_english(welsh)


def test_a_college_contests_region_note_and_power_read_in_welsh(conference, staff, check_in_all, monkeypatch):
    count = declared(conference, staff, check_in_all)
    contest = count.contest
    contest.results_by_region = True
    contest.save(update_fields=["results_by_region"])
    monkeypatch.setattr(analyses, "POWER_LIMIT", 1)  # the whole-number weights add up to 2
    url = reverse("results:contest", args=[contest.election.slug, contest.slug])
    english_html, welsh_html = pages(Client(), url)
    english, welsh = text_of(english_html), text_of(welsh_html)
    assert "a contest decided by colleges is not broken down by region." in english
    assert (
        "Voting power is not computed: as whole numbers the delegations' weights add up to 2, "
        "more than the 1 an exact index is computed for here." in english
    )
    assert "ni chaiff cystadleuaeth a benderfynir gan golegau ei dadansoddi fesul rhanbarth." in welsh
    assert (
        "Mae'r grym pleidleisio heb ei gyfrifo: fel rhifau cyfan mae pwysau'r dirprwyaethau'n dod i 2, "
        "mwy na'r 1 y cyfrifir mynegai union ar ei gyfer yma." in welsh
    )
    assert "broken down" not in welsh and "not computed" not in welsh
    no_english(welsh_html)


def test_a_delegation_named_by_its_college_and_weight_reads_in_welsh(conference, staff, check_in_all):
    count = declared(conference, staff, check_in_all)
    url = reverse("results:contest", args=[count.contest.election.slug, count.contest.slug])
    reader = Client()
    reader.cookies["django_language"] = "cy"
    welsh = reader.get(url).content.decode()  # the first visit: the analysis is made in a Welsh request
    english = Client().get(url).content.decode()
    kept = ContestAnalysis.objects.get(count=count).data["pivotal"]
    assert "clp: weight 1 (2 delegations)" in [d["name"] for d in kept["power"]["delegations"]]  # as the CLI
    assert '<th scope="row">clp: weight 1 (2 delegations)</th>' in english
    assert '<th scope="row">clp: pwysau 1 (2 dirprwyaeth)</th>' in welsh and "delegations)" not in welsh
    no_english(welsh)


def test_a_forecasts_chart_reads_in_welsh(draft_election, clients):
    section = draft_election.contests.get(slug="section")
    staff = clients["staff"]
    staff.post(
        reverse("results:forecasts", args=["vale-2026"]),
        {
            "contest": section.pk,
            "cohesion": "0.8",
            "simulations": "20",
            "seed": "7",
            "canvass": SimpleUploadedFile("returns.csv", CANVASS.encode(), content_type="text/csv"),
        },
    )
    url = reverse("results:forecast", args=["vale-2026", Forecast.objects.get().pk])
    english, welsh = pages(staff, url)
    assert ">Chance of election</title>" in english and "3 bars, largest first" in english
    assert ">Siawns o gael ei ethol</title>" in welsh and "3 bar, y mwyaf yn gyntaf" in welsh
    assert "Chance of election" not in welsh
    no_english(welsh)
