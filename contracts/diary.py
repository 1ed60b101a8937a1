"""The depersonalised feed (stream `DIARY`): records, batch manifests and access grants.

Written by the exporter only, read by the diary (the portal side). Nothing here names a person:
a pupil is a `Pseudonym` (keyed HMAC of the pupil id, computed on the school side), staff are
their opaque ids, and free texts that may describe a person (reasons of substitutions,
cancellations, corrections, evidence of absences) are not exported at all.

A lesson or a mark changed by a correction after its period closed (or its year was sealed) is
flagged `corrected_after_close`; the correction's reason, free text, stays on the school side.

A batch is a run of records followed by its manifest. Each record is the complete state of one
journal aggregate (a lesson, a class, the school's configuration) as of journal sequence `seq`,
so applying a record twice, or an older one after a newer one, changes nothing: the diary keeps
the record with the highest `seq`. The manifest says how many records the batch has and their
checksum; the diary applies a batch only when it holds exactly those records.

One exception to "nothing names a person", public by law anyway (schools publish it on their
sites): the *staff directory* of a school year (`StaffDirectoryRecord`) names the teaching
staff, and only them, by surname and initials («Иванова А. В.»), with the subjects they teach;
never a full name (the contract refuses any other form).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints

from contracts.base import (
    ClassId,
    Contract,
    Event,
    LessonId,
    MarkId,
    StaffId,
    SubjectId,
    Token,
    Uid,
)
from contracts.journal import (
    AbsenceKind,
    AbsenceReason,
    Attachment,
    ClassLabel,
    MarkValue,
    Period,
    ScaleValue,
    Slot,
    WorkKind,
)
from contracts.text import PRINTABLE, Comment, TextRules

Pseudonym = Annotated[str, StringConstraints(pattern=r"^p[0-9a-f]{32}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
LessonText = Annotated[str, TextRules(max_length=2000)]
BatchKind = Literal["delta", "full"]
LessonStatus = Literal["scheduled", "held", "cancelled"]
RecordKind = Literal["school", "class", "lesson", "period-marks", "staff"]

# Fields of a record that say where it travelled, not what it says.
TRANSPORT_FIELDS = frozenset({"batch_id", "index", "seq"})


# ---------------------------------------------------------------- records


class Record(Event):
    """One aggregate's complete exported state, as the `index`-th record of batch `batch_id`."""

    batch_id: Token
    index: int = Field(ge=0)
    seq: int = Field(ge=1, description="journal stream sequence of the last event folded in")

    record_kind: ClassVar[RecordKind]

    @property
    def record_id(self) -> str:
        """The aggregate's id within its kind."""
        raise NotImplementedError

    def content(self) -> dict[str, Any]:
        """What the record says, without where it travelled (batch, index, seq)."""
        return self.model_dump(mode="json", exclude=set(TRANSPORT_FIELDS))


class DiarySubject(Contract):
    """A subject the school teaches."""

    subject_id: SubjectId
    name: Annotated[str, TextRules(max_length=200, min_length=1)]


class SchoolRecord(Record):
    """The school's year: calendar, periods, scale, kinds of work, subjects."""

    event_type = "diary.SchoolRecord"
    record_kind: ClassVar[RecordKind] = "school"
    school_id: Token
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    periods: tuple[Period, ...] = ()
    scale: tuple[ScaleValue, ...] = ()
    work_kinds: tuple[WorkKind, ...] = ()
    subjects: tuple[DiarySubject, ...] = ()

    @property
    def record_id(self) -> str:
        """The school id."""
        return self.school_id


class Membership(Contract):
    """A pupil's time in a class: from `since` to `last_day` (None while still in it)."""

    pupil: Pseudonym
    since: dt.date
    last_day: dt.date | None = None


class Teaching(Contract):
    """A teacher teaches a subject to the class (or one of its groups)."""

    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class ClassRecord(Record):
    """A class: its label, class teacher, members (by pseudonym) and teaching assignments."""

    event_type = "diary.ClassRecord"
    record_kind: ClassVar[RecordKind] = "class"
    class_id: ClassId
    grade: int = Field(ge=1, le=11)
    label: ClassLabel
    class_teacher_id: StaffId
    members: tuple[Membership, ...] = ()
    teaching: tuple[Teaching, ...] = ()

    @property
    def record_id(self) -> str:
        """The class id."""
        return self.class_id


