"""Infrastructure of the local launcher: the NATS and PostgreSQL servers the services use.

Given `NATS_URL` / `DATABASE_URL`, the launcher uses those servers. Otherwise it runs private ones
from the state folder: `nats/` (JetStream store) and `pg/` (a PostgreSQL cluster, trust
authentication on 127.0.0.1 only, see `postgres`), on the ports `ports.json` remembers.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy.launcher.output import Output, prefix_for, say
from deploy.launcher.paths import logs_of
from deploy.launcher.ports import Ports, wait_for_nats_url, wait_for_port
from deploy.launcher.postgres import PrivatePostgres, private_admin_dsn, with_database
from deploy.launcher.procs import Child, LaunchError, kill_pid_file

_NATS_INFO = re.compile(r"\[INF\]")  # shown only in error reports; warnings and errors pass


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
        log = logs_of(self.state) / "nats.log"
        self.child = Child("nats", args, dict(os.environ), Output(prefix, _NATS_INFO, log))
        wait_for_port("127.0.0.1", port)  # JetStream is on before the client port opens
        return f"nats://127.0.0.1:{port}"

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after the grace period."""
        if self.child is not None:
            self.child.stop()
            say("nats-server stopped")


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
