"""The staff directory of a school year: the one record that names people, public by law anyway
(schools publish it on their sites). It names the teaching staff, and only them, by surname and
initials («Иванова А. В.»), with the subjects they teach; never a full name (the contract
refuses any other form)."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import AfterValidator, Field

from contracts.base import Contract, StaffId, SubjectId, Token
from contracts.diary.records import Record, RecordKind
from contracts.text import TextRules

# A surname (one word, as written) and at most two initials, each one letter or digit and a dot
# (a double name as «А.-М.»): the form a school publishes, never a first name or patronymic.
_SHORT_FORM = re.compile(r"\S+(?: [^\W_]\.(?:-[^\W_]\.)*){0,2}")


def _short_form(value: str) -> str:
    if _SHORT_FORM.fullmatch(value) is None:
        msg = "a short name is a surname and at most two initials (Иванова А. В.)"
        raise ValueError(msg)
    return value


ShortName = Annotated[str, TextRules(max_length=240, min_length=1), AfterValidator(_short_form)]


class DirectoryTeacher(Contract):
    """A teacher as the portal names them: surname and initials, and the subjects (ids) they
    teach in the school year (never empty: who teaches nothing is not in the directory)."""

    staff_id: StaffId
    short_name: ShortName = Field(description="surname and initials, e.g. «Иванова А. В.»")
    subjects: tuple[SubjectId, ...] = Field(min_length=1)


class StaffDirectoryRecord(Record):
    """The teaching staff of a school year, ordered by staff id (teachers only, names public by
    law; who teaches no subject that year, and every other member of staff, is absent)."""

    event_type = "diary.StaffDirectoryRecord"
    record_kind: ClassVar[RecordKind] = "staff"
    school_id: Token
    teachers: tuple[DirectoryTeacher, ...] = ()

    @property
    def record_id(self) -> str:
        """The school id."""
        return self.school_id
