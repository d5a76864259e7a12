"""Casting ballots against PostgreSQL from concurrent clients, then an exact reconciliation.

Four phases, each with its own fresh ballot codes (one election of two contests: Scottish STV with
8 candidates and RON, and plurality with 3):

- ``direct max``: a pool of processes calls ``tallyroom.voting.casting.cast()`` back to back.
- ``http max``: gunicorn (gthread workers, 127.0.0.1 only) serves the app; client threads POST the
  last step of the voter's journey (``/vote/cast/`` with the signed review token and CSRF token,
  the response being the receipt page) back to back.
- ``http paced``: the same at a fixed offered rate (``--rate``, default 300/s), open loop: each
  latency runs from the request's scheduled time, so queueing shows in it.
- ``http journey``: the whole journey at a lower rate: code, ballot form, review, cast
  (3 POSTs a ballot).

Latency is per ballot (per cast, or per whole journey). Each election has a trustees' key (a key
ceremony run here, its public half installed before voting opens), so every ballot is sealed as
it is cast. After every phase voting closes and two trustees' shares open the box (timed), and
the reconciliation must be exact: the clients' acknowledged casts, the codes used, the sealed
ballots in each contest's box at the close, the plaintext ballots opened in each contest, and the
trackers on the receipts against the trackers the opened boxes list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tallyroom_bench .venv/bin/python bench/cast_ballots.py

The database named is created if missing and migrated; nothing leaves 127.0.0.1, every phase is
bounded in ballots and in seconds (``--ballots``, ``--seconds``).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote_plus, urlencode, urlparse

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tallyroom_bench")
os.environ.setdefault("TALLYROOM_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
os.environ.setdefault("TALLYROOM_SIGNING_KEY_AUTOCREATE", "1")  # a scratch audit key
TRACKER = re.compile(r'<code class="tracker">([A-Z0-9-]+)</code>')


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"the bench runs against a local PostgreSQL only, not {parts.hostname}")
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def keyed_election(slug: str):
    """A new election open for a day, with a trustees' key (2 of 3) installed before voting
    opened; the shares are ``election.shares``."""
    from django.utils import timezone

    from tallyroom.ballotbox import box, keys
    from tallyroom.elections.models import Election

    now = timezone.now()
    election = Election.objects.create(
        slug=slug,
        name=slug,
        freeze_date=date(2026, 1, 1),
        voting_opens=now,
        voting_closes=now + timedelta(days=1),
    )
    key, shares = keys.ceremony(["Tina", "Umar", "Vic"], 2)
    box.install_key(election, key, None)
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    election.refresh_from_db()
    election.shares = [s.text for s in shares]
    return election


def make_voters(slug: str, n: int):
    """A fresh open election of two contests with ``n`` voters on both rolls (``keyed_election``);
    the election, its contests and codes."""
    from tallyroom.elections.models import Candidate, Contest
    from tallyroom.roll.models import Member, RollEntry
    from tallyroom.voting.codes import issued_codes

    election = keyed_election(slug)
    stv = Contest.objects.create(
        election=election, slug="exec", name="Executive", method="scottish-stv", seats=3, ron=True
    )
    chair = Contest.objects.create(
        election=election, slug="chair", name="Chair", method="plurality", position=1
    )
    Candidate.objects.bulk_create(
        [Candidate(contest=stv, name=f"Candidate {i}", position=i) for i in range(8)]
        + [Candidate(contest=chair, name=f"Chair {i}", position=i) for i in range(3)]
    )
    members = Member.objects.bulk_create(
        [Member(number=f"{slug}-{i:06d}", name=f"Voter {i}", joined=date(2020, 1, 1)) for i in range(n)],
        batch_size=2000,
    )
    RollEntry.objects.bulk_create(
        [RollEntry(contest=c, member=m, eligible=True) for m in members for c in (stv, chair)],
        batch_size=4000,
    )
    return election, {"exec": stv, "chair": chair}, [code for _, code in issued_codes(election)]


def choices_for(contests, rng: random.Random) -> dict[int, list[str]]:
    from tallyroom.ballotbox.marking import current_marking as marking

    stv, chair = contests["exec"], contests["chair"]
    names = list(marking(stv).candidates)
    rng.shuffle(names)
    return {stv.pk: names[: rng.randint(1, len(names))], chair.pk: [rng.choice(marking(chair).candidates)]}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")


def report(name: str, latencies: list[float], wall: float, cpu: dict[str, float], offered: str = "") -> None:
    """Throughput and latency; then the CPU each party spent per ballot, which does not depend on
    what else the machine runs, and the rate those costs allow on the machine's cores if idle."""
    ms = [x * 1000 for x in latencies]
    print(
        f"{name:<13} {len(ms):>6} ballots in {wall:6.2f} s = {len(ms) / wall:7.1f} ballots/s{offered}; "
        f"latency ms p50 {percentile(ms, 50):6.1f}  p95 {percentile(ms, 95):6.1f}  "
        f"p99 {percentile(ms, 99):6.1f}  max {max(ms, default=float('nan')):6.1f}"
    )
    per = {k: v * 1000 / max(1, len(ms)) for k, v in cpu.items()}
    total = sum(per.values())
    parts = ", ".join(f"{k} {v:.2f}" for k, v in per.items())
    idle = os.cpu_count() * 1000 / total
    print(f"{'':13} CPU ms per ballot: {parts}; total {total:.2f} -> at most {idle:.0f}/s on idle cores")


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each live process in ``pids``."""
    out = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def backend_pids(own: bool = False) -> list[int]:
    """The PostgreSQL backends serving the bench database (only this connection's if ``own``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if own:
            cursor.execute("SELECT pg_backend_pid()")
        else:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        return [row[0] for row in cursor.fetchall()]


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def reconcile(election, contests, expected: int, trackers: list[str]) -> None:
    """Close voting, open the box with two shares, and check every count against ``expected``
    acknowledged casts and the receipts' ``trackers``."""
    from tallyroom import lifecycle
    from tallyroom.ballotbox.models import Ballot, ContestBox
    from tallyroom.voting.models import BallotCode

    used = BallotCode.objects.filter(election=election, used_at__isnull=False).count()
    lifecycle.close_voting(election, None)
    sealed = {b.contest.slug: b.sealed_count for b in ContestBox.objects.filter(contest__election=election)}
    started = time.perf_counter()
    lifecycle.open_box(election, None, election.shares[:2])
    opening = time.perf_counter() - started
    opened = {slug: Ballot.objects.filter(contest=c).count() for slug, c in contests.items()}
    listed = [t for b in ContestBox.objects.filter(contest__election=election) for t in b.tracker_list()]
    ok = (
        used == expected
        and all(v == expected for v in [*sealed.values(), *opened.values()])
        and sorted(listed) == sorted(trackers)
        and len(trackers) == expected * len(contests)
    )
    verdict = "EXACT" if ok else "MISMATCH"
    print(
        f"{'':13} reconciliation: acknowledged {expected}, codes used {used}, sealed at the close {sealed}, "
        f"opened {opened} (in {opening:.2f} s), receipts' trackers all listed: "
        f"{sorted(listed) == sorted(trackers)}: {verdict}"
    )
    if not ok:
        sys.exit("reconciliation failed")


# --- direct: cast() from a pool of processes -------------------------------------------------------


def cast_chunk(args) -> tuple[list[float], float, float, list[str]]:
    codes, contest_ids, seed = args
    from django.db import connections

    from tallyroom.elections.models import Contest
    from tallyroom.voting.casting import cast

    contests = {c.slug: c for c in Contest.objects.filter(pk__in=contest_ids)}
    rng = random.Random(seed)
    choices = [choices_for(contests, rng) for _ in codes]
    backend = backend_pids(own=True)
    own, db = time.process_time(), cpu_seconds(backend)
    latencies, trackers = [], []
    for code, choice in zip(codes, choices, strict=True):
        started = time.perf_counter()
        receipt = cast(code, choice)
        latencies.append(time.perf_counter() - started)
        trackers.extend(t for _, t in receipt.trackers)
    own, db = time.process_time() - own, spent(db, cpu_seconds(backend))
    connections.close_all()
    return latencies, own, db, trackers


def direct(codes, contests, workers: int) -> tuple[list[float], float, dict[str, float], list[str]]:
    from django.db import connections

    connections.close_all()  # the forked workers open their own
    chunks = [(codes[i::workers], [c.pk for c in contests.values()], i) for i in range(workers)]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(cast_chunk, chunks))
    wall = time.perf_counter() - started
    cpu = {"cast()": sum(p[1] for p in parts), "postgres": sum(p[2] for p in parts)}
    return [x for p in parts for x in p[0]], wall, cpu, [t for p in parts for t in p[3]]


