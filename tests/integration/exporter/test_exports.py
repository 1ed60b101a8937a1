"""Export runs on real servers: the journal written through its handlers on JetStream, the
exporter publishing to DIARY, the feed read back and checked against the contracts."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from collections import Counter

import pytest

from contracts.diary import (
    BatchManifest,
    Record,
    batch_checksum,
    record_digest,
)
from contracts.envelope import HEADER_MSG_ID
from contracts.journal import AbsenceEntry
from contracts.registry import DIARY_REGISTRY
from contracts.streams import DIARY, DIARY_FILES_BUCKET
from services.exporter.application.exporting import ExportFailed, export
from services.exporter.domain.pseudonym import Pseudonymiser
from services.journal.application import lessons
from services.journal.domain import commands as c
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    SCHOOL,
    YEAR,
    math_lesson_id,
    meta,
)
from tests.support.running import TEST_PSEUDONYM_KEY

pytestmark = pytest.mark.integration

LESSON = math_lesson_id(FIRST_MONDAY)
PSEUDO = Pseudonymiser(TEST_PSEUDONYM_KEY.encode())
# Teachers cross only as «Иванова А. П.» (the staff directory); nothing else of the roster.
NAMES = ("Иванова Анна", "Анна Петровна", "Петров Олег", "Ученик", "Школа № 1", "2015-03-01")


async def teach(journal, lesson_id: str = LESSON, topic: str = "Дроби") -> None:
    """The maths teacher's whole-page save with marks and an absence."""
    cmd = c.SaveLessonEntries(
        held=True,
        topic=topic,
        homework=c.SetHomework("№ 12"),
        marks=(c.NewMark(f"{lesson_id}-m1", PUPILS[0], "5", "oral"),),
        attendance=(AbsenceEntry(pupil_id=PUPILS[1], kind="absent"),),
    )
    await lessons.run(journal, meta(MATH_TEACHER), CLASS_ID, lesson_id, cmd)


async def read_diary(js) -> list[tuple[str, dict[str, str], dict]]:
    """Every message of DIARY: (subject, headers, envelope)."""
    last = (await js.stream_info(DIARY.name)).state.last_seq
    out = []
    for start in range(1, last + 1, 500):
        msgs = await asyncio.gather(
            *(js.get_msg(DIARY.name, seq) for seq in range(start, min(start + 500, last + 1)))
        )
        out.extend((m.subject, dict(m.headers or {}), json.loads(m.data)) for m in msgs)
    return out


def records_of(messages, batch: str) -> list[Record]:
    found = []
    for _, headers, envelope in messages:
        if envelope["data"].get("batch_id") == batch and "index" in envelope["data"]:
            model = DIARY_REGISTRY.decode(
                envelope["event_type"], envelope["schema_version"], envelope["data"]
            )
            assert isinstance(model, Record)
            assert headers[HEADER_MSG_ID] == f"{batch}-{model.index}"
            found.append(model)
    return sorted(found, key=lambda r: r.index)


def manifests_of(messages, batch: str) -> list[BatchManifest]:
    return [
        BatchManifest.model_validate(env["data"])
        for _, _, env in messages
        if env["event_type"] == BatchManifest.event_type and env["data"]["batch_id"] == batch
    ]


async def test_a_delta_publishes_valid_records_a_matching_manifest_and_the_files(
    js, journal, exporter
):
    await teach(journal)
    _, attachment_id = await lessons.attach_file(
        journal,
        meta(MATH_TEACHER),
        CLASS_ID,
        LESSON,
        name="task.pdf",
        media_type="application/pdf",
        data=b"%PDF-1.4 homework",
    )
    outcome = await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")
    run = outcome.run
    assert run.status == "published"
    assert run.from_seq == 0
    assert run.to_seq == (await js.stream_info("JOURNAL")).state.last_seq
    assert run.files_copied == 1

    messages = await read_diary(js)
    records = records_of(messages, run.batch_id)
    assert [r.index for r in records] == list(range(run.records))
    kinds = Counter(r.record_kind for r in records)
    assert kinds["school"] == 1
    assert kinds["class"] == 1
    assert kinds["staff"] == 1
    assert kinds["lesson"] > 10
    (manifest,) = manifests_of(messages, run.batch_id)
    assert manifest.records == len(records) == run.records
    assert manifest.checksum == batch_checksum(records) == run.checksum
    assert (manifest.kind, manifest.from_seq, manifest.to_seq) == ("delta", 0, run.to_seq)

    taught = next(r for r in records if r.record_id == LESSON)
    assert taught.status == "held"
    assert taught.teacher_id == MATH_TEACHER.id
    assert taught.marks[0].pupil == PSEUDO.of(PUPILS[0])
    assert taught.absences[0].letter == "Н"
    assert taught.files[0].attachment_id == attachment_id

    diary_files = await js.object_store(DIARY_FILES_BUCKET)
    copied = await diary_files.get(attachment_id)
    assert copied.data == b"%PDF-1.4 homework"

    feed = json.dumps([env for _, _, env in messages], ensure_ascii=False)
    for name in NAMES:
        assert name not in feed
    for pupil in PUPILS:
        assert f'"{pupil}"' not in feed


async def test_a_second_delta_exports_only_what_changed_and_a_rerun_publishes_nothing(
    js, journal, exporter
):
    first = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    await teach(journal)
    second = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert second.from_seq == first.to_seq
    assert second.records == 1
    records = records_of(await read_diary(js), second.batch_id)
    assert [(r.record_kind, r.record_id) for r in records] == [("lesson", LESSON)]

    before = (await js.stream_info(DIARY.name)).state.last_seq
    again = await export(exporter.deps, SCHOOL, YEAR, "delta", "api")
    assert again.already
    assert again.run.run_id == second.run_id
    assert (await js.stream_info(DIARY.name)).state.last_seq == before


