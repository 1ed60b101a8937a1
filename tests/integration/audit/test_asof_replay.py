"""THE check of the journal as of a moment: replaying the streams to a past moment gives what the
journal view showed at that moment.

The real journal app records a school's lessons over HTTP in steps; after each step (once its
view has caught up) the test takes the journal's own grid and lesson views and notes the time.
Then the audit app, its event log caught up, is asked for the same views as of each noted time:
they must be what the journal showed then. And the changes between two noted moments are those
the steps between them made.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    DEPUTY,
    FIRST_MONDAY,
    MATH_TEACHER,
    NEWCOMER,
    PUPILS,
    RUSSIAN_TEACHER,
    math_lesson_id,
    seed_small_school,
)
from tests.support.running import log_caught_up, running_audit, running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

RANGE = {"from": "2026-09-01", "to": "2026-09-30"}
JOURNAL_BASE = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}"
AUDIT_BASE = f"/audit/v1/schools/s1/years/2026/classes/{CLASS_ID}"
MONDAY = math_lesson_id(FIRST_MONDAY)
NEXT_MONDAY = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=7))
LATER_WEDNESDAY = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=9), 2)  # after p99 joined
LAST_MONDAY = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=14))
LESSONS = (MONDAY, NEXT_MONDAY, LATER_WEDNESDAY, LAST_MONDAY)


@pytest_asyncio.fixture(loop_scope="session")
async def journal(nats_url, database_url, pg_schema, js):
    """The journal over HTTP on fresh streams, with the small test school."""
    async with running_journal(nats_url, database_url, pg_schema) as running:
        await seed_small_school(running.runtime.deps)
        yield running


class Snapshots:
    """What the journal showed after each step, and when."""

    def __init__(self, journal) -> None:
        self.journal = journal
        self.taken: list[tuple[dt.datetime, dict[str, Any], dict[str, dict[str, Any]]]] = []

    async def take(self) -> dt.datetime:
        """Wait for the journal's view to apply everything recorded, then read it."""
        last = (await self.journal.runtime.nats.jetstream().stream_info("JOURNAL")).state.last_seq

        def caught_up() -> None:
            assert self.journal.runtime.projector.status().last_seq >= last

        await eventually(caught_up)
        deputy = self.journal.headers(DEPUTY.id, "deputy")
        grid = await self.journal.http.get(
            f"{JOURNAL_BASE}/subjects/math/grid", params=RANGE, headers=deputy
        )
        assert grid.status_code == 200, grid.text
        lessons = {}
        for lesson_id in LESSONS:
            detail = await self.journal.http.get(
                f"{JOURNAL_BASE}/lessons/{lesson_id}", headers=deputy
            )
            assert detail.status_code == 200, detail.text
            lessons[lesson_id] = detail.json()
        moment = dt.datetime.now(dt.UTC)
        self.taken.append((moment, grid.json(), lessons))
        return moment


async def post(journal, path: str, body: dict | None = None, *, teacher=MATH_TEACHER, put=False):
    send = journal.http.put if put else journal.http.post
    response = await send(
        f"{JOURNAL_BASE}/lessons/{path}",
        json=body,
        headers=journal.headers(teacher.id, teacher.role),
    )
    assert response.status_code in {200, 201}, response.text
    return response.json()


async def step_one(journal) -> None:
    """A whole-class save on the first Monday: held, topic, homework, marks, absences."""
    await post(
        journal,
        f"{MONDAY}/entries",
        {
            "held": True,
            "topic": "Сложение дробей",
            "homework": {"text": "§12, упр. 3-5", "due_on": "2026-09-09"},
            "marks": [
                {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "test"},
                {"pupil_id": PUPILS[0], "value": "3", "work_kind_id": "classwork"},
                {"pupil_id": PUPILS[1], "value": "4", "work_kind_id": "oral"},
                {"pupil_id": PUPILS[4], "value": "н/а", "work_kind_id": "oral"},
            ],
            "attendance": [
                {"pupil_id": PUPILS[2], "kind": "absent"},
                {"pupil_id": PUPILS[3], "kind": "late", "minutes_late": 10},
            ],
        },
    )


