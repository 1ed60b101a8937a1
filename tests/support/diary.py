"""Test support for the diary: build records and grants and publish them as the exporter does."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from contracts import subjects
from contracts.base import Event
from contracts.diary import (
    AccessGranted,
    AccessRevoked,
    AnyRecord,
    BatchManifest,
    ClassRecord,
    ClassScope,
    DiaryAbsence,
    DiaryMark,
    DiaryPeriodMark,
    DiarySubject,
    LessonRecord,
    Membership,
    PeriodMarksRecord,
    PupilScope,
    SchoolRecord,
    Teaching,
    batch_checksum,
)
from contracts.envelope import (
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_SCHEMA_VERSION,
    Actor,
    Envelope,
)
from contracts.journal import Attachment, Period, ScaleValue, WorkKind
from contracts.streams import DIARY

if TYPE_CHECKING:
    from nats.js import JetStreamContext

SCHOOL, YEAR = "s1", 2026
EXPORTER = Actor(id="exporter", role="system")
DRAFT = "draft"
"""The batch id of a record not yet put in a batch (`FeedWriter.batch` stamps the real one)."""


def pseudonym(name: str) -> str:
    """A stable pseudonym for a test pupil called `name`."""
    return "p" + hashlib.sha256(name.encode()).hexdigest()[:32]


def school_record(school: str = SCHOOL, seq: int = 1) -> SchoolRecord:
    """The school's year: two quarters, the 5-point scale, two kinds of work, three subjects."""
    return SchoolRecord(
        batch_id=DRAFT,
        index=0,
        seq=seq,
        school_id=school,
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 5, 31),
        periods=(
            Period(
                period_id="q1",
                name="1 четверть",
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2026, 10, 25),
            ),
            Period(
                period_id="q2",
                name="2 четверть",
                starts_on=dt.date(2026, 11, 5),
                ends_on=dt.date(2026, 12, 28),
            ),
        ),
        scale=(
            *(ScaleValue(value=str(n), numeric=n, label=str(n)) for n in range(1, 6)),
            ScaleValue(value="н/а", numeric=None, label="не аттестован"),
        ),
        work_kinds=(
            WorkKind(work_kind_id="answer", name="Ответ на уроке", weight=Decimal(1)),
            WorkKind(work_kind_id="test", name="Контрольная работа", weight=Decimal(2)),
        ),
        subjects=(
            DiarySubject(subject_id="math", name="Математика"),
            DiarySubject(subject_id="rus", name="Русский язык"),
            DiarySubject(subject_id="hist", name="История"),
        ),
    )


def class_record(
    class_id: str = "5a",
    members: Sequence[tuple[str, dt.date, dt.date | None]] = (),
    seq: int = 2,
    teacher: str = "t-class",
) -> ClassRecord:
    """A class with members (pseudonym, since, last day) and its teachers."""
    return ClassRecord(
        batch_id=DRAFT,
        index=0,
        seq=seq,
        class_id=class_id,
        grade=5,
        label=class_id.upper(),
        class_teacher_id=teacher,
        members=tuple(Membership(pupil=p, since=s, last_day=e) for p, s, e in members),
        teaching=(
            Teaching(teacher_id="t-math", subject_id="math"),
            Teaching(teacher_id="t-rus", subject_id="rus"),
        ),
    )


def mark(
    pupil: str,
    value: str,
    *,
    mark_id: str | None = None,
    kind: str = "answer",
    weight: str = "1",
    counts: bool = True,
    comment: str | None = None,
    corrected_after_close: bool = False,
) -> DiaryMark:
    """A mark in force (flagged when recorded or corrected by a correction after close)."""
    return DiaryMark(
        mark_id=mark_id or f"m-{uuid.uuid4().hex[:12]}",
        pupil=pupil,
        value=value,
        work_kind_id=kind,
        weight=Decimal(weight),
        counts=counts,
        comment=comment,
        corrected_after_close=corrected_after_close,
    )


def absence(pupil: str, kind: Literal["absent", "late"] = "absent") -> DiaryAbsence:
    """An absence for illness (or a lateness of 10 minutes)."""
    late = kind == "late"
    return DiaryAbsence(
        pupil=pupil,
        kind=kind,
        minutes_late=10 if late else None,
        reason="illness",
        letter="П" if late else "Б",
    )


def attachment(attachment_id: str, data: bytes, name: str = "task.pdf") -> Attachment:
    """A homework file's metadata for `data`."""
    return Attachment(
        attachment_id=attachment_id,
        name=name,
        size=len(data),
        media_type="application/pdf",
        sha256=hashlib.sha256(data).hexdigest(),
    )


def lesson_record(
    lesson_id: str,
    date: dt.date,
    *,
    subject_id: str = "math",
    class_id: str = "5a",
    slot: int = 1,
    seq: int = 10,
    teacher_id: str = "t-math",
    topic: str | None = "Дроби",
    homework: str | None = None,
    files: Sequence[Attachment] = (),
    marks: Sequence[DiaryMark] = (),
    absences: Sequence[DiaryAbsence] = (),
    corrected_after_close: bool = False,
) -> LessonRecord:
    """A held lesson (flagged when some edit of it was a correction after close)."""
    return LessonRecord(
        batch_id=DRAFT,
        index=0,
        seq=seq,
        lesson_id=lesson_id,
        class_id=class_id,
        subject_id=subject_id,
        date=date,
        slot=slot,
        teacher_id=teacher_id,
        status="held",
        topic=topic,
        homework=homework,
        homework_due_on=date + dt.timedelta(days=2) if homework else None,
        files=tuple(files),
        marks=tuple(marks),
        absences=tuple(absences),
        corrected_after_close=corrected_after_close,
    )


