"""History of anything: the use cases behind the history endpoints.

Each one loads the few subjects of one aggregate from the event log, folds them with the
aggregate's rules (`services.audit.domain.*_changes`; a lesson through the kernel, by
`fold_lesson`) and keeps what the question is about.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from contracts import subjects
from services.audit.application.ports import EventLog
from services.audit.domain.enrollment_changes import concerns_application, enrollment_rules
from services.audit.domain.grant_changes import about_uid, causes, grant_rules
from services.audit.domain.history import Entry, fold
from services.audit.domain.lesson_changes import fold_lesson
from services.audit.domain.log import LoggedEvent
from services.audit.domain.names import ERASURE, Names, mentioned, names_of
from services.audit.domain.person_changes import PUPIL_TYPES, STAFF_TYPES, person_rules

JOURNAL, ENROLLMENT, DIARY = "JOURNAL", "ENROLLMENT", "DIARY"


class NotFound(Exception):
    """The log holds nothing about what was asked for."""


@dataclass(frozen=True, slots=True)
class History:
    """A history's entries (stream order) and the names to show beside ids."""

    entries: tuple[Entry, ...]
    names: Names
    causes: dict[int, Entry] = field(default_factory=dict)
    """For a grant history: DIARY seq -> the enrollment entry that caused it."""


async def names(
    log: EventLog,
    school: str,
    year: int | None = None,
    entries: Iterable[Entry] | None = None,
    also: Iterable[str] = (),
) -> Names:
    """Names of staff, pupils and subjects from the roster (of `year`, or of every year): all,
    or those the `entries` mention (and those of `also`)."""
    ids = None if entries is None else mentioned(entries) | set(also)
    return names_of(await log.roster(school, year=year, ids=ids))


async def lesson_history(
    log: EventLog, school: str, year: int, class_id: str, lesson_id: str
) -> History:
    """Every change of one lesson."""
    subject = subjects.lesson(year, school, class_id, lesson_id)
    events = await log.by_subjects(school, JOURNAL, [subject])
    if not events:
        raise NotFound(f"no lesson {lesson_id} in class {class_id} of {year}")
    entries = fold_lesson(events).entries
    return History(entries, await names(log, school, year, entries))


async def absence_history(
    log: EventLog, school: str, year: int, class_id: str, lesson_id: str, pupil_id: str
) -> History:
    """Every change of one pupil's absence at one lesson."""
    lesson = await lesson_history(log, school, year, class_id, lesson_id)
    entries = [
        e.only(lambda c: c.key.target == "absence" and c.key.target_id == pupil_id)
        for e in lesson.entries
    ]
    kept = tuple(e for e in entries if e.changes)
    return History(kept, lesson.names)


async def pupil_classes(log: EventLog, school: str, year: int, pupil_id: str) -> list[str]:
    """The classes the pupil belonged to in the year (at any time)."""
    joined = await log.find(
        school,
        JOURNAL,
        event_types=["journal.PupilJoinedClass"],
        subjects_like=f"jrn.{year}.{school}.%",
        data_contains={"pupil_id": pupil_id},
    )
    return sorted({subjects.parse_journal(e.subject)[2] for e in joined})


async def lessons_of(
    log: EventLog, school: str, year: int, class_ids: Iterable[str], subject_id: str | None
) -> list[LoggedEvent]:
    """Every event of the lessons of `class_ids` (of one subject, or of all)."""
    lesson_subjects: list[str] = []
    contains = None if subject_id is None else {"subject_id": subject_id}
    for class_id in class_ids:
        scheduled = await log.find(
            school,
            JOURNAL,
            event_types=["journal.LessonScheduled"],
            subjects_like=f"jrn.{year}.{school}.{class_id}.lesson.%",
            data_contains=contains,
        )
        lesson_subjects.extend(e.subject for e in scheduled)
    return await log.by_subjects(school, JOURNAL, lesson_subjects) if lesson_subjects else []


