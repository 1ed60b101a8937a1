"""Text the contracts refuse (NUL, lone surrogates, control characters) over the journal's HTTP
API: 422 `invalid_text` naming the field, never the value, and nothing recorded."""

from __future__ import annotations

import pytest

from contracts.streams import JOURNAL
from tests.support.answers import assert_text_refused
from tests.support.journal import FIRST_MONDAY, math_lesson_id, seed_small_school
from tests.support.running import running_journal

pytestmark = pytest.mark.integration

LESSON = f"/journal/v1/schools/s1/years/2026/classes/5a/lessons/{math_lesson_id(FIRST_MONDAY)}"
PDF = b"%PDF-1.4 homework"


async def last_seq(js) -> int:
    return int((await js.stream_info(JOURNAL.name)).state.last_seq)


@pytest.fixture
async def journal(nats_url, database_url, pg_schema, js):
    """A running journal with the small school seeded on fresh streams (`js` empties them)."""
    async with running_journal(nats_url, database_url, pg_schema) as running:
        await seed_small_school(running.runtime.deps)
        yield running


async def test_a_topic_with_nul_is_refused_and_nothing_is_recorded(journal, js):
    teacher = journal.headers("t-math", "teacher")
    before = await last_seq(js)

    nul = await journal.http.put(
        f"{LESSON}/topic", json={"topic": "Дроби secret\u0000"}, headers=teacher
    )
    # A lone surrogate cannot even be encoded as UTF-8: a client escapes it in JSON.
    surrogate = await journal.http.put(
        f"{LESSON}/topic",
        content=b'{"topic": "secret \\ud800"}',
        headers={**teacher, "Content-Type": "application/json"},
    )
    comment = await journal.http.post(
        f"{LESSON}/marks",
        json={"pupil_id": "p01", "value": "5", "work_kind_id": "oral", "comment": "secret\x07"},
        headers=teacher,
    )

    assert_text_refused(nul, ["body", "topic"], secret="secret")
    assert_text_refused(surrogate, ["body", "topic"], secret="secret")
    assert_text_refused(comment, ["body", "comment"], secret="secret")
    assert await last_seq(js) == before
    recorded = await journal.http.put(
        f"{LESSON}/topic", json={"topic": "Дроби\tи доли\n"}, headers=teacher
    )
    assert recorded.status_code == 200, recorded.text
    assert await last_seq(js) == before + 1


async def test_an_upload_named_with_a_control_character_is_refused(journal, js):
    teacher = journal.headers("t-math", "teacher")
    before = await last_seq(js)

    named = await journal.http.post(
        f"{LESSON}/homework/attachments",
        data={"name": "secret\x00.pdf"},
        files={"file": ("task.pdf", PDF, "application/pdf")},
        headers=teacher,
    )
    # ESC: httpx percent-encodes the other C0 characters of a file name.
    uploaded = await journal.http.post(
        f"{LESSON}/homework/attachments",
        files={"file": ("secret\x1b.pdf", PDF, "application/pdf")},
        headers=teacher,
    )

    assert_text_refused(named, ["body", "name"], secret="secret")
    assert_text_refused(uploaded, ["body", "file", "filename"], secret="secret")
    assert await last_seq(js) == before
