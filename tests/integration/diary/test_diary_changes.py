"""«Что нового» on real NATS and PostgreSQL: the changes a batch records, their ids under
redelivery and rebuild, and who reads them over HTTP."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

import pytest
import pytest_asyncio

from contracts.diary import DiaryAbsence, LessonRecord, PupilScope
from contracts.streams import DIARY
from services.common.projector import Projector
from services.diary.adapters import diary_changes
from services.diary.bootstrap import rebuild_view
from services.diary.domain.changes import PER_BATCH
from tests.support.diary import (
    FeedWriter,
    absence,
    attachment,
    class_record,
    envelope,
    headers,
    lesson_record,
    mark,
    period_mark,
    period_marks_record,
    school_record,
)
from tests.support.diary_served import (
    ANNA,
    BORIS,
    CLASS_TEACHER,
    OTHER_PARENT,
    PARENT,
    TEACHER,
    VERA,
    as_user,
    diary_projector,
    feed_applied,
    grant_anna_and_5a,
)
from tests.support.running import RunningDiary, diary_settings, running_diary

pytestmark = pytest.mark.integration

SEPTEMBER = dt.date(2026, 9, 1)
MONDAY, TUESDAY = dt.date(2026, 9, 7), dt.date(2026, 9, 8)
COLUMNS = "kind, pupil, lesson_id, old, new"


async def changes(pool, columns: str = COLUMNS, where: str = "true") -> list[tuple]:
    async with pool.acquire() as conn:
        found = await conn.fetch(f"SELECT {columns} FROM changes WHERE {where} ORDER BY change_id")
    return [tuple(r.values()) for r in found]


def year_start(*lessons) -> list:
    """The school, a class of Anna and Boris, and the given lessons."""
    members = [(ANNA, SEPTEMBER, None), (BORIS, SEPTEMBER, None)]
    return [school_record(), class_record(members=members), *lessons]


async def applied(feed: FeedWriter, diary: Projector, records, **kind) -> int:
    """Publish a batch of `records` and apply it; the manifest's stream sequence."""
    seq = await feed.publish(feed.batch(records, **kind))
    await diary.drain()
    return seq


async def test_the_first_batch_of_a_year_full_or_delta_records_nothing(js, pg_pool, diary):
    lesson = lesson_record(
        "l1", MONDAY, homework="§1", marks=[mark(ANNA, "5")], absences=[absence(BORIS)]
    )
    await applied(FeedWriter(js), diary, year_start(lesson), kind="full")
    await applied(FeedWriter(js, year=2027), diary, year_start(lesson))  # a delta first

    assert await pg_pool.fetchval("SELECT count(*) FROM marks") == 2
    assert await changes(pg_pool) == []


async def test_a_delta_records_a_new_mark_with_its_batch_cut_and_stream_position(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY)), kind="full")
    batch = feed.batch(
        [lesson_record("l1", MONDAY, seq=11, marks=[mark(ANNA, "5", mark_id="m1", kind="test")])]
    )
    seq = await feed.publish(batch)
    await diary.drain()

    found = await changes(
        pg_pool,
        "change_id, kind, recorded_at, pupil, class_id, subject_id, lesson_id, date, old, new, "
        "work_kind_id, weight",
    )
    assert found == [
        (
            seq * PER_BATCH,
            "mark_added",
            batch.manifest.cut_at,
            ANNA,
            "5a",
            "math",
            "l1",
            MONDAY,
            None,
            "5",
            "test",
            1,
        )
    ]


async def test_marks_corrected_and_removed_show_old_and_new(js, pg_pool, diary):
    feed = FeedWriter(js)
    first = [mark(ANNA, "5", mark_id="m1"), mark(BORIS, "3", mark_id="m2")]
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY, marks=first)))
    corrected = [mark(ANNA, "4", mark_id="m1"), mark(BORIS, "3", mark_id="m2")]
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=11, marks=corrected)])
    # a change of kind only is a correction too; Boris's mark cancelled
    rekinded = [mark(ANNA, "4", mark_id="m1", kind="test", weight="2")]
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=12, marks=rekinded)])

    third = sorted(  # within a batch: by date, lesson, pupil
        [("mark_corrected", ANNA, "l1", "4", "4"), ("mark_removed", BORIS, "l1", "3", None)],
        key=lambda change: change[1],
    )
    assert await changes(pg_pool) == [("mark_corrected", ANNA, "l1", "5", "4"), *third]


