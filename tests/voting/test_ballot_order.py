"""Issue 7 (7, 13): candidates' statements and photos on the ballot page; the ballot order is the
contest's (fixed, alphabetical, random from a seed, rotated per voter) while the marks read and
stored keep the canonical names."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.ballot_order import display_order
from tallyroom.elections.models import Candidate, CandidatePhoto, Contest
from tallyroom.voting.casting import cast
from voting.test_casting import stored

pytestmark = pytest.mark.django_db


def labels(html: str, contest) -> list[str]:
    """The candidates' names in the order the ballot page shows them for ``contest``."""
    part = html.split(f"<legend>{contest.name}</legend>")[1].split("</fieldset>")[0]
    return re.findall(rf'<label for="c{contest.pk}-\d+">([^<]+)</label>', part)


def ballot_page(code):
    return Client().post(reverse("voting:enter"), {"code": code}).content.decode()


def test_display_orders():
    contest = Contest(slug="x", ballot_order="fixed", ballot_seed="abc")
    names = ["Di", "Ada", "cy", "Bea", RON_NAME]
    assert display_order(contest, names) == [0, 1, 2, 3, 4]
    contest.ballot_order = "alphabetical"
    assert [names[i] for i in display_order(contest, names)] == ["Ada", "Bea", "cy", "Di", RON_NAME]
    contest.ballot_order = "random"
    drawn = display_order(contest, names, voter=1)
    assert drawn == display_order(contest, names, voter=2) and drawn[-1] == 4  # one order; RON last
    assert sorted(drawn) == [0, 1, 2, 3, 4]
    seeded = [Contest(slug="x", ballot_order="random", ballot_seed=str(s)) for s in range(20)]
    assert len({tuple(display_order(c, names)) for c in seeded}) > 5  # the seed rules the order
    contest.ballot_order = "rotated"
    firsts = [names[display_order(contest, names, voter=k)[0]] for k in range(8)]
    assert firsts == ["Di", "Ada", "cy", "Bea"] * 2  # each heads an equal share of ballots


def test_rotated_ballot_shows_each_voter_an_order_and_counts_the_names(setup):
    election, contests, members, codes = setup
    stv = contests["stv"]
    stv.ballot_order = "rotated"
    stv.save()
    first = labels(ballot_page(codes[2]), stv)
    second = labels(ballot_page(codes[3]), stv)
    assert first != second and sorted(first) == sorted(second) and first[-1] == second[-1] == RON_NAME
    client = Client()
    page = client.post(reverse("voting:enter"), {"code": codes[3]}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    top = re.search(rf'<input id="(c{stv.pk}-\d+)"', page.split("<legend>Executive</legend>")[1]).group(1)
    review = client.post(reverse("voting:ballot"), {"token": token, top: "1"}).content.decode()
    assert f"<ol><li>{second[0]}</li></ol>" in review  # the name shown first is the name marked


def test_alphabetical_order_on_the_ballot_page(setup):
    election, contests, members, codes = setup
    block = contests["block"]
    Candidate.objects.filter(contest=block, name="Eve").update(position=9)
    block.ballot_order = "alphabetical"
    block.save()
    assert labels(ballot_page(codes[2]), block) == ["Eve", "Fay", "Gus"]
    block.ballot_order = "fixed"
    block.save()
    assert labels(ballot_page(codes[2]), block) == ["Fay", "Gus", "Eve"]


def png(size=(800, 400), colour=(200, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_statement_and_photo_on_the_ballot_and_the_photo_served(setup):
    election, contests, members, codes = setup
    ada = Candidate.objects.get(contest=contests["stv"], name="Ada")
    ada.statement = "I will <b>fight</b> for members.\n\nSecond paragraph."
    ada.save()
    CandidatePhoto.objects.create(candidate=ada, image=png(), content_type="image/png", digest="d1")
    html = ballot_page(codes[2])
    assert "I will &lt;b&gt;fight&lt;/b&gt; for members." in html and "<p>Second paragraph.</p>" in html
    url = reverse("elections:photo", args=[ada.pk, "d1"])
    assert f'src="{url}"' in html
    served = Client().get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert "immutable" in served["Cache-Control"]
    election.state = "draft"
    election.save()
    assert Client().get(url).status_code == 404  # not public before voting opens


def test_ballots_stay_canonical_whatever_the_order(setup):
    election, contests, members, codes = setup
    contests["stv"].ballot_order = "random"
    contests["stv"].ballot_seed = "seed"
    contests["stv"].save()
    cast(codes[2], {contests["stv"].pk: ["Cy", "Ada"]})
    assert stored(contests["stv"]) == [(["Cy", "Ada"], "1", "")]
