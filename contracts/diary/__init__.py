"""The depersonalised feed (stream `DIARY`): records, batch manifests and access grants.

Written by the exporter only, read by the diary (the portal side). Nothing here names a person:
a pupil is a `Pseudonym` (keyed HMAC of the pupil id, computed on the school side), staff are
their opaque ids, and free texts that may describe a person (reasons of substitutions,
cancellations, corrections, evidence of absences) are not exported at all. The one exception,
public by law, is the staff directory (`directory`).

A batch is a run of records followed by its manifest. Each record is the complete state of one
journal aggregate (a lesson, a class, the school's configuration) as of journal sequence `seq`,
so applying a record twice, or an older one after a newer one, changes nothing: the diary keeps
the record with the highest `seq`. The manifest says how many records the batch has and their
checksum; the diary applies a batch only when it holds exactly those records.

Modules: the records (`records`), the staff directory (`directory`), batches and their checksum
(`batches`), access grants (`grants`), the catalogue of every message (`catalog`). Import the
names from here: `from contracts.diary import LessonRecord`.
"""

from __future__ import annotations

from contracts.diary.batches import (
    BatchChecksum,
    BatchKind,
    BatchManifest,
    Sha256,
    batch_checksum,
    canonical_json,
    checksum_line,
    content_digest,
    presorted_json,
    record_digest,
)
from contracts.diary.catalog import DIARY_EVENTS, AnyRecord
from contracts.diary.directory import DirectoryTeacher, ShortName, StaffDirectoryRecord
from contracts.diary.grants import AccessGranted, AccessRevoked, ClassScope, PupilScope, Scope
from contracts.diary.records import (
    TRANSPORT_FIELDS,
    ClassRecord,
    DiaryAbsence,
    DiaryMark,
    DiaryPeriodMark,
    DiarySubject,
    LessonRecord,
    LessonStatus,
    LessonText,
    Membership,
    PeriodMarksRecord,
    PeriodScheme,
    Pseudonym,
    Record,
    RecordKind,
    SchoolRecord,
    SubjectAssessment,
    Teaching,
    period_marks_record_id,
)

__all__ = [
    "DIARY_EVENTS",
    "TRANSPORT_FIELDS",
    "AccessGranted",
    "AccessRevoked",
    "AnyRecord",
    "BatchChecksum",
    "BatchKind",
    "BatchManifest",
    "ClassRecord",
    "ClassScope",
    "DiaryAbsence",
    "DiaryMark",
    "DiaryPeriodMark",
    "DiarySubject",
    "DirectoryTeacher",
    "LessonRecord",
    "LessonStatus",
    "LessonText",
    "Membership",
    "PeriodMarksRecord",
    "PeriodScheme",
    "Pseudonym",
    "PupilScope",
    "Record",
    "RecordKind",
    "SchoolRecord",
    "Scope",
    "Sha256",
    "ShortName",
    "StaffDirectoryRecord",
    "SubjectAssessment",
    "Teaching",
    "batch_checksum",
    "canonical_json",
    "checksum_line",
    "content_digest",
    "period_marks_record_id",
    "presorted_json",
    "record_digest",
]
