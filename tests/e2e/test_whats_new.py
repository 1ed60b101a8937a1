"""«Что нового» end to end: what a teacher records in the journal, exported as deltas, reaches the
parent's feed as new marks, corrections (old → new), homework and absences whose reason came
later; the year's first export is not news; another parent's child is refused."""

from __future__ import annotations

import pytest
import pytest_asyncio

from tests.support.journal import CLASS_ID, FIRST_MONDAY, MATH_TEACHER, PUPILS, math_lesson_id
from tests.support.platform import DIARY_YEAR, SCHOOL, YEAR, Platform, running_platform
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

LESSON = math_lesson_id(FIRST_MONDAY)
JOURNAL_LESSON = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
CHILD, OTHER_CHILD = PUPILS[0], PUPILS[1]
PARENT_UID, OTHER_PARENT_UID = 100001, 100002


@pytest_asyncio.fixture(loop_scope="session")
async def platform(nats_url, database_url, pg_schema, js):
    async with running_platform(nats_url, database_url, pg_schema, js) as running:
        await running.enrollment.link(CHILD, PARENT_UID)
        await running.enrollment.link(OTHER_CHILD, OTHER_PARENT_UID, application="a2")
        yield running


async def teacher(platform: Platform, method: str, path: str, body: dict) -> dict:
    """The maths teacher's call on the lesson's `path`; the answer's body."""
    journal = platform.journal
    response = await journal.http.request(
        method,
        f"{JOURNAL_LESSON}{path}",
        json=body,
        headers=journal.headers(MATH_TEACHER.id, "teacher"),
    )
    assert response.status_code == 200, response.text
    result: dict = response.json()
    return result


async def changes(platform: Platform, pupil: str, uid: int, after: int = 0):
    """The diary's answer to the parent `uid` for `pupil`'s changes after `after`."""
    return await platform.diary.http.get(
        f"{DIARY_YEAR}/pupils/{platform.pseudonym(pupil)}/changes",
        params={"after": after},
        headers=platform.diary.headers(f"parent-{uid}", "parent", uid=uid),
    )


async def news(platform: Platform, after: int = 0) -> dict:
    """The parent's feed of their child after `after` (once their grant has arrived)."""

    async def answered() -> dict:
        response = await changes(platform, CHILD, PARENT_UID, after)
        assert response.status_code == 200, response.text
        body: dict = response.json()
        return body

    result: dict = await eventually(answered)
    return result


def seen(body: dict) -> list[tuple]:
    return [(c["kind"], c["lesson_id"], c["old"], c["new"]) for c in body["changes"]]


async def test_a_parent_sees_new_marks_corrections_homework_and_reasons_set_later(platform):
    await platform.export("full")  # the year's first batch: nothing in it is news
    first = await news(platform)
    assert (first["changes"], first["latest"]) == ([], 0)

    saved = await teacher(
        platform,
        "POST",
        "/entries",
        {
            "topic": "Сложение дробей",
            "homework": {"text": "§12, упр. 3-5", "due_on": "2026-09-09"},
            "marks": [
                {"pupil_id": CHILD, "value": "5", "work_kind_id": "test"},
                {"pupil_id": OTHER_CHILD, "value": "4", "work_kind_id": "oral"},
            ],
            "attendance": [{"pupil_id": CHILD, "kind": "absent"}],
        },
    )
    await platform.export()
    recorded = await news(platform)
    assert sorted(seen(recorded)) == sorted(
        [
            ("mark_added", LESSON, None, "5"),  # the child's mark, not the classmate's
            ("absence_added", LESSON, None, "Н"),
            ("homework_set", LESSON, None, "§12, упр. 3-5"),
        ]
    )
    mark = next(c for c in recorded["changes"] if c["kind"] == "mark_added")
    assert (mark["date"], mark["subject_id"], mark["class_id"]) == (
        FIRST_MONDAY.isoformat(),
        "math",
        CLASS_ID,
    )
    assert mark["subject_name"] is not None
    assert mark["work_kind_name"] is not None
    assert mark["weight"] is not None
    homework = next(c for c in recorded["changes"] if c["kind"] == "homework_set")
    assert homework["due_on"] == "2026-09-09"
    seen_up_to = recorded["latest"]
    assert seen_up_to == max(c["change_id"] for c in recorded["changes"])

    correction = {"value": "4", "work_kind_id": "test", "reason": "пересчитано"}
    await teacher(platform, "POST", f"/marks/{saved['mark_ids'][0]}/correct", correction)
    await teacher(platform, "PUT", f"/absences/{CHILD}/reason", {"reason": "illness"})
    await platform.export()
    later = await news(platform, after=seen_up_to)
    assert sorted(seen(later)) == [
        ("absence_changed", LESSON, "Н", "Б"),
        ("mark_corrected", LESSON, "5", "4"),
    ]
    assert min(c["change_id"] for c in later["changes"]) > seen_up_to
    everything = await news(platform)
    assert len(everything["changes"]) == 5
    assert everything["latest"] == later["latest"]
    for body in (str(recorded), str(later)):
        assert f"'{CHILD}'" not in body  # pseudonyms only on the portal side
        assert "пересчитано" not in body

    other = await changes(platform, OTHER_CHILD, PARENT_UID)
    assert other.status_code == 403, other.text
    assert other.json()["reason"] == "no_grant"
