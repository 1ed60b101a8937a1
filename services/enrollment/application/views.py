"""What the enrollment's reads answer: rows of its read models and of its roster copy."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    """A read-only answer."""

    model_config = ConfigDict(frozen=True)


class ApplicationView(View):
    """An application as the read model holds it; `linked_from`..`linked_to` is its link.
    Once the applicant's data is erased, `applicant_name` reads «[удалено]» and `contact` None."""

    application_id: str
    pupil_id: str
    uid: int
    relation: str
    applicant_name: str
    kinship: str | None
    contact: str | None
    status: str
    submitted_at: dt.datetime
    submitted_by: str
    checked_at: dt.datetime | None
    checked_by: str | None
    check_recorded_by: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    rejection_reason: str | None
    linked_from: dt.datetime | None
    linked_to: dt.datetime | None
    ended_by: str | None
    end_requested_by: str | None
    end_reason: str | None


class DepartureView(View):
    """The pupil's departure from the school."""

    last_day: dt.date
    reason: str
    recorded_at: dt.datetime
    recorded_by: str


class StaffUidView(View):
    """A UID a member of staff held from `recorded_at` until `ended_at` (None: still holds)."""

    staff_id: str
    uid: int
    recorded_at: dt.datetime
    recorded_by: str
    ended_at: dt.datetime | None
    ended_by: str | None
    end_reason: str | None


class PupilInfo(View):
    """A pupil in the roster (once their data is erased: «[удалено]», no birth date)."""

    pupil_id: str
    full_name: str
    birth_date: dt.date | None


class StaffInfo(View):
    """A member of staff in the roster (once their data is erased: named «[удалено]»)."""

    staff_id: str
    full_name: str
    position: str


class StayRow(View):
    """A pupil's stay in a class (days, both ends included)."""

    year: int
    class_id: str
    class_label: str | None
    since: dt.date
    last_day: dt.date | None


class DutyRow(View):
    """A teaching assignment (`subject_id`) or a class teacher's term (no subject) in a class."""

    year: int
    class_id: str
    staff_id: str
    subject_id: str | None
    from_at: dt.datetime
    to_at: dt.datetime | None
