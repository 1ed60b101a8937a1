"""A private JetStream cluster of the pinned nats-server on loopback (three nodes, or one plain
server), whose nodes a test or a benchmark can kill (-9) and start again on the same ports and
stores.

Each node has its own client, route and monitoring port and its own store; every node routes
to the others. `ready()` waits until every running node's `/healthz` says JetStream is current
(a meta leader is known and the node's streams have caught up), which is what a client needs
before it creates streams or after a node came back.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deploy.launcher.nats_binary import required_nats_server_binary
from deploy.launcher.ports import free_port, wait_for_port

CLUSTER_NAME = "city"
HEALTH_TIMEOUT_SECONDS = 60.0


@dataclass
class Node:
    """One nats-server of the cluster: its name, ports and store."""

    name: str
    host: str
    client_port: int
    route_port: int
    monitor_port: int
    store: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The node's client URL."""
        return f"nats://{self.host}:{self.client_port}"

    @property
    def route(self) -> str:
        """The URL other nodes route to."""
        return f"nats://{self.host}:{self.route_port}"

    def healthy(self) -> bool:
        """Whether the node's JetStream is current (`/healthz` answers 200 with status ok)."""
        address = f"http://{self.host}:{self.monitor_port}/healthz"
        try:
            with urllib.request.urlopen(address, timeout=2) as answer:
                return bool(json.load(answer).get("status") == "ok")
        except (urllib.error.URLError, OSError, ValueError):
            return False


def node_args(binary: str, node: Node, nodes: Sequence[Node]) -> list[str]:
    """The command line of `node`: JetStream in its store, its ports, and (with other nodes)
    the cluster it forms with them."""
    args = [binary, "-js", "-sd", str(node.store), "-n", node.name, "-a", node.host]
    args += ["-p", str(node.client_port), "-m", str(node.monitor_port)]
    if len(nodes) > 1:
        routes = ",".join(other.route for other in nodes if other is not node)
        args += ["--cluster_name", CLUSTER_NAME, "--cluster", node.route, "--routes", routes]
    return args


def wait_current(nodes: Sequence[Node], timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
    """Wait until every node of `nodes` says its JetStream is current; TimeoutError naming the
    others after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not all(node.healthy() for node in nodes):
        if time.monotonic() > deadline:
            unwell = [node.name for node in nodes if not node.healthy()]
            msg = f"JetStream not current on {unwell} after {timeout:.0f} s"
            raise TimeoutError(msg)
        time.sleep(0.2)


class NatsCluster:
    """Three (or `size`) nodes forming one JetStream cluster; `url` names them all."""

    def __init__(self, size: int = 3, *, host: str = "127.0.0.1") -> None:
        self._binary = required_nats_server_binary()
        self.nodes = [
            Node(
                name=f"n{index + 1}",
                host=host,
                client_port=free_port(host),
                route_port=free_port(host),
                monitor_port=free_port(host),
                store=Path(tempfile.mkdtemp(prefix=f"nats-cluster-n{index + 1}-")),
            )
            for index in range(size)
        ]

    @property
    def url(self) -> str:
        """Every node's client URL, separated by commas (the services' NATS URL setting)."""
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> Node:
        """The node called `name` (as the server names it in stream info: n1, n2, n3)."""
        return next(node for node in self.nodes if node.name == name)

    def start(self, node: Node) -> None:
        """Start `node` (routing to every other node) and wait for its client port."""
        args = node_args(self._binary, node, self.nodes)
        node.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(node.host, node.client_port)

    def start_all(self) -> None:
        """Start every node, then wait until the cluster is ready."""
        for node in self.nodes:
            self.start(node)
        self.ready()

    def kill(self, node: Node) -> None:
        """SIGKILL `node` (no goodbye to its peers or clients) and wait for it to be gone."""
        if node.process is not None:
            node.process.kill()
            node.process.wait(timeout=10)
            node.process = None

    def ready(self, timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
        """Wait until every running node says its JetStream is current."""
        wait_current([node for node in self.nodes if node.process is not None], timeout)

    def close(self) -> None:
        """Kill every node and delete the stores."""
        for node in self.nodes:
            self.kill(node)
            shutil.rmtree(node.store, ignore_errors=True)
