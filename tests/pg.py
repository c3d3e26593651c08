"""A throwaway PostgreSQL server for the tests (and ``benchmarks/store_latency.py``): Debian's binaries.

``tests/conftest.py`` starts one per test process (``postgres`` fixture, session scope): under pytest-xdist
every worker gets its own server, in its own temporary data folder, on its own free loopback port. A test
then makes a database of its own (:meth:`PostgresServer.create_database`) and drops it when done.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user (``runuser -u
postgres --``) in a folder that user owns (TOOLCHAIN.md, "PostgreSQL for tests"); its Unix socket goes to
``/tmp``. The server keeps PostgreSQL's defaults (``fsync`` and synchronous commits on), so what the
tests measure is what a workshop would see.

Needs no pytest: ``PostgresServer.start()`` raises :class:`Unavailable` when there are no binaries.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_S = 60


class Unavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (``apt-get install postgresql``)."""


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb`` and ``pg_ctl``."""
    found = [Path(d) for d in glob.glob(BIN_GLOB) if (Path(d) / "pg_ctl").is_file() and (Path(d) / "initdb").is_file()]
    return max(found, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0) if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One running server: :meth:`url` of a database, :meth:`create_database`, :meth:`stop`."""

    def __init__(self, bindir: Path, folder: Path, port: int, as_postgres: bool):
        self.bindir, self.folder, self.port, self.as_postgres = bindir, folder, port, as_postgres

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess:
        cmd = (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + list(args)
        return subprocess.run(cmd, cwd=self.folder, capture_output=True, text=True, timeout=timeout, check=False)

    @classmethod
    def start(cls) -> PostgresServer:
        """initdb in a new temporary folder, then start on a free port (tried again on another if it is taken)."""
        bindir = find_bindir()
        if bindir is None:
            raise Unavailable(f"no PostgreSQL server binaries ({BIN_GLOB}/pg_ctl); apt-get install postgresql")
        as_postgres = os.geteuid() == 0
        folder = Path(tempfile.mkdtemp(prefix="sdw-pg-"))       # /tmp itself: the postgres user can reach it
        if as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(folder, user.pw_uid, user.pw_gid)
        server = cls(bindir, folder, 0, as_postgres)
        init = server._run(str(bindir / "initdb"), "-D", str(server.data), "-A", "trust", "-U", "postgres",
                           "-E", "UTF8", "--locale=C", "--no-sync")
        if init.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"initdb failed: {init.stderr[-2000:]}")
        for _ in range(5):
            server.port = free_port()
            run = server._run(str(bindir / "pg_ctl"), "-D", str(server.data), "-l", str(folder / "server.log"),
                              "-w", "-t", str(START_TIMEOUT_S), "-o",
                              f"-p {server.port} -k /tmp -c listen_addresses=127.0.0.1", "start")
            if run.returncode == 0:
                return server
        log = (folder / "server.log").read_text(errors="replace")[-2000:] if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {run.stderr[-1000:]}\n{log}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