class DiaryMark(Contract):
    """A mark in force (cancelled marks are not exported); `corrected` once it was corrected,
    `corrected_after_close` once it was recorded or corrected by a correction after close."""

    mark_id: MarkId
    pupil: Pseudonym
    value: MarkValue
    work_kind_id: Token
    weight: Annotated[Decimal, Field(gt=0, le=10, max_digits=4, decimal_places=2)]
    comment: Comment | None = None
    counts: bool = True
    corrected: bool = False
    corrected_after_close: bool = False


class DiaryAbsence(Contract):
    """An absence or lateness with its reason and the school's letter (Н, Б, У, П, ОП)."""

    pupil: Pseudonym
    kind: AbsenceKind
    minutes_late: int | None = Field(default=None, ge=1, le=90)
    reason: AbsenceReason
    letter: Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=4)]


class LessonRecord(Record):
    """A lesson as a parent sees it: when, what, who taught it, homework, marks, absences."""

    event_type = "diary.LessonRecord"
    record_kind: ClassVar[RecordKind] = "lesson"
    lesson_id: LessonId
    class_id: ClassId
    subject_id: SubjectId
    date: dt.date
    slot: Slot
    group: Token | None = None
    teacher_id: StaffId = Field(description="the teacher of record (the substitute, if any)")
    status: LessonStatus
    topic: LessonText | None = None
    homework: LessonText | None = None
    homework_due_on: dt.date | None = None
    files: tuple[Attachment, ...] = ()
    marks: tuple[DiaryMark, ...] = ()
    absences: tuple[DiaryAbsence, ...] = ()
    corrected_after_close: bool = Field(
        default=False, description="some edit of the lesson was a correction after close"
    )

    @property
    def record_id(self) -> str:
        """The lesson id."""
        return self.lesson_id


class DiaryPeriodMark(Contract):
    """A pupil's mark for a period (a term, or year, exam, final) and the average beside it.

    Not exported: the marks that went into the average, the grading rules, who set it and the
    reason of a correction after close (free text).
    """

    pupil: Pseudonym
    period_id: Token
    value: MarkValue
    average: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)] | None = None
    corrected_after_close: bool = False


def period_marks_record_id(class_id: str, subject_id: str) -> str:
    """The record id of a class's period marks in a subject (a subject id alone is not unique
    across classes)."""
    return f"{class_id}--{subject_id}"


class PeriodMarksRecord(Record):
    """The period marks of one class in one subject: the mark last set for each pupil and period,
    ordered by period and pupil."""

    event_type = "diary.PeriodMarksRecord"
    record_kind: ClassVar[RecordKind] = "period-marks"
    class_id: ClassId
    subject_id: SubjectId
    marks: tuple[DiaryPeriodMark, ...] = ()

    @property
    def record_id(self) -> str:
        """`<class_id>--<subject_id>`."""
        return period_marks_record_id(self.class_id, self.subject_id)


# A surname (one word, as written) and at most two initials, each one letter or digit and a dot
# (a double name as «А.-М.»): the form a school publishes, never a first name or patronymic.
_SHORT_FORM = re.compile(r"\S+(?: [^\W_]\.(?:-[^\W_]\.)*){0,2}")


def _short_form(value: str) -> str:
    if _SHORT_FORM.fullmatch(value) is None:
        msg = "a short name is a surname and at most two initials (Иванова А. В.)"
        raise ValueError(msg)
    return value


ShortName = Annotated[str, TextRules(max_length=240, min_length=1), AfterValidator(_short_form)]


class DirectoryTeacher(Contract):
    """A teacher as the portal names them: surname and initials, and the subjects (ids) they
    teach in the school year (never empty: who teaches nothing is not in the directory)."""

    staff_id: StaffId
    short_name: ShortName = Field(description="surname and initials, e.g. «Иванова А. В.»")
    subjects: tuple[SubjectId, ...] = Field(min_length=1)


