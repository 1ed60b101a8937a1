"""Infrastructure of the local launcher: the NATS and PostgreSQL servers the services use.

Given `NATS_URL` / `DATABASE_URL`, the launcher uses those servers. Otherwise it runs private ones
from the state folder: `nats/` (JetStream store) and `pg/` (a PostgreSQL cluster, trust
authentication on 127.0.0.1 only, see `postgres`), on the ports `ports.json` remembers. With
`--cluster`, three NATS nodes forming one JetStream cluster instead (`nats-cluster/n1..n3`), and
every service keeps its streams and buckets at R3; `nats.url` in the state folder says which
NATS the last run started, for the operator's commands.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy.databases import with_database
from deploy.launcher.nats_binary import nats_server_binary
from deploy.launcher.nats_cluster import HEALTH_TIMEOUT_SECONDS, Node, node_args, wait_current
from deploy.launcher.output import Output, prefix_for, say
from deploy.launcher.paths import logs_of
from deploy.launcher.ports import Ports, wait_for_nats_url, wait_for_port
from deploy.launcher.postgres import PrivatePostgres, private_admin_dsn
from deploy.launcher.procs import Child, LaunchError, kill_pid_file

_NATS_INFO = re.compile(r"\[INF\]")  # shown only in error reports; warnings and errors pass
# A cluster's nodes also say, while they find each other and when they stop one after the
# other, what is expected then: kept in their logs, off the terminal.
_NATS_CLUSTER_ROUTINE = re.compile(
    r"\[INF\]|connect to route|Waiting for routing|contact with a meta leader|"
    r"Healthcheck failed|store is closed|Metalayer blocking snapshot"
)
CLUSTER_NODES = 3
RECORDED_NATS = "nats.url"
"""The file in the state folder naming the private NATS the last run started (one URL, or a
cluster's nodes separated by commas)."""


def _nats_binary() -> str:
    """The pinned nats-server, or LaunchError saying how to get one."""
    binary = nats_server_binary()
    if binary is None:
        raise LaunchError("no nats-server (run `make install`, or set NATS_URL)")
    return binary


class PrivateNats:
    """A `nats-server -js` on a loopback port with its store in `<state>/nats`."""

    def __init__(self, state: Path, ports: Ports) -> None:
        self.state = state
        self.ports = ports
        self.child: Child | None = None

    def start(self) -> str:
        """Start the server (stopping a leftover of a crashed run first) and return its URL."""
        binary = _nats_binary()
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


class PrivateNatsCluster:
    """Three `nats-server -js` nodes on loopback forming one JetStream cluster, each with its
    store in `<state>/nats-cluster/<node>` and its output in `<state>/logs/<node>.log`."""

    def __init__(self, state: Path, ports: Ports) -> None:
        self.state = state
        self.ports = ports
        self.children: list[Child] = []

    def start(self) -> str:
        """Start the nodes (stopping leftovers of a crashed run first), wait until their
        JetStream is current, and return the nodes' URLs separated by commas."""
        binary = _nats_binary()
        nodes = [self._node(number) for number in range(1, CLUSTER_NODES + 1)]
        for node in nodes:
            pid_file = self.state / f"nats-{node.name}.pid"
            kill_pid_file(pid_file, str(node.store), lambda pid: say(f"stopping leftover {pid}"))
            args = [*node_args(binary, node, nodes), "-P", str(pid_file)]
            prefix = prefix_for(f"nats-{node.name}", 4, 8)
            log = logs_of(self.state) / f"nats-{node.name}.log"
            output = Output(prefix, _NATS_CLUSTER_ROUTINE, log)
            self.children.append(Child(f"nats-{node.name}", args, dict(os.environ), output))
            wait_for_port(node.host, node.client_port)
        try:
            wait_current(nodes, HEALTH_TIMEOUT_SECONDS)
        except TimeoutError as error:
            raise LaunchError(f"the NATS cluster did not form: {error}") from error
        return ",".join(node.url for node in nodes)

    def _node(self, number: int) -> Node:
        name, choose = f"n{number}", self.ports.choose
        store = self.state / "nats-cluster" / name
        store.mkdir(parents=True, exist_ok=True)
        return Node(
            name=name,
            host="127.0.0.1",
            client_port=choose(f"nats-{name}"),
            route_port=choose(f"nats-{name}-route"),
            monitor_port=choose(f"nats-{name}-monitor"),
            store=store,
        )

    def stop(self) -> None:
        """Every node: SIGTERM (all at once: a node stopping alone makes the others elect new
        leaders for nothing), then SIGKILL after the grace period."""
        for child in self.children:
            if child.process.poll() is None:
                child.process.terminate()
        for child in self.children:
            child.stop()
        if self.children:
            say("nats cluster stopped")


@dataclass(frozen=True)
class Infra:
    """Where NATS and PostgreSQL are, and whether the launcher runs them."""

    nats_url: str
    admin_dsn: str
    fixed_database: str | None = None
    private_nats: bool = True
    private_pg: bool = True
    nats_replicas: int = 1

    def dsn_for(self, database: str) -> str:
        """The DSN of a service's database (DATABASE_URL's own database when it names one)."""
        return with_database(self.admin_dsn, self.fixed_database or database)


def start_infrastructure(
    state: Path, ports: Ports, stack: contextlib.ExitStack, *, cluster: bool = False
) -> tuple[Infra, list[Child]]:
    """Use NATS_URL / DATABASE_URL when set; otherwise start private servers (stopped on exit):
    one NATS server, or with `cluster` three nodes (every stream and bucket then at R3)."""
    nats_url, nats_children = _nats(state, ports, stack, cluster=cluster)
    admin_dsn, fixed, private_pg = _postgres(state, ports, stack)
    say(f"NATS at {nats_url}, PostgreSQL at {mask_password(admin_dsn)}")
    replicas = CLUSTER_NODES if cluster else 1
    infra = Infra(nats_url, admin_dsn, fixed, bool(nats_children), private_pg, replicas)
    return infra, nats_children


def _nats(
    state: Path, ports: Ports, stack: contextlib.ExitStack, *, cluster: bool
) -> tuple[str, list[Child]]:
    """NATS_URL (waited for), else a private server or cluster (its URL recorded)."""
    if url := os.environ.get("NATS_URL"):
        wait_for_nats_url(url)
        return url, []
    if cluster:
        nodes = PrivateNatsCluster(state, ports)
        stack.callback(nodes.stop)
        url, children = nodes.start(), nodes.children
    else:
        nats = PrivateNats(state, ports)
        stack.callback(nats.stop)
        url = nats.start()
        children = [nats.child] if nats.child else []
    (state / RECORDED_NATS).write_text(url + "\n")
    return url, children


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
    nats_url = os.environ.get("NATS_URL") or _recorded_nats(ports)
    admin_dsn, fixed = os.environ.get("DATABASE_URL"), None
    if admin_dsn is not None:
        fixed = _fixed_database(admin_dsn)
    elif isinstance(port := ports.known.get("postgres"), int):
        admin_dsn = private_admin_dsn(port)
    if nats_url is None or admin_dsn is None:
        return None
    private_nats, private_pg = "NATS_URL" not in os.environ, "DATABASE_URL" not in os.environ
    return Infra(nats_url, admin_dsn, fixed, private_nats, private_pg)


def _recorded_nats(ports: Ports) -> str | None:
    """The private NATS the last run started (`nats.url`), else the remembered single port."""
    with contextlib.suppress(OSError):
        if recorded := (ports.path.parent / RECORDED_NATS).read_text().strip():
            return recorded
    port = ports.known.get("nats")
    return f"nats://127.0.0.1:{port}" if isinstance(port, int) else None


def mask_password(dsn: str) -> str:
    """The DSN with its password (if any) replaced by ***."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
