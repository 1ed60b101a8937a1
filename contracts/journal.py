"""The journal's events (stream `JOURNAL`). School side: names of staff and pupils live here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from contracts.base import (
    ClassId,
    Contract,
    Event,
    LessonId,
    MarkId,
    PupilId,
    StaffId,
    SubjectId,
    Token,
)
from contracts.text import PRINTABLE, Comment, FileName, Name, Text, TextRules

Weight = Annotated[Decimal, Field(gt=0, le=10, max_digits=4, decimal_places=2)]
MarkValue = Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=8)]
ClassLabel = Annotated[str, TextRules(max_length=8, min_length=1)]
MediaType = Annotated[str, TextRules(max_length=100, min_length=3)]
FindingRef = Annotated[str, TextRules(max_length=200, min_length=1)]
AbsenceKind = Literal["absent", "late"]
AbsenceReason = Literal["illness", "valid", "unexcused", "unknown"]
Weekday = Annotated[int, Field(ge=1, le=7)]
Slot = Annotated[int, Field(ge=1, le=12)]
# Set on an edit made after its period (or its school year) was closed: such an edit is an
# explicit correction by an authorised role, flagged in the journal view and in the export.
CorrectionReason = Annotated[str, TextRules(max_length=2000, min_length=3, strip=True)]


# ---------------------------------------------------------------- school configuration


class Period(Contract):
    """A period of assessment: a quarter, a half-year or the school's own."""

    period_id: Token
    name: Name
    starts_on: dt.date
    ends_on: dt.date


class ScaleValue(Contract):
    """One value of a mark scale; `numeric` is None for marks that do not enter averages."""

    value: MarkValue
    numeric: int | None = None
    label: Name


class WorkKind(Contract):
    """A kind of work (form of control) and its weight in averages."""

    work_kind_id: Token
    name: Name
    weight: Weight


class SchoolYearOpened(Event):
    """The school year starts with its calendar and its periods."""

    event_type = "journal.SchoolYearOpened"
    school_name: Name
    starts_on: dt.date
    ends_on: dt.date
    periods: tuple[Period, ...] = Field(min_length=1)


class MarkScaleConfigured(Event):
    """The school's mark scale (a new version replaces the old one from now on)."""

    event_type = "journal.MarkScaleConfigured"
    scale_id: Token
    values: tuple[ScaleValue, ...] = Field(min_length=1)


class WorkKindsConfigured(Event):
    """The school's kinds of work and their weights (a new version from now on)."""

    event_type = "journal.WorkKindsConfigured"
    kinds: tuple[WorkKind, ...] = Field(min_length=1)


class SubjectDefined(Event):
    """A subject the school teaches (a new definition renames it)."""

    event_type = "journal.SubjectDefined"
    subject_id: SubjectId
    name: Name


# ---------------------------------------------------------------- people


class StaffMemberRegistered(Event):
    """A member of staff, with the name the journal shows (a new event renames them).

    v2: `full_name` travels sealed under the member of staff's key (`contracts.personal`).
    """

    event_type = "journal.StaffMemberRegistered"
    schema_version = 2
    staff_id: StaffId
    full_name: Name
    position: Name


class PupilRegistered(Event):
    """A pupil's personal record. Never leaves the school side.

    v2: `full_name` and `birth_date` travel sealed under the pupil's key
    (`contracts.personal`); once the key is destroyed they read «[удалено]» and None.
    """

    event_type = "journal.PupilRegistered"
    schema_version = 2
    pupil_id: PupilId
    full_name: Name
    birth_date: dt.date | None = Field(description="None only once the pupil's data is erased")


class PersonErased(Event):
    """A person's personal data was erased: their key is destroyed (crypto-shredding), so every
    sealed name and birth date of theirs in every stream now reads «[удалено]», and each
    projection blanks what it kept of them. Marks, lessons and absences stay. For a pupil, the
    applicants' data of their portal applications (`applications`) goes with them.

    Subject `jrn.<year>.<school>.school.erasure.<kind>-<person>`; the actor is who erased
    (an administrator, or `system` for a retention rule) and `reason` says why.
    """

    event_type = "journal.PersonErased"
    kind: Literal["pupil", "staff"]
    person: Token
    applications: tuple[Token, ...] = ()
    reason: Text


# ---------------------------------------------------------------- classes


class ClassOpened(Event):
    """A class for the school year with its class teacher."""

    event_type = "journal.ClassOpened"
    class_id: ClassId
    grade: int = Field(ge=1, le=11)
    label: ClassLabel
    class_teacher_id: StaffId


