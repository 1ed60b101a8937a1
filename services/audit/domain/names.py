"""Names beside ids (school side only): staff, pupils and subjects from the journal's roster.

The roster events come opened (`services.audit.domain.log.opened`): a name reads as registered,
or «[удалено]» once its person's key is destroyed; an erasure (`journal.PersonErased`) makes the
person's name «[удалено]» from then on whatever the registration said (one written before
sealing, in the clear, too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contracts.personal import ERASED
from services.audit.domain.history import Entry
from services.audit.domain.log import LoggedEvent

ERASURE = "journal.PersonErased"
ROSTER_TYPES = (
    "journal.StaffMemberRegistered",
    "journal.PupilRegistered",
    "journal.SubjectDefined",
    ERASURE,
)
NAMED_FIELDS = frozenset({"teacher", "checked_by", "staff", "pupil", "subject"})
"""Fields whose values are ids of people or subjects."""
_ID_AND_NAME = {
    "journal.StaffMemberRegistered": ("staff", "staff_id", "full_name"),
    "journal.PupilRegistered": ("pupil", "pupil_id", "full_name"),
    "journal.SubjectDefined": ("subject", "subject_id", "name"),
}


@dataclass(frozen=True, slots=True)
class Names:
    """The latest name of each staff member, pupil and subject the roster events gave."""

    staff: Mapping[str, str] = field(default_factory=dict)
    pupils: Mapping[str, str] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)

    def of(self, kind: str, ident: str | None) -> str:
        """`ident` with its name (`"t1 (Иванова А. П.)"`), or `ident` alone when unknown."""
        if ident is None:
            return ""
        table = {"staff": self.staff, "pupil": self.pupils, "subject": self.subjects}.get(kind, {})
        name = table.get(ident)
        return f"{ident} ({name})" if name else ident


def names_of(events: Iterable[LoggedEvent]) -> Names:
    """Fold roster events (in stream order, later names win) into `Names`."""
    tables: dict[str, dict[str, str]] = {"staff": {}, "pupil": {}, "subject": {}}
    for event in events:
        if event.event_type == ERASURE:
            kind, person = event.data.get("kind"), event.data.get("person")
            if kind in ("staff", "pupil") and isinstance(person, str):
                tables[str(kind)][person] = ERASED
            continue
        known = _ID_AND_NAME.get(event.event_type)
        if known is None:
            continue
        kind, id_field, name_field = known
        ident, name = event.data.get(id_field), event.data.get(name_field)
        if isinstance(ident, str) and isinstance(name, str):
            tables[kind][ident] = name
    return Names(tables["staff"], tables["pupil"], tables["subject"])


def mentioned(entries: Iterable[Entry]) -> set[str]:
    """Every id the entries may show a name for: actors, pupils, and people or subjects as
    field values."""
    ids: set[str] = set()
    for entry in entries:
        if entry.actor_id:
            ids.add(entry.actor_id)
        for change in entry.changes:
            if change.pupil_id:
                ids.add(change.pupil_id)
            if change.key.target in {"absence", "pupil", "staff"}:
                ids.add(change.key.target_id)
            if change.key.name in NAMED_FIELDS:
                ids.update(v for v in (change.before, change.after) if v)
    return ids
