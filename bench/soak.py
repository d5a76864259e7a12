"""A soak with faults: voters casting over HTTP while a web worker is killed and PostgreSQL restarts.

On a throwaway PostgreSQL cluster of its own (``pg_cluster.Cluster``: never the shared server),
gunicorn (gthread workers, DEBUG off, 127.0.0.1 only) serves the app and ``--voters`` client
threads cast ballots at ``--rate`` a second (open loop: each ballot is due at its time, and a
free thread takes the next one due) for ``--seconds``. Each ballot is one voter, who goes
through the pages as a browser would on a new connection: the code page (GET, for the CSRF
cookie), the code, the ballot form filled in, the review confirmed (cast), the receipt. A voter
whose request gets no answer (connection refused or reset, a timeout) or a 5xx re-submits it
after a pause, up to ``--tries`` times, as a voter pressing the button again would.

At ``--kill-at`` of the run one gunicorn worker is killed with SIGKILL (its master starts
another); at ``--restart-at`` PostgreSQL is stopped (``--pg-mode``, by default ``immediate``:
every server process killed at once, as in a crash, recovered from the WAL) and started again.

At the end, before and after the trustees open the box, the soak checks that every ballot
acknowledged (a receipt shown) is in its contest's box exactly once, that no voter is marked as
having voted without a ballot in each of their contests, and no ballot is there without a marked
voter. It prints the ballots attempted, acknowledged and failed per phase (before, around each
fault, after: by the time each voter started), the throughput, the latency percentiles (per
acknowledged ballot, from its voter's start to the receipt) and how far behind their due time
voters started (more than a little when the rate offered is more than the server serves), and
exits non-zero if a check fails.

    .venv/bin/python bench/soak.py [--seconds 600] [--rate 40] [--voters 32]

The cluster runs with ``fsync=off``: a committed transaction's WAL is then in the kernel's page
cache, which survives PostgreSQL's processes being killed (the fault injected here) though not
the machine losing power.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cast_ballots import Client, cpu_seconds, journey, make_voters, percentile, setup_django, start_server
from pg_cluster import Cluster, free_port

RECEIPT_ROW = re.compile(r'<td>([^<]+)</td><td><code class="tracker">([A-Z0-9-]+)</code>')
CAST = "/vote/cast/"
USED = "already been used to vote"


class GaveUp(Exception):
    """The voter stopped re-submitting a step that got no answer."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


class NoForm(Exception):
    """The code page came without its form (an error page)."""


class Browser(Client):
    """``Client`` on a new connection, re-submitting a request (after 0.25, 0.5, 1, 2 ... s, at
    most 5 s) while it gets no answer or a 5xx, ``tries`` times in all. ``retried`` lists each
    request that failed (its path, what happened, when), ``sent`` every path requested, ``last``
    the last one."""

    def __init__(self, port: int, tries: int):
        self.tries, self.retried, self.sent, self.last = tries, [], set(), ""
        self._again("/vote/", lambda: self._open(port))

    def _open(self, port: int) -> None:
        try:
            super().__init__(port)
        except (TypeError, AttributeError):  # no CSRF cookie or token: an error page
            raise NoForm("the code page without its form") from None

    def post(self, path: str, fields) -> tuple[int, str]:
        return self._again(path, lambda: super(Browser, self).post(path, fields))

    def _again(self, path: str, request):
        self.sent.add(path)
        self.last = path
        for attempt in range(self.tries):
            try:
                answer = request()
            except (OSError, http.client.HTTPException, NoForm) as e:
                self.retried.append((path, type(e).__name__, time.perf_counter()))
                if hasattr(self, "conn"):
                    self.conn.close()  # the next request opens a new connection
            else:
                if answer is None or answer[0] < 500:
                    return answer
                self.retried.append((path, f"HTTP {answer[0]}", time.perf_counter()))
            time.sleep(min(5.0, 0.25 * 2**attempt))
        raise GaveUp(path)


@dataclass
class Ballot:
    """One voter's attempt: when it was due and started, how it ended, what it was told."""

    due: float
    code: str
    started: float = 0.0
    outcome: str = ""  # acknowledged, answer lost, gave up at PATH, refused at PATH
    latency: float = 0.0
    trackers: list[tuple[str, str]] = field(default_factory=list)  # (contest name, tracker)
    retried: list[tuple[str, str, float]] = field(default_factory=list)
    cast_sent: bool = False


