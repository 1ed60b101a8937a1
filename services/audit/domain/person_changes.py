"""What each event of a person's record changes: the history of a pupil or a member of staff.

Fields: `pupil/<id>/<field>` (full_name, birth_date, class, since, last_day) and
`staff/<id>/<field>` (full_name, position). An erasure (`journal.PersonErased`) sets
`<kind>/<id>/personal_data` to `erased` and the name to «[удалено]» (a birth date to none), and
for a pupil `application/<id>/personal_data` of each application whose applicant's data went
with theirs; its reason is the why, its actor who erased. Reasons also: leaving a class.

The events come opened (`services.audit.domain.log.opened`): once the key is destroyed, the
registration itself reads «[удалено]», so what an erasure changes in the name may show on the
registration already; the erasure entry still says who erased, when and why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from contracts.journal import (
    PersonErased,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    StaffMemberRegistered,
)
from contracts.personal import ERASED
from services.audit.domain.decoding import decoded
from services.audit.domain.history import Assignment, Effect, FieldKey
from services.audit.domain.log import LoggedEvent

State = Mapping[FieldKey, str | None]
ERASED_VALUE = "erased"
"""The value of `personal_data` once the person's data is erased."""
PUPIL_TYPES = (
    PupilRegistered.event_type,
    PupilJoinedClass.event_type,
    PupilLeftClass.event_type,
)
STAFF_TYPES = (StaffMemberRegistered.event_type,)


def person_field(kind: str, person: str, name: str) -> FieldKey:
    """A field of a pupil's (`kind` pupil) or a member of staff's (`staff`) record."""
    return FieldKey(kind, person, name)


def _class_of(subject: str) -> str:
    """The class of `jrn.<year>.<school>.<class>.class.<class>`."""
    parts = subject.split(".")
    return parts[3] if len(parts) > 3 else ""


def person_rules(event: LoggedEvent, _state: State) -> Effect:
    """The effect of one event of a person's record (events of other kinds change nothing)."""
    model = decoded(event)
    match model:
        case PupilRegistered():
            return Effect(tuple(_pupil(model)))
        case StaffMemberRegistered():
            who = model.staff_id
            name = Assignment(person_field("staff", who, "full_name"), model.full_name)
            return Effect(
                (name, Assignment(person_field("staff", who, "position"), model.position))
            )
        case PupilJoinedClass():
            return Effect(tuple(_joined(model, _class_of(event.subject))))
        case PupilLeftClass():
            return Effect(tuple(_left(model)), (model.reason,))
        case PersonErased():
            return Effect(tuple(_erased(model)), (model.reason,))
        case _:
            return Effect()


def _pupil(event: PupilRegistered) -> Iterator[Assignment]:
    who = event.pupil_id
    yield Assignment(person_field("pupil", who, "full_name"), event.full_name, who)
    born = None if event.birth_date is None else event.birth_date.isoformat()
    yield Assignment(person_field("pupil", who, "birth_date"), born, who)


def _joined(event: PupilJoinedClass, class_id: str) -> Iterator[Assignment]:
    who = event.pupil_id
    yield Assignment(person_field("pupil", who, "class"), class_id, who)
    yield Assignment(person_field("pupil", who, "since"), event.since.isoformat(), who)
    yield Assignment(person_field("pupil", who, "last_day"), None, who)


def _left(event: PupilLeftClass) -> Iterator[Assignment]:
    who = event.pupil_id
    yield Assignment(person_field("pupil", who, "class"), None, who)
    yield Assignment(person_field("pupil", who, "last_day"), event.last_day.isoformat(), who)


def _erased(event: PersonErased) -> Iterator[Assignment]:
    who, kind = event.person, event.kind
    pupil = who if kind == "pupil" else None
    yield Assignment(person_field(kind, who, "personal_data"), ERASED_VALUE, pupil)
    yield Assignment(person_field(kind, who, "full_name"), ERASED, pupil)
    if kind == "pupil":
        yield Assignment(person_field(kind, who, "birth_date"), None, pupil)
    for application in event.applications:
        yield Assignment(FieldKey("application", application, "personal_data"), ERASED_VALUE, pupil)