async def test_absences_added_changed_when_the_reason_comes_later_and_removed(js, pg_pool, diary):
    feed = FeedWriter(js)
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY)))
    unknown = absence(ANNA).model_copy(update={"reason": "unknown", "letter": "Н"})
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=11, absences=[unknown])])
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=12, absences=[absence(ANNA)])])
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=13)])

    assert await changes(pg_pool) == [
        ("absence_added", ANNA, "l1", None, "Н"),
        ("absence_changed", ANNA, "l1", "Н", "Б"),
        ("absence_removed", ANNA, "l1", "Б", None),
    ]


async def test_homework_is_recorded_once_per_lesson_when_set_changed_or_given_files(
    js, pg_pool, diary
):
    feed = FeedWriter(js)
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY)))
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=11, homework="§12")])
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=12, homework="§12", topic="Иное")])
    files = [attachment("a1", b"task")]
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=13, homework="§12", files=files)])
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=14, homework="§13", files=files)])
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=15)])  # taken away: not news

    assert await changes(pg_pool, "kind, pupil, class_id, lesson_id, old, new, due_on") == [
        ("homework_set", None, "5a", "l1", None, "§12", dt.date(2026, 9, 9)),
        ("homework_set", None, "5a", "l1", "§12", "§12", dt.date(2026, 9, 9)),
        ("homework_set", None, "5a", "l1", "§12", "§13", dt.date(2026, 9, 9)),
    ]


async def test_period_marks_set_and_changed(js, pg_pool, diary):
    feed = FeedWriter(js)
    await applied(feed, diary, year_start())
    first = [period_mark(ANNA, "q1", "5", "4.6")]
    await applied(feed, diary, [period_marks_record(first)])
    again = [period_mark(ANNA, "q1", "5", "4.6"), period_mark(BORIS, "q1", "4", "4.1")]
    await applied(feed, diary, [period_marks_record(again, seq=21)])
    changed = [period_mark(ANNA, "q1", "4", "4.4"), period_mark(BORIS, "q1", "4", "4.1")]
    await applied(feed, diary, [period_marks_record(changed, seq=22)])

    assert await changes(pg_pool, "kind, pupil, class_id, subject_id, period_id, old, new") == [
        ("period_mark_set", ANNA, "5a", "math", "q1", None, "5"),
        ("period_mark_set", BORIS, "5a", "math", "q1", None, "4"),
        ("period_mark_set", ANNA, "5a", "math", "q1", "5", "4"),
    ]


async def test_a_later_full_batch_records_only_the_real_drift(js, pg_pool, diary):
    feed = FeedWriter(js)
    lessons = [
        lesson_record(f"l{i}", MONDAY, slot=i, seq=10 + i, marks=[mark(ANNA, "5", mark_id=f"m{i}")])
        for i in range(1, 6)
    ]
    await applied(feed, diary, year_start(*lessons), kind="full")
    drifted = [
        *lessons[:2],
        lesson_record("l3", MONDAY, slot=3, seq=13, marks=[mark(ANNA, "2", mark_id="m3")]),
        *lessons[3:],
    ]
    await applied(feed, diary, year_start(*drifted), kind="full")  # l3's mark differs
    await applied(feed, diary, year_start(*drifted), kind="full")  # nothing differs
    gone = year_start(*drifted[:4])  # l5 is gone (and was not newer than the cut)
    await applied(feed, diary, gone, kind="full", to_seq=20)

    assert await changes(pg_pool) == [
        ("mark_corrected", ANNA, "l3", "5", "2"),
        ("mark_removed", ANNA, "l5", "5", None),
    ]


async def test_an_unchanged_record_and_other_kinds_of_record_record_nothing(js, pg_pool, diary):
    feed = FeedWriter(js)
    lesson = lesson_record("l1", MONDAY, homework="§1", marks=[mark(ANNA, "5", mark_id="m1")])
    await applied(feed, diary, year_start(lesson))
    newer_same = lesson.model_copy(update={"seq": 30, "topic": "Другая тема"})
    members = [(ANNA, SEPTEMBER, None), (VERA, SEPTEMBER, None)]
    await applied(
        feed, diary, [newer_same, school_record(seq=31), class_record(members=members, seq=32)]
    )

    assert await changes(pg_pool) == []