# --- http: gunicorn on 127.0.0.1 --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, kind: str, workers: int, threads: int, log=None) -> subprocess.Popen:
    """gunicorn serving the app on 127.0.0.1:``port``, once it answers; its errors go to ``log``
    (a file) if given."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", kind, "-w", str(workers), "--threads", str(threads),
         "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning",
         "tallyroom.web.wsgi:application"],
        env={**os.environ, "TALLYROOM_CONN_MAX_AGE": "600"},
        stderr=log,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/vote/")
            if conn.getresponse().status == 200:
                settle(server, workers)
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("the server did not start")


def server_pids(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [server.pid, *map(int, children)]


def settle(server: subprocess.Popen, workers: int, seconds: float = 30) -> None:
    """Wait until all ``workers`` have booted and the server is idle (a worker still importing the
    app when the first answers would have its start-up counted as casting's CPU)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = server_pids(server)
        before = sum(cpu_seconds(pids).values())
        time.sleep(0.5)
        if len(pids) == workers + 1 and sum(cpu_seconds(pids).values()) - before < 0.02:
            return


class Client:
    """One keep-alive connection with a CSRF cookie and form token."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", "/vote/")
        response = self.conn.getresponse()
        page = response.read().decode()
        self.cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
        self.csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, fields) -> tuple[int, str]:
        body = urlencode([("csrfmiddlewaretoken", self.csrf), *fields], doseq=True)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={self.cookie}"}
        self.conn.request("POST", path, body, headers)
        response = self.conn.getresponse()
        return response.status, response.read().decode()


class Lean:
    """The cast phases' client: one keep-alive HTTP/1.1 connection written out on a socket, with a
    CSRF cookie and form token, posting bodies encoded beforehand (http.client's header parsing
    and urlencode's quoting of the token were most of the client's CPU, which shares the cores
    with the server). Every answer must carry Content-Length, as Django's do."""

    def __init__(self, port: int):
        self.port, self.sock, self.unread = port, None, b""
        _, head, page = self.exchange(b"GET /vote/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.cookie = re.search(rb"\r\nSet-Cookie: csrftoken=([^;]+)", head, re.I).group(1)
        self.csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def exchange(self, request: bytes) -> tuple[int, bytes, bytes]:
        """Send ``request`` (on a new connection if the server closed the last, as sync workers
        do after every answer); the answer's status, head and body."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request)
        data = self.unread
        while (end := data.find(b"\r\n\r\n")) < 0:
            data += self.receive()
        head, parts = data[:end], [data[end + 4 :]]
        length = int(re.search(rb"\r\nContent-Length: *(\d+)", head, re.I).group(1))
        got = len(parts[0])
        while got < length:
            parts.append(self.receive())
            got += len(parts[-1])
        body = b"".join(parts)
        self.unread = body[length:]
        if re.search(rb"\r\nConnection: *close", head, re.I):
            self.sock.close()
            self.sock, self.unread = None, b""
        return int(head[9:12]), head, body[:length]

    def receive(self) -> bytes:
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def post(self, path: str, form: bytes) -> tuple[int, str]:
        """POST the urlencoded ``form`` with the CSRF token; the page before its padding."""
        body = b"csrfmiddlewaretoken=" + self.csrf + b"&" + form
        head = (
            b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Cookie: csrftoken=%s\r\nContent-Length: %d\r\n\r\n" % (path.encode(), self.cookie, len(body))
        )
        status, _, page = self.exchange(head + body)
        padding = page.rfind(b"<!--")
        return status, page[: padding if padding >= 0 else len(page)].decode()


def cast_tokens(codes, contests, seed: int) -> list[str]:
    from tallyroom.ballotbox.marking import current_marking
    from tallyroom.voting.views import sign

    rng = random.Random(seed)
    markings = [(c, current_marking(c)) for c in contests.values()]
    return [
        sign(code, markings, {str(k): v for k, v in choices_for(contests, rng).items()}) for code in codes
    ]


def drive(port: int, n: int, clients: int, rate: float | None, seconds: float, vote, client=Client):
    """Run ``vote(client, k, rng)`` for k < n from ``clients`` threads, each with its own keep-alive
    connection (a ``client``); open loop at ``rate`` (latency from the scheduled time) or back to
    back if None. Stops at ``seconds``. Returns the latencies, the wall time and the receipts'
    trackers."""
    latencies, trackers, lock = [], [], threading.Lock()
    start = time.perf_counter() + 0.5
    deadline = start + seconds

    def worker(i: int) -> None:
        connection, rng = client(port), random.Random(i)
        for k in range(i, n, clients):
            due = start + k / rate if rate else time.perf_counter()
            if due > time.perf_counter():
                time.sleep(due - time.perf_counter())
            if time.perf_counter() > deadline:
                return
            status, page = vote(connection, k, rng)
            if status != 200 or "Your vote is cast" not in page:
                raise RuntimeError(f"casting failed with HTTP {status}")
            with lock:
                latencies.append(time.perf_counter() - due)
                trackers.extend(TRACKER.findall(page))

    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(worker, i) for i in range(clients)]:
            f.result()
    return latencies, time.perf_counter() - start, trackers


def cast_only(tokens: list[str]):
    """The last step alone, for ``Lean`` clients: POST /vote/cast/ with a review token made (and
    encoded) beforehand."""
    forms = [b"token=" + quote_plus(token).encode() for token in tokens]
    return lambda client, k, rng: client.post("/vote/cast/", forms[k])


def journey(codes: list[str], contests):
    """The whole journey: the code, the ballot form filled in, the review confirmed."""
    from tallyroom.ballotbox.marking import current_marking as marking

    stv, chair = contests["exec"], contests["chair"]
    n = len(marking(stv).candidates)
    token = re.compile(r'name="token" value="([^"]+)"')

    def vote(client, k, rng):
        _, page = client.post("/vote/", [("code", codes[k])])
        ranks = rng.sample(range(n), rng.randint(1, n))
        fields = [(f"c{stv.pk}-{c}", str(r + 1)) for r, c in enumerate(ranks)] + [(f"c{chair.pk}", "0")]
        _, page = client.post("/vote/ballot/", [("token", token.search(page).group(1)), *fields])
        return client.post("/vote/cast/", [("token", token.search(page).group(1))])

    return vote


def measured(server: subprocess.Popen, run, *args):
    """``run(*args)`` with the CPU spent meanwhile by the server's processes, the database's
    backends and this client process."""
    workers = server_pids(server)
    before = cpu_seconds(workers), cpu_seconds(backend_pids()), time.process_time()
    latencies, wall, trackers = run(*args)
    cpu = {
        "server": spent(before[0], cpu_seconds(workers)),
        "postgres": spent(before[1], cpu_seconds(backend_pids())),
        "client": time.process_time() - before[2],
    }
    return latencies, wall, cpu, trackers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=4000, help="ballots per phase (default 4000)")
    parser.add_argument("--seconds", type=float, default=40, help="time bound per phase (default 40)")
    parser.add_argument("--rate", type=float, default=300, help="offered rate of the paced phase")
    parser.add_argument("--journey-rate", type=float, default=60, help="offered rate of the journey phase")
    parser.add_argument("--processes", type=int, default=4, help="direct phase: processes")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (gthread or sync)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    run = f"bench{int(time.time()) % 10**8}"
    host = urlparse(os.environ["DATABASE_URL"]).hostname
    print(f"cast_ballots: PostgreSQL at {host}, {os.cpu_count()} CPUs, {args.ballots} ballots per phase; "
          "2 contests a ballot (STV 8+RON ranked, plurality)")  # fmt: skip

    election, contests, codes = make_voters(f"{run}-d", args.ballots)
    latencies, wall, cpu, trackers = direct(codes, contests, args.processes)
    report("direct max", latencies, wall, cpu)
    reconcile(election, contests, len(latencies), trackers)

    port = free_port()
    server = start_server(port, args.worker_class, args.workers, args.threads)
    try:
        for phase, rate in (("http max", None), ("http paced", args.rate)):
            election, contests, codes = make_voters(f"{run}-{phase[5]}", args.ballots)
            tokens = cast_tokens(codes, contests, seed=len(phase))
            job = (port, len(tokens), args.clients, rate, args.seconds, cast_only(tokens), Lean)
            latencies, wall, cpu, trackers = measured(server, drive, *job)
            report(phase, latencies, wall, cpu, f" (offered {rate:.0f}/s)" if rate else "")
            reconcile(election, contests, len(latencies), trackers)
        n = min(args.ballots, int(args.journey_rate * args.seconds / 2))
        election, contests, codes = make_voters(f"{run}-j", n)
        vote = journey(codes, contests)
        job = (port, len(codes), args.clients, args.journey_rate, args.seconds, vote)
        latencies, wall, cpu, trackers = measured(server, drive, *job)
        report("http journey", latencies, wall, cpu, f" (offered {args.journey_rate:.0f}/s, 3 POSTs each)")
        reconcile(election, contests, len(latencies), trackers)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
