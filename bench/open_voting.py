"""Time opening voting at party size on PostgreSQL: the request, then the job a worker runs.

    .venv/bin/python bench/open_voting.py [--sizes 64000,640000]
    .venv/bin/python bench/run.py open-voting [ARGS]

For each size, in a scratch PostgreSQL database (created and dropped here; DATABASE_URL names the
server, default postgres://postgres@127.0.0.1:5432/postgres): members in 650 units over 11 regions
written with COPY and ANALYZEd, then two elections, each opened by ``lifecycle.open_voting`` (the
request: it records the decision and queues the job) and run by a real worker (``manage db_worker
--batch``, a child process) while this process prints the job's progress from its row:

- the party's election: a national IRV contest with 402,476 eligible and a London STV contest with
  80,238 (at 640,000 members; scaled at other sizes), so codes go to the 402,476;
- a members' ballot: one contest every member may vote in, so 640,000 codes.

Mail goes to Django's file backend (one file per batch, in a temporary folder); 10% of members have
no email and go to the mail-merge file. Prints, per run: the request's time, the job's time, codes
per second, the worker's peak RSS, and how often the progress moved; then the targets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PARTY = 640_000
NATIONAL, LONDON = 402_476, 80_238
UNITS, REGIONS = 650, 11
TARGETS = {"request_s": 1.0, "codes_640k_s": 120.0, "peak_mb": 300.0}


def make_members(size: int) -> None:
    """``size`` members, all active: a NATIONAL share of them members (of whom a LONDON share live in
    London's units), the others registered supporters; one in ten without email."""
    from django.db import transaction

    from tallyroom.organisation.models import Region, Unit
    from tallyroom.roll import bulk
    from tallyroom.roll.models import Member

    rng = random.Random(size)
    regions = Region.objects.bulk_create(
        [Region(code="london", name="London")]
        + [Region(code=f"r{i}", name=f"Region {i}") for i in range(1, REGIONS)]
    )
    units = Unit.objects.bulk_create(
        Unit(code=f"u{i:03d}", name=f"Unit {i}", region=regions[i % REGIONS]) for i in range(UNITS)
    )
    london = [u.pk for u in units if u.region_id == regions[0].pk]
    elsewhere = [u.pk for u in units if u.region_id != regions[0].pk]
    national, in_london = round(NATIONAL * size / PARTY), round(LONDON * size / PARTY)
    eligible = set(rng.sample(range(size), national))
    londoners = set(rng.sample(sorted(eligible), in_london))
    start = date(1990, 1, 1)

    def rows():
        for i in range(size):
            if i in eligible:
                status, category = "active", "member"
                unit = rng.choice(london if i in londoners else elsewhere)
            else:
                status, category = "active", "registered_supporter"  # on the members' ballot only
                unit = rng.choice(elsewhere)
            joined = start + timedelta(days=rng.randrange(12000))
            email = "" if i % 10 == 0 else f"m{i}@example.org"
            yield (
                f"P{i:07d}",
                f"Member {i}",
                email,
                f"{i} High Street\nTown",
                unit,
                joined,
                None,
                status,
                category,
            )

    fields = ("number", "name", "email", "address", "unit_id", "joined", "paid_up_to", "status", "category")
    with transaction.atomic():
        bulk.insert(Member, fields, rows())
    bulk.analyze(Member, Unit, Region)
    print(
        f"    {size:,} members; {national:,} eligible nationally, {in_london:,} of them in London", flush=True
    )


def make_election(slug: str, contests: list[dict]):
    from django.utils import timezone

    from tallyroom.ballotbox import box, keys
    from tallyroom.elections.models import Candidate, Contest, Election
    from tallyroom.organisation.models import Region

    now = timezone.now()
    election = Election.objects.create(
        slug=slug, name=slug, freeze_date=date(2026, 1, 1), voting_opens=now, voting_closes=now + timedelta(7)
    )
    for i, spec in enumerate(contests):
        regions = spec.pop("regions", [])
        contest = Contest.objects.create(election=election, position=i, **spec)
        contest.regions.set(Region.objects.filter(code__in=regions))
        Candidate.objects.bulk_create(
            Candidate(contest=contest, name=f"Candidate {j}", position=j) for j in range(5)
        )
    key, _ = keys.ceremony(("Tina", "Umar", "Vic"), 2)
    box.install_key(election, key, None)
    return election


def pass_checklist(election, user) -> None:
    """What the officer does before opening (elections/checklist.py): build the rolls, send the
    test email. Timed apart from the opening."""
    from tallyroom.elections import checklist
    from tallyroom.roll.eligibility import build_roll

    t = time.perf_counter()
    for contest in election.contests.all():
        build_roll(contest, user=user)
    checklist.send_test_mail(election, user)
    print(f"    checklist (rolls built, test email): {time.perf_counter() - t:.1f} s", flush=True)


def open_and_watch(election, user) -> dict:
    """Open voting (the request), run a worker, print the job's progress; the figures."""
    from tallyroom import lifecycle

    pass_checklist(election, user)
    t = time.perf_counter()
    job = lifecycle.open_voting(election, user)
    request = time.perf_counter() - t
    print(f"    request: {request * 1000:.0f} ms (job {job.pk} {job.state})", flush=True)
    command = [sys.executable, "-m", "tallyroom.web.manage", "db_worker", "--batch", "--no-startup-delay"]
    worker = subprocess.Popen([*command, "--interval", "0", "--no-reload", "-v0"])
    t, moves, last, shown, usage, frozen = time.perf_counter(), 0, -1, 0.0, None, None
    database = Database()
    while usage is None:
        time.sleep(0.25)
        database.sample()
        pid, status, rusage = os.wait4(worker.pid, os.WNOHANG)
        if pid:
            usage, worker.returncode = rusage, os.waitstatus_to_exitcode(status)
        job.refresh_from_db()
        if frozen is None and job.message.startswith("issuing"):
            frozen = time.perf_counter() - t  # the freeze (and ANALYZE) is over: the codes begin
        moves += job.done != last
        last = job.done
        elapsed = time.perf_counter() - t
        if elapsed - shown >= 10:
            shown = elapsed
            print(
                f"    {elapsed:5.0f} s: {job.done:,} of {job.total:,} codes ({job.percent}%) {job.message}",
                flush=True,
            )
    wall = time.perf_counter() - t
    job.refresh_from_db()
    run = (job.finished_at - job.started_at).total_seconds()
    waits = ", ".join(f"{w} {n / database.samples:.0%}" for w, n in database.waits.most_common(6))
    print(f"    worker's database sessions, sampled every 0.25 s: {waits}", flush=True)
    print(f"    issuing's steps (wall s): {job.result.get('seconds')}", flush=True)
    return {
        "request_s": request,
        "job_s": run,
        "freeze_s": frozen or 0.0,
        "wall_s": wall,
        "state": job.state,
        "message": job.message,
        "codes": job.done,
        "total": job.total,
        "moves": moves,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "db_cpu_s": database.cpu_s(),
        "load": os.getloadavg()[0],
    }


class Database:
    """What the worker's PostgreSQL sessions do: their wait events (``pg_stat_activity``, sampled)
    and their CPU time (from /proc: the server runs on this machine)."""

    def __init__(self):
        from collections import Counter

        from django.db import connection

        self.connection, self.waits, self.samples, self.cpu = connection, Counter(), 0, {}

    def sample(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
            rows = cursor.fetchall()
        self.samples += 1
        for pid, state, kind, event in rows:
            if state == "idle":
                what = "idle (the worker computing)"
            elif kind is None:
                what = f"{state}: on CPU"
            else:
                what = f"{state}: {kind}/{event}"
            self.waits[what] += 1
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError):
                pass

    def cpu_s(self) -> float:
        return sum(self.cpu.values())


def explain_batch(election) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of one batch's statements in the middle of the membership, after
    the run (the choosing queries, and the marking UPDATE rolled back)."""
    from django.db import connection, transaction

    from tallyroom.roll.models import Member, RollEntry
    from tallyroom.voting.models import BallotCode, Delivery

    pks = Member.objects.order_by("pk").values_list("pk", flat=True)
    cursor = pks[pks.count() // 2]
    last = list(Member.objects.filter(pk__gt=cursor).order_by("pk").values_list("pk", flat=True)[:1000])[-1]
    span = {"member_id__gt": cursor, "member_id__lte": last}
    contests = list(election.contests.values_list("pk", flat=True))
    queries = {
        "members after the cursor": Member.objects.filter(pk__gt=cursor).order_by("pk")[:1000],
        "their roll entries": RollEntry.objects.filter(contest_id__in=contests, eligible=True, **span),
        "their codes": BallotCode.objects.filter(election=election, **span).values("member_id"),
    }
    ids = list(range(cursor + 1, last + 1))
    for name, query in queries.items():
        plan = query.explain(analyze=True, buffers=True)
        print(f"    EXPLAIN {name}:\n" + "\n".join("      " + line[:160] for line in plan.splitlines()[:8]))
    with transaction.atomic():
        with connection.cursor() as c:
            sql, params = BallotCode.objects.filter(
                election=election, member_id__in=ids
            ).query.sql_with_params()
            table = BallotCode._meta.db_table
            c.execute(
                f"EXPLAIN (ANALYZE, BUFFERS) UPDATE {table} SET delivery = %s, sent_at = now() "
                f"WHERE election_id = %s AND member_id = ANY(%s)",
                [Delivery.SENT, election.pk, ids],
            )
            plan = [row[0] for row in c.fetchall()]
        print("    EXPLAIN the marking UPDATE:\n" + "\n".join("      " + line[:160] for line in plan[:8]))
        transaction.set_rollback(True)


def run_child(size: int) -> None:
    """In this process: set up Django on DATABASE_URL, load, open both elections, print JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")

    os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    make_members(size)
    print(f"    loaded in {time.perf_counter() - t:.1f} s", flush=True)
    user = User.objects.create_user("ro", email="ro@example.org")
    results = {}
    party = make_election(
        "party",
        [
            {"slug": "leader", "name": "Leader", "method": "irv", "categories": ["member"]},
            {
                "slug": "london",
                "name": "London",
                "method": "scottish-stv",
                "seats": 5,
                "categories": ["member"],
                "regions": ["london"],
            },
        ],
    )
    print("  the party's election (national IRV, London STV)", flush=True)
    results["party"] = open_and_watch(party, user)
    explain_batch(party)
    ballot = make_election("ballot", [{"slug": "all", "name": "All members", "method": "plurality"}])
    print("  a members' ballot (every member)", flush=True)
    results["ballot"] = open_and_watch(ballot, user)
    explain_batch(ballot)
    print("RESULT " + json.dumps(results), flush=True)


def scratch_run(url: str, size: int) -> dict:
    import psycopg

    scratch = f"tallyroom_bench_open_{os.getpid()}_{size}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + scratch,
                "TALLYROOM_HOME": home,
                "TALLYROOM_SECRET_KEY": "bench-only-not-secret",
                "TALLYROOM_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "DJANGO_SETTINGS_MODULE": "tallyroom.web.settings",
            }
            out = subprocess.run(
                [sys.executable, __file__, "--run", str(size)],
                env=env,
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout
            result = None
            for line in out.splitlines():
                if line.startswith("RESULT "):
                    result = json.loads(line[len("RESULT ") :])
                else:
                    print(line)
            mail = sum(f.stat().st_size for f in Path(home, "var", "mail").glob("*"))
            files = len(list(Path(home, "var", "mail").glob("*")))
            print(f"    mail backend: {files} files, {mail / 1e6:.0f} MB", flush=True)
            return result
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')


def table(figures: dict[int, dict]) -> None:
    sizes = sorted(figures)
    print()
    print(f"{'':28}" + "".join(f"{s:>16,}" for s in sizes) + "   members")
    for name, label in (("party", "party election"), ("ballot", "members' ballot")):
        rows = [
            ("codes issued", lambda r: f"{r['codes']:,}"),
            ("request (ms)", lambda r: f"{r['request_s'] * 1000:.0f}"),
            ("job (s)", lambda r: f"{r['job_s']:.1f}"),
            ("of it, freezing (s)", lambda r: f"{r.get('freeze_s', 0):.1f}"),
            ("codes per second", lambda r: f"{r['codes'] / r['job_s']:,.0f}"),
            ("worker CPU (s)", lambda r: f"{r['cpu_s']:.1f}"),
            ("database CPU (s)", lambda r: f"{r.get('db_cpu_s', 0):.1f}"),
            ("load average at the end", lambda r: f"{r.get('load', 0):.1f}"),
            ("CPU per code (us)", lambda r: f"{r['cpu_s'] / r['codes'] * 1e6:.0f}"),
            ("worker peak RSS (MB)", lambda r: f"{r['peak_mb']:.0f}"),
            ("progress moves", lambda r: f"{r['moves']}"),
            ("state", lambda r: r["state"]),
        ]
        print(label)
        for title, show in rows:
            print(f"  {title:26}" + "".join(f"{show(figures[s][name]):>16}" for s in sizes))
    if len(sizes) > 1:
        a, b = figures[sizes[0]]["ballot"], figures[sizes[-1]]["ballot"]
        cpu = (b["cpu_s"] / b["codes"]) / (a["cpu_s"] / a["codes"])
        wall = (b["job_s"] / b["codes"]) / (a["job_s"] / a["codes"])
        print(f"per code at {sizes[-1]:,} / at {sizes[0]:,}: worker CPU {cpu:.2f}, wall {wall:.2f}")
        print("  (1.00 is linear; wall time grows with the machine's load too: see the load averages)")
    print()
    worst_request = max(r["request_s"] for f in figures.values() for r in f.values())
    peak = max(r["peak_mb"] for f in figures.values() for r in f.values())
    print(
        f"target request < {TARGETS['request_s']:.0f} s: {worst_request * 1000:.0f} ms "
        f"{'met' if worst_request < TARGETS['request_s'] else 'MISSED'}"
    )
    if PARTY in figures:
        full = figures[PARTY]["ballot"]
        over = full["job_s"] - TARGETS["codes_640k_s"]
        verdict = "met" if over <= 0 and full["codes"] == PARTY else f"MISSED by {over:.1f} s"
        print(f"target 640,000 codes within {TARGETS['codes_640k_s']:.0f} s: {full['job_s']:.1f} s {verdict}")
    print(
        f"target worker peak RSS < {TARGETS['peak_mb']:.0f} MB: {peak:.0f} MB "
        f"{'met' if peak < TARGETS['peak_mb'] else 'MISSED'}"
    )


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        run_child(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"{PARTY // 10},{PARTY}", help="members, comma-separated")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    figures = {}
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size:,} members on PostgreSQL", flush=True)
        figures[size] = scratch_run(url, size)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    table(figures)


if __name__ == "__main__":
    main()