class ClassTeacherAssigned(Event):
    """The class teacher changes."""

    event_type = "journal.ClassTeacherAssigned"
    class_teacher_id: StaffId


class PupilJoinedClass(Event):
    """A pupil belongs to the class from a date on."""

    event_type = "journal.PupilJoinedClass"
    pupil_id: PupilId
    since: dt.date


class PupilLeftClass(Event):
    """A pupil no longer belongs to the class after a date (the date is their last day)."""

    event_type = "journal.PupilLeftClass"
    pupil_id: PupilId
    last_day: dt.date
    reason: Text


class TeachingAssigned(Event):
    """A teacher teaches a subject to the class (or one of its groups)."""

    event_type = "journal.TeachingAssigned"
    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class TeachingUnassigned(Event):
    """A teaching assignment ends."""

    event_type = "journal.TeachingUnassigned"
    teacher_id: StaffId
    subject_id: SubjectId
    group: Token | None = None


class TimetableSlot(Contract):
    """One weekly slot of the class's timetable."""

    weekday: Weekday
    slot: Slot
    subject_id: SubjectId
    teacher_id: StaffId
    group: Token | None = None


class TimetableSet(Event):
    """The class's weekly timetable from a date on (replaces the previous one from then)."""

    event_type = "journal.TimetableSet"
    effective_from: dt.date
    slots: tuple[TimetableSlot, ...]


# ---------------------------------------------------------------- lessons


class Attachment(Contract):
    """A homework file: the bytes live in the Object Store under `attachment_id`."""

    attachment_id: Token
    name: FileName
    size: int = Field(ge=0)
    media_type: MediaType
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class MarkEntry(Contract):
    """One mark as the teacher records it; the weight is that of its kind of work at the time."""

    mark_id: MarkId
    pupil_id: PupilId
    value: MarkValue
    work_kind_id: Token
    weight: Weight
    comment: Comment | None = None
    counts: bool = True


class AbsenceEntry(Contract):
    """The teacher's observation of one pupil at the lesson."""

    pupil_id: PupilId
    kind: AbsenceKind
    minutes_late: int | None = Field(default=None, ge=1, le=90)


class LessonScheduled(Event):
    """A lesson is on the timetable (or added by the administrator)."""

    event_type = "journal.LessonScheduled"
    lesson_id: LessonId
    class_id: ClassId
    subject_id: SubjectId
    date: dt.date
    slot: Slot
    teacher_id: StaffId
    group: Token | None = None


class TeacherSubstituted(Event):
    """Another teacher holds the lesson and becomes its teacher of record."""

    event_type = "journal.TeacherSubstituted"
    substitute_id: StaffId
    reason: Text


class LessonHeld(Event):
    """The teacher of record confirms the lesson took place."""

    event_type = "journal.LessonHeld"
    correction_reason: CorrectionReason | None = None


class LessonCancelled(Event):
    """The lesson did not take place."""

    event_type = "journal.LessonCancelled"
    reason: Text
    correction_reason: CorrectionReason | None = None


class TopicSet(Event):
    """The lesson's topic (a later event supersedes it, the old one stays in history)."""

    event_type = "journal.TopicSet"
    topic: Text
    correction_reason: CorrectionReason | None = None


class HomeworkSet(Event):
    """The homework text and due date."""

    event_type = "journal.HomeworkSet"
    text: Text
    due_on: dt.date | None = None
    correction_reason: CorrectionReason | None = None


class HomeworkAttachmentAdded(Event):
    """A file attached to the homework."""

    event_type = "journal.HomeworkAttachmentAdded"
    attachment: Attachment
    correction_reason: CorrectionReason | None = None


class MarkRecorded(Event):
    """A mark is recorded."""

    event_type = "journal.MarkRecorded"
    mark: MarkEntry
    correction_reason: CorrectionReason | None = None


class MarkCorrected(Event):
    """A recorded mark is corrected; the old value stays in history."""

    event_type = "journal.MarkCorrected"
    mark_id: MarkId
    value: MarkValue
    work_kind_id: Token
    weight: Weight
    comment: Comment | None = None
    counts: bool = True
    reason: Text
    correction_reason: CorrectionReason | None = None


class MarkCancelled(Event):
    """A recorded mark no longer counts; it stays in history."""

    event_type = "journal.MarkCancelled"
    mark_id: MarkId
    reason: Text
    correction_reason: CorrectionReason | None = None


class AttendanceTaken(Event):
    """The complete observation of the lesson: everyone not listed was present."""

    event_type = "journal.AttendanceTaken"
    absences: tuple[AbsenceEntry, ...]
    correction_reason: CorrectionReason | None = None