async def test_a_redelivered_batch_records_nothing_twice(js, pg_pool, diary):
    feed = FeedWriter(js)
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY)))
    batch = feed.batch([lesson_record("l1", MONDAY, seq=11, marks=[mark(ANNA, "5")])])
    await feed.publish(batch)
    await diary.drain()
    # published again under new message ids (after the broker's duplicate window)
    for record in batch.records:
        await js.publish(
            f"dry.2026.s1.lesson.{record.record_id}",
            envelope(record, feed.school, feed.year).model_dump_json().encode(),
            stream=DIARY.name,
            headers=headers(record, f"again-{record.index}"),
        )
    body = envelope(batch.manifest, feed.school, feed.year).model_dump_json().encode()
    await js.publish(
        f"dry.2026.s1.batch.{batch.manifest.batch_id}",
        body,
        stream=DIARY.name,
        headers=headers(batch.manifest, "again-manifest"),
    )
    await diary.drain()
    # and the whole stream applied again over the live rows (a redelivered projector batch)
    again = diary_projector(js, pg_pool)
    async with pg_pool.acquire() as conn:
        await conn.execute("UPDATE projection_checkpoints SET last_seq = 0")
    await again.drain()
    assert again.status().events_applied == (await js.stream_info(DIARY.name)).state.last_seq
    await again.close()

    assert await changes(pg_pool) == [("mark_added", ANNA, "l1", None, "5")]


async def test_a_batch_with_more_changes_than_its_ids_can_hold_records_none(
    js, pg_pool, diary, monkeypatch
):
    monkeypatch.setattr(diary_changes, "PER_BATCH", 2)  # room for two changes a batch
    feed = FeedWriter(js)
    await applied(feed, diary, year_start(lesson_record("l1", MONDAY)))
    two = [mark(ANNA, "5", mark_id="m1"), mark(BORIS, "4", mark_id="m2")]
    await applied(feed, diary, [lesson_record("l1", MONDAY, seq=11, marks=two)])
    three = [*two, mark(ANNA, "3", mark_id="m3")]
    await applied(feed, diary, [lesson_record("l2", MONDAY, slot=2, seq=12, marks=three)])

    assert len(await changes(pg_pool)) == 2  # the second batch is a reload, not news
    assert await pg_pool.fetchval("SELECT count(*) FROM marks") == 5


# ------------------------------------------------------------------ against a model of the diff

PUPILS = (ANNA, BORIS, VERA)
ABSENCES = (("absent", None, "unknown", "Н"), ("absent", None, "illness", "Б"))
LATE = ("late", 10, "unknown", "П")


def random_lesson(rng: random.Random, lesson_id: str, seq: int) -> LessonRecord:
    """A lesson with up to four marks, absences and maybe homework, drawn by `rng`."""
    marks = [
        mark(rng.choice(PUPILS), rng.choice("2345"), mark_id=mark_id, **rng.choice(KINDS))
        for mark_id in rng.sample(["m1", "m2", "m3", "m4"], rng.randint(0, 4))
    ]
    absences = [
        DiaryAbsence(pupil=p, kind=k, minutes_late=m, reason=r, letter=letter)
        for p in rng.sample(PUPILS, rng.randint(0, 2))
        for k, m, r, letter in [rng.choice([*ABSENCES, LATE])]
    ]
    homework = rng.choice([None, "§1", "§2"])
    return lesson_record(
        lesson_id, MONDAY, seq=seq, homework=homework, marks=marks, absences=absences
    )


KINDS = ({"kind": "answer", "weight": "1"}, {"kind": "test", "weight": "2"})


