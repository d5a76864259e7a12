"""Time the member import: 640,000 rows by default, on SQLite and, if DATABASE_URL names a
PostgreSQL server, on PostgreSQL (in a scratch database created and dropped here).

For each database: migrate an empty database, load 100 units in 10 regions and 5 affiliates, then
time a first import (every row new) as the web app runs it (the upload stored as the job's file,
then the job run, its progress read from another connection meanwhile), the same file again
(every row unchanged), and a file with 10% of the rows changed; then build a contest's roll over
every member, and build it again (every entry unchanged). Prints rows per second, the CPU seconds
of each step, and the process's peak RSS (its high-water mark) after each step: the target is
under 300 MB through all of them.
Run with ``.venv/bin/python bench/import_members.py [rows]``.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

UNITS, REGIONS, AFFILIATES = 100, 10, 5
PEAK_MB = 300
STATUSES = ["active"] * 16 + ["lapsed"] * 3 + ["suspended"]


def write_members(path: Path, rows: int, seed: int, changed: float = 0.0) -> None:
    """A members CSV; with ``changed``, that share of rows has a new email and paid-up date."""
    rng = random.Random(seed)
    start = date(1990, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "number",
                "name",
                "email",
                "address",
                "unit",
                "joined",
                "paid_up_to",
                "status",
                "category",
                "affiliate",
            ]
        )
        for i in range(rows):
            category, affiliate = "member", ""
            r = rng.random()
            if r < 0.05:
                category = "registered_supporter"
            elif r < 0.1:
                category, affiliate = "affiliated_supporter", f"aff{rng.randrange(AFFILIATES)}"
            edited = rng.random() < changed
            joined = start + timedelta(days=rng.randrange(13000))
            paid = joined + timedelta(days=rng.randrange(400, 14000) + (30 if edited else 0))
            out.writerow(
                [
                    f"L{i:07d}",
                    f"Member {i}",
                    f"m{i}@{'new.' if edited else ''}example.org",
                    f"{i} High Street\nTown",
                    f"u{rng.randrange(UNITS)}",
                    joined.isoformat(),
                    paid.isoformat(),
                    rng.choice(STATUSES),
                    category,
                    affiliate,
                ]
            )


def run(files: list[str]) -> None:
    """In this process: set up Django on DATABASE_URL, migrate, and time the imports."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")

    os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
    django.setup()
    from django.db import connection

    from tallyroom.elections.models import Contest, Election
    from tallyroom.organisation.models import Affiliate, Region, Unit
    from tallyroom.roll.eligibility import build_roll
    from tallyroom.roll.importer import import_members

    call_command("migrate", verbosity=0)
    regions = Region.objects.bulk_create(Region(code=f"r{i}", name=f"Region {i}") for i in range(REGIONS))
    Unit.objects.bulk_create(
        Unit(code=f"u{i}", name=f"Unit {i}", region=regions[i % REGIONS]) for i in range(UNITS)
    )
    Affiliate.objects.bulk_create(Affiliate(code=f"aff{i}", name=f"Affiliate {i}") for i in range(AFFILIATES))
    print(f"  {connection.vendor} {connection.Database.__name__}")
    print(f"  {'set up':16} peak RSS {peak_mb():4.0f} MB")
    import_as_job(files[0])
    for label, path in zip(("same file again", "10% changed"), files[1:], strict=True):
        t, cpu = time.perf_counter(), time.process_time()
        report = import_members(path)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        print(
            f"  {label:16} {took:6.1f} s  {report.rows / took:9,.0f} rows/s  CPU {cpu:5.1f} s  "
            f"peak RSS {peak_mb():4.0f} MB  ({report})"
        )
    when = date(2026, 3, 1)
    election = Election.objects.create(
        slug="bench",
        name="Bench",
        freeze_date=when,
        voting_opens=f"{when}T09:00Z",
        voting_closes=f"{when}T21:00Z",
    )
    contest = Contest.objects.create(election=election, slug="c", name="C", method="fptp", paid_up_on=when)
    contest.regions.set(regions[:5])
    for label in ("build_roll", "build_roll again"):
        t, cpu = time.perf_counter(), time.process_time()
        counts = build_roll(contest)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        total = counts["eligible"] + counts["excluded"]
        rate = f"{total / took:9,.0f} members/s"
        print(
            f"  {label:16} {took:6.1f} s  {rate}  CPU {cpu:5.1f} s  peak RSS {peak_mb():4.0f} MB  "
            f"({counts['eligible']:,} eligible)"
        )
    peak = peak_mb()
    print(f"  target peak RSS under {PEAK_MB} MB: {peak:.0f} MB {'met' if peak < PEAK_MB else 'MISSED'}")


