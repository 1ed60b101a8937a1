"""The launcher restarts a service that dies, and the restarted service catches up.

The launcher runs as a subprocess with `--no-demo`, its own state folder and without NATS_URL /
DATABASE_URL (private servers, as in test_launcher.py). The test SIGKILLs one service process
(found among the launcher's children by its command line), checks that the other services stay
ready during the outage and that the killed one comes back ready under a new pid. Then it kills
the journal, writes a small school straight into the launcher's JOURNAL stream while the journal
is down, and waits for the restarted journal to serve it: its projector resumed from the
checkpoint it had committed before the kill and reached the stream's last sequence.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import nats
import pytest

from deploy.databases import with_database
from deploy.launcher.postgres import private_admin_dsn
from deploy.launcher.procs import child_pid
from deploy.launcher.services import KEYS_DATABASE
from services.common.dev_tokens import DevTokenIssuer
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore_pg import PgKeyStore
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    in_memory_deps,
    math_lesson_id,
    seed_small_school,
)
from tests.support.launcher_runs import launcher_state_dir, read_lines, stop_launcher
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 90.0
OUTAGE_TIMEOUT = 40.0  # backoff (1 s) + a service's start-up, with room for a slow machine
LESSON = (
    f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}/lessons/{math_lesson_id(FIRST_MONDAY)}"
)


@pytest.fixture
def state_dir() -> Iterator[Path]:
    with launcher_state_dir("launcher-restart-") as state:
        yield state


class Launcher:
    """A running launcher subprocess and its output lines (collected by a thread)."""

    def __init__(self, process: subprocess.Popen[str], state: Path) -> None:
        self.process = process
        self.state = state
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []

    def output(self) -> str:
        """Everything printed so far."""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def wait_for(self, text: str, timeout: float) -> None:
        """Block until a line containing `text` was printed (or fail with the output)."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.seen):
            try:
                self.seen.append(self.lines.get(timeout=max(deadline - time.monotonic(), 0.01)))
            except queue.Empty:
                pytest.fail(f"no {text!r} after {timeout} s:\n{self.output()[-4000:]}")

    def url(self, name: str) -> str:
        """Where a service (or server) of the launcher listens, from its ports.json."""
        port = json.loads((self.state / "ports.json").read_text())[name]
        return f"nats://127.0.0.1:{port}" if name == "nats" else f"http://127.0.0.1:{port}"

    def database_dsn(self, database: str) -> str:
        """The DSN of a database in the launcher's private PostgreSQL cluster."""
        port = json.loads((self.state / "ports.json").read_text())["postgres"]
        return with_database(private_admin_dsn(port), database)

    def service_pid(self, module: str) -> int | None:
        """The pid of the launcher's child running `python -m <module>`, if there is one alive."""
        return child_pid(self.process.pid, module)


@contextlib.contextmanager
def running_launcher(state: Path) -> Iterator[Launcher]:
    """`python -m deploy.launcher --no-demo` on private servers until everything is up; SIGTERM
    afterwards and check that it stopped cleanly."""
    drop = ("NATS_URL", "DATABASE_URL", "JOURNAL_", "DIARY_", "EXPORTER_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)} | {"NO_COLOR": "1"}
    args = [sys.executable, "-m", "deploy.launcher", "--state-dir", str(state), "--no-demo"]
    with subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        launcher = Launcher(process, state)
        assert process.stdout is not None
        reader = threading.Thread(
            target=read_lines, args=(process.stdout, launcher.lines), daemon=True
        )
        reader.start()
        try:
            launcher.wait_for("everything is up", START_TIMEOUT)
            yield launcher
        finally:
            code = stop_launcher(process)
        reader.join(timeout=10)
    output = launcher.output()
    assert code == 0, output[-4000:]
    assert "launcher | stopped" in output


async def _ready(client: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await client.get(f"{url}/readyz")).status_code == 200
    except httpx.HTTPError:
        return False


async def kill_and_wait_for_restart(
    launcher: Launcher, client: httpx.AsyncClient, name: str
) -> int:
    """SIGKILL service `name`; while it is down, every other service must stay ready; return
    once it is ready again under a new pid (which is returned)."""
    module = f"services.{name}"
    old = launcher.service_pid(module)
    assert old is not None, launcher.output()[-4000:]
    others = [launcher.url(s) for s in ("journal", "diary", "exporter") if s != name]
    os.kill(old, signal.SIGKILL)

    async def down() -> None:
        assert not await _ready(client, launcher.url(name))

    await eventually(down, timeout=10.0)

    async def back() -> int:
        for url in others:
            if not await _ready(client, url):
                pytest.fail(f"{url} was not ready while {name} was down")
        pid = launcher.service_pid(module)
        assert pid is not None
        assert pid != old
        assert await _ready(client, launcher.url(name))
        return pid

    return await eventually(back, timeout=OUTAGE_TIMEOUT, interval=0.2)


async def _journal_checkpoint(launcher: Launcher) -> int:
    conn = await asyncpg.connect(launcher.database_dsn("journal"))
    try:
        value = await conn.fetchval("SELECT max(last_seq) FROM journal.projection_checkpoints")
    finally:
        await conn.close()
    return int(value or 0)


@pytest.mark.timeout(180)
async def test_a_killed_service_is_restarted_and_the_journal_catches_up(state_dir: Path) -> None:
    with running_launcher(state_dir) as launcher:
        async with httpx.AsyncClient(timeout=5.0) as client:
            await kill_and_wait_for_restart(launcher, client, "diary")
            launcher.wait_for("diary is ready again", 5.0)
            assert "diary DIED (ended by SIGKILL); restarting it in 1 s" in launcher.output()

            # The journal: killed, then events written while it is down.
            journal_pid = launcher.service_pid("services.journal")
            assert journal_pid is not None
            os.kill(journal_pid, signal.SIGKILL)

            async def journal_down() -> None:
                assert launcher.service_pid("services.journal") is None

            await eventually(journal_down, timeout=10.0)
            checkpoint_before = await _journal_checkpoint(launcher)
            nc = await nats.connect(launcher.url("nats"), connect_timeout=5)
            try:
                js = nc.jetstream()
                async with PgKeyStore.at(launcher.database_dsn(KEYS_DATABASE)) as keys:
                    journal = in_memory_deps(JetStreamEventStore(js, "JOURNAL"), keys=keys)
                    await seed_small_school(journal)
                last_seq = (await js.stream_info("JOURNAL")).state.last_seq
            finally:
                await nc.close()
            assert last_seq > checkpoint_before
            written_while_down = not await _ready(client, launcher.url("journal"))

            secret = (state_dir / "dev-secret").read_text().strip()
            admin = DevTokenIssuer(secret).mint("adm1", ["admin"], "s1")
            lesson_url = f"{launcher.url('journal')}{LESSON}"

            async def caught_up() -> None:
                assert await _ready(client, launcher.url("journal"))
                assert await _journal_checkpoint(launcher) == last_seq
                response = await client.get(
                    lesson_url, headers={"Authorization": f"Bearer {admin}"}
                )
                assert response.status_code == 200, response.text[:300]

            await eventually(caught_up, timeout=OUTAGE_TIMEOUT, interval=0.2)
            launcher.wait_for("journal is ready again", 5.0)
    output = launcher.output()
    assert written_while_down, "the journal was back before the events were written"
    assert "journal DIED (ended by SIGKILL); restarting it in 1 s (restart 1 of 5" in output
