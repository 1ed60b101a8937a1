"""The whole system under the local launcher, as a subprocess, for tests that need all of it.

`LaunchedSystem` runs `python -m deploy.launcher --state-dir <state>` (with `--no-demo` unless
asked for the demo school) on PRIVATE servers: the variables that would point it at shared ones
(`NATS_URL`, `DATABASE_URL`, every service's prefix) are dropped from its environment, so it
starts its own nats-server and PostgreSQL with their data in the state folder. It waits for the
launcher's "everything is up", reads where everything listens from `<state>/ports.json` and the
development tokens from `<state>/tokens.env`, and stops it all (SIGTERM, then SIGKILL after
`STOP_TIMEOUT`; a PostgreSQL the launcher could not stop is stopped here).

Used by the chaos test (`tests.support.chaos.ChaosLauncher` adds the faults) and the browser tests
(`tests/browser/conftest.py`). Everything here blocks: async tests run the waits in threads.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from deploy.databases import with_database
from deploy.launcher.infra import RECORDED_NATS
from deploy.launcher.paths import PROJECT_ROOT
from deploy.launcher.ports import Ports
from deploy.launcher.postgres import PrivatePostgres, private_admin_dsn
from deploy.launcher.procs import LaunchError, child_pid
from deploy.launcher.services import SERVICES
from deploy.launcher.state_secrets import dev_secret
from deploy.launcher.tokens import TOKENS_FILE

SERVICE_NAMES = tuple(s.name for s in SERVICES)
UP_LINE = "everything is up"
STOP_TIMEOUT = 60.0
_DROPPED_ENV = ("NATS_URL", "DATABASE_URL", *(f"{s.env_prefix}_" for s in SERVICES))


class LaunchedSystem:
    """A launcher subprocess on private servers, its output, and where its parts listen."""

    def __init__(self, state: Path, *, demo: bool = False, options: tuple[str, ...] = ()) -> None:
        self.state = state.resolve()  # as the launcher names it in the servers' command lines
        self.demo = demo
        self.options = options  # more of the launcher's options (`--cluster`)
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str] = queue.Queue()
        self._seen: list[str] = []
        self._reader: threading.Thread | None = None
        self._ports: dict[str, int] = {}

    # --- the launcher -------------------------------------------------------------------------

    def start(self, timeout: float) -> None:
        """Start the launcher and block until it says everything is up (LaunchError if not)."""
        # The launcher must start its own servers: a NATS_URL, DATABASE_URL or service setting
        # inherited from the developer's shell would point it at shared ones.
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV)}
        args = [sys.executable, "-m", "deploy.launcher", *(() if self.demo else ("--no-demo",))]
        args += self.options
        self.process = subprocess.Popen(
            [*args, "--state-dir", str(self.state)],
            cwd=PROJECT_ROOT,
            env={**env, "NO_COLOR": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, name="launcher-output", daemon=True)
        self._reader.start()
        self.wait_for(UP_LINE, timeout)
        # Read once: restarting PostgreSQL rewrites ports.json (same ports), and a reader
        # racing that write would find it empty.
        self._ports = json.loads((self.state / "ports.json").read_text())

    def _read(self) -> None:
        assert self.process is not None  # noqa: S101 - started before the thread
        assert self.process.stdout is not None  # noqa: S101 - stdout=PIPE
        for line in self.process.stdout:
            self._lines.put(line)

    def output(self) -> str:
        """Everything the launcher (and, prefixed, every service) printed so far."""
        while not self._lines.empty():
            self._seen.append(self._lines.get())
        return "".join(self._seen)

    def wait_for(self, text: str, timeout: float) -> None:
        """Block until a line containing `text` was printed; LaunchError with the output if not
        (at once when the launcher has exited, e.g. after a service failed to start)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self._seen):
            try:
                wait = min(max(deadline - time.monotonic(), 0.01), 0.5)
                self._seen.append(self._lines.get(timeout=wait))
            except queue.Empty:
                exited = self.process is not None and self.process.poll() is not None
                if exited or time.monotonic() >= deadline:
                    if self._reader is not None:
                        self._reader.join(timeout=5)  # the launcher's last lines
                    why = "the launcher exited" if exited else f"{timeout:.0f} s passed"
                    tail = self.output()[-4000:]
                    raise LaunchError(f"no {text!r} ({why}):\n{tail}") from None

    def stop(self) -> int | None:
        """SIGTERM the launcher (it stops the services, then its servers), then whatever
        `_stop_extras` names; the launcher's exit code (None when it had to be killed)."""
        code: int | None = None
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        elif self.process is not None:
            code = self.process.returncode
        self._stop_extras()
        if self._reader is not None:
            self._reader.join(timeout=10)
        if self.process is not None:
            close_pipe(self.process.stdout)
        pg = PrivatePostgres(self.state, Ports(self.state / "ports.json"))
        if (pg.data / "postmaster.pid").exists():  # the launcher died before stopping it
            pg.stop()
        return code

    def _stop_extras(self) -> None:
        """What a subclass started besides the launcher (stopped after it)."""

    # --- where things are ---------------------------------------------------------------------

    def port(self, name: str) -> int:
        """The port of a server or service, from the launcher's ports.json."""
        return self._ports[name]

    def url(self, name: str) -> str:
        """The base URL of a service (or the NATS URL for `nats`: a cluster's nodes separated by
        commas)."""
        if name == "nats":
            return (self.state / RECORDED_NATS).read_text().strip()
        return f"http://127.0.0.1:{self.port(name)}"

    @property
    def portal_url(self) -> str:
        """The base URL of the portal's pages (parents, pupils, teachers' UIDs)."""
        return self.url("portal")

    def database_dsn(self, database: str) -> str:
        """The DSN of a service's database in the private cluster."""
        return with_database(private_admin_dsn(self.port("postgres")), database)

    def dev_secret(self) -> str:
        """The secret the services verify development tokens with."""
        return dev_secret(self.state)  # written by the launcher before any service

    def tokens(self) -> dict[str, str]:
        """The development tokens the launcher wrote to `<state>/tokens.env`, by variable
        (`ADMIN_TOKEN`, `TEACHER_TOKEN`, …)."""
        text = (self.state / TOKENS_FILE).read_text()
        pairs = (line.removeprefix("export ").split("=", 1) for line in text.splitlines())
        return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}

    def service_pid(self, name: str) -> int | None:
        """The pid of the launcher's live child running `python -m services.<name>`."""
        assert self.process is not None  # noqa: S101 - only while running
        return child_pid(self.process.pid, f"services.{name}")


def close_pipe(stream: IO[Any] | None) -> None:
    """Close a child's drained output pipe (else a ResourceWarning when it is collected)."""
    if stream is not None:
        stream.close()
