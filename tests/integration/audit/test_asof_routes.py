"""The journal-as-of-a-moment routes at the HTTP edge: who may ask, which moments and ranges are
refused, what is not found, and a pupil's diary."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.support.journal import CLASS_ID, MATH_TEACHER, NEWCOMER, PUPILS, seed_small_school
from tests.support.running import log_caught_up, running_audit, running_journal

pytestmark = pytest.mark.integration

RANGE = {"from": "2026-09-01", "to": "2026-09-30"}
AUDIT_BASE = f"/audit/v1/schools/s1/years/2026/classes/{CLASS_ID}"


@pytest_asyncio.fixture(loop_scope="session")
async def audit(nats_url, database_url, pg_schema, js):
    """The audit, its event log caught up with the journal's small test school."""
    async with running_journal(nats_url, database_url, pg_schema) as journal:
        await seed_small_school(journal.runtime.deps)
        last = (await js.stream_info("JOURNAL")).state.last_seq
        async with running_audit(nats_url, database_url, f"{pg_schema}_audit") as running:
            await log_caught_up(running, {"JOURNAL": last})
            yield running


async def test_only_the_schools_audit_readers_are_answered(audit):
    grid = f"{AUDIT_BASE}/subjects/math/grid"
    teacher = audit.headers(MATH_TEACHER.id, "teacher")
    other_school = audit.headers("aud2", "auditor", school="s2")
    assert (await audit.http.get(grid, params=RANGE)).status_code == 401
    assert (await audit.http.get(grid, params=RANGE, headers=teacher)).status_code == 403
    assert (await audit.http.get(grid, params=RANGE, headers=other_school)).status_code == 403


async def test_moments_ranges_and_keys_are_checked(audit):
    auditor = audit.headers("aud1", "auditor")
    grid = f"{AUDIT_BASE}/subjects/math/grid"
    naive = await audit.http.get(grid, params={**RANGE, "at": "2026-09-01T10:00"}, headers=auditor)
    assert naive.status_code == 422  # a moment without its time zone is ambiguous
    backwards = await audit.http.get(
        grid, params={"from": "2026-09-30", "to": "2026-09-01"}, headers=auditor
    )
    assert (backwards.status_code, backwards.json()["reason"]) == (422, "invalid_range")
    moments = {**RANGE, "since": "2026-10-02T00:00:00+00:00", "until": "2026-10-01T00:00:00Z"}
    swapped = await audit.http.get(
        f"{AUDIT_BASE}/subjects/math/changes", params=moments, headers=auditor
    )
    assert (swapped.status_code, swapped.json()["reason"]) == (422, "invalid_moments")
    past = {**RANGE, "at": "2020-01-01T00:00:00+00:00"}
    missing = await audit.http.get(grid, params=past, headers=auditor)
    assert (missing.status_code, missing.json()["reason"]) == (404, "class_not_found")
    unknown = await audit.http.get(f"{AUDIT_BASE}/lessons/nope", headers=auditor)
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "lesson_not_found")


async def test_without_a_moment_the_answer_is_the_present(audit):
    auditor = audit.headers("aud1", "auditor")
    now = await audit.http.get(f"{AUDIT_BASE}/subjects/math/grid", params=RANGE, headers=auditor)
    assert now.status_code == 200, now.text
    assert [row["pupil_id"] for row in now.json()["rows"]][:1] == [PUPILS[0]]
    diary = await audit.http.get(
        f"/audit/v1/schools/s1/years/2026/pupils/{NEWCOMER}/diary", params=RANGE, headers=auditor
    )
    assert diary.status_code == 200, diary.text
    first = diary.json()["lessons"][0]
    assert (first["date"], first["subject_name"]) == ("2026-09-14", "Математика")  # p99 joined
