"""`python -m deploy.launcher` end to end: private NATS and PostgreSQL, the services, a clean stop.

The launcher runs as a subprocess with its own state folder and without NATS_URL / DATABASE_URL,
so it never touches the machine's shared servers; every test checks that nothing is left running.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.launcher_infra import Ports, port_is_free
from deploy.launcher_pg import PrivatePostgres

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
RUN_TIMEOUT = 180.0
SUMMARY = "School journal is running"


@pytest.fixture
def state_dir() -> Iterator[Path]:
    """A fresh state folder the postgres OS user can reach (pytest's tmp_path is private)."""
    base = Path(tempfile.mkdtemp(prefix="launcher-test-"))
    base.chmod(0o711)
    state = base / "state"
    yield state
    if (state / "pg" / "postmaster.pid").exists():  # only after a failed or killed run
        PrivatePostgres(state, Ports(state / "ports.json")).stop()
    shutil.rmtree(base, ignore_errors=True)


def launcher_env() -> dict[str, str]:
    """The caller's environment without any server URL or service setting, and without colors."""
    drop = ("NATS_URL", "DATABASE_URL", "JOURNAL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "NO_COLOR": "1"}


def launcher_args(state: Path, *extra: str) -> list[str]:
    """The launcher's command line."""
    return [sys.executable, "-m", "deploy.launcher", "--no-demo", "--state-dir", str(state), *extra]


def run_once(state: Path) -> subprocess.CompletedProcess[str]:
    """`--once`: start everything, print the summary, stop."""
    return subprocess.run(  # noqa: S603 - our own module, fixed arguments
        launcher_args(state, "--once"),
        cwd=ROOT,
        env=launcher_env(),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def assert_nothing_left(state: Path) -> None:
    """No process mentions the state folder and no remembered port is still listened on."""
    leftovers = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and proc.name != str(os.getpid()):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(state) in cmdline:
                leftovers.append(f"{proc.name}: {cmdline}")
    assert not leftovers
    ports = json.loads((state / "ports.json").read_text())
    assert {name: port for name, port in ports.items() if not port_is_free(port)} == {}


@pytest.mark.timeout(RUN_TIMEOUT + 30)
def test_once_starts_everything_prints_the_summary_and_stops(state_dir: Path) -> None:
    result = run_once(state_dir)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert SUMMARY in result.stdout
    assert "/docs" in result.stdout
    assert "Authorization: Bearer" in result.stdout
    assert "journal  | " in result.stdout  # the service's own output, prefixed
    tokens = (state_dir / "tokens.env").read_text()
    assert all(f"{role}_TOKEN=" in tokens for role in ("ADMIN", "DEPUTY", "HEAD", "TEACHER"))
    assert {"nats", "postgres", "journal"} <= json.loads(
        (state_dir / "ports.json").read_text()
    ).keys()
    assert_nothing_left(state_dir)


def _read_lines(stream: Iterator[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def wait_for_line(lines: queue.Queue[str], text: str, seen: list[str], timeout: float) -> None:
    """Collect output lines into `seen` until one contains `text`."""
    deadline = time.monotonic() + timeout
    while not any(text in line for line in seen):
        try:
            seen.append(lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
        except queue.Empty:
            pytest.fail(f"no {text!r} after {timeout} s:\n{''.join(seen)[-4000:]}")


def run_until_sigterm(state: Path) -> tuple[int, str]:
    """Run without --once, send SIGTERM once everything is up; the exit code and the output."""
    with subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        launcher_args(state),
        cwd=ROOT,
        env=launcher_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        seen: list[str] = []
        try:
            wait_for_line(lines, "everything is up", seen, RUN_TIMEOUT)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    return code, "".join(seen)


@pytest.mark.timeout(2 * RUN_TIMEOUT + 30)
def test_a_second_run_reuses_the_servers_and_stops_on_sigterm(state_dir: Path) -> None:
    first = run_once(state_dir)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    servers = ("nats", "postgres")  # the journal's port may move: 8001 when free, else any
    ports_before = {
        k: v for k, v in json.loads((state_dir / "ports.json").read_text()).items() if k in servers
    }

    code, output = run_until_sigterm(state_dir)

    assert code == 0, output[-4000:]
    assert "launcher | stopped" in output
    assert "creating a PostgreSQL cluster" not in output
    assert "created database" not in output
    ports_after = json.loads((state_dir / "ports.json").read_text())
    assert {k: v for k, v in ports_after.items() if k in servers} == ports_before
    assert_nothing_left(state_dir)
