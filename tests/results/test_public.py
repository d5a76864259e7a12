"""The public results: nothing before publication; then winners, slates, stages, chart and the
downloads, from which anyone recounts the same result."""

import csv
import hashlib
import html
import io
import json
import shlex
from fractions import Fraction

import pytest
from django.urls import reverse

from tallyroom import count as engine
from tallyroom.count import read_groups
from tallyroom.formats import read_blt_file
from tallyroom.formats.results import result_json
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish

pytestmark = pytest.mark.django_db
DOWNLOADS = ("ballots.blt", "result.json", "result.csv", "result.txt", "tie-seed.txt", "groups.csv")


def page_of(slug):
    return reverse("results:contest", args=["vale-2026", slug])


def download(client, slug, name):
    return client.get(reverse("results:download", args=["vale-2026", slug, name]))


@pytest.fixture
def published(closed_election, officer):
    """Both contests counted and published; returns the counts by contest slug."""
    counts = {}
    for contest in closed_election.contests.all():
        counts[contest.slug] = count_contest(contest, officer)
        publish(counts[contest.slug], officer)
    return counts


def test_nothing_is_public_before_publication(closed_election, officer, clients):
    count_contest(closed_election.contests.get(slug="section"), officer)
    anonymous = clients["anonymous"]
    assert anonymous.get(page_of("section")).status_code == 404
    assert all(download(anonymous, "section", name).status_code == 404 for name in DOWNLOADS)
    assert "CLP section" not in anonymous.get(reverse("results:index")).content.decode()


def test_the_public_page_shows_winners_slates_stages_and_chart(published, clients):
    anonymous = clients["anonymous"]
    index = anonymous.get(reverse("results:index")).content.decode()
    assert "CLP section</a>: Tom, Amy" in index and "Chair</a>: Bob" in index
    page = anonymous.get(page_of("section")).content.decode()
    winners = page.split('<ul class="winners">')[1].split("</ul>")[0]
    assert "<strong>Tom</strong>" in winners and "<strong>Amy</strong>" in winners and "Dan" not in winners
    assert winners.count(">Forward</span>") == 2
    assert '<th scope="row">Tom <span class="badge">elected</span></th>' in page
    assert '<th scope="row">Dan</th>' in page
    assert page.count('<th scope="col"><span class="stage-no">') == len(published["section"].result["stages"])
    assert '<svg class="stage-chart"' in page and '<desc id="chart-desc">' in page
    assert "woman&gt;=1" in page and "vale-seed-42" in page
    assert published["section"].ballots_sha256 in page


def test_downloads_carry_the_stored_count(published, clients):
    anonymous, stored = clients["anonymous"], published["section"]
    response = download(anonymous, "section", "ballots.blt")
    blt = response.getvalue()  # streamed: read once
    assert blt.decode() == stored.ballots_blt
    assert hashlib.sha256(blt).hexdigest() == stored.ballots_sha256
    assert response["Content-Disposition"] == 'attachment; filename="vale-2026-section-ballots.blt"'
    assert download(anonymous, "section", "result.json").getvalue().decode() == stored.result_json
    assert download(anonymous, "section", "tie-seed.txt").getvalue() == b"vale-seed-42\n"
    assert download(anonymous, "section", "groups.csv").getvalue().decode() == "candidate,group\nAmy,woman\n"
    rows = csv.DictReader(io.StringIO(download(anonymous, "section", "result.csv").getvalue().decode()))
    first = {row["candidate"]: row["first_prefs"] for row in rows}
    assert [Fraction(first[name]) for name in ("Tom", "Dan", "Amy")] == [4, 3, 2]
    assert "Elected, in order:" in download(anonymous, "section", "result.txt").getvalue().decode()
    assert download(anonymous, "chair", "groups.csv").status_code == 404  # no constraints, no groups
    assert download(anonymous, "section", "secret.txt").status_code == 404


@pytest.mark.parametrize("slug", ["section", "chair"])
def test_a_recount_from_the_downloads_gives_the_published_json(published, clients, tmp_path, slug):
    anonymous = clients["anonymous"]
    for name in DOWNLOADS:
        response = download(anonymous, slug, name)
        if response.status_code == 200:
            (tmp_path / name).write_bytes(response.getvalue())
    published_json = (tmp_path / "result.json").read_text()
    stated = json.loads(published_json)
    blt = read_blt_file(tmp_path / "ballots.blt")
    groups = tmp_path / "groups.csv"
    recount = engine.count(
        blt.ballots,
        stated["method"],
        blt.seats,
        options=stated["options"],
        constraints=stated["constraints"],
        groups=read_groups(groups) if groups.exists() else None,
        tie_seed=(tmp_path / "tie-seed.txt").read_text().strip() or None,
        withdrawn=blt.withdrawn,
        ron=stated["ron"],
    )
    assert result_json(recount) == published_json


@pytest.mark.parametrize("slug", ["section", "chair"])
def test_the_command_shown_on_the_page_recounts_the_published_json(
    published, clients, tmp_path, monkeypatch, capsys, slug
):
    from tallyroom.cli import main

    anonymous = clients["anonymous"]
    for name in DOWNLOADS:
        response = download(anonymous, slug, name)
        if response.status_code == 200:
            filename = response["Content-Disposition"].split('filename="')[1].rstrip('"')
            (tmp_path / filename).write_bytes(response.getvalue())
    page = anonymous.get(page_of(slug)).content.decode()
    command = html.unescape(page.split('<pre class="recount">')[1].split("</pre>")[0])
    args = shlex.split(command)
    assert args[:2] == ["tallyroom", "count"]
    monkeypatch.chdir(tmp_path)
    assert main(args[1:]) == 0
    assert capsys.readouterr().out == (tmp_path / f"vale-2026-{slug}-result.json").read_text()
    # the page names the files as they are saved
    assert (
        f"sha256sum vale-2026-{slug}-ballots.blt" in page
        and f"exactly <code>vale-2026-{slug}-result.json" in page
    )


def test_public_page_gives_electorate_turnout_ballot_list_and_statements(published, clients):
    """Issue 7 (7, 13): statements were shown nowhere; the page neither linked the ballot list nor
    gave the electorate and turnout."""
    from tallyroom.elections.models import Candidate, CandidatePhoto

    amy = Candidate.objects.get(contest__slug="section", name="Amy")
    amy.statement = "Amy's statement."
    amy.save()
    CandidatePhoto.objects.create(candidate=amy, image=b"x", content_type="image/png", digest="abc")
    page = clients["anonymous"].get(page_of("section")).content.decode()
    assert reverse("voting:list", args=["vale-2026", "section"]) in page
    electorate = published["section"].contest.roll.filter(eligible=True).count()
    assert f"Electorate <strong>{electorate}</strong> · ballots cast <strong>9</strong>" in page
    assert f"turnout <strong>{9 / electorate:.1%}</strong>" in page
    assert "Amy&#x27;s statement." in page and reverse("elections:photo", args=[amy.pk, "abc"]) in page
    assert clients["anonymous"].get(reverse("elections:photo", args=[amy.pk, "abc"])).status_code == 200
