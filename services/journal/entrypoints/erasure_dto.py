"""Request and response bodies of erasing people (`erasure_routes`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from contracts.text import Text
from services.journal.application.erasure import ErasureDone
from services.journal.application.erasure_reads import ErasureStatus
from services.journal.domain.retention import Due
from services.journal.entrypoints.dto import Body
from services.journal.entrypoints.recorded_dto import RecordedOut


class ErasureBody(Body):
    reason: Text = Field(description="why the person's data is erased (kept in the audit)")


class ErasureOut(BaseModel):
    """What an erasure request did, or found done."""

    school: str
    kind: Literal["pupil", "staff"]
    person: str
    reason: str = Field(description="of the erasure (the earlier one when `already_erased`)")
    applications: list[str] = Field(
        description="applications whose applicants' data went with a pupil's"
    )
    erased_at: dt.datetime = Field(description="when the person's key was destroyed")
    erased_by: str = Field(description="who destroyed it (user id; `retention` for the rule)")
    keys_destroyed: int = Field(description="keys destroyed: the person's and their applicants'")
    key_ids: list[str]
    already_erased: bool = Field(
        description="erased before by another request: nothing recorded now"
    )
    event: RecordedOut | None = Field(
        description="the `journal.PersonErased` this request recorded (`duplicate` on a retry)"
    )

    @classmethod
    def of(cls, done: ErasureDone) -> ErasureOut:
        """The answer to an erasure."""
        recorded = done.recorded
        event = None
        if recorded is not None:
            event = RecordedOut(
                event_type=recorded.event_type, seq=recorded.seq, duplicate=recorded.duplicate
            )
        return cls(
            school=done.school,
            kind=done.kind,
            person=done.person,
            reason=done.reason,
            applications=list(done.applications),
            erased_at=done.erased_at,
            erased_by=done.erased_by,
            keys_destroyed=len(done.key_ids),
            key_ids=list(done.key_ids),
            already_erased=done.already_erased,
            event=event,
        )


class ErasureList(BaseModel):
    school: str
    erasures: list[ErasureStatus]


class DueOut(BaseModel):
    """A pupil the retention rule erases."""

    pupil_id: str
    full_name: str
    class_id: str = Field(description="the class they left")
    left_on: dt.date
    at_year_end: bool = Field(description="left at the end of the school year (not moved on)")
    due_on: dt.date
    reason: str = Field(description="the reason the erasure will record")

    @classmethod
    def of(cls, due: Due) -> DueOut:
        """A due pupil as the API shows them."""
        return cls(
            pupil_id=due.pupil_id,
            full_name=due.full_name,
            class_id=due.class_id,
            left_on=due.left_on,
            at_year_end=due.at_year_end,
            due_on=due.due_on,
            reason=due.reason,
        )


class DueList(BaseModel):
    """The retention rule's dry run: who it erases today, and why; nothing is erased."""

    school: str
    today: dt.date
    leaver_years: int | None = Field(description="the rule applied; None: no rule is set")
    configured: bool = Field(description="the rule is the school's (JOURNAL_RETENTION__*)")
    due: list[DueOut]