def vote(port: int, ballot: Ballot, k: int, cast, tries: int) -> None:
    """Run one voter's journey (``cast``: cast_ballots.journey's) and record how it ended."""
    rng = random.Random(k)
    browser = None
    try:
        browser = Browser(port, tries)
        status, page = cast(browser, k, rng)
    except GaveUp as e:
        ballot.outcome = f"gave up at {e.path}"
    except AttributeError:  # a page without the token the next step needs
        ballot.outcome = f"refused at {browser.last}"
    except Exception as e:  # anything else ends this voter, not the thread
        ballot.outcome = f"failed: {type(e).__name__}: {e}"
    else:
        if status == 200 and "Your vote is cast" in page:
            ballot.outcome = "acknowledged"
            ballot.trackers = RECEIPT_ROW.findall(page)
        elif USED in page and any(path == CAST for path, _, _ in browser.retried):
            ballot.outcome = "answer lost"  # the cast went in; its receipt did not come back
        else:
            ballot.outcome = f"refused at {CAST} (HTTP {status})"
    ballot.latency = time.perf_counter() - ballot.started
    if browser is not None:
        ballot.retried, ballot.cast_sent = browser.retried, CAST in browser.sent


def run_voters(port: int, codes: list[str], contests, args, start: float) -> list[Ballot]:
    """Ballot k is due at ``start + k / rate``; ``args.voters`` threads each take the next ballot
    due and runs its journey. No ballot is started after ``args.seconds`` (those still waiting
    for a free voter thread then are left out: the offered rate was more than was served)."""
    cast = journey(codes, contests)
    ballots, lock = [], threading.Lock()
    n = min(len(codes), math.floor(args.rate * args.seconds))
    end = start + args.seconds

    def worker() -> None:
        while True:
            with lock:
                k = len(ballots)
                if k >= n or time.perf_counter() > end:
                    return
                ballot = Ballot(start + k / args.rate, codes[k])
                ballots.append(ballot)
            if (wait := ballot.due - time.perf_counter()) > 0:
                time.sleep(wait)
            ballot.started = time.perf_counter()
            vote(port, ballot, k, cast, args.tries)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.voters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ballots


def workers_of(server) -> list[int]:
    return [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]


def server_cpu(server) -> float:
    """gunicorn's CPU seconds so far: its live workers', its master's and, counted in the master's,
    the workers it has reaped (the killed one)."""
    stat = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    master = sum(int(x) for x in stat[11:15]) / os.sysconf("SC_CLK_TCK")
    return master + sum(cpu_seconds(workers_of(server)).values())


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Fault:
    name: str
    at: float  # seconds into the run
    took: float = 0.0  # until the worker was replaced, or the server was back
    detail: str = ""


def inject(server, cluster: Cluster, args, start: float, faults: list[Fault]) -> None:
    """At their times: SIGKILL one gunicorn worker (and wait for its replacement); restart
    PostgreSQL."""

    def wait_until(offset: float) -> None:
        if (wait := start + offset - time.perf_counter()) > 0:
            time.sleep(wait)

    wait_until(args.kill_at * args.seconds)
    before = workers_of(server)
    victim = random.choice(before)
    fault = Fault("worker killed", time.perf_counter() - start, detail=f"pid {victim}")
    os.kill(victim, signal.SIGKILL)
    while len(set(workers_of(server)) - {victim}) < len(before):
        time.sleep(0.05)
    fault.took = time.perf_counter() - start - fault.at
    faults.append(fault)

    wait_until(args.restart_at * args.seconds)
    fault = Fault("postgres restarted", time.perf_counter() - start, detail=f"-m {args.pg_mode}")
    fault.took = cluster.restart(args.pg_mode)
    faults.append(fault)


def phases(args, faults: list[Fault]) -> list[tuple[str, float, float]]:
    """The run cut at the faults: (name, from, to) in seconds; each fault's phase lasts
    ``args.window`` seconds, or as long as the fault took if longer."""
    cuts, at = [], 0.0
    for f in faults:
        end = f.at + max(args.window, f.took)
        cuts += [("before" if not cuts else "between", at, f.at), (f.name, f.at, end)]
        at = end
    return [*cuts, ("after", at, math.inf)]


def state_of_box(election, contests, codes: list[str]):
    """What the database says: the member of each code, the members whose code is used, the
    members marked as having voted in each contest, the trackers in each contest's box."""
    from tallyroom.ballotbox.models import SealedBallot
    from tallyroom.roll.models import RollEntry
    from tallyroom.voting.codes import code_hash
    from tallyroom.voting.models import BallotCode

    rows = BallotCode.objects.filter(election=election).values_list("code_hash", "member_id", "used_at")
    member_of = {h: m for h, m, _ in rows}
    member = {code: member_of[code_hash(code)] for code in codes}
    used = {m for _, m, at in rows if at is not None}
    marked, box = {}, {}
    for contest in contests.values():
        entries = RollEntry.objects.filter(contest=contest, eligible=True, voted_at__isnull=False)
        marked[contest.name] = set(entries.values_list("member_id", flat=True))
        sealed = SealedBallot.objects.filter(contest=contest)
        box[contest.name] = list(sealed.values_list("tracker", flat=True))
    return member, used, marked, box


