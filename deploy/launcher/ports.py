"""Ports on the loopback interface: which are free, the ones the launcher chose (remembered in
`<state>/ports.json` and preferred on the next run, so a second run finds the servers of the
first where they were), and waiting until something listens.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from deploy.launcher.procs import LaunchError

WAIT_SECONDS = 30.0


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
