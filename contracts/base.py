"""The base of every wire model: frozen, strict about unknown fields."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Identifiers that may appear in NATS subjects: lowercase tokens, never personal data.
Token = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
SchoolId = Token
ClassId = Token
PupilId = Token
StaffId = Token
SubjectId = Token
LessonId = Token
MarkId = Token
Year = Annotated[int, "first calendar year of the school year"]
# A portal user's numeric id (the city e-diary issues it; below 2**53 so JSON readers keep it).
Uid = Annotated[int, Field(gt=0, lt=2**53)]


class Contract(BaseModel):
    """A frozen message model; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Contract):
    """A domain fact. `event_type` is the stable wire name; `schema_version` its payload version."""

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
