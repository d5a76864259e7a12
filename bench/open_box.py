"""Opening the ballot box on PostgreSQL: decrypt, check, shuffle and store N sealed ballots.

For each size (default 64,000 and 640,000, to show how it scales) a fresh election of one contest
(Scottish STV, 8 candidates and RON) is filled quickly: N members on its roll marked as having
voted, N ballots sealed to a new trustees' key with ``keys.seal`` and ``box.box_mac`` (in parallel
processes, each COPYing its share), and the close record written by ``lifecycle.close_voting``.
Then a child process (measured by bench/child.py: wall time and peak RSS through GNU time) runs
``lifecycle.open_box`` with two of the three shares and prints the seconds the call took and the
CPU seconds of the opening process, of its worker processes (``box.open_box`` opens a large box
in one process a core) and of its PostgreSQL backend; the parent checks the plaintext ballots
against what was sealed (count and every ranking's number).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tallyroom_bench .venv/bin/python bench/open_box.py
    .venv/bin/python bench/run.py open-box --sizes 64000,640000 [--profile]

Target: 640,000 ballots opened in under 60 s. ``--profile`` prints the child's cProfile summary.
The rows each size adds are deleted at its end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import child
from cast_ballots import backend_pids, cpu_seconds, ensure_database, keyed_election, setup_django, spent

TARGET_SECONDS = 60.0
CANDIDATES = [f"Candidate {i}" for i in range(8)]
CHUNK = 20_000


def make_election(slug: str, n: int):
    """A new election in voting, its trustees' key installed, N members on its roll marked as
    having voted (as their deposits would have left them). Returns it, its contest, the shares."""
    from django.db import connection

    from tallyroom.elections.models import Candidate, Contest
    from tallyroom.roll.models import Member, RollEntry

    election = keyed_election(slug)
    contest = Contest.objects.create(
        election=election, slug="exec", name="Executive", method="scottish-stv", seats=3, ron=True
    )
    Candidate.objects.bulk_create(
        [Candidate(contest=contest, name=name, position=i) for i, name in enumerate(CANDIDATES)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Member._meta.db_table} (number, name, email, address, joined, status, category) "
            "SELECT %s || g, 'Voter ' || g, '', '', '2020-01-01', 'active', 'member' "
            "FROM generate_series(1, %s) g",
            [f"{slug}-", n],
        )
        cursor.execute(
            f"INSERT INTO {RollEntry._meta.db_table} "
            "(contest_id, member_id, eligible, reason, weight, college, voted_at, channel) "
            f"SELECT %s, id, true, '', 1, '', now(), 'online' FROM {Member._meta.db_table} "
            "WHERE number LIKE %s",
            [contest.pk, f"{slug}-%"],
        )
    return election, contest, election.shares


def seal_chunk(job: tuple[int, int, int, str]) -> Counter:
    """Seal ``count`` ballots (random rankings from ``seed``) into the contest's box with COPY."""
    contest_id, count, seed, public_hex = job
    import uuid

    from django.db import connection

    from tallyroom.ballotbox import box, keys
    from tallyroom.ballotbox.marking import current_marking
    from tallyroom.ballotbox.models import SealedBallot
    from tallyroom.elections.models import Contest

    names = list(current_marking(Contest.objects.get(pk=contest_id)).candidates)
    size = keys.pad_size(names)
    public = bytes.fromhex(public_hex)
    rng = random.Random(seed)
    made = Counter()
    table = SealedBallot._meta.db_table
    columns = "id, contest_id, tracker, channel, sealed, mac, provisional_for"
    mac_key = box.mac_key()
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for _ in range(count):
            ranking = rng.sample(names, rng.randint(1, len(names)))
            made[tuple(ranking)] += 1
            sealed = keys.seal(public, {"p": ranking, "w": "1", "c": ""}, size)
            tracker = box.new_tracker()
            mac = box.box_mac(contest_id, tracker, "online", sealed, mac_key)
            copy.write_row((uuid.uuid4(), contest_id, tracker, "online", sealed, mac, ""))
    connection.close()
    return made


def fill_box(contest, public_hex: str, n: int, processes: int) -> Counter:
    from django.db import connections

    connections.close_all()  # the forked workers open their own
    jobs = [(contest.pk, min(CHUNK, n - start), start, public_hex) for start in range(0, n, CHUNK)]
    made = Counter()
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        for part in pool.map(seal_chunk, jobs):
            made.update(part)
    return made


def cleanup(election) -> None:
    """Delete what this size added (the opened ballots, roll, members, election)."""
    from django.db import connection, transaction

    from tallyroom.ballotbox.models import Ballot
    from tallyroom.roll.models import Member, RollEntry

    with transaction.atomic(), connection.cursor() as cursor:
        contests = list(election.contests.values_list("pk", flat=True))
        Ballot.objects.filter(contest_id__in=contests).delete()
        RollEntry.objects.filter(contest_id__in=contests).delete()
        cursor.execute(f"DELETE FROM {Member._meta.db_table} WHERE number LIKE %s", [f"{election.slug}-%"])
        election.delete()


