"""The journal as of a moment: a pure fold of the JOURNAL stream and the views it answers.

`fold(JournalState(school, year), events)` replays events (in stream order, each with the time
JetStream recorded it) into the state; `class_grid`, `lesson_detail` and `pupil_diary` read it
with the journal view's meaning (the first two give the journal's own answers, `kernel.answers`,
with the moment); `diff` lists what changed on a page between two states.
"""

from __future__ import annotations

from services.audit.domain.asof.detail import LessonDetailAsOf, lesson_detail
from services.audit.domain.asof.diary import DiaryQuery, PupilDiary, classes_of, pupil_diary
from services.audit.domain.asof.diff import Change, ChangeKind, diff
from services.audit.domain.asof.fold import fold
from services.audit.domain.asof.grid import ClassGridAsOf, GridQuery, class_grid
from services.audit.domain.asof.state import JournalState, Recorded

__all__ = [
    "Change",
    "ChangeKind",
    "ClassGridAsOf",
    "DiaryQuery",
    "GridQuery",
    "JournalState",
    "LessonDetailAsOf",
    "PupilDiary",
    "Recorded",
    "class_grid",
    "classes_of",
    "diff",
    "fold",
    "lesson_detail",
    "pupil_diary",
]
