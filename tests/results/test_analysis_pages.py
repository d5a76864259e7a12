"""The analyses on the result pages: slates, transfers and the flow chart as `tallyroom analyse
slates` computes them from the published downloads, kept once per result by a job, shown
without script or inline style; the election's page with seats by slate and turnout."""

import json
import re
import shlex

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tallyroom.cli import main
from tallyroom.elections.ballot import RON_NAME
from tallyroom.jobs.models import Job
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results import analyses
from tallyroom.results.downloads import recount_command
from tallyroom.results.models import ContestAnalysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(closed_election, officer):
    """Both contests of the closed election counted and published: {slug: count}."""
    out = {}
    for contest in closed_election.contests.all():
        stored = count_contest(contest, officer)
        publish(stored, officer)
        out[contest.slug] = stored
    return out


def cli_json(capsys, *argv) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def downloaded(client, tmp_path, count, name: str):
    """Save the public download ``name`` of ``count`` as anyone would; its path."""
    url = reverse("results:download", args=[count.contest.election.slug, count.contest.slug, name])
    response = client.get(url)
    assert response.status_code == 200
    path = tmp_path / f"{count.contest.slug}-{name}"
    path.write_bytes(response.getvalue())  # streamed
    return path


def recount_options(count) -> list[str]:
    """The counting options of the published recount command, without the file and format."""
    words = shlex.split(recount_command(count))[3:-2]  # after `tallyroom count FILE`, before --format json
    return [w for w in words if not w.startswith("--groups") and not w.endswith("groups.csv")]


@pytest.mark.parametrize("slug", ["section", "chair"])
def test_the_kept_analysis_is_what_the_cli_computes_from_the_downloads(
    published, clients, capsys, tmp_path, slug
):
    count = published[slug]
    assert clients["anonymous"].get(reverse("results:contest", args=["vale-2026", slug])).status_code == 200
    blt = downloaded(clients["anonymous"], tmp_path, count, "ballots.blt")
    extra = (
        ["--groups", str(downloaded(clients["anonymous"], tmp_path, count, "groups.csv"))]
        if count.groups
        else []
    )
    cli = cli_json(capsys, "analyse", "slates", str(blt), *recount_options(count), *extra)
    [expected] = cli["contests"]
    assert {**ContestAnalysis.objects.get(count=count).data["slates"], "source": str(blt)} == expected


def test_the_result_page_shows_seats_first_preferences_and_each_transfer(published, clients):
    html = (
        clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "section"])).content.decode()
    )
    # Forward (Tom, Amy) won both seats with 6 of 9 first preferences; Dan stands alone
    assert re.search(
        r'<th scope="row">Forward</th><td>Tom, Amy</td><td>2</td><td>6\.00000</td><td>66\.7%</td>', html
    )
    assert re.search(r'<th scope="row">Dan</th><td>Dan</td><td>0</td><td>3\.00000</td><td>33\.3%</td>', html)
    assert "No transfer moved a slate's votes" in html  # Dan was excluded as doomed: nothing moved
    html = clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "chair"])).content.decode()
    # the chair: Cat's exclusion moves her 2 ballots to Bob
    assert "Stage 3: exclusion of Cat (Cat), 2 votes moved, by candidate" in html
    assert '<td>Cat</td><th scope="row">Bob</th><td>2</td>' in html
    # RON stood in the chair: shown on its own, not as a slate of its own
    assert f'<th scope="row">{RON_NAME}</th><td>{RON_NAME}</td>' not in html
    not_a_slate = r"RON \(re-open nominations\) is not a slate: [\d.]+ first preferences \([\d.]+%\)"
    assert re.search(not_a_slate, html)


def test_the_flow_chart_is_server_rendered_svg_without_inline_style_or_script(published, clients):
    html = clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "chair"])).content.decode()
    svg = re.search(r'<svg [^>]*class="analysis-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "How the votes moved" in svg
    assert "<style" not in html and " style=" not in html
    assert all(' src="' in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script
    # Cat's exclusion: her 2 ballots go to Bob, in a band of the chart and a row of the table
    assert "stage 3: Cat to Bob, 2.00" in svg
    assert '<td>Cat</td><th scope="row">Bob</th><td>2</td>' in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # the charts' ids are unique on the page
    csp = clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "chair"]))[
        "Content-Security-Policy"
    ]
    assert "unsafe-inline" not in csp


