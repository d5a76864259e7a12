"""A conference poll against PostgreSQL: 1,000 delegates voting from their badges over HTTP, then
the chair's close to the result on the projector for an 8-seat STV contest decided by colleges.

1. **Voting**: a motion decided 50/50 by colleges; gunicorn (gthread, 127.0.0.1 only) serves the
   app; client threads POST each delegate's ballot to ``/conference/<slug>/v/<code>/`` (the
   response is the receipt page), open loop at ``--rate`` per second (latency from the scheduled
   time, so queueing shows), bounded by ``--seconds``. Then the turnout, the ballots in the box
   and the clients' successes must agree exactly, and after the count the valid poll must be the
   ballots cast.
2. **Close to projector**: an 8-seat Scottish STV contest of 20 candidates, colleges 50/50, the
   same 1,000 delegates' ballots cast in process through Django's test client (each request's
   SQL statements and CPU counted); timed from ``polls.declare`` (close, the trustees' shares
   open the box, count, publish) to the projector page showing the result.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tallyroom_bench_conference \\
        .venv/bin/python bench/conference.py [--delegates 1000] [--rate 50] [--clients 32]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from datetime import date

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tallyroom_bench_conference")

from cast_ballots import drive, ensure_database, free_port, measured, report, setup_django, start_server  # noqa: E402

COLLEGES = {"clp": "1/2", "affiliates": "1/2"}


def make_conference(n: int, seed: int):
    """A conference of 100 CLPs of five delegates and eight affiliates sharing the rest, every
    delegate named, checked in and given a badge. Returns it and the badges' codes."""
    from tallyroom.conference import delegations, seating
    from tallyroom.conference.models import Conference, Delegate, Delegation
    from tallyroom.organisation.models import Affiliate, Region, Unit
    from tallyroom.roll.models import Member

    rng = random.Random(seed)
    tag = f"b{int(time.time())}"
    conf = Conference.objects.create(
        slug=f"bench-{tag}",
        name=f"Bench conference {tag}",
        held_on=date.today(),
        counted_as_at=date(2025, 12, 31),
    )
    region = Region.objects.get_or_create(code="bench", defaults={"name": "Bench"})[0]
    clps = n // 2 // 5
    members, places = [], []
    for i in range(clps):
        unit = Unit.objects.create(code=f"{tag}-u{i}", name=f"{tag} CLP {i}", region=region)
        d = Delegation.objects.create(conference=conf, kind="clp", unit=unit, name=unit.name, college="clp")
        places += [(d, unit, None) for _ in range(5)]
    unions = 8
    for j in range(unions):
        aff = Affiliate.objects.create(
            code=f"{tag}-a{j}", name=f"{tag} Union {j}", affiliated_members=rng.randint(20_000, 400_000)
        )
        share = (n - len(places)) // (unions - j)
        d = Delegation.objects.create(
            conference=conf, kind="affiliate", affiliate=aff, name=aff.name, college="affiliates",
            declared_members=aff.affiliated_members, delegates_allowed=share,
        )  # fmt: skip
        places += [(d, None, aff) for _ in range(share)]
    for k, (_, unit, aff) in enumerate(places):
        members.append(
            Member(
                number=f"{tag}-{k:05d}",
                name=f"Delegate {k}",
                unit=unit,
                affiliate=aff,
                joined=date(2020, 1, 1),
            )
        )
    Member.objects.bulk_create(members)
    delegations.compute_entitlements(conf, None)
    Delegation.objects.filter(conference=conf, kind="clp").update(entitled=5, women_at_least=0)
    saved = {m.number: m for m in Member.objects.filter(number__startswith=f"{tag}-")}
    Delegate.objects.bulk_create(
        Delegate(delegation=d, member=saved[f"{tag}-{k:05d}"], checked_in=True)
        for k, (d, _, _) in enumerate(places)
    )
    people = list(Delegate.objects.filter(delegation__conference=conf).select_related("member", "delegation"))
    badges = seating.issue_badges(people, str, None)
    return conf, [b.code for b in badges]


def chair():
    from django.contrib.auth.models import User

    return User.objects.get_or_create(username="bench-chair")[0]


def new_poll(conf, title, **kw):
    from tallyroom.ballotbox import keys
    from tallyroom.conference import polls

    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    return polls.create_poll(conf, title, key, None, **kw), [s.text for s in shares[:2]]


