"""A worker killed with SIGKILL in the middle of a cast, after its sealed ballots are written and
before it commits: the cast happened not at all (no code used, no roll mark, no sealed ballot),
and the voter can then cast normally, counted once. On a SQLite file and on PostgreSQL."""

import json
import signal
import sqlite3

import pytest
from django.db import connection

from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import cast
from tallyroom.voting.codes import issued_codes
from tallyroom.voting.models import BallotCode

from . import voter_process


def kill_mid_cast(database_url: str, code: str, choices: dict) -> None:
    """Cast in a child process that hangs inside the transaction once the sealed ballots are
    written; SIGKILL it there."""
    child = voter_process.spawn(database_url, "hang", code, json.dumps(choices))
    try:
        line = child.stdout.readline()
        assert line.strip() == "written", child.stderr.read()
        child.send_signal(signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_cast_killed_before_its_commit_leaves_nothing_on_sqlite(tmp_path):
    path = tmp_path / "box.sqlite3"
    url = f"sqlite:///{path}"
    built = voter_process.run(url, "build", "3")
    member, code = built["members"][2], built["codes"][2]
    stv, chair = str(built["contests"]["stv"]), str(built["contests"]["chair"])
    kill_mid_cast(url, code, {stv: ["Cy", "Ada"], chair: ["Ivy"]})

    db = sqlite3.connect(path)  # a reader finds the dead writer's journal and rolls it back
    assert db.execute("SELECT used_at FROM voting_ballotcode WHERE member_id = ?", [member]).fetchall() == [
        (None,)
    ]
    marks = db.execute("SELECT voted_at FROM roll_rollentry WHERE member_id = ?", [member]).fetchall()
    assert marks == [(None,)] * 3
    assert db.execute("SELECT count(*) FROM ballotbox_sealedballot").fetchone() == (0,)
    db.close()

    again = voter_process.run(url, "vote", json.dumps([[code, {stv: ["Di"], chair: ["Hal"]}]]))
    assert len(again["trackers"][0]) == 3
    opened = voter_process.run(url, "open", *built["shares"][:2])
    assert opened["opened"] == {"stv": 1, "block": 1, "chair": 1}
    db = sqlite3.connect(path)
    ballots = sorted(json.loads(p) for (p,) in db.execute("SELECT preferences FROM ballotbox_ballot"))
    assert ballots == [[], ["Di"], ["Hal"]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cast_killed_before_its_commit_leaves_nothing_on_postgres(voting_election):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    election, contests, members = voting_election(slug="killed", voters=3)
    codes = {m.pk: code for m, code in issued_codes(election)}
    voter = members[2]
    db = connection.settings_dict
    login = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    url = f"postgres://{login}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    kill_mid_cast(url, codes[voter.pk], {contests["stv"].pk: ["Cy", "Ada"], contests["chair"].pk: ["Ivy"]})

    assert BallotCode.objects.get(member=voter, election=election).used_at is None
    assert not RollEntry.objects.filter(member=voter, voted_at__isnull=False).exists()
    assert not SealedBallot.objects.exists()
    receipt = cast(codes[voter.pk], {contests["stv"]: ["Di"], contests["chair"]: ["Hal"]})
    assert len(receipt.trackers) == 3
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    assert sorted(Ballot.objects.values_list("preferences", flat=True)) == [[], ["Di"], ["Hal"]]
