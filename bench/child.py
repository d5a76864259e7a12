"""Run one measured child process: wall time, peak memory (max RSS), stopped at a time budget.

The peak memory is measured by GNU time (``/usr/bin/time``, Debian package ``time``) as the
launcher: a child forked straight from the bench would report the bench's own memory at the fork
as its maximum RSS (Linux carries it over through exec), and the bench holds the whole poll.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNU_TIME = Path("/usr/bin/time")


@dataclass
class Run:
    """What one child did: ``finished`` is False when it was stopped at the budget; ``peak_mb``
    and ``cpu`` (user + system seconds, less disturbed than wall time by other work on the
    machine) are None when they were not measured (stopped, or no GNU time)."""

    finished: bool
    returncode: int
    seconds: float
    peak_mb: float | None
    stdout: str
    stderr: str
    cpu: float | None = None


def run(argv: list[str], budget: float) -> Run:
    """Run ``argv`` for at most ``budget`` seconds (wall time from start to exit)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        launcher = [str(GNU_TIME), "--format", "%U %S %M", "--output", peak.name] if GNU_TIME.exists() else []
        start = time.perf_counter()
        process = subprocess.Popen(
            [*launcher, *argv], stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(budget, stop)
        timer.start()
        returncode = process.wait()
        seconds = time.perf_counter() - start
        timer.cancel()
        out.seek(0)
        err.seek(0)
        measured = peak.read().split()  # user s, system s, max RSS KB (after any message)
        kilobytes = measured[-1:]
        times = measured[-3:-1] if len(measured) >= 3 else []
        return Run(
            not (stopped.is_set() and returncode == -signal.SIGKILL),
            returncode,
            seconds,
            int(kilobytes[-1]) / 1024 if kilobytes and kilobytes[-1].isdigit() else None,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            sum(float(t) for t in times) if times else None,
        )


def python(script: str, *args: object) -> list[str]:
    """The command that runs ``bench/<script>`` with this interpreter."""
    return [sys.executable, str(HERE / script), *(str(a) for a in args)]