def period_mark(
    pupil: str,
    period_id: str,
    value: str,
    average: str | None = None,
    *,
    corrected_after_close: bool = False,
) -> DiaryPeriodMark:
    """A period mark set for a pupil, with the average beside it."""
    return DiaryPeriodMark(
        pupil=pupil,
        period_id=period_id,
        value=value,
        average=None if average is None else Decimal(average),
        corrected_after_close=corrected_after_close,
    )


def period_marks_record(
    marks: Sequence[DiaryPeriodMark],
    *,
    class_id: str = "5a",
    subject_id: str = "math",
    seq: int = 20,
) -> PeriodMarksRecord:
    """The period marks of a class in a subject (ordered by period and pupil, as exported)."""
    return PeriodMarksRecord(
        batch_id=DRAFT,
        index=0,
        seq=seq,
        class_id=class_id,
        subject_id=subject_id,
        marks=tuple(sorted(marks, key=lambda m: (m.period_id, m.pupil))),
    )


def envelope(event: Event, school: str, year: int) -> Envelope:
    """The exporter's envelope around `event`."""
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=dt.datetime.now(dt.UTC),
        actor=EXPORTER,
        school=school,
        year=year,
        correlation_id="tests",
        causation_id="tests",
        data=event.model_dump(mode="json"),
    )


def headers(event: Event, msg_id: str) -> dict[str, str]:
    """The headers the exporter writes beside a body."""
    return {
        HEADER_EVENT_TYPE: event.event_type,
        HEADER_SCHEMA_VERSION: str(event.schema_version),
        HEADER_MSG_ID: msg_id,
    }


@dataclass
class Batch:
    """A batch ready to publish: its records (stamped) and its manifest."""

    records: list[AnyRecord]
    manifest: BatchManifest


@dataclass
class FeedWriter:
    """Publishes to the DIARY stream the way the exporter does."""

    js: JetStreamContext
    school: str = SCHOOL
    year: int = YEAR
    _batches: int = field(default=0)

    def batch(
        self,
        records: Sequence[AnyRecord],
        *,
        kind: Literal["delta", "full"] = "delta",
        batch_id: str | None = None,
        to_seq: int | None = None,
    ) -> Batch:
        """Stamp `records` with a new batch id and their indexes, and make the manifest."""
        self._batches += 1
        batch_id = batch_id or f"b{self._batches}-{uuid.uuid4().hex[:8]}"
        stamped: list[AnyRecord] = [
            r.model_copy(update={"batch_id": batch_id, "index": i}) for i, r in enumerate(records)
        ]
        seqs = [r.seq for r in stamped]
        manifest = BatchManifest(
            batch_id=batch_id,
            kind=kind,
            from_seq=0 if kind == "full" else min(seqs, default=1) - 1,
            to_seq=to_seq if to_seq is not None else max(seqs, default=0),
            records=len(stamped),
            checksum=batch_checksum(stamped),
            cut_at=dt.datetime.now(dt.UTC),
        )
        return Batch(stamped, manifest)

    async def publish_record(self, record: AnyRecord, *, body: bytes | None = None) -> int:
        """Publish one record (or `body` in its place, e.g. a corrupted one); its stream seq."""
        subject = subjects.diary_record(
            self.year, self.school, record.record_kind, record.record_id
        )
        data = (
            body
            if body is not None
            else envelope(record, self.school, self.year).model_dump_json().encode()
        )
        ack = await self.js.publish(
            subject,
            data,
            stream=DIARY.name,
            headers=headers(record, f"{record.batch_id}-{record.index}"),
        )
        return int(ack.seq)

    async def publish_manifest(self, manifest: BatchManifest) -> int:
        """Publish the manifest that closes a batch; its stream seq."""
        subject = subjects.diary_manifest(self.year, self.school, manifest.batch_id)
        body = envelope(manifest, self.school, self.year).model_dump_json().encode()
        ack = await self.js.publish(
            subject,
            body,
            stream=DIARY.name,
            headers=headers(manifest, f"{manifest.batch_id}-manifest"),
        )
        return int(ack.seq)

    async def publish(self, batch: Batch) -> int:
        """Every record of `batch`, then its manifest; the manifest's stream seq."""
        for record in batch.records:
            await self.publish_record(record)
        return await self.publish_manifest(batch.manifest)

    async def grant(self, grant_id: str, uid: int, scope: PupilScope | ClassScope) -> int:
        """Publish an access grant."""
        return await self._publish_grant(AccessGranted(grant_id=grant_id, uid=uid, scope=scope))

    async def revoke(self, grant_id: str, uid: int, reason: str = "withdrawn") -> int:
        """Publish the end of a grant."""
        return await self._publish_grant(AccessRevoked(grant_id=grant_id, uid=uid, reason=reason))

    async def _publish_grant(self, event: AccessGranted | AccessRevoked) -> int:
        subject = subjects.diary_grant(self.year, self.school, event.uid)
        body = envelope(event, self.school, self.year).model_dump_json().encode()
        ack = await self.js.publish(
            subject, body, stream=DIARY.name, headers=headers(event, uuid.uuid4().hex)
        )
        return int(ack.seq)