def model(before: LessonRecord, after: LessonRecord) -> Counter:
    """The changes the diff should record between two states of a lesson."""
    found: Counter = Counter()
    lesson = after.lesson_id
    old = {(m.mark_id, m.pupil): m for m in before.marks}
    new = {(m.mark_id, m.pupil): m for m in after.marks}
    for key in new.keys() - old.keys():
        found["mark_added", key[1], lesson, None, new[key].value] += 1
    for key in old.keys() - new.keys():
        found["mark_removed", key[1], lesson, old[key].value, None] += 1
    for key in old.keys() & new.keys():
        a, b = new[key], old[key]
        if (a.value, a.work_kind_id, a.weight) != (b.value, b.work_kind_id, b.weight):
            found["mark_corrected", key[1], lesson, b.value, a.value] += 1
    was = {x.pupil: x for x in before.absences}
    now = {x.pupil: x for x in after.absences}
    for pupil in now.keys() - was.keys():
        found["absence_added", pupil, lesson, None, now[pupil].letter] += 1
    for pupil in was.keys() - now.keys():
        found["absence_removed", pupil, lesson, was[pupil].letter, None] += 1
    for pupil in was.keys() & now.keys():
        if now[pupil] != was[pupil]:
            found["absence_changed", pupil, lesson, was[pupil].letter, now[pupil].letter] += 1
    if after.homework is not None and after.homework != before.homework:
        found["homework_set", None, lesson, before.homework, after.homework] += 1
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_batch_records_exactly_what_a_model_of_the_diff_expects(
    js, pg_pool, diary, seed
):
    rng = random.Random(seed)
    feed = FeedWriter(js)
    members = [(p, SEPTEMBER, None) for p in PUPILS]
    state = {i: random_lesson(rng, i, 10) for i in ("l1", "l2")}
    await applied(feed, diary, [school_record(), class_record(members=members), *state.values()])
    for step in range(12):
        seq = 100 + step
        batch, expected = [], Counter()
        for lesson_id, before in state.items():
            choice = rng.random()
            if choice < 0.2:  # the same content again, newer: a no-op
                batch.append(before.model_copy(update={"seq": seq}))
                continue
            if choice < 0.3:  # not in this batch
                continue
            after = random_lesson(rng, lesson_id, seq)
            expected += model(before, after)
            batch.append(after)
            state[lesson_id] = after
        if not batch:
            continue
        manifest_seq = await applied(feed, diary, batch)
        found = await changes(pg_pool, where=f"change_id / {PER_BATCH} = {manifest_seq}")
        assert Counter(found) == expected, (seed, step)


# ------------------------------------------------------------------ over HTTP, and the rebuild


@dataclass
class Served:
    """The running diary and the feed that writes to it."""

    app: RunningDiary
    feed: FeedWriter


@pytest_asyncio.fixture(loop_scope="session")
async def served(nats_url, database_url, pg_schema, js):
    """The diary app with Anna (moved from 5a to 5b on 15 September), Boris in 5a, grants."""
    async with running_diary(nats_url, database_url, pg_schema) as running:
        feed = FeedWriter(js)
        moved = dt.date(2026, 9, 15)
        await feed.publish(
            feed.batch(
                [
                    school_record(),
                    class_record(
                        "5a", members=[(ANNA, SEPTEMBER, moved), (BORIS, SEPTEMBER, None)]
                    ),
                    class_record("5b", members=[(ANNA, moved + dt.timedelta(days=1), None)]),
                ],
                kind="full",
            )
        )
        await grant_anna_and_5a(feed, (PARENT, TEACHER, CLASS_TEACHER))
        await feed.grant("g-other", OTHER_PARENT, PupilScope(pupil=BORIS, relation="parent"))
        await feed_applied(running, js)
        yield Served(running, feed)


async def feed_of(s: Served, pupil: str, uid: int, role: str, **params) -> dict:
    response = await s.app.http.get(
        f"/diary/v1/schools/s1/years/2026/pupils/{pupil}/changes",
        params=params,
        headers=as_user(s.app, uid, role),
    )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def publish_week(s: Served, js) -> None:
    """Maths and Russian in 5a before Anna moved, maths in 5a after, maths in 5b after."""
    late = dt.date(2026, 9, 21)
    feed = s.feed
    await feed.publish(
        feed.batch(
            [
                lesson_record(
                    "math-1",
                    MONDAY,
                    seq=11,
                    homework="§1",
                    marks=[mark(ANNA, "5", mark_id="m1"), mark(BORIS, "4", mark_id="m2")],
                ),
                lesson_record(
                    "rus-1",
                    TUESDAY,
                    subject_id="rus",
                    teacher_id="t-rus",
                    seq=12,
                    homework="упр. 5",
                    absences=[absence(ANNA)],
                ),
                lesson_record("math-5a-late", late, seq=13, homework="§3"),
                lesson_record("math-5b-late", late, class_id="5b", seq=14, homework="§4"),
                period_marks_record([period_mark(ANNA, "q1", "5", "4.8")], seq=15),
            ]
        )
    )
    await feed_applied(s.app, js)


