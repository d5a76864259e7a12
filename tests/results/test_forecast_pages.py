"""Staff forecast a contest from uploaded canvass returns: a job (progress on its page), then the
chances of election and seats by slate with the seed, as `tallyroom analyse forecast` gives them;
bad returns are refused naming the line, storing nothing."""

import json
import re
import shlex
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.cli import main
from tallyroom.elections.ballot import RON_NAME
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
    # the command the page prints, on the three files it offers, gives the same figures, counting
    # by the section's rules (its constraint on the groups)
    command = shlex.split(unescape(re.search(r'<pre class="recount">(.*?)</pre>', html).group(1)))
    assert " ".join(command[6:]) == (
        "--seats 2 --method scottish-stv --cohesion 0.8 -n 60 --seed 7 "
        "--groups groups.csv --constraint woman>=1"
    )
    for name in ("canvass.csv", "slates.csv", "groups.csv"):
        got = clients["staff"].get(reverse("results:forecast_file", args=["vale-2026", made.pk, name]))
        assert got.status_code == 200 and clients["scrutineer"].get(got.wsgi_request.path).status_code == 403
        (tmp_path / name).write_bytes(got.content)
    assert (tmp_path / "canvass.csv").read_text() == CANVASS
    assert (tmp_path / "slates.csv").read_text() == "candidate,group\nTom,Forward\nDan,Dan\nAmy,Forward\n"
    assert (tmp_path / "groups.csv").read_text() == "candidate,group\nAmy,woman\n"
    capsys.readouterr()
    argv = [str(tmp_path / a) if a.endswith(".csv") else a for a in command[1:]]
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


def test_a_refused_forecast_reads_in_the_staff_members_language(draft_election, clients):
    clients["staff"].cookies["django_language"] = "cy"
    page = upload(clients["staff"], draft_election.contests.get(slug="section"), cohesion="2")
    html = unescape(page.content.decode())
    assert "nid yw'r cydlyniad 2.0 rhwng 0 ac 1" in html and "is not between 0 and 1" not in html
    assert not Forecast.objects.exists()


def test_the_forms_own_refusals_read_in_welsh(draft_election, clients):
    clients["staff"].cookies["django_language"] = "cy"
    section = draft_election.contests.get(slug="section")
    not_a_number = unescape(upload(clients["staff"], section, seed="seven").content.decode())
    assert "Hedyn: nid yw 'seven' yn rhif" in not_a_number and "is not a number" not in not_a_number
    no_contest = {"cohesion": "0.8", "simulations": "60", "seed": "7"}
    page = unescape(clients["staff"].post(URL, no_contest).content.decode())
    assert "Dewiswch y gystadleuaeth i'w rhagweld." in page and "Choose the contest" not in page
    page = unescape(clients["staff"].post(URL, {**no_contest, "contest": section.pk}).content.decode())
    assert "Dewiswch y canlyniadau canfasio (CSV)" in page and "Choose the canvass" not in page
    assert not Forecast.objects.exists()


def test_a_forecast_counts_by_the_sections_constraint(draft_election, clients):
    """Forward's bloc splits between Tom and Amy, Dan's bloc ranks Dan then either at random:
    by the votes alone Tom and Amy would share Forward's seat, but the section elects at least
    one woman (woman>=1), so the seat is Amy's in every simulation, as the count would give it."""
    section = draft_election.contests.get(slug="section")
    upload(clients["staff"], section, "unit,turnout,Forward,Dan\nEastbridge,1,40,40\n", cohesion="1")
    found = Forecast.objects.get().result
    assert found["win_probability"] == {"Tom": 0.0, "Dan": 1.0, "Amy": 1.0}
    assert found["seats"] == {"Forward": {"1": 1.0}, "Dan": {"1": 1.0}}


