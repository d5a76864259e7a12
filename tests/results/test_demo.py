"""The demo loads through the ordinary functions, loads again without change, leaves codes a
newcomer can vote with, and every contest counts once voting closes."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tallyroom import demo
from tallyroom.ballotbox.models import SealedBallot
from tallyroom.elections.models import Election
from tallyroom.lifecycle import close_voting, open_box
from tallyroom.lifecycle import count as count_contest
from tallyroom.voting.casting import cast
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_demo_loads_twice_and_leaves_codes_to_vote_with(var, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Demo election: Thames Regional Board 2025 (voting open)" in first
    ballots = SealedBallot.objects.count()
    election, codes = demo.load()
    # the conference demo's polls are elections of their own (tests/conference/test_demo.py)
    assert Election.objects.filter(poll__isnull=True).count() == 1 and election.state == Election.State.VOTING
    assert SealedBallot.objects.count() == ballots > 0
    assert len(codes) == demo.SPARE_CODES and all(code in first for code in codes)
    assert (var / "demo" / "codes.txt").read_text().split() == codes
    for name, (password, _) in demo.LOGINS.items():
        assert User.objects.get(username=name).check_password(password)
        assert f"{name:<11} password {password}" in first
    assert all(str(path) in first for path in demo.share_files())
    assert f"/appeals/elections/{demo.SLUG}/cases/" in first and "/appeals/\n" in first
    contests = {c.slug: c for c in election.contests.all()}
    assert contests["clp-north"].constraint_lines() == ["woman>=1"]
    assert {c.method for c in contests.values()} == {"scottish-stv", "wigm", "irv"}
    cast(codes[0], {})
    _, again = demo.load()
    assert codes[0] not in again and len(again) == demo.SPARE_CODES
    assert BallotCode.objects.filter(used_at__isnull=True).count() >= demo.SPARE_CODES


def test_every_demo_contest_counts_once_voting_closes(var):
    election, _ = demo.load()
    officer = User.objects.get(username="ro")
    close_voting(election, officer)
    shares = [p.read_text() for p in demo.share_files()]
    assert "Tessa Trustee" in "".join(demo.TRUSTEES) and len(shares) == 3
    open_box(election, officer, shares[1:])
    for contest in election.contests.all():
        count = count_contest(contest, officer)
        assert len(count.elected) == contest.seats
    north = election.contests.get(slug="clp-north").counts.get()
    women = {c.name for c in election.contests.get(slug="clp-north").candidates.filter(groups="woman")}
    assert women & set(north.elected)
