"""A launcher run in a test: its state folder (fresh, reachable by the postgres OS user, gone
after), its output read line by line, and its stop."""

from __future__ import annotations

import contextlib
import queue
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from deploy.launcher.ports import Ports
from deploy.launcher.postgres import PrivatePostgres


@contextlib.contextmanager
def launcher_state_dir(prefix: str) -> Iterator[Path]:
    """A fresh state folder (pytest's tmp_path is private to the test's user); a private
    PostgreSQL left running in it by a failed or killed run is stopped afterwards."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(0o711)
    state = base / "state"
    try:
        yield state
    finally:
        if (state / "pg" / "postmaster.pid").exists():
            PrivatePostgres(state, Ports(state / "ports.json")).stop()
        shutil.rmtree(base, ignore_errors=True)


def read_lines(stream: Iterable[str], lines: queue.Queue[str]) -> None:
    """Put every line of the launcher's output into `lines` (a reader thread's target)."""
    for line in stream:
        lines.put(line)


def stop_launcher(process: subprocess.Popen[str]) -> int:
    """SIGTERM the launcher (even after a failed check, so that it stops its servers), wait for
    it, kill it if it does not stop; its exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
