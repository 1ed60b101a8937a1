"""Access grants: which portal user may read which pupil's diary, or which class's."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from contracts.base import ClassId, Contract, Event, SubjectId, Token, Uid
from contracts.diary.records import Pseudonym


class PupilScope(Contract):
    """A parent's or the pupil's own access to one pupil's diary."""

    kind: Literal["pupil"] = "pupil"
    pupil: Pseudonym
    relation: Literal["parent", "pupil"]


class ClassScope(Contract):
    """A member of staff's access to a class: one subject, or every subject (`subject_id` None)."""

    kind: Literal["class"] = "class"
    class_id: ClassId
    subject_id: SubjectId | None = None


Scope = Annotated[PupilScope | ClassScope, Field(discriminator="kind")]


class AccessGranted(Event):
    """Portal user `uid` may read what `scope` covers, from now until revoked."""

    event_type = "diary.AccessGranted"
    grant_id: Token
    uid: Uid
    scope: Scope


class AccessRevoked(Event):
    """A grant ends (the parent withdrew, the pupil left, the assignment ended)."""

    event_type = "diary.AccessRevoked"
    grant_id: Token
    uid: Uid
    reason: Token