def test_the_analysis_is_computed_once_by_a_job_then_read(published, clients, django_assert_max_num_queries):
    url = reverse("results:contest", args=["vale-2026", "section"])
    assert not ContestAnalysis.objects.exists()
    clients["anonymous"].get(url)
    job = Job.objects.get(kind=Job.Kind.ANALYSE, contest=published["section"].contest)
    assert job.state == Job.State.DONE and job.started_by is None
    kept = ContestAnalysis.objects.get()
    for _ in range(3):
        assert clients["scrutineer"].get(url).status_code == 200
    assert ContestAnalysis.objects.get().computed_at == kept.computed_at
    assert Job.objects.filter(kind=Job.Kind.ANALYSE).count() == 1


def test_a_result_whose_recount_differs_is_not_analysed(published, officer):
    section = published["section"]
    section.result_json = section.result_json.replace('"tie_seed": "vale-seed-42"', '"tie_seed": "other"')
    with pytest.raises(
        analyses.AnalysisError, match="the recount of the published ballots is not the result"
    ):
        analyses.compute(section)
    assert not ContestAnalysis.objects.exists()


def test_a_queued_analysis_says_so_and_the_page_still_shows_the_result(published, clients, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    html = (
        clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "section"])).content.decode()
    )
    assert "The analysis of this result is being made" in html and "Stage table" in html
    clients["anonymous"].get(reverse("results:contest", args=["vale-2026", "section"]))
    assert Job.objects.filter(kind=Job.Kind.ANALYSE).count() == 1  # not started again


def test_the_election_page_adds_up_the_slates_and_shows_turnout(published, clients):
    page = clients["anonymous"].get(reverse("results:election_results", args=["vale-2026"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<th scope="row">Forward</th><td>2</td><td>66\.7%</td><td>–</td>', html)
    assert f'<th scope="row">{RON_NAME}</th>' not in html  # the chair's RON is no slate
    assert "9 of 10 voters have voted" in html
    # the two units have 5 voters each, under the public minimum of 50: merged into one row
    assert '<th scope="row">Eastbridge + Westmoor</th><td>90.0%</td><td>9</td><td>10</td>' in html
    assert '<th scope="row">Eastbridge</th>' not in html
    # the one region is the whole election: nothing to merge it with
    assert '<th scope="row">Vale</th><td>90.0%</td><td>9</td><td>10</td>' in html


def test_public_turnout_is_worked_out_once(published, clients):
    url = reverse("results:election_results", args=["vale-2026"])
    with CaptureQueriesContext(connection) as first:  # works it out (and makes the analyses)
        clients["anonymous"].get(url)
    assert [q for q in first.captured_queries if "voting_closedturnout" in q["sql"]]  # the close's
    with CaptureQueriesContext(connection) as queries:
        assert "9 of 10 voters have voted" in clients["anonymous"].get(url).content.decode()
    assert not [q for q in queries.captured_queries if "voting_closedturnout" in q["sql"]]
    assert not [q for q in queries.captured_queries if "voting_ballotcode" in q["sql"]]


def test_the_election_page_is_public_only_once_a_result_is_published(closed_election, clients):
    assert (
        clients["anonymous"].get(reverse("results:election_results", args=["vale-2026"])).status_code == 404
    )


def test_staff_see_turnout_by_region_and_category_unmerged(open_election, clients):
    from tallyroom.voting.casting import cast

    election, codes = open_election
    cast(codes["M000"], {})
    page = clients["officer"].get(reverse("results:election", args=["vale-2026"])).content.decode()
    assert '<th scope="row">Eastbridge</th><td>20.0%</td><td>1</td><td>5</td>' in page
    assert (
        "Turnout by region" in page and '<th scope="row">Vale</th><td>10.0%</td><td>1</td><td>10</td>' in page
    )
    assert "Turnout by voter category" in page and '<th scope="row">Member</th><td>10.0%</td>' in page