def test_a_forecast_with_ron_offered_ranks_ron_too(draft_election, clients):
    section = draft_election.contests.get(slug="section")
    section.ron = True
    section.save()
    upload(clients["staff"], section)
    made = Forecast.objects.get()
    assert set(made.result["win_probability"]) == {"Tom", "Dan", "Amy", RON_NAME}
    # RON is no slate: no seats-by-slate figures, no canvass column (one naming it is refused)
    assert set(made.result["seats"]) == {"Forward", "Dan"}
    page = clients["staff"].get(reverse("results:forecasts", args=["vale-2026"])).content.decode()
    assert RON_NAME not in page.split("slate columns:")[1].split("</p>")[0]
    refused = upload(clients["staff"], section, f"unit,turnout,Forward,{RON_NAME}\nEastbridge,1,40,5\n")
    assert f"{RON_NAME} name no slate of" in unescape(refused.content.decode())
    html = clients["staff"].get(reverse("results:forecast", args=["vale-2026", made.pk])).content.decode()
    assert f"--ron {shlex.quote(RON_NAME)}" in unescape(html)


def test_returns_the_contests_rules_cannot_count_are_refused(draft_election, clients):
    section = draft_election.contests.get(slug="section")
    section.college_shares = {"clp": "1/2", "affiliates": "1/2"}
    section.save()
    page = upload(clients["staff"], section).content.decode()
    assert "returns.csv: unit Eastbridge: the contest is decided by the colleges affiliates, clp" in page
    assert not Forecast.objects.exists() and not Job.objects.exists()
    with_colleges = "unit,college,turnout,Forward,Dan\nEastbridge,clp,1,40,40\nGMB,affiliates,1,5,0\n"
    upload(clients["staff"], section, with_colleges, cohesion="1")
    # pooled, Dan's 40 of 85 would win a seat; the affiliates' half is Forward's, so 3/4 of the
    # whole is Forward's and its two candidates each pass the quota of a third
    assert Forecast.objects.get().result["win_probability"] == {"Tom": 1.0, "Dan": 0.0, "Amy": 1.0}


def test_a_forecast_as_a_bloc_moves_is_what_the_cli_gives(draft_election, clients, capsys, tmp_path):
    section = draft_election.contests.get(slug="section")
    upload(clients["staff"], section, shift_from="Forward", shift_to="Dan")
    made = Forecast.objects.get()
    job = made.job
    assert job.state == Job.State.DONE and job.done == job.total == 4 * 60
    assert [r["share"] for r in made.result["moved"]["runs"]] == [0.05, 0.1, 0.2]
    html = clients["staff"].get(reverse("results:forecast", args=["vale-2026", made.pk])).content.decode()
    command = shlex.split(unescape(re.search(r'<pre class="recount">(.*?)</pre>', html).group(1)))
    assert command[-4:] == ["--shift", "Forward:Dan", "--shares", "0,0.05,0.1,0.2"]
    for name in ("canvass.csv", "slates.csv", "groups.csv"):
        got = clients["staff"].get(reverse("results:forecast_file", args=["vale-2026", made.pk, name]))
        (tmp_path / name).write_bytes(got.content)
    capsys.readouterr()
    assert (
        main([*(str(tmp_path / a) if a.endswith(".csv") else a for a in command[1:]), "--workers", "1"]) == 0
    )
    cli = json.loads(capsys.readouterr().out)
    base = {k: v for k, v in made.result.items() if k != "moved"}
    assert cli == [
        {"shift": "Forward:Dan", **run} for run in [{"share": 0.0, **base}, *made.result["moved"]["runs"]]
    ]
    dan = [f"{run['win_probability']['Dan'] * 100:.1f}%" for run in cli]
    assert '<th scope="row">Dan</th>' + "".join(f"<td>{p}</td>" for p in dan) in html
    assert "As Forward's bloc moves to Dan" in unescape(html)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shift_from": "Forward"}, "to move a bloc, name two different slates of CLP section"),
        ({"shift_from": "Forward", "shift_to": "Forward"}, "not Forward and Forward"),
        (
            {"shift_from": "Forward", "shift_to": "Dan", "simulations": "6000"},
            "choose 1 to 5,000 with a bloc",
        ),
    ],
)
def test_a_bloc_to_move_is_checked(draft_election, clients, fields, message):
    page = upload(clients["staff"], draft_election.contests.get(slug="section"), **fields)
    assert message in unescape(page.content.decode()) and not Forecast.objects.exists()
