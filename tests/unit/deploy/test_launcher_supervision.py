"""The launcher's state folder can always be reset, and it restarts a service that stays
unready (but not while NATS or PostgreSQL itself is down)."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from deploy.launcher.markers import EXPORT_MARKER, MARKER
from deploy.launcher.output import INFO_LINES, Output
from deploy.launcher.ports import Ports
from deploy.launcher.procs import Child, LaunchError
from deploy.launcher.restart import Restarter, RestartPolicy
from deploy.launcher.state import LOCK_FILE, prepare_state
from deploy.launcher.state_secrets import (
    dev_secret,
    portal_session_secret,
    pseudonym_key,
    session_secret,
    signing_key,
)
from deploy.launcher.tokens import mint_tokens


def fill_like_a_launcher(state: Path) -> None:
    """Everything a launcher run writes into its state folder (servers' folders included)."""
    Ports(state / "ports.json").choose("journal", [8001])
    secret = dev_secret(state)
    signing_key(state)
    pseudonym_key(state)
    session_secret(state)
    portal_session_secret(state)
    mint_tokens(secret, state, "t-math")
    for marker in (MARKER, EXPORT_MARKER):
        (state / marker).write_text("{}\n")
    for folder in ("nats", "pg", "pg-socket"):
        (state / folder).mkdir()
        (state / folder / "data").write_text("x")
    (state / "pg.log").write_text("log\n")
    (state / "nats.pid").write_text("999999999\n")


def test_reset_empties_a_folder_the_launcher_filled(tmp_path: Path):
    state = tmp_path / "state"
    state.mkdir()
    fill_like_a_launcher(state)
    assert (state / "audit-signing-key").is_file()

    path, lock = prepare_state(state, reset=True)
    lock.close()

    assert [p.name for p in path.iterdir()] == [LOCK_FILE]


def test_reset_refuses_a_folder_with_files_of_someone_else(tmp_path: Path):
    state = tmp_path / "state"
    state.mkdir()
    fill_like_a_launcher(state)
    (state / "thesis.tex").write_text("years of work")

    with pytest.raises(LaunchError, match=r"thesis\.tex"):
        prepare_state(state, reset=True)

    assert (state / "thesis.tex").is_file()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sleeper(tmp_path: Path) -> Child:
    return Child(
        "journal", [sys.executable, "-c", "import time; time.sleep(60)"], {}, Output("j | ")
    )


def stop(child: Child) -> None:
    child.stop(grace=1)
    if child.process.stdout is not None:
        child.process.stdout.close()


def answering(status: int) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda _r: httpx.Response(status)))


def test_a_service_unready_for_30_s_is_stopped_and_restarted(tmp_path: Path):
    child, clock = sleeper(tmp_path), Clock()
    first_pid = child.process.pid
    restarter = Restarter(child, "http://journal/readyz", RestartPolicy(), clock)
    try:
        with answering(503) as unready:
            for second in range(0, 40, 5):
                clock.now = float(second)
                restarter.tick(unready)
            assert child.process.poll() is not None  # stopped after 30 s unready
            clock.now = 41.0
            restarter.tick(unready)  # sees it dead: restart due after the backoff
            clock.now = 43.0
            restarter.tick(unready)
        assert child.process.pid != first_pid
        assert child.process.poll() is None
    finally:
        stop(child)


def test_no_restart_while_a_server_the_services_need_is_down(tmp_path: Path):
    child, clock = sleeper(tmp_path), Clock()
    restarter = Restarter(
        child, "http://journal/readyz", RestartPolicy(), clock, servers=lambda: "NATS"
    )
    try:
        with answering(503) as unready:
            for second in range(0, 120, 5):
                clock.now = float(second)
                restarter.tick(unready)
        assert child.process.poll() is None
        assert restarter.waiting_for == "NATS"
    finally:
        stop(child)


def test_a_services_info_lines_go_to_its_log_only(tmp_path: Path, capsys):
    lines = [
        "2026-12-06T22:42:15Z [info     ] http_request status=200",
        "2026-12-06T22:42:15Z [\x1b[32m\x1b[1minfo     \x1b[0m] projection.batch count=3",
        "2026-12-06 23:19:24,953 INFO     -       |            - callback for Task-19 is ...",
        '{"count": 1000, "event": "projection.rebuild_batch", "level": "info"}',
        "2026-12-06T22:42:16Z [warning  ] nats.disconnected connection=journal",
        "2026-12-06T22:42:17Z [error    ] export.failed run_id=r1",
        "Traceback (most recent call last):",
    ]
    script = f"import sys; sys.stdout.write({chr(10).join(lines) + chr(10)!r})"
    log = tmp_path / "logs" / "journal.log"
    child = Child("journal", [sys.executable, "-c", script], {}, Output("j | ", INFO_LINES, log))
    child.process.wait(timeout=10)
    child.wait_output()
    stop(child)

    shown = capsys.readouterr().out.splitlines()
    assert shown == [f"j | {line}" for line in lines[4:]]
    assert log.read_text().splitlines() == lines