async def step_two(journal, snapshot: dict[str, Any]) -> None:
    """Corrections and more: a mark corrected, one cancelled, a reason set, a substitution, a
    newcomer's first mark, a lesson cancelled."""
    marks = {(m["pupil_id"], m["value"]): m["mark_id"] for m in snapshot[MONDAY]["marks"]}
    await post(
        journal,
        f"{MONDAY}/marks/{marks[PUPILS[0], '3']}/correct",
        {"value": "4", "work_kind_id": "classwork", "reason": "ошибка при вводе"},
    )
    await post(
        journal, f"{MONDAY}/marks/{marks[PUPILS[1], '4']}/cancel", {"reason": "не тот ученик"}
    )
    await post(
        journal,
        f"{MONDAY}/absences/{PUPILS[2]}/reason",
        {"reason": "illness", "evidence": "справка"},
        teacher=RUSSIAN_TEACHER,  # the class teacher of 5a
        put=True,
    )
    await post(
        journal,
        f"{NEXT_MONDAY}/substitute",
        {"substitute_id": RUSSIAN_TEACHER.id, "reason": "болезнь учителя"},
        teacher=DEPUTY,
    )
    await post(
        journal,
        f"{NEXT_MONDAY}/entries",
        {
            "topic": "Дроби: повторение",
            "marks": [{"pupil_id": PUPILS[5], "value": "2", "work_kind_id": "oral"}],
        },
        teacher=RUSSIAN_TEACHER,
    )
    await post(
        journal,
        f"{LATER_WEDNESDAY}/marks",
        {"pupil_id": NEWCOMER, "value": "5", "work_kind_id": "oral"},
    )
    await post(journal, f"{LAST_MONDAY}/cancel", {"reason": "карантин"}, teacher=ADMIN)


async def step_three(journal) -> None:
    """A late topic change on the first Monday and attendance on the later Wednesday."""
    await post(journal, f"{MONDAY}/topic", {"topic": "Сложение и вычитание дробей"}, put=True)
    await post(
        journal,
        f"{LATER_WEDNESDAY}/attendance",
        {"absences": [{"pupil_id": PUPILS[0], "kind": "absent"}]},
        put=True,
    )


async def step_four(journal, snapshot: dict[str, Any]) -> None:
    """The first quarter closed, then corrected by the deputy director: a mark and a topic."""
    closed = await journal.http.post(
        "/journal/v1/schools/s1/years/2026/periods/q1/close",
        headers=journal.headers(ADMIN.id, "admin"),
    )
    assert closed.status_code == 200, closed.text
    marks = {(m["pupil_id"], m["value"]): m["mark_id"] for m in snapshot[MONDAY]["marks"]}
    reason = "исправление по итогам проверки"
    await post(
        journal,
        f"{MONDAY}/marks/{marks[PUPILS[0], '5']}/correct",
        {"value": "4", "work_kind_id": "test", "reason": "пересчёт", "correction_reason": reason},
        teacher=DEPUTY,
    )
    await post(
        journal,
        f"{NEXT_MONDAY}/topic",
        {"topic": "Дроби: закрепление", "correction_reason": reason},
        teacher=DEPUTY,
        put=True,
    )


def grid_content(grid: dict[str, Any]) -> dict[str, Any]:
    """What a grid means: its lessons, and per pupil the cells' marks and letters, the average
    and the counts (numbers compared as numbers, whatever their JSON spelling)."""
    return {
        "range": (grid["date_from"], grid["date_to"]),
        "lessons": [
            (
                c["lesson_id"],
                c["date"],
                c["slot"],
                c["status"],
                c["topic"],
                c["teacher_id"],
                c.get("corrected_after_close", False),
            )
            for c in grid["lessons"]
        ],
        "rows": [
            (
                row["pupil_id"],
                row["full_name"],
                row["since"],
                row["last_day"],
                None if row["average"] is None else Decimal(row["average"]),
                row["absences"],
                row["lates"],
                [
                    (
                        cell["lesson_id"],
                        cell["absence"],
                        cell.get("corrected_after_close", False),
                        [
                            (
                                m["mark_id"],
                                m["value"],
                                m["work_kind_id"],
                                Decimal(m["weight"]),
                                m["corrected"],
                                m.get("corrected_after_close", False),
                            )
                            for m in cell["marks"]
                        ],
                    )
                    for cell in row["cells"]
                ],
            )
            for row in grid["rows"]
        ],
    }


