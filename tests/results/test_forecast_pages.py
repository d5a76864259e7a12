"""Staff forecast a contest from uploaded canvass returns: a job (progress on its page), then the
chances of election and seats by slate with the seed, as `tallyroom analyse forecast` gives them;
bad returns are refused naming the line, storing nothing."""

import json
import re
import shlex

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.cli import main
from tallyroom.jobs.models import Job
from tallyroom.results.models import Forecast

pytestmark = pytest.mark.django_db
URL = reverse("results:forecasts", args=["vale-2026"])
CANVASS = "unit,turnout,undecided,Forward,Dan\nEastbridge,0.6,4,30,12\nWestmoor,0.5,0,18,20\n"


def upload(client, contest, text=CANVASS, **fields):
    data = {"contest": contest.pk, "cohesion": "0.8", "simulations": "60", "seed": "7", **fields}
    data["canvass"] = SimpleUploadedFile("returns.csv", text.encode(), content_type="text/csv")
    return client.post(URL, data)


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("scrutineer", 403), ("staff", 200)])
def test_who_forecasts(draft_election, clients, who, status):
    assert clients[who].get(URL).status_code == status


def test_a_forecast_runs_as_a_job_and_gives_what_the_cli_gives(draft_election, clients, capsys, tmp_path):
    section = draft_election.contests.get(slug="section")
    response = upload(clients["staff"], section)
    made = Forecast.objects.get()
    assert response.status_code == 302 and response["Location"] == made.job.get_absolute_url()
    job = Job.objects.get(kind=Job.Kind.FORECAST)
    assert job.state == Job.State.DONE and job.done == job.total == 60
    progress = clients["staff"].get(job.get_absolute_url()).content.decode()
    assert "60 of 60 (100%)" in progress and "See the forecast" in progress
    html = clients["staff"].get(reverse("results:forecast", args=["vale-2026", made.pk])).content.decode()
    # the command the page prints, on the two files it offers, gives the same figures
    command = re.search(r'<pre class="recount">(.*?)</pre>', html).group(1)
    assert command.endswith("--seats 2 --method scottish-stv --cohesion 0.8 -n 60 --seed 7")
    for name in ("canvass.csv", "slates.csv"):
        got = clients["staff"].get(reverse("results:forecast_file", args=["vale-2026", made.pk, name]))
        assert got.status_code == 200 and clients["scrutineer"].get(got.wsgi_request.path).status_code == 403
        (tmp_path / name).write_bytes(got.content)
    assert (tmp_path / "canvass.csv").read_text() == CANVASS
    assert (tmp_path / "slates.csv").read_text() == "candidate,group\nTom,Forward\nDan,Dan\nAmy,Forward\n"
    capsys.readouterr()
    argv = shlex.split(command)[1:]
    argv[2], argv[4] = str(tmp_path / argv[2]), str(tmp_path / argv[4])
    assert main([*argv, "--workers", "1"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert {"shift": None, "share": 0.0, **made.result} == cli and cli["seed"] == 7
    assert '<code class="seed">7</code>' in html
    for name, p in cli["win_probability"].items():
        slate = "Dan" if name == "Dan" else "Forward"
        assert f'<th scope="row">{name}</th><td>{slate}</td><td>{p * 100:.1f}%</td>' in html
    for seats, p in cli["seats"]["Forward"].items():
        assert f'<th scope="row">{seats}</th><td>{p * 100:.1f}%</td>' in html
    assert 'class="analysis-chart"' in html and "Chance of election" in html
    assert Event.objects.filter(verb="results.forecast").count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unit,turnout,Forward,Dan\nEastbridge,0.6,30\n", "returns.csv:2: expected 4 cells, found 3"),
        (
            "unit,turnout,Forward,Dan\nEastbridge,1.6,30,2\n",
            "returns.csv:2: turnout 1.6 is not between 0 and 1",
        ),
        ("unit,turnout,Forward,Left\nEastbridge,0.6,30,2\n", "the column Left name no slate of CLP section"),
    ],
)
def test_bad_returns_are_refused_naming_the_line_and_nothing_is_stored(
    draft_election, clients, text, message
):
    section = draft_election.contests.get(slug="section")
    page = upload(clients["staff"], section, text)
    assert page.status_code == 200 and message in page.content.decode()
    assert not Forecast.objects.exists() and not Job.objects.exists()
    assert not Event.objects.filter(verb="results.forecast").exists()


def test_too_many_simulations_are_refused(draft_election, clients):
    page = upload(clients["staff"], draft_election.contests.get(slug="section"), simulations="1000000")
    assert "simulations 1000000: choose 1 to 20,000" in page.content.decode()
    assert not Forecast.objects.exists()
