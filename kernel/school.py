"""Folds of the school-wide rows: configuration, subjects, staff and pupils."""

from __future__ import annotations

from contracts.journal import (
    MarkScaleConfigured,
    PeriodSchemeSet,
    PupilRegistered,
    SchoolCalendarSet,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectAssessmentSet,
    SubjectDefined,
    WorkKindsConfigured,
)
from contracts.personal import ERASED
from kernel.rows import (
    Fact,
    PupilRow,
    SchoolConfigRow,
    StaffRow,
    SubjectRow,
)


def apply_config(row: SchoolConfigRow | None, fact: Fact) -> SchoolConfigRow | None:
    """Fold a configuration event into the school's row (created by the first one)."""
    if row is not None and fact.seq <= row.last_seq:
        return row
    base = row or SchoolConfigRow(fact.school, fact.year)
    match fact.event:
        case SchoolYearOpened() as opened:
            return base._replace(
                school_name=opened.school_name,
                starts_on=opened.starts_on,
                ends_on=opened.ends_on,
                periods=opened.periods,
                last_seq=fact.seq,
            )
        case MarkScaleConfigured(scale_id=scale_id, values=values):
            scale = {value.value: value.numeric for value in values}
            return base._replace(scale_id=scale_id, scale=scale, last_seq=fact.seq)
        case WorkKindsConfigured(kinds=kinds):
            return base._replace(work_kinds=kinds, last_seq=fact.seq)
        case _:
            return _apply_plan(row, base, fact)


def _apply_plan(
    row: SchoolConfigRow | None, base: SchoolConfigRow, fact: Fact
) -> SchoolConfigRow | None:
    """The year's plan per grade: schemes of periods, assessments, days off."""
    match fact.event:
        case PeriodSchemeSet() as scheme:
            return base._replace(schemes=with_scheme(base.schemes, scheme), last_seq=fact.seq)
        case SubjectAssessmentSet() as assessment:
            assessments = with_assessment(base.assessments, assessment)
            return base._replace(assessments=assessments, last_seq=fact.seq)
        case SchoolCalendarSet(days_off=days_off):
            return base._replace(days_off=days_off, last_seq=fact.seq)
        case _:
            return row


def with_scheme(
    schemes: tuple[PeriodSchemeSet, ...], scheme: PeriodSchemeSet
) -> tuple[PeriodSchemeSet, ...]:
    """The schemes in force once `scheme` governs its grades: those still governing another
    grade, in order, then `scheme`."""
    return (*(s for s in schemes if set(s.grades) - set(scheme.grades)), scheme)


def with_assessment(
    assessments: tuple[SubjectAssessmentSet, ...], assessment: SubjectAssessmentSet
) -> tuple[SubjectAssessmentSet, ...]:
    """The assessments in force once `assessment` governs its subject in its grades: those of
    other subjects, or still governing another grade, in order, then `assessment`."""
    kept = (
        a
        for a in assessments
        if a.subject_id != assessment.subject_id or set(a.grades) - set(assessment.grades)
    )
    return (*kept, assessment)


def apply_subject(row: SubjectRow | None, fact: Fact) -> SubjectRow | None:
    """A subject is defined or renamed."""
    if row is not None and fact.seq <= row.last_seq:
        return row
    match fact.event:
        case SubjectDefined(subject_id=subject_id, name=name):
            return SubjectRow(fact.school, fact.year, subject_id, name, fact.seq)
        case _:
            return row


def apply_staff(row: StaffRow | None, fact: Fact) -> StaffRow | None:
    """A member of staff is registered (a later registration renames them)."""
    if row is not None and fact.seq <= row.last_seq:
        return row
    match fact.event:
        case StaffMemberRegistered(staff_id=staff_id, full_name=name, position=position):
            if row is not None and staff_erased(row):
                name = ERASED  # once erased, always: a late registration brings no name back
            return StaffRow(fact.school, fact.year, staff_id, name, position, fact.seq)
        case _:
            return row


def apply_pupil(row: PupilRow | None, fact: Fact) -> PupilRow | None:
    """A pupil is registered (a later registration corrects the record)."""
    if row is not None and fact.seq <= row.last_seq:
        return row
    match fact.event:
        case PupilRegistered(pupil_id=pupil_id, full_name=name, birth_date=born):
            if row is not None and pupil_erased(row):
                name, born = ERASED, None  # once erased, always (see `staff_erased`)
            return PupilRow(fact.school, fact.year, pupil_id, name, born, fact.seq)
        case _:
            return row


def erase_pupil(row: PupilRow, fact: Fact) -> PupilRow:
    """A pupil's row once their personal data is erased (`PersonErased`, any school year's row
    of the person): name «[удалено]», no birth date. Erasing twice changes nothing more."""
    return row._replace(full_name=ERASED, birth_date=None, last_seq=max(row.last_seq, fact.seq))


def erase_staff(row: StaffRow, fact: Fact) -> StaffRow:
    """A member of staff's row once their personal data is erased: name «[удалено]» (the
    position is the school's, not personal data, and stays)."""
    return row._replace(full_name=ERASED, last_seq=max(row.last_seq, fact.seq))


def pupil_erased(row: PupilRow) -> bool:
    """Whether the row is an erased pupil's: a registration that arrives after the erasure (it
    was sealed just before the key was destroyed) leaves it erased, as a rebuild, which can no
    longer open that registration, shows it."""
    return row.full_name == ERASED and row.birth_date is None


def staff_erased(row: StaffRow) -> bool:
    """Whether the row is an erased member of staff's (see `pupil_erased`)."""
    return row.full_name == ERASED
