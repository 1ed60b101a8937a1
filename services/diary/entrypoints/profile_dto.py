"""Request and response bodies of the portal users' own data (never the contract classes)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.diary import Pseudonym
from contracts.portal import ChildLabel, UserLabel


class LabelBody(BaseModel):
    """How the caller is shown to others in messages, after their role."""

    model_config = ConfigDict(extra="forbid")

    label: UserLabel = Field(description="e.g. «мама Маши»: shown as «Родитель (мама Маши)»")


class LabelOut(BaseModel):
    """The caller's label now."""

    label: str


class ChildLabelBody(BaseModel):
    """The caller's label for a child, to tell their children apart (only they see it)."""

    model_config = ConfigDict(extra="forbid")

    label: ChildLabel = Field(description="e.g. «Маша»")


class ChildLabelOut(BaseModel):
    """The caller's label for the child now."""

    pupil: str
    label: str


class SeenBody(BaseModel):
    """The change id of the pupil's «Что нового» the caller has seen up to (included)."""

    model_config = ConfigDict(extra="forbid")

    up_to: int = Field(ge=0, lt=2**53, description="usually the `latest` of the changes' answer")


class SeenOut(BaseModel):
    """The caller's marker for the pupil now (never lower than before)."""

    pupil: str
    seen_up_to: int


class PeriodOut(BaseModel):
    """A period of assessment of the school year."""

    period_id: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class ChildOut(BaseModel):
    """A child of the caller's live parent's or pupil's grants."""

    pupil: Pseudonym
    relation: Literal["parent", "pupil"]
    label: str | None = Field(description="the caller's own label for the child, if set")
    class_id: str | None = Field(description="today's class, else the last one joined")
    class_label: str | None = Field(description="e.g. «5А»")
    seen_up_to: int = Field(description="change id seen up to (0: nothing seen yet)")
    periods: list[PeriodOut] = Field(
        default=[], description="the periods of the child's class (its grade's), in order"
    )


class SubjectOut(BaseModel):
    """A subject and its name."""

    subject_id: str
    subject_name: str | None


class ClassOut(BaseModel):
    """A class of the caller's live teacher grants (`subject_id` null: the whole class)."""

    class_id: str
    class_label: str | None
    subject_id: str | None
    subject_name: str | None
    subjects: list[SubjectOut] = Field(
        description="what the grant lets the caller read: its subject, or every subject "
        "taught in the class (the class teacher's)"
    )
    periods: list[PeriodOut] = Field(
        default=[], description="the periods of the class (its grade's), in order"
    )


class ProfileOut(BaseModel):
    """The caller as the portal knows them, from their live grants of the school year."""

    uid: int
    roles: list[str]
    label: str | None = Field(description="how others see the caller in messages, if set")
    children: list[ChildOut]
    classes: list[ClassOut]
    periods: list[PeriodOut] = Field(
        description="the school year's own periods, in order (those of every grade without a "
        "scheme of its own; each child and class lists its own)"
    )


class PortalUserOut(BaseModel):
    """One live grant of a portal user: a teacher's class (and subject), or a pupil's."""

    uid: int
    role: Literal["teacher", "parent", "pupil"]
    class_id: str | None = Field(description="a parent's or pupil's: the pupil's class")
    subject_id: str | None
    pupil: Pseudonym | None
    relation: Literal["parent", "pupil"] | None
