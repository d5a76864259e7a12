"""Where the time of ``tallyroom count FILE.blt`` goes, phase by phase, in one child process:

    python bench/phases.py FILE.blt METHOD SEATS

prints one JSON line: wall seconds (``wall``) and CPU seconds (``cpu``) of ``imports`` (what
the command imports), ``read`` (the file's bytes), ``parse`` (the BLT parser, merging aside),
``merge`` (merging identical rankings, ``Ballots.compressed``), ``count`` (the engine alone:
``tallyroom.count.count``) and ``output`` (the JSON result), and the winners. The interpreter's
own start-up is not in it: the whole command's time less these phases is start-up and argument
parsing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(path: str, method: str, seats: int) -> None:
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def done(phase: str, since: tuple[float, float]) -> None:
        now = clock()
        wall[phase] = wall.get(phase, 0.0) + now[0] - since[0]
        cpu[phase] = cpu.get(phase, 0.0) + now[1] - since[1]

    start = clock()
    import tallyroom.cli

    tallyroom.cli.parser("count")  # the command's own imports: its subcommand's module alone
    from tallyroom.count import Ballots, count
    from tallyroom.formats.blt import parse_blt
    from tallyroom.formats.results import result_json

    done("imports", start)
    start = clock()
    data = Path(path).read_bytes()
    done("read", start)
    merging = Ballots.compressed

    def timed(ballots: Ballots) -> Ballots:
        began = clock()
        merged = merging(ballots)
        done("merge", began)
        return merged

    Ballots.compressed = timed
    start = clock()
    parsed = parse_blt(data, path)
    done("parse", start)
    Ballots.compressed = merging
    for figures in (wall, cpu):
        figures["parse"] -= figures.get("merge", 0.0)
        figures.setdefault("merge", 0.0)
    start = clock()
    result = count(parsed.ballots, method, seats, tie_seed="bench")
    done("count", start)
    start = clock()
    result_json(result)
    done("output", start)
    print(json.dumps({"wall": wall, "cpu": cpu, "winners": result.elected}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
