"""Every message of the diary's stream: `AnyRecord`, the union of the records, and
`DIARY_EVENTS`, the catalogue the registry decodes by and the generated documents list (in this
order)."""

from __future__ import annotations

from contracts.base import Event
from contracts.diary.batches import BatchManifest
from contracts.diary.directory import StaffDirectoryRecord
from contracts.diary.grants import AccessGranted, AccessRevoked
from contracts.diary.records import ClassRecord, LessonRecord, PeriodMarksRecord, SchoolRecord

AnyRecord = SchoolRecord | ClassRecord | LessonRecord | PeriodMarksRecord | StaffDirectoryRecord

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
