"""Time a class decision: 130,000 members of a 640,000-member roll, excluded for joining after
the freeze date, put back on the roll by one upheld class decision, their ballot codes issued and
emailed, while voters go on casting ballots. PostgreSQL only (DATABASE_URL), in a scratch
database created and dropped here.

Set-up (not timed for the target): the members and the roll written with COPY, the trustees' key,
the roll frozen, voting open and a code issued to each of the 510,000 eligible members. Then a
thread casts ballots with known codes throughout, and the class decision is made
(``appeals.classes.decide_class``: ``roll.decisions.decide_many``, then codes issued and sent on
commit: an issuing job, run here in place of a worker). Prints the decision's time, the job's,
and the casting latency before and during them.
Run with ``.venv/bin/python bench/class_decision.py [members] [excluded]``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_SECONDS = 60.0
FREEZE = date(2016, 1, 12)
WINDOW = (date(2016, 1, 13), date(2016, 7, 12))
VOTERS = 3000


def setup(members: int, excluded: int):
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from tallyroom.appeals.models import AppealRules
    from tallyroom.ballotbox import box, keys
    from tallyroom.elections.models import Candidate, Contest, Election
    from tallyroom.organisation.models import Region, Unit
    from tallyroom.roll import bulk
    from tallyroom.roll.eligibility import JOINED_LATE
    from tallyroom.roll.models import Member, RollEntry
    from tallyroom.voting.codes import issued_codes
    from tallyroom.web.access import APPEALS_PANEL

    region = Region.objects.create(code="r", name="Region")
    unit = Unit.objects.create(code="u", name="Unit", region=region)
    now = timezone.now()
    election = Election.objects.create(
        slug="leader",
        name="Leadership 2016",
        freeze_date=FREEZE,
        voting_opens=now - timedelta(hours=1),
        voting_closes=now + timedelta(days=14),
    )
    contest = Contest.objects.create(election=election, slug="leader", name="Leader", method="irv")
    for i, name in enumerate(("Owen", "Jeremy")):
        Candidate.objects.create(contest=contest, name=name, position=i)
    key, _ = keys.ceremony(("T1", "T2", "T3"), 2)
    box.install_key(election, key, None)
    t = time.perf_counter()
    late = set(range(0, members, members // excluded)[:excluded])
    span = (WINDOW[1] - WINDOW[0]).days
    rows = (
        (
            f"L{i:07d}",
            f"Member {i}",
            f"m{i}@example.org",
            "",
            unit.pk,
            WINDOW[0] + timedelta(days=i % span)
            if i in late
            else date(2000, 1, 1) + timedelta(days=i % 5000),
            "active",
            "member",
        )
        for i in range(members)
    )
    fields = ("number", "name", "email", "address", "unit_id", "joined", "status", "category")
    bulk.insert(Member, fields, rows)
    ids = list(Member.objects.order_by("pk").values_list("pk", "joined"))
    bulk.insert(
        RollEntry,
        ("contest_id", "member_id", "eligible", "reason", "weight", "college", "channel"),
        (
            (contest.pk, pk, joined <= FREEZE, "" if joined <= FREEZE else JOINED_LATE, 1, "", "")
            for pk, joined in ids
        ),
    )
    contest.freeze_roll()
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    election.refresh_from_db()
    print(f"  set-up: {members:,} members and roll entries written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    pairs = issued_codes(election)
    print(f"  set-up: {len(pairs):,} codes issued to the eligible in {time.perf_counter() - t:.1f} s")
    AppealRules.objects.create(election=election, appeals_close=now + timedelta(days=7), quorum=2)
    group = Group.objects.create(name=APPEALS_PANEL)
    panel = [User.objects.create_user(f"panel{i}") for i in range(2)]
    for user in panel:
        user.groups.add(group)
    return election, contest, [code for _, code in pairs[:VOTERS]], panel


def voter(codes_file: str, contest_id: int) -> None:
    """In a process of its own (as a web worker would be): cast a ballot with each code, printing
    each cast's start (epoch seconds) and latency as JSON lines."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")

    os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
    django.setup()
    from tallyroom.voting.casting import cast

    for code in Path(codes_file).read_text().split():
        started, t = time.time(), time.perf_counter()
        cast(code, {contest_id: ["Jeremy", "Owen"]})
        print(json.dumps([started, time.perf_counter() - t]), flush=True)
        time.sleep(0.02)


