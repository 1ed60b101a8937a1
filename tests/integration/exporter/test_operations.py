"""Operating the exporter: a SIGKILLed run completed by the next one, rebuilding the export
state, the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
import uuid

import pytest

from contracts import subjects
from contracts.diary import BatchManifest
from contracts.envelope import (
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_SCHEMA_VERSION,
    Actor,
    Envelope,
)
from contracts.journal import LessonScheduled
from contracts.streams import DIARY, JOURNAL
from services.exporter import bootstrap
from services.exporter.application.exporting import export
from tests.support.journal import SCHOOL, YEAR
from tests.support.running import TEST_PSEUDONYM_KEY
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

LESSONS = 20_000


async def publish_lessons(js, count: int) -> None:
    """`count` scheduled lessons straight onto the journal (the handlers would take minutes)."""
    start = dt.date(2026, 9, 1)

    async def one(i: int) -> None:
        lesson_id = f"l{i:05d}"
        event = LessonScheduled(
            lesson_id=lesson_id,
            class_id="5a",
            subject_id="math",
            date=start + dt.timedelta(days=i % 200),
            slot=1 + i % 6,
            teacher_id="t-math",
        )
        envelope = Envelope(
            event_id=uuid.uuid4(),
            event_type=event.event_type,
            schema_version=event.schema_version,
            occurred_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
            actor=Actor(id="adm1", role="admin"),
            school=SCHOOL,
            year=YEAR,
            correlation_id="load",
            causation_id="load",
            data=event.model_dump(mode="json"),
        )
        headers = {
            HEADER_EVENT_TYPE: event.event_type,
            HEADER_SCHEMA_VERSION: "1",
            HEADER_MSG_ID: f"load-{i}",
        }
        subject = subjects.lesson(YEAR, SCHOOL, "5a", lesson_id)
        await js.publish(subject, envelope.model_dump_json().encode(), headers=headers)

    for chunk in range(0, count, 1000):
        await asyncio.gather(*(one(i) for i in range(chunk, min(chunk + 1000, count))))


def exporter_env(nats_url: str, database_url: str, schema: str) -> dict[str, str]:
    return {
        **os.environ,
        "EXPORTER_NATS__URL": nats_url,
        "EXPORTER_PG__DSN": database_url,
        "EXPORTER_PG__SCHEMA_NAME": schema,
        "EXPORTER_AUTH__DEV_SECRET": "x" * 32,
        "EXPORTER_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
        "EXPORTER_PUBLISH_WINDOW": "1",  # slow on purpose: the kill must land mid-publish
        "EXPORTER_LOG_JSON": "true",
    }


async def diary_bodies(js) -> list[dict]:
    last = (await js.stream_info(DIARY.name)).state.last_seq
    bodies = []
    for start in range(1, last + 1, 1000):
        msgs = await asyncio.gather(
            *(js.get_msg(DIARY.name, s) for s in range(start, min(start + 1000, last + 1)))
        )
        bodies.extend(json.loads(m.data) for m in msgs)
    return bodies


async def test_a_sigkilled_run_is_completed_by_the_next_with_one_manifest(
    js, nats_url, database_url, pg_schema, exporter
):
    await publish_lessons(js, LESSONS)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.exporter",
        "run",
        "--kind",
        "delta",
        "--school",
        SCHOOL,
        "--year",
        str(YEAR),
        env=exporter_env(nats_url, database_url, pg_schema),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )

    async def publishing() -> None:
        assert process.returncode is None, "the run ended before it could be killed"
        assert (await js.stream_info(DIARY.name)).state.messages >= 500

    await eventually(publishing, timeout=90)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    killed = await diary_bodies(js)
    assert not [b for b in killed if b["event_type"] == BatchManifest.event_type]
    assert len(killed) < LESSONS

    outcome = await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")
    run = outcome.run
    assert run.status == "published"
    assert run.records == LESSONS
    runs = await exporter.deps.runs.recent(SCHOOL, YEAR, 10)
    assert sorted(r.status for r in runs) == ["failed", "published"]  # the killed one: failed

    bodies = await diary_bodies(js)
    manifests = [b for b in bodies if b["event_type"] == BatchManifest.event_type]
    assert len(manifests) == 1
    assert manifests[0]["data"]["batch_id"] == run.batch_id
    assert manifests[0]["data"]["records"] == LESSONS
    indexes = sorted(
        b["data"]["index"]
        for b in bodies
        if b["data"].get("batch_id") == run.batch_id and "index" in b["data"]
    )
    assert indexes == list(range(LESSONS))  # every index once: the duplicates were dropped


async def test_rebuilding_the_export_state_keeps_the_runs_and_equals_the_live_state(
    js, journal, exporter
):
    run = (await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run
    query = (
        "SELECT school, year, kind, record_id, seq, content, digest FROM docs ORDER BY 1, 2, 3, 4"
    )
    live = await exporter.pool.fetch(query)
    result = await bootstrap.rebuild_state(exporter)
    assert result.last_seq == (await js.stream_info(JOURNAL.name)).state.last_seq
    assert await exporter.pool.fetch(query) == live
    assert (await exporter.deps.runs.get(run.run_id)) == run
    again = await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")
    assert again.already


async def cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.exporter",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    return process.returncode, out.decode()


async def test_the_command_line_runs_syncs_grants_and_shows_the_state(
    js, journal, nats_url, database_url, pg_schema
):
    env = exporter_env(nats_url, database_url, pg_schema)
    where = ("--school", SCHOOL, "--year", str(YEAR))
    code, out = await cli(env, "run", "--kind", "full", *where)
    assert code == 0, out
    run = json.loads(out.splitlines()[-1])
    assert (run["status"], run["trigger"], run["kind"]) == ("published", "cli", "full")
    code, out = await cli(env, "runs", *where)
    assert [json.loads(line)["run_id"] for line in out.splitlines()] == [run["run_id"]]
    code, out = await cli(env, "runs")  # the only school it knows, its latest year
    assert [json.loads(line)["run_id"] for line in out.splitlines()] == [run["run_id"]]
    code, out = await cli(env, "check", "--school", "nowhere")
    assert (code, out) == (2, "")  # no school year of that school: it must be named
    code, out = await cli(env, "grants", "sync", *where)
    assert code == 0, out
    synced = json.loads(out.splitlines()[-1])  # after the log lines of the catch-up
    assert (synced["school"], synced["year"], synced["granted"]) == (SCHOOL, YEAR, 0)
    code, out = await cli(env, "grants", "list", *where)
    assert code == 0
    assert "{" not in out  # no link and no staff UID in the enrollment: no grant listed
    code, out = await cli(env, "grant", *where, "--uid", "7", "--class", "5a")
    assert code == 2  # gone: grants follow from the enrollment
    code, out = await cli(env, "projection", "status")
    assert code == 0
    assert "export_docs_v2" in out
    code, out = await cli(env, "projection", "status", "--access")
    assert code == 0
    assert "exporter_access_v1" in out