def violations(ballots: list[Ballot], member: dict[str, int], used: set[int], marked, box) -> list[str]:
    """Each broken invariant, in words: every acknowledged ballot in its contest's box exactly
    once; in each contest, the voters marked as having voted are those whose code is used, and the
    box holds one ballot for each of them (so a ballot stored twice, or without its voter's mark,
    shows); no code used by a voter who never sent the cast."""
    found = []
    acknowledged = [b for b in ballots if b.outcome == "acknowledged"]
    for name, trackers in box.items():
        held = Counter(trackers)
        receipts = [t for b in acknowledged for contest, t in b.trackers if contest == name]
        if len(receipts) != len(acknowledged):
            found.append(f"{name}: {len(acknowledged)} receipts but {len(receipts)} trackers on them")
        if missing := sum(held[t] == 0 for t in receipts):
            found.append(f"{name}: {missing} acknowledged ballots are not in the box")
        if twice := sum(n > 1 for n in held.values()):
            found.append(f"{name}: {twice} trackers are in the box more than once")
        if extra := len(marked[name] - used):
            found.append(f"{name}: {extra} voters are marked as having voted whose code is unused")
        if unmarked := len(used - marked[name]):
            found.append(f"{name}: {unmarked} voters' codes are used but they are not marked")
        if len(trackers) != len(marked[name]):
            found.append(f"{name}: the box holds {len(trackers)} ballots, {len(marked[name])} voters marked")
    if told := len({member[b.code] for b in acknowledged} - used):
        found.append(f"{told} acknowledged voters' codes are not used")
    if unsent := len(used - {member[b.code] for b in ballots if b.cast_sent}):
        found.append(f"{unsent} codes are used whose voters never sent the cast")
    return found


def latencies(ballots: list[Ballot]) -> list[float]:
    """The acknowledged ballots' latencies, in ms."""
    return [b.latency * 1000 for b in ballots if b.outcome == "acknowledged"]


def percentiles(ms: list[float]) -> str:
    return " / ".join(f"{percentile(ms, p):.0f}" for p in (50, 95, 99)) + f" / {max(ms, default=0):.0f}"


def summary(ballots: list[Ballot], cuts, start: float, wall: float, args) -> None:
    """The table by phase (ballots by the time their voter started, failed requests by the time
    they failed), then the outcomes, the throughput, the latency of the whole run and how late
    voters started."""
    print(
        f"{'phase':<19}{'from s':>7}{'to s':>7}{'started':>9}{'ack':>7}{'lost':>6}{'failed':>8}"
        f"{'resent':>8}   latency ms p50 / p95 / p99 / max"
    )
    for name, lo, hi in cuts:
        part = [b for b in ballots if lo <= b.started - start < hi]
        ack = latencies(part)
        lost = sum(b.outcome == "answer lost" for b in part)
        failed = len(part) - len(ack) - lost
        resent = sum(lo <= at - start < hi for b in ballots for _, _, at in b.retried)
        row = f"{len(part):>9}{len(ack):>7}{lost:>6}{failed:>8}{resent:>8}"
        print(f"{name:<19}{lo:7.1f}{min(hi, wall):7.1f}{row}   {percentiles(ack)}")
    unstarted = math.floor(args.rate * args.seconds) - len(ballots)
    why = Counter(what for b in ballots for _, what, _ in b.retried)
    steps = Counter(path for b in ballots for path, _, _ in b.retried)
    print(f"outcomes: {dict(Counter(b.outcome for b in ballots))}; due, not started by the end: {unstarted}")
    print(f"requests that failed and were sent again: {sum(why.values())} {dict(why)}, by page {dict(steps)}")
    ack = latencies(ballots)
    print(
        f"throughput: {len(ack)} acknowledged in {wall:.1f} s = {len(ack) / wall:.1f} ballots/s "
        f"(offered {args.rate:g}/s); latency ms p50 / p95 / p99 / max {percentiles(ack)}"
    )
    late = [(b.started - b.due) * 1000 for b in ballots]
    print(f"voters started behind their due time, ms p50 / p95 / p99 / max: {percentiles(late)}")