async def test_a_delta_with_nothing_new_after_a_full_run_is_a_delta_of_its_own(
    js, journal, exporter
):
    await teach(journal)
    full = (await export(exporter.deps, SCHOOL, YEAR, "full", "api")).run
    before = (await js.stream_info(DIARY.name)).state.last_seq

    delta = await export(exporter.deps, SCHOOL, YEAR, "delta", "api")
    again = await export(exporter.deps, SCHOOL, YEAR, "delta", "api")

    assert not delta.already
    assert (delta.run.kind, delta.run.status, delta.run.records) == ("delta", "empty", 0)
    assert delta.run.from_seq == delta.run.to_seq == full.to_seq
    assert (again.already, again.run.run_id) == (True, delta.run.run_id)
    assert (await js.stream_info(DIARY.name)).state.last_seq == before  # nothing published


async def test_a_delta_of_another_school_year_is_empty_and_advances_the_cursor(
    js, journal, exporter
):
    outcome = await export(exporter.deps, "other", YEAR, "delta", "api")
    assert outcome.run.status == "empty"
    assert outcome.run.records == 0
    assert (await js.stream_info(DIARY.name)).state.messages == 0
    again = await export(exporter.deps, "other", YEAR, "delta", "api")
    assert again.already


async def test_a_full_equals_the_union_of_the_deltas(js, journal, exporter):
    deltas = [(await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run]
    await teach(journal)
    await lessons.run(
        journal, meta(MATH_TEACHER), CLASS_ID, LESSON, c.CancelMark(f"{LESSON}-m1", "ошибка")
    )
    deltas.append((await export(exporter.deps, SCHOOL, YEAR, "delta", "cli")).run)
    full = (await export(exporter.deps, SCHOOL, YEAR, "full", "cli")).run
    assert full.kind == "full"
    assert (full.from_seq, full.to_seq) == (0, deltas[-1].to_seq)

    messages = await read_diary(js)
    union: dict[tuple[str, str], Record] = {}
    for run in deltas:
        for record in records_of(messages, run.batch_id):
            key = (record.record_kind, record.record_id)
            if key not in union or union[key].seq < record.seq:
                union[key] = record
    full_records = records_of(messages, full.batch_id)
    assert len(manifests_of(messages, full.batch_id)) == 1
    assert {(r.record_kind, r.record_id): (r.seq, record_digest(r)) for r in full_records} == {
        key: (r.seq, record_digest(r)) for key, r in union.items()
    }
    again = await export(exporter.deps, SCHOOL, YEAR, "full", "cli")
    assert again.already
    scratch = await exporter.pool.fetchval(
        "SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", "%\\_full\\_%"
    )
    assert scratch == 0


class FailingAfter:
    """A publisher that fails after `limit` records have been published."""

    def __init__(self, inner, limit: int) -> None:
        self.inner, self.limit, self.count = inner, limit, 0

    async def publish(self, subject, body, headers) -> None:
        if self.count >= self.limit:
            raise ConnectionError("the feed went away")
        self.count += 1
        await self.inner.publish(subject, body, headers)


async def test_a_run_failing_mid_publish_is_recorded_and_the_next_run_completes_the_batch(
    js, journal, exporter
):
    await teach(journal)
    failing = dataclasses.replace(
        exporter.deps, publisher=FailingAfter(exporter.deps.publisher, 5), publish_window=1
    )
    with pytest.raises(ExportFailed) as failure:
        await export(failing, SCHOOL, YEAR, "delta", "api")
    failed = await exporter.deps.runs.get(failure.value.run.run_id)
    assert failed.status == "failed"
    assert "the feed went away" in failed.error
    messages = await read_diary(js)
    assert len(records_of(messages, failed.batch_id)) == 5
    assert manifests_of(messages, failed.batch_id) == []

    retried = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert retried.from_seq == 0  # the failed run did not move the cursor
    assert retried.batch_id == failed.batch_id  # nothing new: the very same batch
    messages = await read_diary(js)
    records = records_of(messages, retried.batch_id)
    assert [r.index for r in records] == list(range(retried.records))  # no index twice
    (manifest,) = manifests_of(messages, retried.batch_id)
    assert manifest.checksum == batch_checksum(records)

    await teach(journal, math_lesson_id(FIRST_MONDAY + dt.timedelta(days=7)), "Проценты")
    later = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert later.from_seq == retried.to_seq
    assert later.records == 1


async def test_a_missing_homework_file_is_counted_and_does_not_hold_the_export_back(
    js, journal, exporter
):
    await lessons.attach_file(
        journal,
        meta(MATH_TEACHER),
        CLASS_ID,
        LESSON,
        name="a.pdf",
        media_type="application/pdf",
        data=b"%PDF-1.4 x",
    )
    source = await js.object_store("homework-files")
    (info,) = await source.list()
    await source.delete(info.name)
    run = (await export(exporter.deps, SCHOOL, YEAR, "delta", "api")).run
    assert (run.status, run.files_copied, run.files_missing) == ("published", 0, 1)
    assert len(manifests_of(await read_diary(js), run.batch_id)) == 1
    again = await export(exporter.deps, SCHOOL, YEAR, "delta", "api")
    assert again.already  # the cursor moved on: nothing is held back for the lost file


async def test_runs_of_one_school_year_never_overlap(journal, exporter):
    outcomes = await asyncio.gather(
        *(export(exporter.deps, SCHOOL, YEAR, "delta", "api") for _ in range(3))
    )
    published = [o for o in outcomes if not o.already]
    assert len(published) == 1
    assert all(o.run.run_id == published[0].run.run_id for o in outcomes)