class StaffDirectoryRecord(Record):
    """The teaching staff of a school year, ordered by staff id (teachers only, names public by
    law; who teaches no subject that year, and every other member of staff, is absent)."""

    event_type = "diary.StaffDirectoryRecord"
    record_kind: ClassVar[RecordKind] = "staff"
    school_id: Token
    teachers: tuple[DirectoryTeacher, ...] = ()

    @property
    def record_id(self) -> str:
        """The school id."""
        return self.school_id


AnyRecord = SchoolRecord | ClassRecord | LessonRecord | PeriodMarksRecord | StaffDirectoryRecord


# ---------------------------------------------------------------- batches


class BatchManifest(Event):
    """The end of a batch: the diary applies the batch once it holds exactly these records.

    The school and year are the envelope's. `from_seq` (exclusive) and `to_seq` (inclusive) are
    the journal sequences the batch covers; a full batch covers everything up to `to_seq`.
    """

    event_type = "diary.BatchManifest"
    batch_id: Token
    kind: BatchKind
    from_seq: int = Field(ge=0)
    to_seq: int = Field(ge=0)
    records: int = Field(ge=0)
    checksum: Sha256
    cut_at: dt.datetime = Field(description="when the exporter cut the journal")


# ---------------------------------------------------------------- access grants


class PupilScope(Contract):
    """A parent's or the pupil's own access to one pupil's diary."""

    kind: Literal["pupil"] = "pupil"
    pupil: Pseudonym
    relation: Literal["parent", "pupil"]


class ClassScope(Contract):
    """A member of staff's access to a class: one subject, or every subject (`subject_id` None)."""

    kind: Literal["class"] = "class"
    class_id: ClassId
    subject_id: SubjectId | None = None


Scope = Annotated[PupilScope | ClassScope, Field(discriminator="kind")]


class AccessGranted(Event):
    """Portal user `uid` may read what `scope` covers, from now until revoked."""

    event_type = "diary.AccessGranted"
    grant_id: Token
    uid: Uid
    scope: Scope


class AccessRevoked(Event):
    """A grant ends (the parent withdrew, the pupil left, the assignment ended)."""

    event_type = "diary.AccessRevoked"
    grant_id: Token
    uid: Uid
    reason: Token


DIARY_EVENTS: tuple[type[Event], ...] = (
    SchoolRecord,
    ClassRecord,
    LessonRecord,
    PeriodMarksRecord,
    StaffDirectoryRecord,
    BatchManifest,
    AccessGranted,
    AccessRevoked,
)


# ---------------------------------------------------------------- checksums


def canonical_json(value: object) -> bytes:
    """The one byte form both sides hash: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_digest(content: Mapping[str, Any]) -> str:
    """SHA-256 of a record's content (its JSON form without `TRANSPORT_FIELDS`)."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def record_digest(record: Record) -> str:
    """SHA-256 of what a record says (the same state in any batch has the same digest)."""
    return content_digest(record.content())


def checksum_line(index: int, kind: str, record_id: str, seq: int, digest: str) -> bytes:
    """One record's contribution to its batch's checksum."""
    return f"{index}:{kind}:{record_id}:{seq}:{digest}\n".encode()


class BatchChecksum:
    """The running checksum of a batch: fed each record in index order."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.count = 0

    def add(self, index: int, kind: str, record_id: str, seq: int, digest: str) -> None:
        """Account for the `index`-th record (indexes must come in order, from 0)."""
        if index != self.count:
            msg = f"record {index} out of order (expected {self.count})"
            raise ValueError(msg)
        self._hash.update(checksum_line(index, kind, record_id, seq, digest))
        self.count += 1

    def add_record(self, record: Record) -> None:
        """Account for a whole record."""
        self.add(
            record.index, record.record_kind, record.record_id, record.seq, record_digest(record)
        )

    def hexdigest(self) -> str:
        """The checksum so far."""
        return self._hash.hexdigest()


def batch_checksum(records: Iterable[Record]) -> str:
    """The checksum of a whole batch, records in index order."""
    running = BatchChecksum()
    for record in records:
        running.add_record(record)
    return running.hexdigest()
