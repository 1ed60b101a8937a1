"""Any text a teacher types is either refused with 422 and records nothing, or stored and shown
back exactly (as its NFC form, which is what the contract stores) in the journal view, in the
diary after a delta export and in the audit history.

Hypothesis draws strings from the whole of Unicode, lone surrogates included, mixed with the
characters that once made acknowledged writes disappear (NUL, CR, C1 controls, combining marks).
One platform (journal, diary, exporter, audit in-process on real servers) serves every example:
it runs on an event loop of its own thread, so the synchronous hypothesis test can drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import secrets
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
import nats
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from contracts.streams import ENROLLMENT, JOURNAL
from services.common.db import quote_ident
from services.common.eventstore_jetstream import JetStreamEventStore
from services.exporter.application.exporting import export
from services.journal.entrypoints.dto import RecordMarkBody, SetHomeworkBody, TopicBody
from tests.support.enrollment_events import EnrollmentWriter
from tests.support.fixtures import fresh_streams
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    math_lesson_id,
    seed_small_school,
)
from tests.support.running import (
    log_caught_up,
    running_audit,
    running_diary,
    running_exporter,
    running_journal,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
PARENT_UID = 100001
PUPIL = PUPILS[0]
# The maths lessons of September (Mondays slot 1, Wednesdays slot 2), one per example in turn.
LESSON_DAYS = tuple(
    (FIRST_MONDAY + dt.timedelta(days=offset), slot)
    for week in range(3)
    for offset, slot in ((7 * week, 1), (7 * week + 2, 2))
)
TRAPS = ("\x00", "\ud800", "\udfff", "\r", "\r\n", "\x85", "\x9f", "\x7f", "\x1b", "\t", "\n")
TRAPS += ("e\u0301", "\u212b", "\ufeff", "\u200b", " ", "", "Ё", "й", "🙂")

T = TypeVar("T")


def _texts() -> st.SearchStrategy[str]:
    any_character = st.characters(exclude_categories=())  # surrogates (Cs) included
    pieces = st.one_of(st.text(any_character, max_size=12), st.sampled_from(TRAPS))
    return st.lists(pieces, max_size=4).map("".join)


@dataclass
class Platform:
    """The four services of the test, each in-process, and the parent who reads the diary."""

    journal: Any
    diary: Any
    exporter: Any
    audit: Any
    js: Any
    child: str

    def teacher(self) -> dict[str, str]:
        return dict(self.journal.headers(MATH_TEACHER.id, "teacher"))

    def parent(self) -> dict[str, str]:
        return dict(self.diary.headers("parent-1", "parent", uid=PARENT_UID))

    async def journal_seq(self) -> int:
        return int((await self.js.stream_info(JOURNAL.name)).state.last_seq)


class ThreadLoop:
    """An event loop in a thread of its own; `run` waits for a coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 180.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


async def _start(stack: contextlib.AsyncExitStack, nats_url: str, dsn: str, schema: str):
    client = await nats.connect(nats_url, name="text-round-trip")
    stack.push_async_callback(client.close)
    js = client.jetstream()
    await fresh_streams(js)
    journal = await stack.enter_async_context(running_journal(nats_url, dsn, f"{schema}_j"))
    diary = await stack.enter_async_context(running_diary(nats_url, dsn, f"{schema}_d"))
    exporter = await stack.enter_async_context(running_exporter(nats_url, dsn, f"{schema}_e"))
    audit = await stack.enter_async_context(running_audit(nats_url, dsn, f"{schema}_a"))
    await seed_small_school(journal.runtime.deps)
    enrollment = EnrollmentWriter(JetStreamEventStore(js, ENROLLMENT.name), SCHOOL, YEAR)
    await enrollment.link(PUPIL, PARENT_UID)
    child = exporter.runtime.pseudonymiser.of(PUPIL)
    return Platform(journal, diary, exporter, audit, js, child)


async def _drop_schemas(dsn: str, schema: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", schema + "%"
        )
        for row in rows:
            await conn.execute(f"DROP SCHEMA IF EXISTS {quote_ident(row[0])} CASCADE")
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def platform(nats_url: str, database_url: str) -> Iterator[tuple[ThreadLoop, Platform]]:
    thread_loop = ThreadLoop()
    stack = contextlib.AsyncExitStack()
    schema = f"t_text_{secrets.token_hex(4)}"
    try:
        yield thread_loop, thread_loop.run(_start(stack, nats_url, database_url, schema))
    finally:
        thread_loop.run(stack.aclose())
        thread_loop.run(_drop_schemas(database_url, schema))
        thread_loop.close()


