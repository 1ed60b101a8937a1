"""Fault injection on a local launcher, for the chaos test (tests/e2e/test_chaos.py).

`ChaosLauncher` runs `python -m deploy.launcher --no-demo` as a subprocess on private servers in a
state folder of its own (never the machine's shared NATS or PostgreSQL) and breaks it the way a
host does:

- `kill_nats` / `start_nats`: SIGKILL the private nats-server, then start it again with the very
  command line the launcher used (same port, same JetStream store, same pid file). The launcher
  does not restart nats-server itself (it only reports its death), so the restarted server is
  this object's child and is stopped by `stop`.
- `stop_postgres_immediate` / `start_postgres`: `pg_ctl stop -m immediate` (no checkpoint, crash
  recovery on the next start, as after a power cut) and a start on the remembered port.
- `kill_service`: SIGKILL one service; the launcher's supervise loop (`Restarter`) restarts it.

Everything here blocks: the async test runs the waits in threads.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from deploy import launcher_summary as summary
from deploy.launcher import SERVICES
from deploy.launcher_infra import Ports, wait_for_port
from deploy.launcher_pg import PG_OS_USER, PrivatePostgres, private_admin_dsn, with_database
from deploy.launcher_procs import Child, LaunchError, child_pid, prefix_for

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SERVICE_NAMES = tuple(s.name for s in SERVICES)
UP_LINE = "everything is up"
STOP_TIMEOUT = 60.0
_NATS_INFO = re.compile(r"\[INF\]")  # nats-server's info lines stay out of the output
_DROPPED_ENV = ("NATS_URL", "DATABASE_URL", *(f"{s.env_prefix}_" for s in SERVICES))


class ChaosLauncher:
    """A launcher subprocess on private servers, its output, and the faults to inject into it."""

    def __init__(self, state: Path) -> None:
        self.state = state.resolve()  # as the launcher names it in the servers' command lines
        self.process: subprocess.Popen[str] | None = None
        self.nats: Child | None = None
        self._nats_args: list[str] | None = None
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
        args = [sys.executable, "-m", "deploy.launcher", "--no-demo", "--state-dir"]
        self.process = subprocess.Popen(
            [*args, str(self.state)],
            cwd=PROJECT_ROOT,
            env={**env, "NO_COLOR": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, name="chaos-launcher", daemon=True)
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
        """SIGTERM the launcher (it stops the services, then PostgreSQL), then the nats-server
        this object restarted; the launcher's exit code (None when it had to be killed)."""
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
        if self.nats is not None:
            self.nats.stop()
            _close(self.nats.process.stdout)
        if self._reader is not None:
            self._reader.join(timeout=10)
        if self.process is not None:
            _close(self.process.stdout)
        pg = PrivatePostgres(self.state, Ports(self.state / "ports.json"))
        if (pg.data / "postmaster.pid").exists():  # the launcher died before stopping it
            pg.stop()
        return code

    # --- where things are ---------------------------------------------------------------------

    def port(self, name: str) -> int:
        """The port of a server or service, from the launcher's ports.json."""
        return self._ports[name]

    def url(self, name: str) -> str:
        """The base URL of a service (or the NATS URL for `nats`)."""
        if name == "nats":
            return f"nats://127.0.0.1:{self.port(name)}"
        return f"http://127.0.0.1:{self.port(name)}"

    def database_dsn(self, database: str) -> str:
        """The DSN of a service's database in the private cluster."""
        return with_database(private_admin_dsn(self.port("postgres")), database)

    def dev_secret(self) -> str:
        """The secret the services verify development tokens with."""
        return summary.dev_secret(self.state)  # written by the launcher before any service

    def service_pid(self, name: str) -> int | None:
        """The pid of the launcher's live child running `python -m services.<name>`."""
        assert self.process is not None  # noqa: S101 - only while running
        return child_pid(self.process.pid, f"services.{name}")

    # --- faults -------------------------------------------------------------------------------

    def kill_service(self, name: str) -> int:
        """SIGKILL service `name`; its old pid (the launcher restarts it under a new one)."""
        pid = self.service_pid(name)
        if pid is None:
            raise LaunchError(f"{name} is not running")
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_nats(self) -> None:
        """SIGKILL the nats-server (the launcher's, or the one this object restarted)."""
        pid = int((self.state / "nats.pid").read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
        if str(self.state / "nats").encode() not in cmdline:
            raise LaunchError(f"pid {pid} of nats.pid is not this launcher's nats-server")
        self._nats_args = [arg.decode() for arg in cmdline]
        os.kill(pid, signal.SIGKILL)
        if self.nats is not None:  # our own child (a second kill): reap it
            self.nats.process.wait()
            self.nats.wait_output()

    def spawn_nats(self) -> None:
        """Start nats-server again with the killed one's command line; returns at once.

        Call it from the thread that lives longest (the main one): the child gets SIGTERM when
        its spawning thread ends (PR_SET_PDEATHSIG), so it never outlives a killed test run.
        """
        if self._nats_args is None:
            raise LaunchError("kill_nats first: the command line is taken from the killed server")
        with contextlib.suppress(FileNotFoundError):  # else a stale pid could be read back
            (self.state / "nats.pid").unlink()
        prefix = prefix_for("nats", 4, 8)
        self.nats = Child("nats", self._nats_args, dict(os.environ), prefix, quiet=_NATS_INFO)

    def wait_nats(self) -> None:
        """Block until the (re)started nats-server accepts clients (JetStream is on by then)."""
        wait_for_port("127.0.0.1", self.port("nats"))

    def _pg(self) -> PrivatePostgres:
        return PrivatePostgres(self.state, Ports(self.state / "ports.json"))

    def stop_postgres_immediate(self) -> None:
        """`pg_ctl stop -m immediate`: every backend killed at once, no shutdown checkpoint."""
        pg = self._pg()
        command = [str(pg.bin / "pg_ctl"), "-D", str(pg.data), "-m", "immediate", "-w", "stop"]
        if pg.as_root:  # as PrivatePostgres runs its tools: PostgreSQL refuses root
            command = ["runuser", "-u", PG_OS_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start_postgres(self) -> None:
        """Start the cluster again (after crash recovery) on the port the services know."""
        port = self.port("postgres")
        dsn = self._pg().start()
        if dsn != private_admin_dsn(port):
            raise LaunchError(f"PostgreSQL came back on another port: {dsn} (was {port})")


def _close(stream: IO[Any] | None) -> None:
    """Close a child's drained output pipe (else a ResourceWarning when it is collected)."""
    if stream is not None:
        stream.close()


@contextlib.contextmanager
def chaos_launcher(state: Path, timeout: float) -> Iterator[ChaosLauncher]:
    """A started `ChaosLauncher`, stopped (with whatever it restarted) when the block ends."""
    launcher = ChaosLauncher(state)
    try:
        launcher.start(timeout)
        yield launcher
    finally:
        launcher.stop()
