"""People: a member of staff and a pupil, each on an aggregate of their own; how a pupil ends
the school year (the rollover's outcomes and debts); the erasure of a person's data. School
side: the names of staff and pupils live here."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from contracts.base import ClassId, Event, PupilId, StaffId, SubjectId, Token
from contracts.text import Name, Text


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


PupilEvent = PupilRegistered | PupilOutcomeRecorded | PupilOutcomeUndone | AcademicDebtCleared
