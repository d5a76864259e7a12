"""A throwaway PostgreSQL cluster for benches that stop or restart the database.

``Cluster`` runs Debian's binaries (``/usr/lib/postgresql/*/bin``) on a data directory made by
``initdb`` in a new temporary folder, listening on 127.0.0.1 at a port of its own with its
socket in that folder (so it never touches the shared server at 127.0.0.1:5432), trust
authentication for the user ``postgres``. Run as root, the binaries run as the ``postgres``
user (``initdb`` refuses root). Leaving the ``with`` block stops the server and removes the
folder.

    with Cluster() as pg:
        url = pg.url("soak")    # postgres://postgres@127.0.0.1:PORT/soak, created if missing
        pg.restart("immediate")  # as after a crash: in-flight transactions are lost
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from cast_ballots import free_port


class ClusterError(Exception):
    """The cluster could not be made, started or stopped; the message says why."""


def binaries() -> Path | None:
    """The newest Debian PostgreSQL ``bin`` folder that has ``initdb``, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class Cluster:
    """A temporary cluster (see the module's docstring); ``start``, ``stop``, ``restart``."""

    def __init__(self, port: int | None = None):
        self.bin = binaries()
        if self.bin is None:
            raise ClusterError("no PostgreSQL binaries: /usr/lib/postgresql/*/bin/initdb is missing")
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="tallyroom-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        try:
            self._init()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def _init(self) -> None:
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": self.port,
            "unix_socket_directories": f"'{self.dir}'",
            "max_connections": 100,
            "logging_collector": "off",
            "fsync": "off",
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def _run(self, tool: str, *args) -> str:
        done = subprocess.run(
            [*self._as, str(self.bin / tool), *map(str, args)], capture_output=True, text=True, cwd=self.dir
        )
        if done.returncode:
            raise ClusterError(f"{tool} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
        return done.stdout

    def start(self, timeout: float = 60) -> float:
        """Start the server and wait until it takes connections; returns the seconds waited."""
        started = time.monotonic()
        self._run("pg_ctl", "start", "-D", self.data, "-l", self.log, "-w", "-t", int(timeout))
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` (transactions in progress rolled back, a clean shutdown) or
        ``immediate`` (every process killed at once, recovery from the WAL at the next start)."""
        self._run("pg_ctl", "stop", "-D", self.data, "-m", mode, "-w")

    def restart(self, mode: str = "immediate") -> float:
        """Stop (``mode`` as ``stop``) and start again; returns the seconds the server was down."""
        started = time.monotonic()
        self.stop(mode)
        self.start()
        return time.monotonic() - started

    def url(self, name: str) -> str:
        """The URL of database ``name`` on this cluster, created if missing."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _dsn(self, name: str) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={name}"

    def remove(self) -> None:
        """Stop the server if it runs and remove the folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ClusterError):
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc):
        self.remove()
