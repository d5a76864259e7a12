"""Time every staff and returning-officer page at party size on PostgreSQL.

    .venv/bin/python bench/staff_pages.py [--sizes 64000,640000] [--repeats 3] [--only NAME,...]
    .venv/bin/python bench/staff_pages.py --reuse tallyroom_bench_scale_... [--only NAME,...]
    .venv/bin/python bench/run.py staff-pages [ARGS]

For each size, in a scratch PostgreSQL database (its name contains ``scale``; created and dropped
here; DATABASE_URL names the server, default postgres://postgres@127.0.0.1:5432/postgres): members
in 650 units over 11 regions (``open_voting.make_members``: COPY, then ANALYZE), the party's
election (a national IRV contest with 402,476 eligible and a London STV contest with 80,238 at
640,000 members, scaled at other sizes), both rolls built and frozen, a code for every voter
(COPY), a quarter of them voted over two days (their ballots sealed into the box), 300 appeals, a
national conference of a delegation per unit (entitlements worked out from the members).

The pages are listed from the URL conf, so none is missed: every pattern is either timed (with
the arguments ``ARGUMENTS`` gives it, and the variants ``VARIANTS`` adds: a search, the last page)
or printed as not timed with the reason. Each page is fetched through Django's test client, signed
in as a superuser (who holds every role and so sees every button), ``--repeats`` times; the table
gives the median wall and CPU seconds, the queries, the status, the bytes, and whether it is under
0.5 s. A streamed response (an export) is read to its end; its time to the first chunk is shown
too, and the Python memory it allocated at most while being read (tracemalloc, a separate pass).
Pages are timed twice: while voting is open, and after the close, the box opened and both contests
counted and published (the results pages). ``--reuse`` times a database kept by ``--keep`` again,
as it was left (results published), without building anything: to try a change at party size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta

TARGET_S = 0.5
TURNOUT = 0.25
APPEALS = 300
# Not staff pages, or not for this bench: the pattern name's prefix and why.
NOT_TIMED = {
    "login": "sign-in page (no data)",
    "two_factor": "sign-in's second step, or setting up an authenticator with a set-up code (no data)",
    "logout": "POST: signs out",
    "set_language": "voter's language choice (a POST)",
    "voting:enter": "voter page (no data)",
    "voting:ballot": "voter page (needs a code)",
    "voting:cast": "voter page (needs a code)",
    "appeals:lookup": "member page (no data)",
    "appeals:access": "member page (needs a link)",
    "appeals:code": "member page (needs a code)",
    "appeals:standing": "member page (needs a code)",
    "appeals:appeal": "member page (needs a code)",
    "appeals:tender": "voter page (needs a provisional ballot)",
    "appeals:tender_cast": "voter page (needs a provisional ballot)",
    "appeals:file": "an evidence file (none uploaded here)",
    "appeals:panel_remove": "POST: removes a panel member",
    "appeals:class": "a class decision (bench/class_decision.py times one at party size)",
    "elections:photo": "a candidate's photo (none uploaded here)",
    "voting:codes_download": "a mail-merge file (none written here: codes are COPYed)",
    "voting:codes_delete": "POST: deletes a mail-merge file",
    "voting:reissue_approve": "POST: approves a reissue",
    "results:forecast": "a forecast (none is run here: a forecast is a job on uploaded canvass returns)",
    "results:forecast_file": "a forecast's file (none is run here)",
    "conference:compute": "POST: works out every CLP's entitlement (done once here, its time printed)",
    "conference:import": "POST: names delegates from a file",
    "conference:challenge": "POST: raises a challenge to an entitlement",
    "conference:decide": "POST: decides a challenge",
    "conference:badges": "POST: prints badges (none named here)",
    "conference:poll_action": "POST: the chair's action on a poll",
    "conference:tellers": "a poll's paper ballots (bench/conference.py times polls, at 1,000 delegates)",
    "conference:line_items": "a poll's line items (bench/conference.py times polls, at 1,000 delegates)",
    "conference:enter": "delegate page (no data)",
    "conference:kiosk": "delegate page (a kiosk's)",
    "conference:kiosk_setup": "a kiosk's one-time set-up address",
    "conference:ballot": "delegate page (needs a badge code; bench/conference.py casts through it)",
    "anymail:": "a mail service's delivery reports (a POST with the webhook's secret)",
    "account_set_up_code": "POST: issues an account a one-time set-up code",
    "account_reset_authenticator": "the officer resets another account's authenticator (a form and its POST)",
}


def not_timed(name: str) -> str:
    """Why the pattern ``name`` is not timed ("" if it is)."""
    return next(
        (w for p, w in NOT_TIMED.items() if name == p or (p.endswith(":") and name.startswith(p))), ""
    )


def arguments(ctx: dict) -> dict[str, dict]:
    """URL kwargs for each pattern name timed (``ctx`` holds the objects made)."""
    e, c = ctx["election"], ctx["contest"]
    contest = {"slug": e, "pk": c}
    result = {"election_slug": e, "contest_slug": ctx["contest_slug"]}
    return {
        "home": {},
        "accounts": {},
        "account_new": {},
        "account_edit": {"pk": ctx["user"]},
        "organisation:index": {},
        "organisation:new": {"kind": "unit"},
        "organisation:edit": {"kind": "unit", "pk": ctx["unit"]},
        "roll:index": {},
        "roll:import": {},
        "roll:contest": {"pk": c},
        "roll:build": {"pk": c},
        "roll:export": {"pk": c},
        "roll:decision": {"entry": ctx["entry"]},
        "roll:contact_find": {},
        "roll:contact": {"number": ctx["number"]},
        "elections:index": {},
        "elections:election_new": {},
        "elections:election": {"slug": e},
        "elections:election_edit": {"slug": e},
        "elections:contest_new": {"slug": e},
        "elections:contest": contest,
        "elections:contest_edit": contest,
        "elections:candidate_new": contest,
        "elections:candidate_edit": contest | {"candidate": ctx["candidate"]},
        "elections:nomination_add": contest | {"candidate": ctx["candidate"]},
        "elections:nomination_delete": contest | {"nomination": 0},
        "elections:slate_new": {"slug": e},
        "elections:slate_edit": {"slug": e, "slate": ctx["slate"]},
        "voting:lists": {"election": e},
        "voting:list": {"election": e, "contest": ctx["contest_slug"]},
        "voting:list_txt": {"election": e, "contest": ctx["contest_slug"]},
        "voting:codes": {"election": e},
        "voting:codes_issue": {"election": e},
        "voting:codes_reissue": {"election": e},
        "voting:reissues": {"election": e},
        "voting:preview": {"election": e},
        "voting:reminders": {"election": e},
        "voting:reminders_send": {"election": e},
        "voting:reminders_schedule": {"election": e},
        "voting:turnout": {"election": e},
        "voting:turnout_csv": {"election": e},
        "voting:voted_csv": {"election": e},
        "results:index": {},
        "results:dashboard": {},
        **{
            f"results:{n}": {"election_slug": e}
            for n in ("election", "open", "checklist", "key", "mail_test", "close", "extend", "reopen")
        },
        "results:open_box": {"election_slug": e},
        "results:forecasts": {"election_slug": e},
        "results:election_results": {"election_slug": e},
        "results:count": result,
        "results:review": result,
        "results:publish": result,
        "results:contest": result,
        "results:download": result | {"name": "result.json"},
        "audit:events": {},
        "audit:export": {},
        "audit:public_key": {},
        "audit:election_public_key": {"election_slug": e},
        "jobs:job": {"pk": ctx["job"]},
        "jobs:json": {"pk": ctx["job"]},
        "jobs:retry": {"pk": ctx["job"]},
        "appeals:elections": {},
        "appeals:panel": {},
        "appeals:rules": {"election": e},
        "appeals:cases": {"election": e},
        "appeals:class_decision": {"election": e},
        "appeals:register": {"election": e},
        "appeals:statistics": {"election": e},
        "appeals:case": {"pk": ctx["case"]},
        # (no conference in tests/results/test_welsh_pages.py's context: it walks none)
        **{
            f"conference:{n}": {"slug": ctx.get("conference", "")}
            for n in ("conference", "entitlement_csv", "desk", "chair", "new_poll", "kiosks", "projector")
        },
        "conference:delegation": {"slug": ctx.get("conference", ""), "pk": ctx.get("delegation", 0)},
    }


def variants(ctx: dict) -> dict[str, list[tuple[str, str]]]:
    """Further queries of a page: (label, query string)."""
    return {
        "roll:contest": [
            ("search by name", "q=Member 12345"),
            ("search by number", f"q={ctx['number']}"),
            ("excluded only", "standing=excluded"),
            ("a page in the middle", f"after={ctx['middle']}"),
            ("the page before it", f"before={ctx['middle']}"),
            ("last page", "last=1"),
            ("last page, excluded only", "last=1&standing=excluded"),
        ],
        "voting:list": [("a tracker sought", f"tracker={ctx['tracker']}"), ("last page", "page=last")],
        "audit:events": [("last page", "page=last")],
        "results:download": [("ballots", f"name={ctx['ballots_name']}")],
        "admin:roll_member_changelist": [("search", "q=Member 12345")],
    }


def patterns():
    """``(name, route)`` of every URL pattern; admin as its index and changelists."""
    from django.contrib import admin
    from django.urls import URLResolver, get_resolver

    def walk(items, prefix="", namespace=None):
        for p in items:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    yield "admin:index", prefix + str(p.pattern)
                    for model in admin.site._registry:
                        meta = model._meta
                        yield f"admin:{meta.app_label}_{meta.model_name}_changelist", ""
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            else:
                yield (f"{namespace}:{p.name}" if namespace else p.name), prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


def fetch(client, url: str) -> dict:
    """One GET, the body read to its end: seconds (wall, this process's CPU, the PostgreSQL
    backend's CPU), to the first chunk, queries."""
    from cast_ballots import backend_pids, cpu_seconds, spent
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    backend = backend_pids(own=True)
    with CaptureQueriesContext(connection) as queries:
        db = cpu_seconds(backend)
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        first = time.perf_counter() - wall
        size = 0
        if response.streaming:
            for chunk in response.streaming_content:
                if not size:
                    first = time.perf_counter() - wall
                size += len(chunk)
        else:
            size = len(response.content)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db = spent(db, cpu_seconds(backend))
    return {
        "wall": wall,
        "cpu": cpu,
        "db": db,
        "first": first,
        "queries": len(queries),
        "status": response.status_code,
        "bytes": size,
        "streaming": response.streaming,
    }


def streamed_peak(client, url: str) -> float:
    """The most Python memory (MB) reading ``url``'s streamed body allocated at once."""
    tracemalloc.start()
    try:
        response = client.get(url)
        for _ in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def time_pages(client, ctx: dict, phase: str, repeats: int, only: set[str]) -> list[dict]:
    from django.urls import NoReverseMatch, reverse

    args, more, rows = arguments(ctx), variants(ctx), []
    for name, _route in patterns():
        if only and name not in only:
            continue
        why = not_timed(name)
        if why:
            rows.append({"phase": phase, "page": name, "skipped": why})
            continue
        try:
            url = (
                reverse(name, kwargs=args.get(name) or None)
                if not name.startswith("admin:")
                else reverse(name)
            )
        except NoReverseMatch:
            rows.append({"phase": phase, "page": name, "skipped": "no arguments known (add to ARGUMENTS)"})
            continue
        queries = [("", "")] + more.get(name, [])
        for label, query in queries:
            if name == "results:download" and query:
                url = reverse(name, kwargs=args[name] | {"name": query.split("=", 1)[1]})
                query = ""
            full = f"{url}?{query}" if query else url
            runs = [fetch(client, full)]
            if not runs[0]["streaming"]:  # an export is read once: its first chunk is what is timed
                runs += [fetch(client, full) for _ in range(repeats - 1)]
            row = {
                "phase": phase,
                "page": name + (f" ({label})" if label else ""),
                "url": full,
                "wall": statistics.median(r["wall"] for r in runs),
                "cpu": statistics.median(r["cpu"] for r in runs),
                "db": statistics.median(r["db"] for r in runs),
                "first": statistics.median(r["first"] for r in runs),
                **{k: runs[-1][k] for k in ("queries", "status", "bytes", "streaming")},
            }
            if row["streaming"] and row["status"] == 200:
                row["peak_mb"] = streamed_peak(client, full)
            rows.append(row)
            print(
                f"      {row['wall']:7.3f} s {row['queries']:4} q {row['status']} {row['page']}", flush=True
            )
    return rows


def make_party(size: int, user) -> dict:
    """The party's election at ``size`` members: rolls built and frozen, codes, a quarter voted."""
    import open_box
    from django.db import connection, transaction
    from django.utils import timezone
    from open_voting import LONDON, NATIONAL, PARTY

    from tallyroom.appeals.models import Case
    from tallyroom.ballotbox import box, keys
    from tallyroom.ballotbox.models import ElectionKey
    from tallyroom.elections.models import Candidate, Contest, Election, Slate
    from tallyroom.organisation.models import Region
    from tallyroom.roll import bulk
    from tallyroom.roll.eligibility import freeze_rolls
    from tallyroom.roll.models import Member, RollEntry
    from tallyroom.voting.models import BallotCode

    now = timezone.now()
    election = Election.objects.create(
        slug="party",
        name="Party",
        freeze_date="2026-01-01",
        voting_opens=now - timedelta(2),
        voting_closes=now + timedelta(5),
    )
    slate = Slate.objects.create(election=election, name="Forward")
    for i, (slug, method, seats, regions) in enumerate(
        (("leader", "irv", 1, []), ("london", "scottish-stv", 5, ["london"]))
    ):
        contest = Contest.objects.create(
            election=election,
            position=i,
            slug=slug,
            name=slug.title(),
            method=method,
            seats=seats,
            categories=["member"],
        )
        contest.regions.set(Region.objects.filter(code__in=regions))
        candidates = Candidate.objects.bulk_create(
            Candidate(contest=contest, name=f"Candidate {j}", position=j) for j in range(8)
        )
        slate.candidates.add(*candidates[:3])
    key, shares = keys.ceremony(("Tina", "Umar", "Vic"), 2)
    box.install_key(election, key, None)
    t = time.perf_counter()
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    freeze_rolls(election, user)
    bulk.analyze(RollEntry)
    print(f"    rolls built and frozen in {time.perf_counter() - t:.1f} s", flush=True)
    rng = random.Random(size)
    voters = list(
        RollEntry.objects.filter(contest__election=election, eligible=True)
        .values_list("member_id", flat=True)
        .distinct()
        .order_by("member_id")
    )
    voted = set(rng.sample(voters, round(len(voters) * TURNOUT)))
    when = {m: now - timedelta(seconds=rng.randrange(2 * 86400)) for m in voted}
    with transaction.atomic():
        rows = (
            (
                election.pk,
                m,
                rng.randbytes(16),
                now,
                now,
                "posted" if m % 10 == 0 else "sent",
                when.get(m),
            )
            for m in voters
        )
        bulk.insert(
            BallotCode,
            ("election_id", "member_id", "code_hash", "issued_at", "sent_at", "delivery", "used_at"),
            rows,
        )
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE voted (member_id int PRIMARY KEY, at timestamptz)")
            with cursor.cursor.copy("COPY voted FROM STDIN") as copy:
                for m, at in when.items():
                    copy.write_row((m, at))
            cursor.execute(
                f"UPDATE {RollEntry._meta.db_table} r SET voted_at = v.at, channel = 'online' FROM voted v "
                "WHERE r.member_id = v.member_id AND r.eligible AND r.contest_id IN "
                f"(SELECT id FROM {Contest._meta.db_table} WHERE election_id = %s)",
                [election.pk],
            )
            cursor.execute("DROP TABLE voted")
    public = ElectionKey.objects.get(election=election).public
    t = time.perf_counter()
    for contest in election.contests.all():
        n = RollEntry.objects.filter(contest=contest, voted_at__isnull=False).count()
        open_box.fill_box(contest, public, n, processes=2)
    bulk.analyze(BallotCode, RollEntry, Member)
    print(
        f"    {len(voters):,} codes, {len(voted):,} voted; ballots sealed in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    leader = election.contests.get(slug="leader")
    appellants = list(
        RollEntry.objects.filter(contest=leader, eligible=False).values_list("member_id", flat=True)[:APPEALS]
    )
    cases = Case.objects.bulk_create(
        Case(election=election, member_id=m, grounds="I paid", lodged_at=now, due_by=now + timedelta(7))
        for m in appellants
    )
    Case.contests.through.objects.bulk_create(
        Case.contests.through(case_id=case.pk, contest_id=leader.pk) for case in cases
    )
    conference, delegation = make_conference(user)
    entry = RollEntry.objects.filter(contest=leader).order_by("pk").first()
    middle = Member.objects.order_by("number").values_list("number", flat=True)[size // 2]
    return {
        "election": election.slug,
        "contest": leader.pk,
        "contest_slug": leader.slug,
        "entry": entry.pk,
        "number": entry.member.number,
        "middle": middle,
        "candidate": leader.candidates.first().pk,
        "slate": slate.pk,
        "unit": entry.member.unit_id,
        "user": user.pk,
        "case": cases[0].pk if cases else 0,
        "conference": conference,
        "delegation": delegation,
        "shares": [s.text for s in shares],
        "sizes": {"national": round(NATIONAL * size / PARTY), "london": round(LONDON * size / PARTY)},
    }


def make_conference(user) -> tuple[str, int]:
    """A national conference of a delegation per unit (its CLP), entitlements worked out from
    the members: its slug and a delegation's pk."""
    from django.utils import timezone

    from tallyroom.conference.delegations import compute_entitlements
    from tallyroom.conference.models import CLP_COLLEGE, Conference, Delegation
    from tallyroom.organisation.models import Unit

    today = timezone.localdate()
    conference = Conference.objects.create(
        slug="national", name="National", held_on=today, counted_as_at=today
    )
    made = Delegation.objects.bulk_create(
        Delegation(conference=conference, kind=Delegation.Kind.CLP, unit=u, name=u.name, college=CLP_COLLEGE)
        for u in Unit.objects.order_by("pk")
    )
    t = time.perf_counter()
    compute_entitlements(conference, user)
    print(f"    {len(made)} CLPs' entitlements worked out in {time.perf_counter() - t:.2f} s", flush=True)
    return conference.slug, made[0].pk


def settle() -> None:
    """What autovacuum does soon after a bulk load (PostgreSQL 13+ vacuums a table after many
    inserts), done now: VACUUM ANALYZE, so the planner's statistics are fresh and index-only scans
    need not visit the table. Then parallel query is turned off for the timed connection, so that
    the backend's CPU seconds are all the database's work (and wall times are not flattered)."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    print(f"    VACUUM ANALYZE in {time.perf_counter() - t:.1f} s", flush=True)


def turnout_plan(slug: str) -> None:
    """Print the plan PostgreSQL runs turnout's one grouped count by (``EXPLAIN ANALYZE`` after
    the ANALYZE), to show it reads the covering indexes alone (Index Only Scan, no heap fetches)."""
    from django.db import connection

    from tallyroom.elections.models import Election
    from tallyroom.voting.turnout import _grouped

    sql, params = _grouped(Election.objects.get(slug=slug)).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        print("    turnout's grouped count:", flush=True)
        for (line,) in cursor.fetchall():
            print(f"      {line}", flush=True)


def close_and_publish(ctx: dict, user) -> None:
    from tallyroom import lifecycle
    from tallyroom.ballotbox.models import ContestBox
    from tallyroom.elections.models import Election
    from tallyroom.results import downloads

    election = Election.objects.get(slug=ctx["election"])
    t = time.perf_counter()
    lifecycle.close_voting(election, user)
    lifecycle.open_box(election, user, ctx["shares"][:2])
    for contest in election.contests.all():
        lifecycle.publish(lifecycle.count(contest, user), user)
    print(f"    closed, opened, counted and published in {time.perf_counter() - t:.1f} s", flush=True)
    leader = election.contests.get(slug="leader")
    ctx["tracker"] = ContestBox.objects.get(contest=leader).tracker_list()[-1]
    ctx["ballots_name"] = downloads.ballots_name(leader.counts.get(published=True))


def save_context(ctx: dict) -> None:
    """Keep ``ctx`` in the scratch database, for ``--reuse``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_context (ctx jsonb)")
        cursor.execute("DELETE FROM bench_context")
        cursor.execute("INSERT INTO bench_context VALUES (%s)", [json.dumps(ctx)])


def reuse_child(repeats: int, only: set[str]) -> None:
    """Time the pages of a kept database as it was left (results published)."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctx FROM bench_context")
        (ctx,) = cursor.fetchone()
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    ctx = json.loads(ctx) if isinstance(ctx, str) else ctx
    client = Client()
    client.force_login(User.objects.get(pk=ctx["user"]))
    print("    results published (reused): timing the pages", flush=True)
    print("RESULT " + json.dumps(time_pages(client, ctx, "results", repeats, only)), flush=True)


def run_child(size: int, repeats: int, only: set[str]) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from open_voting import make_members

    from tallyroom.jobs.models import Job

    setup_test_environment()  # the test client's host allowed
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    make_members(size)
    print(f"    loaded in {time.perf_counter() - t:.1f} s", flush=True)
    user = User.objects.create_superuser("ro", email="ro@example.org")
    ctx = make_party(size, user)
    settle()
    turnout_plan(ctx["election"])
    from tallyroom.elections.models import Election

    ctx["job"] = Job.objects.create(
        kind=Job.Kind.COUNT, election=Election.objects.get(slug="party"), started_by=user
    ).pk
    ctx["tracker"], ctx["ballots_name"] = "", "ballots.blt"
    client = Client()
    client.force_login(user)
    print("    voting open: timing the pages", flush=True)
    rows = time_pages(client, ctx, "voting", repeats, only)
    close_and_publish(ctx, user)
    print("    results published: timing the pages", flush=True)
    rows += time_pages(client, ctx, "results", repeats, only)
    save_context(ctx)
    print("RESULT " + json.dumps(rows), flush=True)


def child(url: str, database: str, command: list[str]) -> list[dict]:
    """Run this file's ``command`` on ``database`` (of the server ``url`` names): its rows."""
    env = {
        **os.environ,
        "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + database,
        "TALLYROOM_SECRET_KEY": "bench-only-not-secret",
        "TALLYROOM_SIGNING_KEY_AUTOCREATE": "1",
        "TALLYROOM_REQUIRE_2FA": "0",
        "DJANGO_SETTINGS_MODULE": "tallyroom.web.settings",
    }
    out = subprocess.run(
        [sys.executable, __file__, *command], env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    rows = []
    for line in out.splitlines():
        if line.startswith("RESULT "):
            rows = json.loads(line[len("RESULT ") :])
        else:
            print(line)
    return rows


def scratch_run(url: str, size: int, args) -> list[dict]:
    import psycopg

    scratch = f"tallyroom_bench_scale_{os.getpid()}_{size}"
    server = url.rsplit("/", 1)[0] + "/postgres"  # create and drop from the server's own database
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        return child(url, scratch, ["--run", str(size), str(args.repeats), args.only])
    finally:
        if args.keep:
            print(f"    kept the database {scratch}", flush=True)
        else:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{scratch}" WITH (FORCE)')


def table(figures: dict[int, list[dict]]) -> None:
    sizes = sorted(figures)
    print()
    head = "".join(f"{f'{s:,}: s':>14}{'cpu':>7}{'db':>7}{'q':>5}" for s in sizes)
    print(f"{'phase':8} {'page':58}{head}  {'status':>6} {'first s':>8} {'MB':>7} {'KB':>9}  < {TARGET_S} s")
    keyed = {s: {(r["phase"], r["page"]): r for r in figures[s]} for s in sizes}
    largest = keyed[sizes[-1]]
    skipped = []
    misses = []
    for key, big in largest.items():
        if "skipped" in big:
            if big["phase"] == "voting":
                skipped.append(big)
            continue
        cells = ""
        for s in sizes:
            r = keyed[s].get(key)
            cells += (
                f"{r['wall']:14.3f}{r['cpu']:7.3f}{r['db']:7.3f}{r['queries']:5}"
                if r and "wall" in r
                else " " * 33
            )
        streamed = big["streaming"]
        first = f"{big['first']:8.3f}" if streamed else " " * 8
        peak = f"{big['peak_mb']:7.1f}" if "peak_mb" in big else " " * 7
        timed = big["first"] if streamed else big["wall"]
        ok = big["status"] >= 400 or timed < TARGET_S
        if not ok:
            misses.append(key)
        verdict = "yes" if timed < TARGET_S else "NO"
        print(
            f"{big['phase']:8} {big['page'][:58]:58}{cells}  {big['status']:>6} {first} {peak} "
            f"{big['bytes'] / 1e3:9.0f}  {verdict}{' (streamed: first chunk)' if streamed else ''}"
        )
    print()
    for r in skipped:
        print(f"not timed: {r['page']}: {r['skipped']}")
    print()
    print(
        f"target every staff page under {TARGET_S} s at {sizes[-1]:,} members (a streamed export: to its "
        f"first chunk): {'met' if not misses else 'MISSED by ' + ', '.join(f'{p} ({h})' for h, p in misses)}"
    )
    unstreamed = [
        r["page"] for r in largest.values() if r.get("status") == 200 and _export(r) and not r["streaming"]
    ]
    print(f"target every export streamed: {'met' if not unstreamed else 'MISSED: ' + ', '.join(unstreamed)}")


def _export(row: dict) -> bool:
    """A download: a CSV, text or JSON-lines file, or a published result's file."""
    path = row["url"].split("?")[0]
    return path.endswith((".csv", ".txt", ".jsonl")) or row["page"].startswith("results:download")


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        run_child(int(sys.argv[2]), int(sys.argv[3]), {n for n in sys.argv[4].split(",") if n})
        return
    if sys.argv[1:2] == ["--reuse-run"]:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        reuse_child(int(sys.argv[2]), {n for n in sys.argv[3].split(",") if n})
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="64000,640000", help="members, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="fetches of each page (the median shown)")
    parser.add_argument("--keep", action="store_true", help="keep each scratch database (to study it)")
    parser.add_argument("--only", default="", help="pattern names to time, comma-separated (default all)")
    parser.add_argument("--reuse", default="", help="a database kept by --keep: time its pages again")
    args = parser.parse_args()
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    print("load average at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    figures = {}
    if args.reuse:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/" + args.reuse) as conn:
            size = conn.execute("SELECT count(*) FROM roll_member").fetchone()[0]
        print(f"{size:,} members on PostgreSQL (reused: {args.reuse})", flush=True)
        figures[size] = child(url, args.reuse, ["--reuse-run", str(args.repeats), args.only])
    for size in (int(s) for s in args.sizes.split(",") if not args.reuse):
        print(f"{size:,} members on PostgreSQL", flush=True)
        figures[size] = scratch_run(url, size, args)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    table(figures)


if __name__ == "__main__":
    main()
