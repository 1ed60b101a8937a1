"""Folds of the school-wide rows: configuration, subjects, staff and pupils."""

from __future__ import annotations

from contracts.journal import (
    MarkScaleConfigured,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    WorkKindsConfigured,
)
from services.journal.domain.projection.rows import (
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
            return row


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
            return StaffRow(fact.school, fact.year, staff_id, name, position, fact.seq)
        case _:
            return row


def apply_pupil(row: PupilRow | None, fact: Fact) -> PupilRow | None:
    """A pupil is registered (a later registration corrects the record)."""
    if row is not None and fact.seq <= row.last_seq:
        return row
    match fact.event:
        case PupilRegistered(pupil_id=pupil_id, full_name=name, birth_date=born):
            return PupilRow(fact.school, fact.year, pupil_id, name, born, fact.seq)
        case _:
            return row
