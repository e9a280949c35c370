"""A throwaway PostgreSQL server for the test session.

``CERTBENCH_TEST_PG`` names a server URL to use as is. Otherwise the suite runs
``initdb`` into a scratch folder and starts a private server on a free loopback
port (as the ``postgres`` user when running as root, since initdb refuses root),
and stops it at the end. With ``CI=true`` a missing PostgreSQL is a failure, not
a skip.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL binaries, or the server would not start."""


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailableError(
        "PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(cmd: list[str], as_postgres: bool) -> None:
    if as_postgres:
        cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise PostgresUnavailableError(f"{' '.join(cmd)} failed: {proc.stderr.strip()}")


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield the URL of an empty ``postgresql+psycopg`` server admin database."""
    url = os.environ.get("CERTBENCH_TEST_PG")
    if url:
        yield url
        return
    bindir = _pg_bin()
    as_root = os.geteuid() == 0
    scratch = Path(tempfile.mkdtemp(prefix="certbench-pg-"))
    data, sock = scratch / "data", scratch / "sock"
    data.mkdir()
    sock.mkdir()
    if as_root:
        shutil.chown(scratch, "postgres", "postgres")
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(sock, "postgres", "postgres")
    data.chmod(0o700)
    port = _free_port()
    _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
          "-E", "UTF8", "--locale=C.UTF-8"], as_root)
    opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(scratch / "server.log"), "-w",
          "-o", f"'{opts}'" if as_root else opts, "start"], as_root)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(PostgresUnavailableError):
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                 as_root)
        shutil.rmtree(scratch, ignore_errors=True)


def fresh_database(admin_url: str) -> str:
    """Create a new empty database on the server and return its URL."""
    import sqlalchemy as sa

    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