class AbsenceReasonSet(Event):
    """The reason of an absence or lateness, kept apart from who observed it."""

    event_type = "journal.AbsenceReasonSet"
    pupil_id: PupilId
    reason: AbsenceReason
    evidence: Comment | None = None
    correction_reason: CorrectionReason | None = None


class LessonEntriesSaved(Event):
    """A whole-class save: what the teacher entered on the lesson page, as one fact."""

    event_type = "journal.LessonEntriesSaved"
    held: bool = True
    topic: Text | None = None
    homework: HomeworkSet | None = None
    marks: tuple[MarkEntry, ...] = ()
    attendance: tuple[AbsenceEntry, ...] | None = None
    correction_reason: CorrectionReason | None = None


# ---------------------------------------------------------------- grading rules, closed periods


RoundingRule = Literal["half_up", "half_even", "down", "up"]
# A period mark is set for a term of the year (a `Period.period_id`: q1..q4, h1, h2 or the
# school's own) or for one of these.
YEAR_PERIODS = ("year", "exam", "final")


class GradingRulesSet(Event):
    """The school's rules for period marks, as a new version: how an average rounds to a mark
    and how many marks a pupil needs in a period. Marks already set keep the version they were
    set under."""

    event_type = "journal.GradingRulesSet"
    version: int = Field(ge=1)
    rounding: RoundingRule = "half_up"
    min_marks: int = Field(default=3, ge=0, le=50)


class PeriodClosed(Event):
    """The administrator closed a period: its lessons and marks change only by correction."""

    event_type = "journal.PeriodClosed"
    period_id: Token


class PeriodReopened(Event):
    """A closed period opened again (a mistake in closing it), with the reason."""

    event_type = "journal.PeriodReopened"
    period_id: Token
    reason: Text


class SchoolYearClosed(Event):
    """The year is sealed (rollover): nothing changes any more except flagged corrections."""

    event_type = "journal.SchoolYearClosed"
    next_year: int = Field(ge=2000, le=2101)


# ---------------------------------------------------------------- period marks


class PeriodMarkInput(Contract):
    """One lesson mark that entered a computed average, as it stood then."""

    mark_id: MarkId
    lesson_id: LessonId
    date: dt.date
    value: MarkValue
    weight: Weight
    counts: bool = True


class PeriodMarkSet(Event):
    """The mark a teacher set for a pupil, subject and period, beside the computed average and
    everything that produced it (the marks, their weights, the rules' version). Aggregate: one
    per class and subject (`jrn.<year>.<school>.<class>.period-marks.<subject>`)."""

    event_type = "journal.PeriodMarkSet"
    pupil_id: PupilId
    subject_id: SubjectId
    period_id: Token
    value: MarkValue  # on the scale, or "н/а" (not assessed), or "осв" (exempt)
    average: Decimal | None = None
    suggested: MarkValue | None = None  # the average rounded under the rules, when enough marks
    inputs: tuple[PeriodMarkInput, ...] = ()
    rules_version: int = Field(ge=0)  # 0: the defaults, before any GradingRulesSet
    rounding: RoundingRule = "half_up"
    min_marks: int = Field(default=3, ge=0, le=50)
    correction_reason: CorrectionReason | None = None


# ---------------------------------------------------------------- monthly check


CheckScope = Literal["school", "class", "teacher"]
FindingKind = Literal[
    "no_topic",
    "not_marked_held",
    "no_attendance",
    "absence_without_reason",
    "no_homework",
    "late_entry",
]
RemarkAbout = Literal["lesson", "class_subject", "teacher"]


class Finding(Contract):
    """One automated finding of a monthly check: what is missing or late, and where."""

    finding_id: FindingRef
    kind: FindingKind
    class_id: ClassId
    teacher_id: StaffId
    date: dt.date
    lesson_id: LessonId | None = None
    subject_id: SubjectId | None = None
    pupil_id: PupilId | None = None
    detail: Annotated[str, TextRules(max_length=500)] = ""


class MonthlyCheckOpened(Event):
    """The deputy director opened the check of a month for the school, a class or a teacher,
    with the automated findings as they stood. Aggregate: `contracts.subjects.monthly_check`."""

    event_type = "journal.MonthlyCheckOpened"
    check_id: Token
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    scope: CheckScope
    target_id: Token | None = None
    findings: tuple[Finding, ...] = ()