def run(members: int, excluded: int) -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")

    os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from tallyroom.appeals.classes import decide_class
    from tallyroom.appeals.models import Outcome
    from tallyroom.audit.models import Event
    from tallyroom.jobs import runner as jobs
    from tallyroom.jobs.models import Job
    from tallyroom.roll.eligibility import JOINED_LATE
    from tallyroom.roll.models import RollEntry
    from tallyroom.voting.models import BallotCode

    call_command("migrate", verbosity=0)
    print(f"  {connection.vendor} {connection.Database.__name__}")
    election, contest, codes, panel = setup(members, excluded)
    codes_file = Path(os.environ["TALLYROOM_HOME"]) / "codes.txt"
    codes_file.write_text("\n".join(codes))
    voters = subprocess.Popen(
        [sys.executable, __file__, "--vote", str(codes_file), str(contest.pk)],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)  # casting before the decision: the baseline
    t, began, began_epoch = time.perf_counter(), timezone.now(), time.time()
    decision = decide_class(
        election,
        [contest],
        JOINED_LATE,
        Outcome.UPHELD,
        "joined between 13 January and 12 July: the retrospective freeze is set aside",
        panel,
        panel[0],
        *WINDOW,
    )
    took = time.perf_counter() - t
    job = jobs.active(election, Job.Kind.ISSUE_CODES)  # queued by the decision; no worker here
    jobs.run_inline(job)
    ended_epoch, total = time.time(), time.perf_counter() - t
    time.sleep(2)
    voters.terminate()
    casts = [json.loads(line) for line in voters.communicate()[0].splitlines()]
    issued = BallotCode.objects.filter(election=election, member__joined__gt=FREEZE)
    on_roll = RollEntry.objects.filter(contest=contest, eligible=True).count()
    rolled = Event.objects.filter(verb="roll.decisions").order_by("seq").last().at
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  class decision: {decision.touched:,} put on the roll ({on_roll:,} of {members:,} now on it)")
    print(f"    (load average {load} on {os.cpu_count()} CPUs)")
    print(f"    roll decisions written          {(rolled - began).total_seconds():6.1f} s")
    print(f"    the decision returns            {took:6.1f} s  (codes left to the issuing job)")
    met = "met" if total < TARGET_SECONDS else "NOT met"
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    print(
        f"    {issued.count():,} codes issued and sent {total:6.1f} s  "
        f"(target {TARGET_SECONDS:.0f} s: {met}; "
        f"mail backend {backend}; job {job.pk} {job.state})"
    )
    for label, flag in (("before", False), ("during", True)):
        xs = [s for at, s in casts if (began_epoch <= at <= ended_epoch) is flag]  # decision and job
        if xs:
            worst = max((s, at) for at, s in casts if (began_epoch <= at <= ended_epoch) is flag)
            print(
                f"  casting {label} it: {len(xs)} ballots, median {statistics.median(xs) * 1000:.0f} ms, "
                f"slowest {max(xs) * 1000:.0f} ms (at {worst[1] - began_epoch:+.1f} s)"
            )


def main() -> None:
    if sys.argv[1:2] == ["--vote"]:
        voter(sys.argv[2], int(sys.argv[3]))
        return
    if sys.argv[1:2] == ["--run"]:
        run(int(sys.argv[2]), int(sys.argv[3]))
        return
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 640_000
    excluded = int(sys.argv[2]) if len(sys.argv) > 2 else 130_000
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("class decision: skipped (DATABASE_URL is not a PostgreSQL URL)")
        return
    import psycopg

    scratch = f"tallyroom_bench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp, psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            env = {
                **os.environ,
                "TALLYROOM_SECRET_KEY": "bench-only",
                "TALLYROOM_HOME": str(Path(tmp)),
                "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + scratch,
            }
            print(f"Class decision: {excluded:,} of {members:,} members, PostgreSQL")
            subprocess.run(
                [sys.executable, __file__, "--run", str(members), str(excluded)], env=env, check=True
            )
        finally:
            admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')


if __name__ == "__main__":
    main()