def fold_lessons(events: Sequence[LoggedEvent]) -> list[Entry]:
    """Fold each lesson's events on their own; all entries back in stream order."""
    by_subject: dict[str, list[LoggedEvent]] = defaultdict(list)
    for event in events:
        by_subject[event.subject].append(event)
    entries = [e for group in by_subject.values() for e in fold_lesson(group).entries]
    return sorted(entries, key=lambda e: e.seq)


async def pupil_marks_history(
    log: EventLog, school: str, year: int, pupil_id: str, subject_id: str
) -> History:
    """Every change of the pupil's marks in one subject, across lessons and classes."""
    classes = await pupil_classes(log, school, year, pupil_id)
    if not classes:
        raise NotFound(f"pupil {pupil_id} is in no class of {year}")
    events = await lessons_of(log, school, year, classes, subject_id)
    entries = [
        e.only(lambda c: c.key.target == "mark" and c.pupil_id == pupil_id)
        for e in fold_lessons(events)
    ]
    kept = tuple(e for e in entries if e.changes)
    return History(kept, await names(log, school, year, kept))


async def application_history(log: EventLog, school: str, application_id: str) -> History:
    """Every change of one application and of the link it made."""
    submitted = await log.find(
        school,
        ENROLLMENT,
        event_types=["enrollment.ApplicationSubmitted"],
        data_contains={"application_id": application_id},
    )
    if not submitted:
        raise NotFound(f"no application {application_id}")
    events = await log.by_subjects(school, ENROLLMENT, {e.subject for e in submitted})
    concerned = [e for e in events if concerns_application(e, application_id)]
    entries = [
        e.only(lambda c: c.key.target_id == application_id)
        for e in fold(concerned, enrollment_rules).entries
    ]
    return History(tuple(entries), await names(log, school, None, entries))


async def person_history(log: EventLog, school: str, kind: str, person: str) -> History:
    """Every change of a pupil's (`kind` pupil) or a member of staff's (`staff`) record over
    every school year: registration, classes (a pupil), and the erasure of their personal data
    (who erased, when and why)."""
    types, id_field = (PUPIL_TYPES, "pupil_id") if kind == "pupil" else (STAFF_TYPES, "staff_id")
    record = await log.find(school, JOURNAL, event_types=types, data_contains={id_field: person})
    erasures = await log.find(
        school, JOURNAL, event_types=[ERASURE], data_contains={"kind": kind, "person": person}
    )
    events = sorted([*record, *erasures], key=lambda e: e.seq)
    if not events:
        raise NotFound(f"no {kind} {person}")
    entries = fold(events, person_rules).entries
    return History(entries, await names(log, school, None, entries, also=[person]))


async def grant_history(log: EventLog, school: str, year: int, uid: int) -> History:
    """Every grant and revocation of portal user `uid` in the year, with their enrollment causes."""
    events = await log.by_subjects(school, DIARY, [subjects.diary_grant(year, school, uid)])
    if not events:
        raise NotFound(f"no access grants of UID {uid} in {year}")
    entries = fold(events, grant_rules).entries
    enrollment = await uid_enrollment(log, school, uid)
    folded = {e.seq: e for e in fold(enrollment, enrollment_rules).entries}
    caused = {seq: folded[cause.seq] for seq, cause in causes(entries, enrollment).items()}
    shown = [*entries, *caused.values()]
    return History(entries, await names(log, school, year, shown), caused)


async def uid_enrollment(log: EventLog, school: str, uid: int) -> list[LoggedEvent]:
    """Every enrollment event about portal user `uid`, in stream order."""
    direct = await log.find(school, ENROLLMENT, data_contains={"uid": uid})
    applications = {str(e.data["application_id"]) for e in direct if "application_id" in e.data}
    departures = await log.find(school, ENROLLMENT, event_types=["enrollment.PupilDeparted"])
    related = [e for e in departures if about_uid(e, uid, applications)]
    return sorted({e.seq: e for e in [*direct, *related]}.values(), key=lambda e: e.seq)
