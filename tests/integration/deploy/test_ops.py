"""`python -m deploy.ops` against the test session's NATS and PostgreSQL.

The commands run in a worker thread (each runs its own event loop, as on the command line) with
the services' variables pointing at the test servers and a state folder that does not exist, so
nothing is derived from a launcher's `.local/`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from contracts import subjects
from contracts.chain import GENESIS_HASH
from deploy.launcher.ports import free_port
from deploy.ops import cli as ops
from services.common.db import PROJECTOR_MIGRATIONS, migrate, quote_ident
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore_pg import PgKeyStore
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    SCHOOL,
    YEAR,
    in_memory_deps,
    math_lesson_id,
    seed_small_school,
)

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from services.common.db import Pool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
COMMANDS = (
    (),
    ("demo",),
    ("demo", "load"),
    ("export",),
    ("export", "run"),
    ("export", "runs"),
    ("export", "check"),
    ("projection",),
    ("projection", "rebuild"),
    ("projection", "status"),
    ("status",),
    ("audit",),
    ("audit", "verify"),
    ("audit", "anchor"),
    ("token",),
    ("token", "mint"),
)
TAMPERED_PREV = "f" * 64


@pytest_asyncio.fixture(loop_scope="session")
async def journal_stream(js: JetStreamContext, key_store: PgKeyStore) -> JetStreamContext:
    """The JOURNAL stream as the journal's handlers write it: the small test school."""
    await seed_small_school(in_memory_deps(JetStreamEventStore(js, "JOURNAL"), keys=key_store))
    return js


async def run_ops(state: Path, *argv: str) -> int:
    """`python -m deploy.ops --state-dir <state> <argv>` in a worker thread; its exit code."""
    return await asyncio.to_thread(ops.main, ["--state-dir", str(state), *argv])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ops")