def lesson_content(detail: dict[str, Any]) -> dict[str, Any]:
    """A lesson's detail without the answer's own fields (`at`, `last_seq`), weights as numbers.

    Recording times are compared exactly: the journal's view and the audit's log both take
    them from the JetStream message's timestamp.
    """
    content = {k: v for k, v in detail.items() if k not in {"at", "last_seq", "marks"}}
    content["marks"] = [{**m, "weight": Decimal(m["weight"])} for m in detail["marks"]]
    return content


async def test_replaying_the_streams_to_a_past_moment_gives_what_the_journal_showed(
    journal, nats_url, database_url, pg_schema
):
    snapshots = Snapshots(journal)
    await snapshots.take()
    await step_one(journal)
    await snapshots.take()
    await step_two(journal, snapshots.taken[-1][2])
    await snapshots.take()
    await step_three(journal)
    await snapshots.take()
    await step_four(journal, snapshots.taken[-1][2])
    await snapshots.take()
    corrected = snapshots.taken[-1][2][MONDAY]
    assert corrected["corrections"]  # the journal flags the correction: the audit must too
    assert any(m.get("corrected_after_close") for m in corrected["marks"])
    last = (await journal.runtime.nats.jetstream().stream_info("JOURNAL")).state.last_seq

    async with running_audit(nats_url, database_url, f"{pg_schema}_audit") as audit:
        await log_caught_up(audit, {"JOURNAL": last})
        auditor = audit.headers("aud1", "auditor")
        for moment, grid, lessons in snapshots.taken:
            at = moment.isoformat()
            replayed = await audit.http.get(
                f"{AUDIT_BASE}/subjects/math/grid", params={**RANGE, "at": at}, headers=auditor
            )
            assert replayed.status_code == 200, replayed.text
            assert grid_content(replayed.json()) == grid_content(grid), at
            for lesson_id, detail in lessons.items():
                answer = await audit.http.get(
                    f"{AUDIT_BASE}/lessons/{lesson_id}", params={"at": at}, headers=auditor
                )
                assert answer.status_code == 200, answer.text
                assert lesson_content(answer.json()) == lesson_content(detail), (at, lesson_id)

        # The steps really changed the page: the moments are not all alike.
        pages = [grid_content(grid) for _, grid, _ in snapshots.taken]
        assert all(a != b for a, b in itertools.pairwise(pages))

        await the_changes_between_two_moments_are_the_steps_made(audit, snapshots)


async def the_changes_between_two_moments_are_the_steps_made(audit, snapshots) -> None:
    (first, *_), (second, *_), (third, *_), (fourth, *_), (fifth, *_) = snapshots.taken
    auditor = audit.headers("aud1", "auditor")

    async def changes(since: dt.datetime, until: dt.datetime) -> list[tuple]:
        response = await audit.http.get(
            f"{AUDIT_BASE}/subjects/math/changes",
            params={**RANGE, "since": since.isoformat(), "until": until.isoformat()},
            headers=auditor,
        )
        assert response.status_code == 200, response.text
        return [(c["kind"], c["lesson_id"], c["pupil_id"]) for c in response.json()["changes"]]

    assert await changes(second, second) == []
    assert await changes(third, fourth) == [
        ("topic_changed", MONDAY, None),
        ("absence_added", LATER_WEDNESDAY, PUPILS[0]),
    ]
    kinds = [kind for kind, _, _ in await changes(second, third)]
    assert sorted(kinds) == sorted(
        [
            "mark_changed",  # p01's 3 -> 4
            "mark_cancelled",  # p02's 4
            "absence_changed",  # p03: Н -> Б
            "teacher_changed",
            "lesson_held",
            "topic_changed",
            "mark_added",  # next Monday, p06
            "mark_added",  # the newcomer's 5
            "lesson_cancelled",
        ]
    )
    everything = await changes(first, fifth)
    assert ("lesson_held", MONDAY, None) in everything
    assert await changes(fourth, fifth) == [
        ("mark_changed", MONDAY, PUPILS[0]),
        ("corrected_after_close", MONDAY, None),
        ("topic_changed", NEXT_MONDAY, None),
        ("corrected_after_close", NEXT_MONDAY, None),
    ]
