"""Time the tallyroom engine on in-memory Ballots, in a child process with a time budget:

    python bench/engine.py METHOD SEATS BALLOTS.npz REPEATS

loads the ballots saved by ``polls.save`` (outside the timing), calls ``tallyroom.count.count``
``REPEATS`` times and prints one JSON line: the winners, the best and median wall seconds, the
best CPU seconds (less disturbed by other work on the machine), the stages.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from polls import load

from tallyroom.count import count


def main(method: str, seats: int, path: str, repeats: int) -> None:
    ballots = load(Path(path))
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = count(ballots, method, seats, tie_seed="bench")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(
        json.dumps(
            {
                "winners": result.elected,
                "best": min(times),
                "cpu": min(cpu),
                "median": statistics.median(times),
                "stages": len(result.stages),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