class RemarkIssued(Event):
    """A remark of the check addressed to a teacher: about a lesson, a class-subject, or the
    teacher in general (optionally about an automated finding)."""

    event_type = "journal.RemarkIssued"
    remark_id: Token
    teacher_id: StaffId
    about: RemarkAbout
    text: Text
    lesson_id: LessonId | None = None
    class_id: ClassId | None = None
    subject_id: SubjectId | None = None
    finding_id: FindingRef | None = None


class RemarkResolved(Event):
    """The teacher fixed the journal and marked the remark done."""

    event_type = "journal.RemarkResolved"
    remark_id: Token
    note: Text | None = None


class RemarkConfirmed(Event):
    """The deputy director confirmed that the remark is dealt with."""

    event_type = "journal.RemarkConfirmed"
    remark_id: Token


class RemarkReopened(Event):
    """The deputy director found the remark not dealt with and reopened it."""

    event_type = "journal.RemarkReopened"
    remark_id: Token
    reason: Text


class MonthlyCheckClosed(Event):
    """The check is over; its remarks stay as they are."""

    event_type = "journal.MonthlyCheckClosed"


# ---------------------------------------------------------------- school-year rollover


PromotionOutcome = Literal["promoted", "promoted_conditionally", "repeating", "graduated"]


class PupilOutcomeRecorded(Event):
    """How a pupil ends the year (on the pupil's aggregate of the closing year): promoted,
    promoted conditionally with academic debts, repeating, or graduated; and the class of the
    next year they move into (None when graduated)."""

    event_type = "journal.PupilOutcomeRecorded"
    pupil_id: PupilId
    outcome: PromotionOutcome
    to_class_id: ClassId | None = None
    debts: tuple[SubjectId, ...] = ()


class PupilOutcomeUndone(Event):
    """A compensating event: the outcome recorded earlier was a mistake."""

    event_type = "journal.PupilOutcomeUndone"
    pupil_id: PupilId
    reason: Text


class AcademicDebtCleared(Event):
    """A conditionally promoted pupil cleared the debt in a subject (on the closing year's
    pupil aggregate, where the debt was recorded)."""

    event_type = "journal.AcademicDebtCleared"
    pupil_id: PupilId
    subject_id: SubjectId
    cleared_on: dt.date


SchoolEvent = (
    SchoolYearOpened
    | MarkScaleConfigured
    | WorkKindsConfigured
    | SubjectDefined
    | GradingRulesSet
    | PeriodClosed
    | PeriodReopened
    | SchoolYearClosed
)
PupilEvent = PupilRegistered | PupilOutcomeRecorded | PupilOutcomeUndone | AcademicDebtCleared
CheckEvent = (
    MonthlyCheckOpened
    | RemarkIssued
    | RemarkResolved
    | RemarkConfirmed
    | RemarkReopened
    | MonthlyCheckClosed
)
ClassEvent = (
    ClassOpened
    | ClassTeacherAssigned
    | PupilJoinedClass
    | PupilLeftClass
    | TeachingAssigned
    | TeachingUnassigned
    | TimetableSet
)
LessonEvent = (
    LessonScheduled
    | TeacherSubstituted
    | LessonHeld
    | LessonCancelled
    | TopicSet
    | HomeworkSet
    | HomeworkAttachmentAdded
    | MarkRecorded
    | MarkCorrected
    | MarkCancelled
    | AttendanceTaken
    | AbsenceReasonSet
    | LessonEntriesSaved
)
JournalEvent = (
    SchoolEvent
    | StaffMemberRegistered
    | PersonErased
    | PupilEvent
    | ClassEvent
    | LessonEvent
    | PeriodMarkSet
    | CheckEvent
)

JOURNAL_EVENTS: tuple[type[Event], ...] = (
    SchoolYearOpened,
    MarkScaleConfigured,
    WorkKindsConfigured,
    SubjectDefined,
    StaffMemberRegistered,
    PersonErased,
    PupilRegistered,
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    TeachingAssigned,
    TeachingUnassigned,
    TimetableSet,
    LessonScheduled,
    TeacherSubstituted,
    LessonHeld,
    LessonCancelled,
    TopicSet,
    HomeworkSet,
    HomeworkAttachmentAdded,
    MarkRecorded,
    MarkCorrected,
    MarkCancelled,
    AttendanceTaken,
    AbsenceReasonSet,
    LessonEntriesSaved,
    GradingRulesSet,
    PeriodClosed,
    PeriodReopened,
    SchoolYearClosed,
    PeriodMarkSet,
    MonthlyCheckOpened,
    RemarkIssued,
    RemarkResolved,
    RemarkConfirmed,
    RemarkReopened,
    MonthlyCheckClosed,
    PupilOutcomeRecorded,
    PupilOutcomeUndone,
    AcademicDebtCleared,
)