async def test_a_parent_reads_the_pupils_changes_newest_first_as_in_the_week(served, js):
    await publish_week(served, js)

    body = await feed_of(served, ANNA, PARENT, "parent")
    seen = [(c["kind"], c["lesson_id"], c["new"]) for c in body["changes"]]
    assert seen == [
        ("period_mark_set", None, "5"),
        ("homework_set", "math-5b-late", "§4"),  # 5b after the move, not 5a's late lesson
        ("homework_set", "rus-1", "упр. 5"),
        ("homework_set", "math-1", "§1"),
        ("absence_added", "rus-1", "Б"),
        ("mark_added", "math-1", "5"),  # Anna's own mark only
    ]
    assert body["pupil"] == ANNA
    assert body["latest"] == body["changes"][0]["change_id"]
    ids = [c["change_id"] for c in body["changes"]]
    assert ids == sorted(ids, reverse=True)
    added = body["changes"][-1]
    assert added["subject_name"] == "Математика"
    assert added["work_kind_name"] == "Ответ на уроке"
    assert added["weight"] == "1"
    assert added["date"] == MONDAY.isoformat()
    assert added["class_id"] == "5a"
    assert body["changes"][0]["period_id"] == "q1"
    assert body["changes"][2]["due_on"] == "2026-09-10"

    newer = await feed_of(served, ANNA, PARENT, "parent", after=ids[2], limit=1)
    assert [c["change_id"] for c in newer["changes"]] == [ids[0]]
    assert newer["latest"] == ids[0]
    nothing = await feed_of(served, ANNA, PARENT, "parent", after=ids[0])
    assert (nothing["changes"], nothing["latest"]) == ([], ids[0])


async def test_teachers_see_their_subjects_and_another_parent_is_refused(served, js):
    await publish_week(served, js)

    maths = await feed_of(served, ANNA, TEACHER, "teacher")
    assert {(c["subject_id"], c["class_id"]) for c in maths["changes"]} == {("math", "5a")}
    assert {c["kind"] for c in maths["changes"]} == {
        "mark_added",
        "homework_set",
        "period_mark_set",
    }
    whole = await feed_of(served, ANNA, CLASS_TEACHER, "teacher")
    assert {c["subject_id"] for c in whole["changes"]} == {"math", "rus"}
    assert "math-5b-late" not in {c["lesson_id"] for c in whole["changes"]}
    assert whole["latest"] == whole["changes"][0]["change_id"]

    url = f"/diary/v1/schools/s1/years/2026/pupils/{ANNA}/changes"
    refused = await served.app.http.get(url, headers=as_user(served.app, OTHER_PARENT, "parent"))
    assert refused.status_code == 403
    assert refused.json()["reason"] == "no_grant"
    for bad in ({"after": -1}, {"limit": 0}, {"limit": 201}, {"after": "x"}):
        parent = as_user(served.app, PARENT, "parent")
        response = await served.app.http.get(url, params=bad, headers=parent)
        assert response.status_code == 422, bad
        assert response.json()["reason"] == "invalid_request"


async def test_the_rebuild_reproduces_the_changes_row_for_row(
    served, js, nats_url, database_url, pg_schema
):
    await publish_week(served, js)
    feed = served.feed
    corrected = lesson_record("math-1", MONDAY, seq=40, marks=[mark(ANNA, "4", mark_id="m1")])
    await feed.publish(feed.batch([corrected]))
    await feed_applied(served.app, js)
    pool = served.app.runtime.pool
    live = await changes(pool, "*")
    assert len(live) == 10  # 8 of the week; Anna's mark corrected, Boris's removed

    settings = diary_settings(nats_url, database_url, pg_schema, "x" * 32)
    result = await rebuild_view(served.app.runtime, settings)
    assert result.last_seq == (await js.stream_info(DIARY.name)).state.last_seq

    assert await changes(pool, "*") == live
    body = await feed_of(served, ANNA, PARENT, "parent")
    assert body["changes"][0]["kind"] == "mark_corrected"
    assert (body["changes"][0]["old"], body["changes"][0]["new"]) == ("5", "4")
