"""Infrastructure of the local launcher: the NATS and PostgreSQL servers the services use.

Given `NATS_URL` / `DATABASE_URL`, the launcher uses those servers. Otherwise it runs private ones
from the state folder (`.local/` by default): `nats/` (JetStream store), `pg/` (a PostgreSQL
cluster, trust authentication on 127.0.0.1 only) and `ports.json` (the ports chosen, reused on the
next run when still free), so a second run finds the data of the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from deploy import launcher_summary as summary
from deploy.launcher_pg import PrivatePostgres, private_admin_dsn, with_database
from deploy.launcher_procs import Child, LaunchError, kill_pid_file, prefix_for, say

WAIT_SECONDS = 30.0
_NATS_INFO = re.compile(r"\[INF\]")  # shown only in error reports; warnings and errors pass


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on `host:port` (SO_REUSEADDR ignores TIME_WAIT leftovers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


class Ports:
    """The ports of earlier runs, from `ports.json`; `choose` prefers them when they are free."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.known: dict[str, int] = json.loads(path.read_text())
        except (OSError, ValueError):
            self.known = {}

    def choose(self, name: str, preferred: Sequence[int] = ()) -> int:
        """The first free port of `preferred`, then of the remembered one, else a new free one."""
        remembered = self.known.get(name)
        candidates = [*preferred, *([remembered] if isinstance(remembered, int) else [])]
        port = next((p for p in candidates if port_is_free(p)), None) or free_port()
        self.known[name] = port
        self.path.write_text(json.dumps(self.known, indent=2, sort_keys=True) + "\n")
        return port


def wait_for_port(host: str, port: int, timeout: float = WAIT_SECONDS) -> None:
    """Block until `host:port` accepts TCP connections, or raise LaunchError."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise LaunchError(f"nothing accepts connections on {host}:{port}") from None
            time.sleep(0.05)


def wait_for_nats_url(url: str) -> None:
    """Wait until the (first) server of a NATS URL accepts connections."""
    parts = urlsplit(url.split(",", maxsplit=1)[0].strip())
    wait_for_port(parts.hostname or "127.0.0.1", parts.port or 4222)


class PrivateNats:
    """A `nats-server -js` on a loopback port with its store in `<state>/nats`."""

    def __init__(self, state: Path, ports: Ports) -> None:
        self.state = state
        self.ports = ports
        self.child: Child | None = None

    def start(self) -> str:
        """Start the server (stopping a leftover of a crashed run first) and return its URL."""
        binary = shutil.which("nats-server")
        if binary is None:
            raise LaunchError("nats-server is not on PATH (install it, or set NATS_URL)")
        store, pid_file = self.state / "nats", self.state / "nats.pid"
        kill_pid_file(pid_file, str(store), lambda pid: say(f"stopping leftover nats-server {pid}"))
        port = self.ports.choose("nats")
        args = [binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", str(store)]
        args += ["-P", str(pid_file)]
        prefix = prefix_for("nats", 4, 8)
        self.child = Child("nats", args, dict(os.environ), prefix, quiet=_NATS_INFO)
        wait_for_port("127.0.0.1", port)  # JetStream is on before the client port opens
        return f"nats://127.0.0.1:{port}"

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after the grace period."""
        if self.child is not None:
            self.child.stop()
            say("nats-server stopped")


LOCK_FILE = "launcher.lock"
STATE_ENTRIES = frozenset(
    {
        "ports.json",
        "pg",
        "pg-socket",
        "pg.log",
        "nats",
        "nats.pid",
        LOCK_FILE,
        summary.TOKENS_FILE,
        *summary.STATE_FILES,
    }
)
"""What the launcher itself writes into its state folder: all that `--reset` may delete."""


@dataclass(frozen=True)
class Infra:
    """Where NATS and PostgreSQL are, and whether the launcher runs them."""

    nats_url: str
    admin_dsn: str
    fixed_database: str | None = None
    private_nats: bool = True
    private_pg: bool = True

    def dsn_for(self, database: str) -> str:
        """The DSN of a service's database (DATABASE_URL's own database when it names one)."""
        return with_database(self.admin_dsn, self.fixed_database or database)


