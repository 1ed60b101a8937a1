"""Every event of the journal's stream: `JournalEvent`, their union, and `JOURNAL_EVENTS`, the
catalogue the registry decodes by and the generated documents list (in this order)."""

from __future__ import annotations

from contracts.base import Event
from contracts.journal.checks import (
    CheckEvent,
    MonthlyCheckClosed,
    MonthlyCheckOpened,
    RemarkConfirmed,
    RemarkIssued,
    RemarkReopened,
    RemarkResolved,
)
from contracts.journal.classes import (
    ClassEvent,
    ClassOpened,
    ClassTeacherAssigned,
    PupilJoinedClass,
    PupilLeftClass,
    TeachingAssigned,
    TeachingUnassigned,
    TimetableDrafted,
    TimetableSet,
)
from contracts.journal.lessons import (
    AbsenceReasonSet,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonEntriesSaved,
    LessonEvent,
    LessonHeld,
    LessonScheduled,
    LessonTextsRedacted,
    MarkCancelled,
    MarkCorrected,
    MarkRecorded,
    TeacherSubstituted,
    TopicSet,
)
from contracts.journal.people import (
    AcademicDebtCleared,
    PersonErased,
    PupilEvent,
    PupilOutcomeRecorded,
    PupilOutcomeUndone,
    PupilRegistered,
    StaffMemberRegistered,
)
from contracts.journal.period_marks import PeriodMarkSet
from contracts.journal.school import (
    GradingRulesSet,
    MarkScaleConfigured,
    PeriodClosed,
    PeriodReopened,
    SchoolEvent,
    SchoolYearClosed,
    SchoolYearOpened,
    SubjectDefined,
    WorkKindsConfigured,
)
from contracts.journal.year_plan import (
    PeriodSchemeSet,
    SchoolCalendarSet,
    SubjectAssessmentSet,
    YearPlanEvent,
)

JournalEvent = (
    SchoolEvent
    | YearPlanEvent
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
    LessonTextsRedacted,
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
    PeriodSchemeSet,
    SubjectAssessmentSet,
    SchoolCalendarSet,
    TimetableDrafted,
)