def import_as_job(path: str) -> None:
    """The first import as the web app runs it: the upload stored as the job's file (what the
    request does: its time and the peak RSS after it), then the job run as a worker runs it,
    while another thread reads the job's row every 0.2 s (the progress seen from outside)."""
    import threading

    from django.db import connection, transaction

    from tallyroom.jobs import files, runner
    from tallyroom.jobs.models import Job

    t = time.perf_counter()
    with transaction.atomic(), open(path, "rb") as upload:
        job = runner.start(Job.Kind.IMPORT_MEMBERS, None, None, queue=False)
        files.store(job, upload, name="members.csv")
    took = time.perf_counter() - t
    print(f"  {'upload stored':16} {took:6.1f} s  peak RSS {peak_mb():4.0f} MB  (the request's part)")
    seen: list[tuple] = []
    stop = threading.Event()

    def watch():
        while not stop.wait(0.2):
            with contextlib.suppress(Exception):  # SQLite: locked for a moment by the writer
                seen.append(Job.objects.filter(pk=job.pk).values_list("done", "total", "message").get())
        connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    t, cpu = time.perf_counter(), time.process_time()
    runner.run(job.pk)
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    stop.set()
    watcher.join()
    job.refresh_from_db()
    checking = {d for d, total, _ in seen if total == 0 and d}
    writing = {d for d, total, _ in seen if total and 0 < d < total}
    print(
        f"  {'first import job':16} {took:6.1f} s  {job.done / took:9,.0f} rows/s  CPU {cpu:5.1f} s  "
        f"peak RSS {peak_mb():4.0f} MB  ({job.state}: {job.message})"
    )
    print(
        f"  {'':16} progress seen from another connection: {len(checking)} values while checking, "
        f"{len(writing)} while writing (of {len(seen)} reads)"
    )


def peak_mb() -> float:
    """This process's peak RSS so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        run(sys.argv[2:])
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 640_000
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = [tmp / "members.csv", tmp / "members.csv", tmp / "members-changed.csv"]
        t = time.perf_counter()
        write_members(files[0], rows, seed=1)
        write_members(files[2], rows, seed=1, changed=0.1)
        size = files[0].stat().st_size / 1e6
        print(f"{rows:,} rows ({size:.0f} MB) written in {time.perf_counter() - t:.1f} s")
        env = {
            **os.environ,
            "TALLYROOM_SECRET_KEY": "bench-only",
            "TALLYROOM_HOME": str(tmp),
            "TALLYROOM_SIGNING_KEY_AUTOCREATE": "1",
        }
        command = [sys.executable, __file__, "--run", *map(str, files)]
        print("SQLite")
        subprocess.run(command, env={**env, "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}"}, check=True)
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            print("PostgreSQL: skipped (DATABASE_URL is not a PostgreSQL URL)")
            return
        import psycopg

        scratch = f"tallyroom_bench_scale_import_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            print("PostgreSQL")
            subprocess.run(
                command, env={**env, "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + scratch}, check=True
            )
        finally:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{scratch}"')


if __name__ == "__main__":
    main()
