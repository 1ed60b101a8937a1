"""Fault injection on a local launcher, for the chaos test (tests/e2e/test_chaos.py).

`ChaosLauncher` is a `deploy.launcher.launched.LaunchedSystem`: `python -m deploy.launcher
--no-demo` as a subprocess on private servers in a state folder of its own (never the machine's
shared NATS or PostgreSQL). It breaks that system the way a host does:

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
import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

from deploy.launcher.launched import SERVICE_NAMES, LaunchedSystem, close_pipe
from deploy.launcher.output import Output, prefix_for
from deploy.launcher.ports import Ports, wait_for_port
from deploy.launcher.postgres import PG_OS_USER, PrivatePostgres, private_admin_dsn
from deploy.launcher.procs import Child, LaunchError

__all__ = ["SERVICE_NAMES", "ChaosLauncher", "chaos_launcher"]

_NATS_INFO = re.compile(r"\[INF\]")  # nats-server's info lines stay out of the output


class ChaosLauncher(LaunchedSystem):
    """A launcher subprocess on private servers (`LaunchedSystem`, without the demo school) and
    the faults to inject into it."""

    def __init__(self, state: Path) -> None:
        super().__init__(state, demo=False)
        self.nats: Child | None = None
        self._nats_args: list[str] | None = None

    def _stop_extras(self) -> None:
        """The nats-server this object restarted (the launcher does not know it)."""
        if self.nats is not None:
            self.nats.stop()
            close_pipe(self.nats.process.stdout)

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
        self.nats = Child("nats", self._nats_args, dict(os.environ), Output(prefix, _NATS_INFO))

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
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 - pg_ctl

    def start_postgres(self) -> None:
        """Start the cluster again (after crash recovery) on the port the services know."""
        port = self.port("postgres")
        dsn = self._pg().start()
        if dsn != private_admin_dsn(port):
            raise LaunchError(f"PostgreSQL came back on another port: {dsn} (was {port})")


@contextlib.contextmanager
def chaos_launcher(state: Path, timeout: float) -> Iterator[ChaosLauncher]:
    """A started `ChaosLauncher`, stopped (with whatever it restarted) when the block ends."""
    launcher = ChaosLauncher(state)
    try:
        launcher.start(timeout)
        yield launcher
    finally:
        launcher.stop()