def test_every_command_has_help(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        ops.main([*command, "--help"])

    assert exited.value.code == 0
    assert "usage: python -m deploy.ops" in capsys.readouterr().out


def test_the_module_runs_from_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "deploy.ops", "audit", "verify", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "--subject" in result.stdout


async def test_audit_verify_passes_on_the_journals_own_events(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = (await journal_stream.stream_info("JOURNAL")).state.messages

    code = await run_ops(no_state, "audit", "verify")

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"JOURNAL: {events} events on" in out
    assert "every chain links" in out


async def test_audit_verify_reports_a_tampered_message_and_exits_1(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = subjects.lesson(YEAR, SCHOOL, CLASS_ID, math_lesson_id(FIRST_MONDAY))
    expected = (await JetStreamEventStore(journal_stream, "JOURNAL").load(lesson)).version.hash
    assert expected != GENESIS_HASH
    headers = {"Prev-Hash": TAMPERED_PREV, "Event-Type": "journal.LessonTopicSet"}
    ack = await journal_stream.publish(lesson, b"{}", stream="JOURNAL", headers=headers)

    code = await run_ops(no_state, "audit", "verify")

    out = capsys.readouterr().out
    assert code == 1, out
    assert "1 broken link(s)" in out
    row = next(line for line in out.splitlines() if lesson in line)
    assert str(ack.seq) in row
    assert expected in row
    assert TAMPERED_PREV in row


async def test_audit_verify_as_json_names_the_tampered_message(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = subjects.lesson(YEAR, SCHOOL, CLASS_ID, math_lesson_id(FIRST_MONDAY))
    headers = {"Prev-Hash": TAMPERED_PREV, "Event-Type": "journal.LessonTopicSet"}
    ack = await journal_stream.publish(lesson, b"{}", stream="JOURNAL", headers=headers)
    events = (await journal_stream.stream_info("JOURNAL")).state.messages

    code = await run_ops(no_state, "audit", "verify", "--json")

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (report["stream"], report["ok"], report["events"]) == ("JOURNAL", False, events)
    broken = [p for p in report["problems"] if p["kind"] == "broken_link"]
    assert [(p["seq"], p["subject"], p["found"]) for p in broken] == [
        (ack.seq, lesson, TAMPERED_PREV)
    ]


async def test_projection_status_as_json_has_a_row_per_projection(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run_ops(no_state, "projection", "status", "--json")

    rows = json.loads(capsys.readouterr().out)["projections"]
    assert code == 0
    assert {r["service"] for r in rows} == {"journal", "diary", "exporter", "enrollment", "audit"}
    keys = {"service", "projection", "checkpoint", "stream_last_seq", "behind", "dead_letters"}
    assert all(set(r) == keys for r in rows)


async def test_audit_verify_checks_only_the_filtered_subjects(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = subjects.lesson(YEAR, SCHOOL, CLASS_ID, math_lesson_id(FIRST_MONDAY))
    headers = {"Prev-Hash": TAMPERED_PREV, "Event-Type": "journal.LessonTopicSet"}
    await journal_stream.publish(lesson, b"{}", stream="JOURNAL", headers=headers)
    pupils = subjects.pupil(YEAR, SCHOOL, "p00").removesuffix("p00") + "*"

    code = await run_ops(no_state, "audit", "verify", "--subject", pupils)

    out = capsys.readouterr().out
    assert code == 0, out
    assert "JOURNAL: 11 events on 11 subjects, every chain links" in out  # the registrations


async def test_status_lists_streams_consumers_dead_letters_and_runs(
    journal_stream: JetStreamContext,
    pg_pool: Pool,
    pg_schema: str,
    no_state: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = (await journal_stream.stream_info("JOURNAL")).state.messages
    await journal_stream.pull_subscribe("jrn.>", durable="ops-test-reader", stream="JOURNAL")
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS)
    await pg_pool.execute(
        f"INSERT INTO {quote_ident(pg_schema)}.dead_letters"
        " (projection, stream_seq, subject, reason, body, headers)"
        " VALUES ('journal_view', 3, 'jrn.x', 'test', '{}', '{}')"
    )

    code = await run_ops(no_state, "status")

    out = capsys.readouterr().out
    assert code == 1, out  # a dead letter needs attention
    journal_row = next(line for line in out.splitlines() if "│ JOURNAL " in line)
    assert f" {events} " in journal_row
    reader_row = next(line for line in out.splitlines() if "ops-test-reader" in line)
    assert f" {events} " in reader_row  # nothing delivered yet: every message pending
    dead_row = next(line for line in out.splitlines() if "journal_view" in line)
    assert pg_schema in dead_row
    assert dead_row.rstrip(" │").endswith("1")
    assert "not configured" in out  # the diary and the exporter have no settings here


async def test_status_counts_every_dead_letter_table_of_every_service(
    pg_pool: Pool,
    pg_schema: str,
    database_url: str,
    no_state: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The enrollment keeps its roster in a schema of its own (as the diary its messages and
    # the exporter its access projection): each has a dead-letter table.
    roster, view = f"{pg_schema}_roster", f"{pg_schema}_enrollment"
    monkeypatch.setenv("ENROLLMENT_PG__DSN", database_url)
    monkeypatch.setenv("ENROLLMENT_PG__SCHEMA_NAME", view)
    monkeypatch.setenv("ENROLLMENT_PG__ROSTER_SCHEMA", roster)
    for schema in (roster, view):
        await migrate(pg_pool, schema, PROJECTOR_MIGRATIONS)
    await pg_pool.executemany(
        f"INSERT INTO {quote_ident(roster)}.dead_letters"
        " (projection, stream_seq, subject, reason, body, headers)"
        " VALUES ('enrollment_roster', $1, 'jrn.x', 'test', '{}', '{}')",
        [(seq,) for seq in range(1, 18)],
    )

    code = await run_ops(no_state, "status")

    out = capsys.readouterr().out
    assert code == 1, out
    row = next(line for line in out.splitlines() if "enrollment_roster" in line)
    assert roster in row
    assert row.rstrip(" │").endswith("17")
    assert any(view in line and "(all)" in line for line in out.splitlines())


async def test_status_as_json_says_the_same_and_exits_0_when_all_is_well(
    journal_stream: JetStreamContext,
    pg_pool: Pool,
    pg_schema: str,
    no_state: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = (await journal_stream.stream_info("JOURNAL")).state.messages
    await migrate(pg_pool, pg_schema, PROJECTOR_MIGRATIONS)

    code = await run_ops(no_state, "status", "--json")

    status = json.loads(capsys.readouterr().out)
    assert (code, status["exit_code"]) == (0, 0)
    journal = next(s for s in status["nats"]["streams"] if s["stream"] == "JOURNAL")
    assert journal["messages"] == events
    assert {"service": "journal", "schema": pg_schema, "projection": "(all)", "count": 0} in (
        status["dead_letters"]
    )
    assert {"service": "diary", "schema": "diary", "state": "not configured"} in (
        status["dead_letters"]
    )
    assert status["export_runs"] == "not configured"


async def test_commands_exit_2_at_once_when_nats_cannot_be_reached(
    no_state: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOURNAL_NATS__URL", f"nats://127.0.0.1:{free_port('127.0.0.1')}")
    monkeypatch.setenv("AUDIT_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    commands = (("status",), ("status", "--json"), ("audit", "verify"), ("audit", "anchor"))

    started = time.monotonic()
    codes = [await run_ops(no_state, *command) for command in commands]
    seconds = time.monotonic() - started

    assert codes == [2, 2, 2, 2]
    assert seconds < 60  # nats-py alone would retry each for two minutes
    assert "unreachable" in capsys.readouterr().out


@pytest.mark.usefixtures("signing_key")
async def test_audit_anchor_seals_now_and_then_nothing_more(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = (await journal_stream.stream_info("JOURNAL")).state.messages
    await run_ops(no_state, "audit", "verify")
    unsealed_out = capsys.readouterr().out

    first = await run_ops(no_state, "audit", "anchor", "--school", SCHOOL)
    first_out = capsys.readouterr().out
    again = await run_ops(no_state, "audit", "anchor")
    again_out = capsys.readouterr().out
    verified = await run_ops(no_state, "audit", "verify")
    verified_out = capsys.readouterr().out

    assert (first, again, verified) == (0, 0, 0), first_out + again_out + verified_out
    assert "anchors written: 1" in first_out
    assert f"aud.{SCHOOL}.anchor.journal-" in first_out
    assert "anchors written: 0" in again_out
    assert f"{events} event(s) after their school's last anchor" in unsealed_out
    assert "1 anchor(s) match" in verified_out
    assert "last anchor" not in verified_out


@pytest.fixture
def signing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An audit signing key in the environment, as the launcher sets one."""
    monkeypatch.setenv("AUDIT_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())


async def test_audit_anchor_without_a_key_is_refused(
    no_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUDIT_SIGNING_KEY", raising=False)

    assert await run_ops(no_state, "audit", "anchor") == 2


@pytest.mark.usefixtures("signing_key")
async def test_audit_anchor_as_json_lists_what_it_wrote(
    journal_stream: JetStreamContext, no_state: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = (await journal_stream.stream_info("JOURNAL")).state.messages

    code = await run_ops(no_state, "audit", "anchor", "--json")

    run = json.loads(capsys.readouterr().out)
    assert code == 0
    assert run["written"]["JOURNAL"] == 1
    (anchor,) = run["anchors"]
    assert anchor["subject"].startswith(f"aud.{SCHOOL}.anchor.journal-")
    assert (anchor["school"], anchor["count"]) == (SCHOOL, events)