def _accepted(model: type[BaseModel], body: dict[str, Any], field: str) -> str | None:
    """What the contract stores for `body[field]`, or None when it refuses the body."""
    try:
        value = getattr(model.model_validate(body), field)
    except ValidationError:
        return None
    if hasattr(value, "text"):
        value = value.text
    assert isinstance(value, str)
    return value


def _strings(document: Any) -> set[str]:
    """Every string value anywhere in a JSON document."""
    if isinstance(document, str):
        return {document}
    if isinstance(document, dict):
        return set().union(*(_strings(v) for v in document.values())) if document else set()
    if isinstance(document, list):
        return set().union(*(_strings(v) for v in document)) if document else set()
    return set()


async def _send(platform: Platform, method: str, path: str, body: dict[str, Any]):
    """A request whose JSON keeps lone surrogates as \\u escapes (as any JSON client sends)."""
    return await platform.journal.http.request(
        method,
        path,
        content=json.dumps(body).encode(),
        headers={**platform.teacher(), "Content-Type": "application/json"},
    )


@dataclass(frozen=True)
class Write:
    """One text write: the route, the body, and the value the contract would store (or None)."""

    method: str
    path: str
    body: dict[str, Any]
    expected: str | None


def _writes(lesson: str, topic: str, homework: str, comment: str) -> list[Write]:
    base = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{lesson}"
    topic_body = {"topic": topic}
    homework_body = {"text": homework}
    mark_body = {"pupil_id": PUPIL, "value": "4", "work_kind_id": "oral", "comment": comment}
    return [
        Write("PUT", f"{base}/topic", topic_body, _accepted(TopicBody, topic_body, "topic")),
        Write(
            "PUT",
            f"{base}/homework",
            homework_body,
            _accepted(SetHomeworkBody, homework_body, "text"),
        ),
        Write("POST", f"{base}/marks", mark_body, _accepted(RecordMarkBody, mark_body, "comment")),
    ]


async def _apply(platform: Platform, write: Write) -> None:
    """Send one write: a refused text answers 422 and records nothing; an accepted one 2xx."""
    before = await platform.journal_seq()
    response = await _send(platform, write.method, write.path, write.body)
    if write.expected is None:
        assert response.status_code == 422, response.text
        assert response.json()["reason"] in ("invalid_text", "invalid_request"), response.text
        assert await platform.journal_seq() == before, "a refused write recorded something"
    else:
        assert response.is_success, response.text


async def _shown_everywhere(platform: Platform, lesson: str, day: dt.date, texts: set[str]):
    base = f"/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{lesson}"
    await platform.journal.runtime.projector.drain()
    deputy = platform.journal.headers("dep1", "deputy")
    view = await platform.journal.http.get(f"/journal/v1{base}", headers=deputy)
    assert view.status_code == 200, view.text
    assert texts <= _strings(view.json()), "the journal view does not show the text as stored"

    outcome = await export(platform.exporter.runtime.deps, SCHOOL, YEAR, "delta", "api")
    assert outcome.run.status in ("published", "empty"), outcome.run
    diary_day = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}/pupils/{platform.child}/days/{day}"

    async def in_diary() -> None:
        response = await platform.diary.http.get(diary_day, headers=platform.parent())
        assert response.status_code == 200, response.text
        assert texts <= _strings(response.json())

    await eventually(in_diary, timeout=20)

    await log_caught_up(platform.audit, {JOURNAL.name: await platform.journal_seq()})
    auditor = platform.audit.headers("aud1", "auditor")
    history = await platform.audit.http.get(f"/audit/v1{base}/history", headers=auditor)
    assert history.status_code == 200, history.text
    assert texts <= _strings(history.json()), "the audit history does not show the text"


async def _example(platform: Platform, index: int, topic: str, homework: str, comment: str):
    day, slot = LESSON_DAYS[index % len(LESSON_DAYS)]
    lesson = math_lesson_id(day, slot)
    writes = _writes(lesson, topic, homework, comment)
    for write in writes:
        await _apply(platform, write)
    shown = {w.expected for w in writes if w.expected is not None and w.expected.strip()}
    await _shown_everywhere(platform, lesson, day, shown)


_examples = itertools.count()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(topic=_texts(), homework=_texts(), comment=_texts())
def test_any_text_is_refused_or_shown_back_as_stored_everywhere(
    platform, topic: str, homework: str, comment: str
):
    thread_loop, running = platform
    thread_loop.run(_example(running, next(_examples), topic, homework, comment))
