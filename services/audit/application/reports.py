"""Audit reports: every change in a date range for a class, made by a teacher, or about a
pupil; and a pupil's personal-data access report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from contracts import subjects
from services.audit.application.history import (
    DIARY,
    ENROLLMENT,
    JOURNAL,
    lessons_of,
    names,
    pupil_classes,
)
from services.audit.application.ports import EventLog
from services.audit.domain.access import (
    AccessPeriod,
    grant_periods,
    link_periods,
    staff_uids,
)
from services.audit.domain.history import Effect, Entry, Rules, fold, within
from services.audit.domain.lesson_changes import fold_lesson
from services.audit.domain.log import LoggedEvent
from services.audit.domain.names import ERASURE, Names
from services.audit.domain.person_changes import person_rules

ReportKind = Literal["class", "teacher", "pupil"]


@dataclass(frozen=True, slots=True)
class Report:
    """An audit report: what it is about, the range, its entries and the names to show."""

    kind: ReportKind
    subject_id: str
    year: int
    start: dt.datetime | None
    end: dt.datetime | None
    entries: tuple[Entry, ...]
    names: Names


def _reasons_only(event: LoggedEvent, _state: object) -> Effect:
    """Events outside lessons (roster, classes, enrollment) are listed with their reason."""
    reason = event.data.get("reason")
    return Effect(reasons=(str(reason),) if reason else ())


def fold_subjects(events: Sequence[LoggedEvent]) -> list[Entry]:
    """Fold each subject's events on their own (lessons through the kernel, erasures with the
    person rules), in seq order."""
    by_subject: dict[str, list[LoggedEvent]] = defaultdict(list)
    for event in events:
        by_subject[event.subject].append(event)
    entries: list[Entry] = []
    for subject, group in by_subject.items():
        if ".lesson." in subject:
            entries.extend(fold_lesson(group).entries)
            continue
        rules: Rules = person_rules if ".erasure." in subject else _reasons_only
        entries.extend(fold(group, rules).entries)
    return sorted(entries, key=lambda e: (e.stream, e.seq))


async def class_report(
    log: EventLog, school: str, year: int, class_id: str, span: tuple[dt.datetime, dt.datetime]
) -> Report:
    """Every change recorded in the span to the class and its lessons."""
    events = await log.find(school, JOURNAL, subjects_like=f"jrn.{year}.{school}.{class_id}.%")
    entries = within(fold_subjects(events), *span)
    known = await names(log, school, year, entries)
    return Report("class", class_id, year, *span, tuple(entries), known)


async def teacher_report(
    log: EventLog, school: str, year: int, staff_id: str, span: tuple[dt.datetime, dt.datetime]
) -> Report:
    """Every change the member of staff made in the span (before/after from whole folds)."""
    theirs = await log.find(
        school, JOURNAL, subjects_like=f"jrn.{year}.{school}.%", actor_id=staff_id
    )
    touched = {e.subject for e in theirs if span[0] <= e.recorded_at < span[1]}
    events = await log.by_subjects(school, JOURNAL, touched) if touched else []
    entries = [e for e in within(fold_subjects(events), *span) if e.actor_id == staff_id]
    known = await names(log, school, year, entries, also=[staff_id])
    return Report("teacher", staff_id, year, *span, tuple(entries), known)


async def pupil_report(
    log: EventLog, school: str, year: int, pupil_id: str, span: tuple[dt.datetime, dt.datetime]
) -> Report:
    """Every change about the pupil recorded in the span: marks and absences in the lessons of
    their classes, their roster and class membership, the erasure of their personal data,
    their enrollment (links)."""
    classes = await pupil_classes(log, school, year, pupil_id)
    lessons = [
        e.about(pupil_id) for e in fold_subjects(await lessons_of(log, school, year, classes, None))
    ]
    roster = await log.find(
        school,
        JOURNAL,
        subjects_like=f"jrn.{year}.{school}.%",
        data_contains={"pupil_id": pupil_id},
    )
    erasures = await log.find(
        school, JOURNAL, event_types=[ERASURE], data_contains={"kind": "pupil", "person": pupil_id}
    )
    events = sorted([*roster, *erasures], key=lambda e: e.seq)
    personal = [e for e in fold_subjects(events) if ".lesson." not in e.subject]
    access = await log.by_subjects(
        school, ENROLLMENT, [subjects.enrollment_pupil(school, pupil_id)]
    )
    entries = [
        *(e for e in lessons if e.changes),
        *personal,
        *fold(access, _reasons_only).entries,
    ]
    kept = within(sorted(entries, key=lambda e: e.recorded_at), *span)
    known = await names(log, school, year, kept, also=[pupil_id])
    return Report("pupil", pupil_id, year, *span, tuple(kept), known)


REPORTS = {"class": class_report, "teacher": teacher_report, "pupil": pupil_report}


@dataclass(frozen=True, slots=True)
class AccessReport:
    """Who could see the pupil's data, and when, within the span."""

    pupil_id: str
    pupil_name: str
    start: dt.datetime | None
    end: dt.datetime | None
    periods: tuple[AccessPeriod, ...]


async def personal_data_access(
    log: EventLog, school: str, pupil_id: str, span: tuple[dt.datetime, dt.datetime]
) -> AccessReport:
    """Enrollment links to the pupil, and staff class grants of the pupil's classes."""
    links = link_periods(
        await log.by_subjects(school, ENROLLMENT, [subjects.enrollment_pupil(school, pupil_id)])
    )
    joined = await log.find(
        school,
        JOURNAL,
        event_types=["journal.PupilJoinedClass"],
        data_contains={"pupil_id": pupil_id},
    )
    memberships = {(e.year, subjects.parse_journal(e.subject)[2]) for e in joined}
    grants = [
        g
        for g in await log.find(school, DIARY, event_types=["diary.AccessGranted"])
        if _covers(g, memberships)
    ]
    revocations = await log.find(school, DIARY, event_types=["diary.AccessRevoked"])
    uids = staff_uids(
        await log.find(
            school,
            ENROLLMENT,
            event_types=["enrollment.StaffUidRecorded", "enrollment.StaffUidRevoked"],
        )
    )
    known = await names(log, school)
    staff = grant_periods(grants, revocations, uids, known.staff)
    periods = [p for p in [*links, *staff] if p.overlaps(*span)]
    return AccessReport(
        pupil_id,
        known.pupils.get(pupil_id, ""),
        *span,
        tuple(sorted(periods, key=lambda p: (p.since, p.uid))),
    )


def _covers(grant: LoggedEvent, memberships: set[tuple[int | None, str]]) -> bool:
    """Whether a grant's class scope is a class (of its year) the pupil belonged to."""
    scope = grant.data.get("scope")
    if not isinstance(scope, dict) or scope.get("kind") != "class":
        return False
    return (grant.year, str(scope.get("class_id"))) in memberships
