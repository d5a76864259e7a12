"""docs/secrecy.md's key ceremony followed on the command line: `tallyroom keys ceremony` off the
server, `manage install_key`, voting, `manage open_box` with share files or shares on stdin."""

import io
import stat

import pytest
from django.core.management import CommandError, call_command

import builders as build
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.cli import main as tallyroom
from tallyroom.elections.models import Election
from tallyroom.lifecycle import close_voting
from tallyroom.voting.casting import cast
from tallyroom.voting.codes import issued_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceremony(tmp_path, capsys):
    out = tmp_path / "ceremony"
    trustees = [a for name in ("Tessa Jones", "Umar Khan", "Vera Lewis") for a in ("--trustee", name)]
    assert tallyroom(["keys", "ceremony", *trustees, "--threshold", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 of 3 trustees open the box" in printed and "share-2-umar-khan.txt" in printed
    return out


def test_the_documented_ceremony_installs_and_opens_a_box(ceremony, monkeypatch):
    shares = sorted(ceremony.glob("share-*.txt"))
    assert [p.name for p in shares] == [
        "share-1-tessa-jones.txt",
        "share-2-umar-khan.txt",
        "share-3-vera-lewis.txt",
    ]
    for p in shares:  # each trustee's alone: nobody else on the ceremony machine may read it
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert p.read_text().startswith("tallyroom-share-v1:")
    assert "private" not in (ceremony / "election-key.json").read_text()

    election, contests, _ = build.voting_election(voters=4)
    Election.objects.filter(pk=election.pk).update(state=Election.State.DRAFT)
    out = io.StringIO()
    call_command("install_key", election.slug, str(ceremony / "election-key.json"), stdout=out)
    assert "2 of 3 trustees" in out.getvalue()
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    codes = {r.number: c for r, c in issued_codes(election)}
    cast(codes[f"{election.slug}-0001"], {contests["stv"]: ["Cy", "Ada"], contests["chair"]: ["Hal"]})
    cast(codes[f"{election.slug}-0002"], {contests["chair"]: ["Ivy"]})  # blank in stv and block
    close_voting(election, None)

    with pytest.raises(CommandError, match="2 trustees' shares are needed to open the box; 1 given"):
        call_command("open_box", election.slug, str(shares[0]), stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="nowhere.txt"):
        call_command("open_box", election.slug, str(ceremony / "nowhere.txt"))
    assert SealedBallot.objects.count() == 5 and not Ballot.objects.exists()

    monkeypatch.setattr("sys.stdin", io.StringIO(shares[0].read_text() + "\n" + shares[2].read_text()))
    out = io.StringIO()
    call_command("open_box", election.slug, "-", stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines() == [
        "stv: 2 ballots opened",
        "block: 1 ballot opened",
        "chair: 2 ballots opened",
    ]
    assert Ballot.objects.count() == 5 and not SealedBallot.objects.exists()