def children_cpu() -> float:
    """User + system CPU seconds of this process's children that have ended (the opening's
    worker processes, once it has stopped them)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def open_in_child(election_id: int, shares: list[str], profile: bool) -> dict:
    """Run in the child: open the box, timed; JSON of the seconds, the CPU seconds of this process,
    of its worker processes and of its PostgreSQL backend, and the ballots opened."""
    import resource

    from django.db import connection

    from tallyroom import lifecycle
    from tallyroom.elections.models import Election

    election = Election.objects.get(pk=election_id)
    connection.ensure_connection()
    backend = backend_pids(own=True)
    started, cpu, db, workers = time.perf_counter(), time.process_time(), cpu_seconds(backend), children_cpu()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        opened = profiler.runcall(lifecycle.open_box, election, None, shares)
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
    else:
        opened = lifecycle.open_box(election, None, shares)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "workers": children_cpu() - workers,
        "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "postgres": spent(db, cpu_seconds(backend)),
        "opened": opened,
    }


def reconcile(contest, made: Counter) -> bool:
    from tallyroom.ballotbox.models import Ballot, SealedBallot

    stored = Counter(
        tuple(p)
        for p in Ballot.objects.filter(contest=contest).values_list("preferences", flat=True).iterator(20_000)
    )
    return stored == made and not SealedBallot.objects.filter(contest=contest).exists()


def bench_size(n: int, args) -> tuple[float, float | None]:
    from tallyroom import lifecycle
    from tallyroom.ballotbox.models import ElectionKey

    slug = f"open{int(time.time()) % 10**8}-{n}"
    started = time.perf_counter()
    election, contest, shares = make_election(slug, n)
    made = fill_box(contest, ElectionKey.objects.get(election=election).public, n, args.processes)
    lifecycle.close_voting(election, None)
    built = time.perf_counter() - started
    try:
        command = child.python(
            "open_box.py", "--open", election.pk, *shares[1:], *(["--profile"] if args.profile else [])
        )
        got = child.run(command, args.budget)
        if not got.finished or got.returncode:
            what = "was stopped at the budget" if not got.finished else "failed"
            print(f"{n:>9,} ballots: the opening {what}:\n{got.stderr[-3000:]}")
            return float("nan"), None
        out = json.loads(got.stdout.strip().splitlines()[-1])
        exact = reconcile(contest, made)
        peak = "-" if got.peak_mb is None else f"{got.peak_mb:,.0f}"
        print(
            f"{n:>9,} ballots: built and closed in {built:5.1f} s; opened in {out['seconds']:6.2f} s "
            f"= {n / out['seconds']:8,.0f} ballots/s; CPU s: opening process {out['cpu']:.1f}, "
            f"its workers {out['workers']:.1f}, postgres {out['postgres']:.1f}; peak RSS {peak} MB "
            f"(a worker {out['workers_peak_mb']:,.0f} MB); "
            f"reconciliation {'EXACT' if exact else 'MISMATCH'}"
        )
        if args.profile:
            print(got.stderr[-6000:])
        if not exact:
            sys.exit("reconciliation failed")
        return out["seconds"], got.peak_mb
    finally:
        cleanup(election)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="64000,640000", help="comma-separated ballot counts")
    parser.add_argument("--processes", type=int, default=2, help="processes sealing the ballots")
    parser.add_argument("--budget", type=float, default=300, help="seconds the opening child may take")
    parser.add_argument("--profile", action="store_true", help="print the opening's cProfile summary")
    parser.add_argument("--open", type=int, help=argparse.SUPPRESS)  # the child: open this election
    parser.add_argument("shares", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tallyroom_bench")
    os.environ.setdefault("TALLYROOM_SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
    os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
    if args.open:
        import django

        django.setup()
        print(json.dumps(open_in_child(args.open, args.shares, args.profile)))
        return
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    print(
        f"open_box: PostgreSQL, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; sizes {sizes}"
    )
    results = {n: bench_size(n, args) for n in sizes}
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        ratio = results[large][0] / results[small][0]
        print(f"time ratio {large:,} / {small:,}: {ratio:.1f} (the ballots' ratio: {large / small:.0f})")
    if 640_000 in results:
        seconds = results[640_000][0]
        verdict = "MET" if seconds < TARGET_SECONDS else "NOT MET"
        print(f"target: 640,000 ballots opened in under {TARGET_SECONDS:.0f} s: {seconds:.1f} s: {verdict}")


if __name__ == "__main__":
    main()