def voting(conf, codes, args):
    from tallyroom.ballotbox.models import SealedBallot
    from tallyroom.conference import polls
    from tallyroom.results.models import ContestCount

    poll, shares = new_poll(conf, "Motion 1", college_shares=COLLEGES)
    polls.open_poll(poll, None)
    field = f"c{poll.contest.pk}"

    def vote(client, k, rng):
        return client.post(f"/conference/{conf.slug}/v/{codes[k]}/", [(field, rng.choice(["0", "1", ""]))])

    port = free_port()
    server = start_server(port, "gthread", args.workers, args.threads)
    try:
        latencies, wall, cpu, _ = measured(
            server, drive, port, len(codes), args.clients, args.rate, args.seconds, vote
        )
    finally:
        server.terminate()
        server.wait()
    report("poll (http)", latencies, wall, cpu, f" offered {args.rate}/s")
    voted, present = polls.turnout(poll)
    in_box = SealedBallot.objects.filter(contest__election=poll.election).count()
    receipts = len(latencies)
    print(f"{'':13} {present} present, {voted} marked as voted, {in_box} sealed ballots, {receipts} receipts")
    assert voted == in_box == len(latencies) == present, "every vote counted once"
    polls.declare(poll, chair(), shares)
    counted = ContestCount.objects.get(contest__election=poll.election, published=True).result
    colleges = {c["college"]: c for c in counted["colleges"]}
    figures = ", ".join(f"{k} {v['valid_poll']} + blank {v['empty']}" for k, v in colleges.items())
    print(f"{'':13} declared: {counted['elected']}; valid poll by college: {figures}")
    ok = wall <= 60 and percentile_ms(latencies, 99) < 500
    print(f"{'':13} target (1,000 within 60 s, p99 < 500 ms): {'met' if ok else 'NOT met'}")


def percentile_ms(latencies, p):
    from cast_ballots import percentile

    return percentile([x * 1000 for x in latencies], p)


def close_to_projector(conf, codes, seed: int) -> None:
    """Cast the 8-seat contest's ballots through Django's test client in this process, counting
    each request's SQL statements and CPU; then time the chair's close to the projector."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tallyroom.conference import polls

    rng = random.Random(seed)
    names = [f"Candidate {i:02d}" for i in range(20)]
    poll, shares = new_poll(
        conf, "Executive", candidates=names, method="scottish-stv", seats=8, college_shares=COLLEGES
    )
    polls.open_poll(poll, None)
    contest = poll.contest.pk
    client = Client()
    statements, cpu = [], []
    start = time.perf_counter()
    for code in codes:
        chosen = rng.sample(range(len(names)), rng.randint(1, 12))
        form = {f"c{contest}-{i}": str(rank + 1) for rank, i in enumerate(chosen)}
        connection.queries_log.clear()  # past its 9,000 entries, the capture would miscount
        with CaptureQueriesContext(connection) as captured:
            before = time.process_time()
            page = client.post(f"/conference/{conf.slug}/v/{code}/", form, HTTP_HOST="127.0.0.1")
            cpu.append(time.process_time() - before)
        assert page.status_code == 200 and b"Your vote is cast" in page.content, page.status_code
        sql = [q["sql"] for q in captured.captured_queries]
        statements.append((sum(q not in ("BEGIN", "COMMIT") for q in sql), sql.count("BEGIN")))
    took = time.perf_counter() - start
    cpu.sort()
    (usual, transactions), seen = Counter(statements).most_common(1)[0]
    print(
        f"8-seat STV    {polls.turnout(poll)[0]} ballots cast in process in {took:.1f} s: per ballot "
        f"request {usual} SQL statements in {transactions} transactions ({seen} of {len(statements)} "
        f"requests; the most {max(n for n, _ in statements)}, the process's first), this process's CPU "
        f"median {cpu[len(cpu) // 2] * 1000:.1f} ms, p99 {cpu[len(cpu) * 99 // 100] * 1000:.1f} ms"
    )
    start = time.perf_counter()
    polls.declare(poll, chair(), shares)
    declared = time.perf_counter()
    page = client.get(f"/conference/{conf.slug}/projector/", HTTP_HOST="127.0.0.1").content.decode()
    shown = time.perf_counter()
    assert 'id="result"' in page and "Elected:" in page
    total = shown - start
    print(
        f"{'':13} close + open the box + count + publish {declared - start:.2f} s, projector page "
        f"{shown - declared:.2f} s: close to result on the projector {total:.2f} s "
        f"(target < 10 s: {'met' if total < 10 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delegates", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="ballots offered per second")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    start = time.perf_counter()
    conf, codes = make_conference(args.delegates, args.seed)
    print(f"conference    {len(codes)} delegates in {conf.delegations.count()} delegations, "
          f"set up in {time.perf_counter() - start:.1f} s (PostgreSQL, {os.cpu_count()} cores)")  # fmt: skip
    voting(conf, codes, args)
    close_to_projector(conf, codes, args.seed)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    sys.exit(main())
