"""`python -m deploy.launcher` end to end: private NATS and PostgreSQL, the services, a clean stop.

The launcher runs as a subprocess with its own state folder and without NATS_URL / DATABASE_URL,
so it never touches the machine's shared servers; every test checks that nothing is left running.
One test loads the demo school (the full one: the launcher has no smaller size), exports it to
the e-diary and reads it back as the demo parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.launcher.ports import port_is_free
from tests.support.launcher_runs import launcher_state_dir, read_lines, stop_launcher
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
RUN_TIMEOUT = 180.0
DEMO_TIMEOUT = 300.0  # the demo load, a full export, the diary applying it
SUMMARY = "School journal, e-diary, exporter, enrollment and audit are running"
SERVICES = ("journal", "diary", "exporter", "enrollment", "audit", "web", "portal")
DIARY = "/diary/v1/schools/s1/years/2026"
RUNS = "/exporter/v1/schools/s1/years/2026/runs"


@pytest.fixture
def state_dir() -> Iterator[Path]:
    with launcher_state_dir("launcher-test-") as state:
        yield state


def launcher_env() -> dict[str, str]:
    """The caller's environment without any server URL or service setting, and without colors."""
    drop = ("NATS_URL", "DATABASE_URL", "JOURNAL_", "DIARY_", "EXPORTER_", "WEB_", "PORTAL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "NO_COLOR": "1"}


def launcher_args(
    state: Path, *extra: str, demo: bool = False, via_make: bool = False
) -> list[str]:
    """The launcher's command line (without the demo unless `demo`), or `make run`'s with the
    same options (`via_make`: as the README starts it)."""
    options = ["--state-dir", str(state), *extra, *([] if demo else ["--no-demo"])]
    if via_make:
        return ["make", "--no-print-directory", "run", f"ARGS={shlex.join(options)}"]
    return [sys.executable, "-m", "deploy.launcher", *options]


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
    for service in SERVICES:
        assert f"{service} is ready at http://127.0.0.1:" in result.stdout
        log = (state_dir / "logs" / f"{service}.log").read_text()
        assert "Application startup complete" in log  # the service's whole output, in its log
        assert "Application startup complete" not in result.stdout  # info stays in the log
    assert str(state_dir / "logs") in result.stdout  # the summary says where the logs are
    assert len(result.stdout.splitlines()) < 200  # the summary is what a person reads
    tokens = (state_dir / "tokens.env").read_text()
    staff = ("ADMIN", "DEPUTY", "HEAD", "TEACHER")
    portal = ("PARENT", "PUPIL", "TEACHER_UID", "CLASS_TEACHER_UID")
    assert all(f"export {name}_TOKEN=" in tokens for name in (*staff, *portal))
    assert (state_dir / "tokens.env").stat().st_mode & 0o777 == 0o600
    assert (state_dir / "pseudonym-key").stat().st_mode & 0o777 == 0o600
    assert {"nats", "postgres", *SERVICES} <= json.loads(
        (state_dir / "ports.json").read_text()
    ).keys()
    assert_nothing_left(state_dir)


def wait_for_line(lines: queue.Queue[str], text: str, seen: list[str], timeout: float) -> None:
    """Collect output lines into `seen` until one contains `text`."""
    deadline = time.monotonic() + timeout
    while not any(text in line for line in seen):
        try:
            seen.append(lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
        except queue.Empty:
            pytest.fail(f"no {text!r} after {timeout} s:\n{''.join(seen)[-4000:]}")


@contextlib.contextmanager
def running_launcher(
    state: Path, *, demo: bool = False, via_make: bool = False
) -> Iterator[list[str]]:
    """Run without --once until everything is up; yield its output lines so far (the list
    grows with the rest), then SIGTERM the process started (`make` itself when `via_make`)
    and check that it stopped cleanly with exit code 0."""
    with subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        launcher_args(state, demo=demo, via_make=via_make),
        cwd=ROOT,
        env=launcher_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        reader = threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        seen: list[str] = []
        try:
            wait_for_line(lines, "everything is up", seen, DEMO_TIMEOUT if demo else RUN_TIMEOUT)
            yield seen
        finally:
            code = stop_launcher(process)
        reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    output = "".join(seen)
    # make forwards the signal to its children, waits for them, then dies of the signal itself
    assert code in ((0, -signal.SIGTERM) if via_make else (0,)), output[-4000:]
    assert "launcher | stopped" in output


def run_until_sigterm(state: Path, *, via_make: bool = False) -> str:
    """Run without --once, send SIGTERM once everything is up; the output."""
    with running_launcher(state, via_make=via_make) as seen:
        pass
    return "".join(seen)


@pytest.mark.timeout(2 * RUN_TIMEOUT + 30)
def test_a_second_run_through_make_reuses_the_servers_and_stops_when_make_gets_sigterm(
    state_dir: Path,
) -> None:
    first = run_once(state_dir)
    assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
    servers = ("nats", "postgres")  # the journal's port may move: 8001 when free, else any
    ports_before = {
        k: v for k, v in json.loads((state_dir / "ports.json").read_text()).items() if k in servers
    }

    # A supervisor signals the process it started: make, which waits for its children.
    output = run_until_sigterm(state_dir, via_make=True)

    assert "creating a PostgreSQL cluster" not in output
    assert "created database" not in output
    ports_after = json.loads((state_dir / "ports.json").read_text())
    assert {k: v for k, v in ports_after.items() if k in servers} == ports_before
    assert_nothing_left(state_dir)


def _service_url(state: Path, name: str) -> str:
    return f"http://127.0.0.1:{json.loads((state / 'ports.json').read_text())[name]}"


def _tokens(state: Path) -> dict[str, str]:
    lines = (state / "tokens.env").read_text().splitlines()
    return dict(line.removeprefix("export ").split("=", 1) for line in lines if "=" in line)


def _get(url: str, token: str) -> httpx.Response:
    return httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def assert_parent_sees_the_weeks(state: Path, timeout: float = 60.0) -> None:
    """The demo parent's week views of both children answer 200 with lessons (waiting for the
    diary to apply)."""
    marker = json.loads((state / "demo-exported").read_text())
    pseudonyms = [marker["pseudonym"], marker["sibling"]["pseudonym"]]
    assert marker["sibling"]["class"] != marker["class"]
    urls = [
        f"{_service_url(state, 'diary')}{DIARY}/pupils/{pseudonym}/weeks/2026-09-15"
        for pseudonym in pseudonyms
    ]
    token = _tokens(state)["PARENT_TOKEN"]

    def weeks() -> None:
        for url in urls:
            try:
                response = _get(url, token)
            except httpx.TimeoutException as error:  # a busy diary: ask again until the deadline
                raise AssertionError(f"no answer: {error!r}") from error
            assert response.status_code == 200, response.text[:500]
            assert response.json()["lessons"]

    asyncio.run(eventually(weeks, timeout=timeout, interval=0.5))


def assert_exported_and_granted_once(state: Path) -> None:
    """One export run (full), and the parent holds exactly two live grants (from the enrollment:
    their approved applications for their two children)."""
    tokens = _tokens(state)
    runs = _get(f"{_service_url(state, 'exporter')}{RUNS}", tokens["ADMIN_TOKEN"])
    assert runs.status_code == 200, runs.text[:500]
    assert [(r["kind"], r["status"]) for r in runs.json()] == [("full", "published")]
    grants = _get(f"{_service_url(state, 'diary')}{DIARY}/me", tokens["PARENT_TOKEN"])
    assert grants.status_code == 200, grants.text[:500]
    assert len(grants.json()) == 2


@pytest.mark.timeout(2 * DEMO_TIMEOUT + 60)
def test_the_first_run_exports_the_demo_to_the_diary_and_the_next_does_not(
    state_dir: Path,
) -> None:
    with running_launcher(state_dir, demo=True) as seen:
        assert_parent_sees_the_weeks(state_dir)
        assert_exported_and_granted_once(state_dir)
    first = "".join(seen)
    assert "loading the demo school (first run only)" in first
    assert "exporting the demo school to the e-diary" in first
    assert "enrolling the demo's portal users" in first
    assert "the e-diary shows the demo parent their children's weeks (2)" in first
    assert len(json.loads((state_dir / "demo-exported").read_text())["uids"]) == 4

    with running_launcher(state_dir, demo=True) as seen:
        assert_parent_sees_the_weeks(state_dir, timeout=30.0)
        assert_exported_and_granted_once(state_dir)
    second = "".join(seen)
    assert "demo school already loaded" in second
    assert "already exported to the e-diary" in second
    assert "export   | " not in second
    assert "enrolling the demo's portal users" not in second
    assert_nothing_left(state_dir)
