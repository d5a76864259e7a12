"""Run one measured child process: wall time, peak memory (max RSS), stopped at a time budget."""

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


@dataclass
class Run:
    """What one child did: ``finished`` is False when it was stopped at the budget."""

    finished: bool
    returncode: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def run(argv: list[str], budget: float) -> Run:
    """Run ``argv`` for at most ``budget`` seconds; ``wait4`` gives this child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
        )
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

        timer = threading.Timer(budget, stop)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            not (stopped.is_set() and child.returncode == -signal.SIGKILL),
            child.returncode,
            seconds,
            usage.ru_maxrss / 1024,  # ru_maxrss is in kilobytes on Linux
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def python(script: str, *args: object) -> list[str]:
    """The command that runs ``bench/<script>`` with this interpreter."""
    return [sys.executable, str(HERE / script), *(str(a) for a in args)]
