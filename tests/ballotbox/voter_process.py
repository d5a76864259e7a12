"""A separate process for the attack and crash tests: it runs tallyroom against the database that
``DATABASE_URL`` names (a SQLite file, or the PostgreSQL test database of the parent) and prints
one JSON line of results. The parent then examines the database as an insider would, or kills it.

    voter_process.py build VOTERS         migrate; an open election with a trustees' key; its codes
    voter_process.py vote PLAN            voters in turn take the web steps (PLAN: a JSON list of
                                          [code, {"contest id": [names]}]); their trackers
    voter_process.py hang CODE CHOICES    cast(), then sleep inside the transaction after the
                                          sealed ballots are written (prints "written" first)
    voter_process.py open SHARE SHARE..   close voting and open the box; the ballots per contest
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: builders, ballotbox.web
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.test_settings")
HANG_SECONDS = 120
SCRIPT = Path(__file__).resolve()


def spawn(database_url: str, *args: str) -> subprocess.Popen:
    """This script, in a new process on ``database_url``, its output piped (for the parent)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(database_url: str, *args: str) -> dict:
    """This script's JSON result, run to the end on ``database_url`` (for the parent)."""
    child = spawn(database_url, *args)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return json.loads(out.splitlines()[-1])


def build(voters: int) -> dict:
    from django.core.management import call_command

    import builders
    from tallyroom.voting.codes import issued_codes

    call_command("migrate", verbosity=0)
    election, contests, members = builders.voting_election(slug="child", voters=voters, key=True)
    codes = {m.pk: code for m, code in issued_codes(election)}
    return {
        "election": election.pk,
        "contests": {slug: c.pk for slug, c in contests.items()},
        "codes": [codes[m.pk] for m in members],
        "members": [m.pk for m in members],
        "shares": election.shares,
    }


def choices(chosen: dict[str, list[str]]) -> dict:
    from tallyroom.elections.models import Contest

    return {Contest.objects.get(pk=int(pk)): names for pk, names in chosen.items()}


def vote(plan: str) -> dict:
    from django.test import Client

    from ballotbox.web import vote as web_vote

    return {
        "trackers": [web_vote(Client(), code, choices(chosen)).trackers for code, chosen in json.loads(plan)]
    }


def hang(code: str, chosen: str) -> dict:
    from django.db import connection

    from tallyroom.ballotbox.models import SealedBallot
    from tallyroom.voting.casting import cast

    def write_then_hang(execute, sql, params, many, context):
        out = execute(sql, params, many, context)
        if sql.startswith(f"INSERT INTO {SealedBallot._meta.db_table}"):
            print("written", flush=True)
            time.sleep(HANG_SECONDS)
        return out

    with connection.execute_wrapper(write_then_hang):
        cast(code, {int(pk): names for pk, names in json.loads(chosen).items()})
    return {"cast": "not killed"}


def open_box(shares: list[str]) -> dict:
    from tallyroom import lifecycle
    from tallyroom.ballotbox.models import Ballot
    from tallyroom.elections.models import Election

    election = Election.objects.get(slug="child")
    lifecycle.close_voting(election, None)
    opened = lifecycle.open_box(election, None, shares)
    return {"opened": opened, "ballots": Ballot.objects.filter(contest__election=election).count()}


def main(argv: list[str]) -> None:
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host, as under pytest
    command, *args = argv
    if command == "build":
        out = build(int(args[0]))
    elif command == "vote":
        out = vote(args[0])
    elif command == "hang":
        out = hang(args[0], args[1])
    elif command == "open":
        out = open_box(args)
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
