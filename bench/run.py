"""``make bench``: the counting benchmark, tallyroom against the counters on PyPI.

    .venv/bin/python bench/run.py [counting] [--ballots N] [--sizes 10000,100000] [--budget S] ...
    .venv/bin/python bench/run.py import-members [ARGS]   # bench/import_members.py, if present
    .venv/bin/python bench/run.py cast-ballots [ARGS]     # bench/cast_ballots.py, if present
    .venv/bin/python bench/run.py colleges [ARGS]         # bench/colleges.py
    .venv/bin/python bench/run.py analysis [ARGS]         # bench/analyses.py: forecasts, power indices
    .venv/bin/python bench/run.py open-box [ARGS]         # bench/open_box.py
    .venv/bin/python bench/run.py open-voting [ARGS]      # bench/open_voting.py
    .venv/bin/python bench/run.py class-decision [ARGS]   # bench/class_decision.py, if present
    .venv/bin/python bench/run.py conference [ARGS]       # bench/conference.py (PostgreSQL)
    .venv/bin/python bench/run.py staff-pages [ARGS]      # bench/staff_pages.py (PostgreSQL)
    .venv/bin/python bench/run.py soak [ARGS]             # bench/soak.py (faults, own PostgreSQL)

The counting benchmark makes one poll from a seed (``tallyroom.formats.synthetic``), then:

1. tallyroom's engine: ``count()`` on the in-memory Ballots (best of a few calls, in a child);
2. the command line: ``tallyroom count FILE.blt`` on the full poll written as a BLT file (one line
   per ballot paper), wall time and the child's peak RSS;
3. each counter on PyPI (``rivals``), in a child stopped at the time budget, on the same ballots
   at each size (prefixes of the poll), its winners compared with tallyroom's;

4. issue 12's figures (``every_method``): each STV method's whole command and its phases
   (bench/phases.py) on a file of (nearly) all-distinct rankings, against one NumPy pass over it;

and prints the tables and whether each target is met. Every figure comes from a run made here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import child
import polls
import rivals

from tallyroom.formats.blt import write_blt
from tallyroom.formats.synthetic import profile

TARGETS = {"engine": 0.3, "cli": 2.0, "peak_mb": 500.0, "speedup": 10.0}
# issue 12: every STV method within 1.5x Scottish STV's whole command on one file; the whole
# command within 5x one NumPy pass over that file, under 300 MB.
ISSUE_12 = {"methods": ("scottish-stv", "meek", "ers97"), "ratio": 1.5, "pass": 5.0, "peak_mb": 300.0}
NUMPY_PASS = (
    "import sys, numpy as np; b = np.frombuffer(open(sys.argv[1], 'rb').read(), np.uint8); "
    "print(int(np.count_nonzero(b == 10)))"
)
MAIN_METHODS = {"scottish-stv": "stv", "irv": "irv"}
SMALL_METHODS = ("meek", "ers97")  # not performance-critical: one figure each
OTHER_BENCHES = {
    "import-members": "import_members.py",
    "cast-ballots": "cast_ballots.py",
    "colleges": "colleges.py",
    "analysis": "analyses.py",
    "open-box": "open_box.py",
    "open-voting": "open_voting.py",
    "class-decision": "class_decision.py",
    "conference": "conference.py",
    "staff-pages": "staff_pages.py",
    "soak": "soak.py",
}


@dataclass
class Row:
    """One measured count: who counted, how, how many ballots, and what came out."""

    counter: str
    method: str  # as the counter names it
    against: str  # the tallyroom method it is compared with
    ballots: int
    seconds: float | None  # None: not finished within the budget, or not run
    winners: list[str] | None
    note: str = ""
    build: float | None = None
    peak_mb: float | None = None
    objects: int | None = None
    wall: float | None = None
    cpu: float | None = None


def seats_for(method: str, seats: int) -> int:
    return 1 if method == "irv" else seats


def engine_row(method: str, seats: int, path: Path, n: int, budget: float, repeats: int) -> Row:
    got = child.run(child.python("engine.py", method, seats_for(method, seats), path, repeats), budget)
    if not got.finished:
        return Row("tallyroom", method, method, n, None, None, f"> {budget:.0f} s budget", wall=got.seconds)
    if got.returncode:
        return Row("tallyroom", method, method, n, None, None, f"failed: {_last_line(got.stderr)}")
    out = json.loads(got.stdout)
    note = f"best of {repeats}, median {out['median']:.3f} s, {out['stages']} stages"
    return Row(
        "tallyroom", method, method, n, out["best"], out["winners"], note, peak_mb=got.peak_mb, cpu=out["cpu"]
    )


def cli_row(method: str, seats: int, blt: Path, n: int, budget: float, repeats: int) -> Row:
    """``tallyroom count`` on the BLT file: best wall time of ``repeats`` runs, the largest peak RSS."""
    command = shutil.which("tallyroom", path=str(Path(sys.executable).parent)) or "tallyroom"
    argv = [command, "count", str(blt), "--method", method, "--seats", str(seats_for(method, seats))]
    argv += ["--format", "json", "--tie-seed", "bench"]
    best, peak = None, 0.0
    for _ in range(repeats):
        got = child.run(argv, budget)
        if not got.finished:
            return Row("tallyroom CLI", method, method, n, None, None, f"> {budget:.0f} s budget")
        if got.returncode:
            return Row("tallyroom CLI", method, method, n, None, None, f"failed: {_last_line(got.stderr)}")
        best = got.seconds if best is None else min(best, got.seconds)
        peak = None if got.peak_mb is None or peak is None else max(peak, got.peak_mb)
    elected = json.loads(got.stdout)["elected"]
    note = f"wall, best of {repeats}, --format json"
    return Row("tallyroom CLI", method, method, n, best, elected, note, peak_mb=peak, wall=best)


def rival_row(library: str, method: str, seats: int, path: Path, n: int, budget: float) -> Row:
    label, short = rivals.METHODS[library][MAIN_METHODS[method]], MAIN_METHODS[method]
    got = child.run(child.python("rivals.py", library, short, path, seats_for(method, seats)), budget)
    if not got.finished:
        built = re.search(r"^built ([0-9.]+)$", got.stderr, re.M)
        doing = f"counting; ballots built in {float(built[1]):.0f} s" if built else "building ballots"
        note = f"> {budget:.0f} s budget (stopped while {doing})"
        return Row(library, label, method, n, None, None, note, wall=got.seconds)
    if got.returncode:
        return Row(
            library, label, method, n, None, None, f"failed: {_last_line(got.stderr)}", wall=got.seconds
        )
    out = json.loads(got.stdout)
    return Row(
        library,
        label,
        method,
        n,
        out["count"],
        out["winners"],
        build=out["build"],
        peak_mb=got.peak_mb,
        objects=out["objects"],
        wall=got.seconds,
        cpu=out["cpu"],
    )


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:100] if lines else "no message"


def load() -> str:
    """The load average: other work on the machine slows every figure."""
    return "load average {:.1f} {:.1f} {:.1f} (1, 5, 15 min)".format(*os.getloadavg())


def installed(library: str) -> bool:
    return importlib.util.find_spec(library) is not None


def has_method(name: str) -> bool:
    return importlib.util.find_spec(f"tallyroom.count.{name}") is not None or name in MAIN_METHODS


def counting(args: argparse.Namespace) -> int:
    sizes = sorted({n for n in args.sizes if n < args.ballots} | {args.ballots})
    libraries = [lib for lib in args.libraries if installed(lib)]
    missing = [lib for lib in args.libraries if lib not in libraries]
    print(f"# Counting benchmark: {args.ballots:,} ballots, {args.candidates} candidates, {args.seats} seats")
    print(f"python {sys.version.split()[0]}, budget {args.budget:.0f} s per child run, sizes {sizes}")
    print(f"{os.cpu_count()} cores, {load()}")
    start = time.perf_counter()
    poll = profile(args.ballots, args.candidates, args.seed)
    made = time.perf_counter() - start
    print(
        f"ballots made in {made:.1f} s (seed {args.seed}); {polls.distinct(poll):,} distinct rankings of "
        f"{args.ballots:,}; {int((poll.lengths() == args.candidates).sum()):,} rank every candidate"
    )
    print("versions:", ", ".join(f"{name} {version(name)}" for name in ["numpy", *libraries]))
    if missing:
        print(f"not installed (skipped): {', '.join(missing)}")
    work = Path(tempfile.mkdtemp(prefix="tallyroom-bench-"))
    try:
        paths = {}
        for n in sizes:
            paths[n] = work / f"ballots-{n}.npz"
            polls.save(polls.prefix(poll, n).compressed(), paths[n])
        ours: dict[tuple[str, int], Row] = {}
        rows: list[Row] = []
        for method in [*MAIN_METHODS, *(m for m in SMALL_METHODS if has_method(m))]:
            for n in sizes if method in MAIN_METHODS else [args.ballots]:
                repeats = args.repeats if method in MAIN_METHODS else 1
                row = engine_row(method, args.seats, paths[n], n, args.budget, repeats)
                ours[method, n] = row
                rows.append(row)
        cli = cli_rows(args, poll, work)
        for row in cli:
            if row.winners is not None:
                same = row.winners == ours[row.method, args.ballots].winners
                row.note += f"; same winners as the engine: {'yes' if same else 'NO'}"
        rows.extend(cli)
        theirs = []
        for library in libraries:
            for method in MAIN_METHODS:
                theirs.extend(escalate(library, method, args, paths, ours))
        print_tables(rows, theirs, ours)
        print_targets(args, ours, cli, theirs)
        every_method(args, work)
        print(f"\nbench took {time.perf_counter() - start:.0f} s; {load()}")
    finally:
        shutil.rmtree(work)
    return 0


def cli_rows(args: argparse.Namespace, poll, work: Path) -> list[Row]:
    blt = work / "ballots.blt"
    start = time.perf_counter()
    write_blt(blt, poll, args.seats)
    size = blt.stat().st_size / 1e6
    print(f"BLT file written in {time.perf_counter() - start:.1f} s: {size:.0f} MB, one line per ballot")
    return [cli_row(m, args.seats, blt, args.ballots, args.budget, args.repeats) for m in MAIN_METHODS]


def every_method(args: argparse.Namespace, work: Path) -> None:
    """Issue 12's figures: the whole command for each STV method on one file in which (nearly)
    every ranking is distinct (lengths from half the candidates up), its phases (bench/phases.py),
    and one NumPy pass over the same file (start-up, read, scan); medians of ``--repeats`` runs,
    in wall and in CPU seconds (user + system: on a busy machine the wall time is mostly waiting)."""
    poll = profile(args.ballots, args.candidates, args.seed, min_length=max(1, args.candidates // 2))
    blt = work / "distinct.blt"
    write_blt(blt, poll, args.seats)
    size, distinct = blt.stat().st_size / 1e6, polls.distinct(poll)
    del poll
    print(
        f"\n## every method on one file: {size:.0f} MB BLT, "
        f"{distinct:,} distinct rankings of {args.ballots:,}"
    )
    print(f"(medians of {args.repeats} runs; whole: `tallyroom count FILE.blt --format json`; {load()})")
    numpy_pass = _medians(
        [child.run([sys.executable, "-c", NUMPY_PASS, str(blt)], args.budget) for _ in range(args.repeats)]
    )
    print(
        "one NumPy pass over the file (start-up, read, scan): "
        f"wall {numpy_pass[0]:.3f} s, cpu {numpy_pass[1]:.3f} s"
    )
    print(
        "| method | whole wall s | whole cpu s | peak MB | cpu s: imports | read | parse | merge | "
        "count (engine) | output | cpu × scottish-stv: whole | engine |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    command = shutil.which("tallyroom", path=str(Path(sys.executable).parent)) or "tallyroom"
    figures: dict[str, tuple[float, float, float, float]] = {}  # wall, cpu, engine cpu, peak
    names = ("imports", "read", "parse", "merge", "count", "output")
    for method in ISSUE_12["methods"]:
        argv = [command, "count", str(blt), "--method", method, "--seats", str(args.seats)]
        argv += ["--format", "json", "--tie-seed", "bench"]
        runs = [child.run(argv, args.budget) for _ in range(args.repeats)]
        phases = [
            child.run(child.python("phases.py", blt, method, args.seats), args.budget)
            for _ in range(args.repeats)
        ]
        if any(not r.finished or r.returncode for r in runs + phases):
            print(f"| {method} | failed or over the budget |" + " |" * 10)
            continue
        parts = [json.loads(r.stdout)["cpu"] for r in phases]
        cpu = {k: statistics.median(p[k] for p in parts) for k in names}
        wall, whole_cpu = _medians(runs)
        figures[method] = (wall, whole_cpu, cpu["count"], max(r.peak_mb or 0.0 for r in runs))
        base = figures.get("scottish-stv")
        ratios = f"{whole_cpu / base[1]:.2f}× | {cpu['count'] / base[2]:.2f}×" if base else "- | -"
        cells = " | ".join(f"{cpu[k]:.3f}" for k in names)
        print(f"| {method} | {wall:.3f} | {whole_cpu:.3f} | {figures[method][3]:.0f} | {cells} | {ratios} |")
    if "scottish-stv" not in figures:
        return
    stv = figures["scottish-stv"]
    for method in ISSUE_12["methods"][1:]:
        if method in figures:
            wall, cpu = figures[method][0] / stv[0], figures[method][1] / stv[1]
            print(
                f"- {method} whole command <= {ISSUE_12['ratio']}× scottish-stv's: wall {wall:.2f}×, "
                f"cpu {cpu:.2f}×: {verdict(wall <= ISSUE_12['ratio'])} (wall), "
                f"{verdict(cpu <= ISSUE_12['ratio'])} (cpu)"
            )
    wall, cpu = stv[0] / numpy_pass[0], stv[1] / numpy_pass[1]
    print(
        f"- scottish-stv whole command <= {ISSUE_12['pass']:.0f}× one NumPy pass: "
        f"wall {wall:.1f}×, cpu {cpu:.1f}×: "
        f"{verdict(wall <= ISSUE_12['pass'])} (wall), {verdict(cpu <= ISSUE_12['pass'])} (cpu)"
    )
    peak = max(f[3] for f in figures.values())
    print(
        f"- peak memory < {ISSUE_12['peak_mb']:.0f} MB (largest of the methods): {peak:.0f} MB: "
        f"{verdict(peak < ISSUE_12['peak_mb'])}"
    )


def _medians(runs: list[child.Run]) -> tuple[float, float]:
    """The median wall and CPU seconds of ``runs`` (CPU as wall where GNU time is missing)."""
    return (
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu if r.cpu is not None else r.seconds for r in runs),
    )


def escalate(library: str, method: str, args: argparse.Namespace, paths: dict, ours: dict) -> list[Row]:
    """Run ``library`` at each size up, while the last run predicts the next one fits the budget."""
    rows: list[Row] = []
    label = rivals.METHODS[library][MAIN_METHODS[method]]
    for n in paths:
        if rows:
            last = rows[-1]
            if last.seconds is None:
                note = f"not run: stopped or failed at {last.ballots:,}"
            elif (predicted := predict(last, n)) > 1.5 * args.budget:
                note = f"not run: {last.ballots:,} took {last.wall:.0f} s in all, so about {predicted:.0f} s"
            else:
                note = ""
            if note:
                rows.append(Row(library, label, method, n, None, None, note))
                break
        row = rival_row(library, method, args.seats, paths[n], n, args.budget)
        mine = ours[method, n].winners
        if row.winners is not None and mine is not None:
            row.note = (
                "yes" if sorted(row.winners) == sorted(mine) else f"NO: {', '.join(sorted(row.winners))}"
            )
        rows.append(row)
        print(f"  {library} {method} {n:,}: {_seconds(row.seconds)} s {row.note}", flush=True)
    return rows


def predict(last: Row, n: int) -> float:
    """The wall time to expect at ``n`` ballots: start-up as before, building and counting in
    proportion to the ballots."""
    scaled = last.build + last.seconds
    return last.wall - scaled + scaled * n / last.ballots


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_tables(rows: list[Row], theirs: list[Row], ours: dict) -> None:
    print("\n## tallyroom (seconds: wall; cpu: CPU seconds of the same call; CLI: the whole program)")
    print("| counter | method | ballots | seconds | cpu s | peak MB | winners | note |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    for r in rows:
        winners = ", ".join(r.winners) if r.winners else "-"
        print(
            f"| {r.counter} | {r.method} | {r.ballots:,} | {_seconds(r.seconds)} | {_seconds(r.cpu)} "
            f"| {_mb(r.peak_mb)} | {winners} | {r.note} |"
        )
    print("\n## counters on PyPI, on the same ballots")
    print("(seconds: the count call; build: making their ballots; agree: same winners as tallyroom;")
    print("×: their seconds over tallyroom's engine seconds at the same size)")
    print("| library | method | ballots | objects | build s | seconds | cpu s | peak MB | agree? | × |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for r in theirs:
        mine = ours.get((r.against, r.ballots))
        ratio = f"{r.seconds / mine.seconds:,.0f}×" if r.seconds and mine and mine.seconds else "-"
        objects = "-" if r.objects is None else f"{r.objects:,}"
        print(
            f"| {r.counter} | {r.method} | {r.ballots:,} | {objects} | {_seconds(r.build)} "
            f"| {_seconds(r.seconds)} | {_seconds(r.cpu)} | {_mb(r.peak_mb)} | {r.note} | {ratio} |"
        )


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "MET" if ok else "NOT MET"


def print_targets(args: argparse.Namespace, ours: dict, cli: list[Row], theirs: list[Row]) -> None:
    n = args.ballots
    print(f"\n## targets at {n:,} ballots")
    for method in MAIN_METHODS:
        engine = ours[method, n].seconds
        ok = None if engine is None else engine <= TARGETS["engine"]
        print(f"- {method} engine count <= {TARGETS['engine']} s: {_seconds(engine)} s: {verdict(ok)}")
        row = next((r for r in cli if r.against == method), None)
        wall = row.seconds if row else None
        ok = None if wall is None else wall <= TARGETS["cli"]
        print(
            f"- {method} `tallyroom count FILE.blt` <= {TARGETS['cli']} s: {_seconds(wall)} s: {verdict(ok)}"
        )
        peak = row.peak_mb if row else None
        ok = None if peak is None else peak < TARGETS["peak_mb"]
        print(f"- {method} CLI peak memory < {TARGETS['peak_mb']:.0f} MB: {_mb(peak)} MB: {verdict(ok)}")
        full = [r for r in theirs if r.against == method and r.ballots == n]
        timed = [r.seconds for r in full if r.seconds is not None]
        # A library stopped at the budget, or not run at this size, was slower than the budget.
        floor = min(timed) if timed else (args.budget if full else None)
        if engine is None or floor is None:
            print(f"- {method} >= {TARGETS['speedup']:.0f}× faster than the fastest on PyPI: {verdict(None)}")
            continue
        fastest = min((r for r in full if r.seconds is not None), key=lambda r: r.seconds, default=None)
        who = (
            f"{fastest.counter} {fastest.seconds:.3f} s"
            if fastest
            else f"none finished in {args.budget:.0f} s"
        )
        ratio = floor / engine
        bound = "" if timed else "at least "
        print(
            f"- {method} >= {TARGETS['speedup']:.0f}× faster than the fastest on PyPI ({who}): "
            f"{bound}{ratio:,.0f}×: {verdict(ratio >= TARGETS['speedup'])}"
        )


def other_bench(name: str, rest: list[str]) -> int:
    script = child.HERE / OTHER_BENCHES[name]
    if not script.exists():
        print(f"{name}: bench/{script.name} does not exist yet")
        return 1
    return subprocess.call([sys.executable, str(script), *rest])


def _names(text: str) -> list[str]:
    return [x for x in text.split(",") if x]


def _numbers(text: str) -> list[int]:
    return [int(x) for x in _names(text)]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=f"The other benches: run.py {{{','.join(OTHER_BENCHES)}}} [their own arguments]",
    )
    parser.add_argument("bench", nargs="?", default="counting", choices=["counting"])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--seats", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sizes", type=_numbers, default=[10_000, 100_000], help="e.g. 10000,100000")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds each child may take")
    parser.add_argument("--repeats", type=int, default=3, help="tallyroom runs per figure (best taken)")
    parser.add_argument(
        "--libraries",
        type=_names,
        default=list(rivals.ADAPTERS),
        help=f"comma-separated, from {','.join(rivals.ADAPTERS)}",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in OTHER_BENCHES:
        return other_bench(argv[0], argv[1:])  # its arguments are its own
    return counting(parse(argv))


if __name__ == "__main__":
    sys.exit(main())