def prepare_state(path: Path, *, reset: bool) -> tuple[Path, IO[str]]:
    """The state folder, locked for this launcher (keep the returned file open while running),
    emptied first with --reset (only when it holds nothing but the launcher's own files)."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    lock = _lock(path / LOCK_FILE)
    if reset:
        unknown = sorted(p.name for p in path.iterdir() if p.name not in STATE_ENTRIES)
        if unknown:
            lock.close()
            raise LaunchError(f"--reset refuses to delete {path}: it holds {unknown[:5]}")
        _stop_leftovers(path)
        for entry in path.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            elif entry.name != LOCK_FILE:
                entry.unlink()
        say(f"emptied {path}")
    return path, lock


def _lock(path: Path) -> IO[str]:
    """An exclusive lock on `path`, so two launchers never share one state folder."""
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        msg = f"another launcher (pid {holder}) is using {path.parent}; stop it or use --state-dir"
        raise LaunchError(msg) from None
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _stop_leftovers(state: Path) -> None:
    """Stop servers a killed launcher left running from `state`, before deleting it."""
    kill_pid_file(state / "nats.pid", str(state / "nats"), lambda pid: say(f"stopping nats {pid}"))
    if (state / "pg" / "postmaster.pid").exists():
        PrivatePostgres(state, Ports(state / "ports.json")).stop()


def start_infrastructure(
    state: Path, ports: Ports, stack: contextlib.ExitStack
) -> tuple[Infra, list[Child]]:
    """Use NATS_URL / DATABASE_URL when set; otherwise start private servers (stopped on exit)."""
    nats_url, nats_child = _nats(state, ports, stack)
    admin_dsn, fixed, private_pg = _postgres(state, ports, stack)
    say(f"NATS at {nats_url}, PostgreSQL at {mask_password(admin_dsn)}")
    infra = Infra(nats_url, admin_dsn, fixed, nats_child is not None, private_pg)
    return infra, [nats_child] if nats_child else []


def _nats(state: Path, ports: Ports, stack: contextlib.ExitStack) -> tuple[str, Child | None]:
    """NATS_URL (waited for), else a private server."""
    if url := os.environ.get("NATS_URL"):
        wait_for_nats_url(url)
        return url, None
    nats = PrivateNats(state, ports)
    stack.callback(nats.stop)
    return nats.start(), nats.child


def _postgres(
    state: Path, ports: Ports, stack: contextlib.ExitStack
) -> tuple[str, str | None, bool]:
    """The server's DSN, the database every service must use (if DATABASE_URL names one other
    than `postgres`; else each service gets its own), and whether the server is private."""
    if url := os.environ.get("DATABASE_URL"):
        return url, _fixed_database(url), False
    postgres = PrivatePostgres(state, ports)
    stack.callback(postgres.stop)
    return postgres.start(), None, True


def _fixed_database(url: str) -> str | None:
    """The database DATABASE_URL names, unless it is the server's default one."""
    name = urlsplit(url).path.lstrip("/")
    return name if name not in ("", "postgres") else None


def recorded_infra(ports: Ports) -> Infra | None:
    """Where a launcher's servers are (NATS_URL / DATABASE_URL, else the private servers'
    ports remembered in `ports.json`), without starting anything; None when unknown."""
    nats_url = os.environ.get("NATS_URL")
    if nats_url is None and isinstance(port := ports.known.get("nats"), int):
        nats_url = f"nats://127.0.0.1:{port}"
    admin_dsn, fixed = os.environ.get("DATABASE_URL"), None
    if admin_dsn is not None:
        fixed = _fixed_database(admin_dsn)
    elif isinstance(port := ports.known.get("postgres"), int):
        admin_dsn = private_admin_dsn(port)
    if nats_url is None or admin_dsn is None:
        return None
    private_nats, private_pg = "NATS_URL" not in os.environ, "DATABASE_URL" not in os.environ
    return Infra(nats_url, admin_dsn, fixed, private_nats, private_pg)


def mask_password(dsn: str) -> str:
    """The DSN with its password (if any) replaced by ***."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
