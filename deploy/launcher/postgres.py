"""The launcher's private PostgreSQL: a cluster in `<state>/pg`, trust authentication, loopback.

When the launcher runs as root, initdb, pg_ctl and the server run as the `postgres` OS user
(`runuser -u postgres --`, PostgreSQL refuses to run as root), with the folders handed to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from deploy.databases import create_database
from deploy.launcher.output import prefix_for, say, write_out
from deploy.launcher.procs import LaunchError

if TYPE_CHECKING:
    from deploy.launcher.ports import Ports

PG_SUPERUSER = "postgres"
PG_OS_USER = "postgres"
WAIT_SECONDS = 30.0
_SOCKET_PATH_MAX = 90  # sockaddr_un holds 108 bytes, and ".s.PGSQL.<port>" is appended


def _prefix(name: str) -> str:
    return prefix_for(name, 2, 8)


def find_pg_bin() -> Path:
    """The directory with initdb and pg_ctl: $PG_BIN, the PATH, or the newest Debian install."""
    if env := os.environ.get("PG_BIN"):
        return Path(env)
    if found := shutil.which("pg_ctl"):
        return Path(found).parent
    installs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not installs:
        raise LaunchError("PostgreSQL is not installed (no pg_ctl; set PG_BIN or DATABASE_URL)")
    return installs[-1]


async def _ensure_database(admin_dsn: str, database: str, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            connection = await asyncpg.connect(admin_dsn, timeout=2)
            break
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            if time.monotonic() > deadline:
                raise LaunchError(f"PostgreSQL refuses connections: {error}") from error
            await asyncio.sleep(0.2)
    try:
        if await create_database(connection, database):
            say(f"created database {database}")
    except ValueError as error:
        raise LaunchError(f"cannot create database {database!r}: {error}") from error
    finally:
        await connection.close()


def ensure_database(admin_dsn: str, database: str, timeout: float = WAIT_SECONDS) -> None:
    """Wait until PostgreSQL accepts connections, then create `database` if it is missing."""
    asyncio.run(_ensure_database(admin_dsn, database, timeout))


def analyze(dsn: str) -> None:
    """Refresh the planner's statistics of a database: right after the demo's tens of
    thousands of rows arrive, before autovacuum gets to them, a class journal's query plans
    badly (about half a second instead of about ten milliseconds)."""

    async def run() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute("ANALYZE")
        finally:
            await connection.close()

    asyncio.run(run())


def _run_logged(name: str, args: Sequence[str], *, check: bool = True) -> int:
    """Run a short command, its output prefixed with `name`; raise LaunchError when it fails."""
    result = subprocess.run(list(args), capture_output=True, text=True, check=False)
    lines = (result.stdout + result.stderr).splitlines()
    write_out("".join(f"{_prefix(name)}{line}\n" for line in lines if line.strip()))
    if check and result.returncode != 0:
        raise LaunchError(f"{Path(args[0]).name} failed (exit code {result.returncode})")
    return result.returncode


def private_admin_dsn(port: int) -> str:
    """The superuser's DSN of the private cluster listening on `port`."""
    return f"postgresql://{PG_SUPERUSER}@127.0.0.1:{port}/postgres"


class PrivatePostgres:
    """A PostgreSQL cluster in `<state>/pg`, run as the `postgres` OS user when we are root."""

    def __init__(self, state: Path, ports: Ports) -> None:
        self.state = state
        self.ports = ports
        self.bin = find_pg_bin()
        self.data, self.log = state / "pg", state / "pg.log"
        self.socket_dir = state / "pg-socket"
        self.as_root = os.geteuid() == 0

    def _cmd(self, tool: str, *args: str) -> list[str]:
        command = [str(self.bin / tool), *args]
        return ["runuser", "-u", PG_OS_USER, "--", *command] if self.as_root else command

    def start(self) -> str:
        """Create the cluster on the first run, start it, and return the superuser's DSN."""
        self._prepare_folders()
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        if self.running():
            say("stopping a PostgreSQL left running by an earlier launcher")
            self.stop()
        port = self.ports.choose("postgres")
        self._pg_ctl_start(port)
        return private_admin_dsn(port)

    def running(self) -> bool:
        """True when `pg_ctl status` finds the cluster's server running."""
        result = subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data), "status"), capture_output=True, check=False
        )
        return result.returncode == 0

    def stop(self) -> None:
        """`pg_ctl stop -m fast` when the server runs."""
        if (self.data / "postmaster.pid").exists() and self.running():
            _run_logged(
                "postgres",
                self._cmd("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"),
                check=False,
            )

    def _pg_ctl_start(self, port: int) -> None:
        sockets = str(self.socket_dir) if len(str(self.socket_dir)) <= _SOCKET_PATH_MAX else ""
        options = f"-p {port} -k '{sockets}' -c listen_addresses=127.0.0.1"
        args = ["-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start"]
        if _run_logged("postgres", self._cmd("pg_ctl", *args), check=False) != 0:
            raise LaunchError(
                f"PostgreSQL did not start; the end of {self.log}:\n{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _initdb(self) -> None:
        say(f"creating a PostgreSQL cluster in {self.data}")
        base = ["-D", str(self.data), "-U", PG_SUPERUSER, "--auth=trust", "-E", "UTF8"]
        code = _run_logged("postgres", self._cmd("initdb", *base, "--locale=C.UTF-8"), check=False)
        if code != 0:
            say("initdb failed with the C.UTF-8 locale: trying the C locale")
            _run_logged("postgres", self._cmd("initdb", *base, "--locale=C"))

    def _prepare_folders(self) -> None:
        """Create the folders; as root, give them to the postgres user and check its access."""
        self.data.mkdir(mode=0o700, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        self.log.touch()
        if not self.as_root:
            return
        self.state.chmod(self.state.stat().st_mode | 0o011)  # let postgres pass through
        user = pwd.getpwnam(PG_OS_USER)
        for path in (self.data, self.socket_dir, self.log):
            if path.stat().st_uid != user.pw_uid:
                _chown_tree(path, user.pw_uid, user.pw_gid)
        reach = subprocess.run(
            ["runuser", "-u", PG_OS_USER, "--", "test", "-w", str(self.data)], check=False
        )
        if reach.returncode != 0:
            msg = f"the {PG_OS_USER} user cannot reach {self.data}: a parent folder is private"
            raise LaunchError(f"{msg} (choose another --state-dir, or set DATABASE_URL)")


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    """chown -R."""
    os.chown(path, uid, gid)
    if path.is_dir():
        for entry in path.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                os.chown(entry, uid, gid, follow_symlinks=False)