def check_and_open(election, contests, codes, ballots) -> list[str]:
    """Check the invariants on the sealed box, close voting, open it with two trustees' shares and
    check the opened box against the sealed one. Returns the violations."""
    from django.db import connection
    from django.db.models import Sum

    from tallyroom import lifecycle
    from tallyroom.ballotbox.models import Ballot as Opened
    from tallyroom.ballotbox.models import ContestBox
    from tallyroom.voting.models import AttemptCounter

    connection.close()  # this process's connection did not survive the restart
    member, used, marked, box = state_of_box(election, contests, codes)
    found = violations(ballots, member, used, marked, box)
    charged = AttemptCounter.objects.filter(scope__startswith="client:").aggregate(n=Sum("failures"))["n"]
    print(f"rate limits: {charged or 0} failed code attempts held against the voters' address (none was)")
    print(
        f"box: codes used {len(used)}, voters marked { ({k: len(v) for k, v in marked.items()}) }, "
        f"sealed ballots { ({k: len(v) for k, v in box.items()}) }"
    )
    lifecycle.close_voting(election, None)
    started = time.perf_counter()
    lifecycle.open_box(election, None, election.shares[:2])
    took = time.perf_counter() - started
    opened = {c.name: Opened.objects.filter(contest=c).count() for c in contests.values()}
    listed = {b.contest.name: b.tracker_list() for b in ContestBox.objects.filter(contest__election=election)}
    for name, trackers in box.items():
        if sorted(trackers) != listed[name] or opened[name] != len(trackers):
            found.append(f"{name}: the opened box ({opened[name]} ballots) is not the sealed box")
    print(f"opened in {took:.2f} s: {opened}, each contest's trackers the sealed ones: {not found}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--seconds", type=float, default=600, help="length of the run (default 600)")
    add("--rate", type=float, default=40, help="ballots due a second (default 40)")
    add("--voters", type=int, default=32, help="voters at once: client threads (default 32)")
    add("--tries", type=int, default=8, help="times a voter submits a step (default 8)")
    add("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    add("--threads", type=int, default=2, help="threads per gunicorn worker (default 2)")
    add("--kill-at", type=float, default=1 / 3, help="when a worker is killed, of the run (default 1/3)")
    add("--restart-at", type=float, default=2 / 3, help="when PostgreSQL restarts, of the run (default 2/3)")
    add("--pg-mode", default="immediate", choices=["immediate", "fast"], help="pg_ctl's stop mode")
    add("--window", type=float, help="seconds counted as a fault's phase (default: the run's 1/20)")
    args = parser.parse_args()
    args.window = args.window or args.seconds / 20
    if not 0 < args.kill_at < args.restart_at < 1:
        parser.error("need 0 < --kill-at < --restart-at < 1")

    with Cluster() as cluster, tempfile.TemporaryDirectory(prefix="tallyroom-soak-") as home:
        os.environ.update(
            DATABASE_URL=cluster.url("soak"),
            DJANGO_SETTINGS_MODULE="tallyroom.web.settings",  # production's, not the tests'
            TALLYROOM_HOME=home,
            TALLYROOM_DEBUG="0",
        )
        print(
            f"soak: PostgreSQL {cluster.bin.parts[-2]} of its own at 127.0.0.1:{cluster.port}, "
            f"{os.cpu_count()} CPUs; {args.seconds:g} s at {args.rate:g} ballots/s, {args.voters} voters "
            f"at once; gunicorn {args.workers} gthread workers x {args.threads} threads, DEBUG off"
        )
        setup_django()
        election, contests, codes = make_voters("soak", math.floor(args.rate * args.seconds) + 1)
        log, port = Path(home) / "server.log", free_port()
        with log.open("w") as errors:
            server = start_server(port, "gthread", args.workers, args.threads, errors)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("soak: stopped"))
        try:
            faults: list[Fault] = []
            cpu, started_load = (server_cpu(server), time.process_time()), load()
            start = time.perf_counter() + 0.5
            injector = threading.Thread(target=inject, args=(server, cluster, args, start, faults))
            injector.start()
            ballots = run_voters(port, codes, contests, args, start)
            wall = time.perf_counter() - start
            injector.join()
            cpu = (server_cpu(server) - cpu[0], time.process_time() - cpu[1])
        finally:
            server.terminate()
            server.wait(10)
        for f in faults:
            print(f"fault: {f.name} ({f.detail}) at {f.at:.1f} s; back after {f.took:.2f} s")
        logged = log.read_text()
        print(f"server log: {logged.count('Traceback')} tracebacks (500s and the like), "
              f"{logged.count('SIGKILL')} worker killed")  # fmt: skip
        summary(ballots, phases(args, faults), start, wall, args)
        acknowledged = max(1, len(latencies(ballots)))
        print(  # PostgreSQL's is not counted: its processes change at the restart
            f"CPU per acknowledged ballot: gunicorn {cpu[0] * 1000 / acknowledged:.1f} ms, "
            f"the voters' threads {cpu[1] * 1000 / acknowledged:.1f} ms; load at the start {started_load}"
        )
        found = check_and_open(election, contests, codes, ballots)
    print(f"load average: {load()}")
    if found:
        print("INVARIANTS BROKEN:\n  " + "\n  ".join(found))
        sys.exit(1)
    print("invariants hold: each acknowledged ballot in the box once, one ballot a contest a marked voter")


if __name__ == "__main__":
    main()
