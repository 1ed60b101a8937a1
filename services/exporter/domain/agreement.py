"""Does the diary show what the journal says? The automated form of the monthly diary check.

Both sides arrive as records ordered by (kind, id) in byte order: the journal's record facts
(school-side pupil ids, substituted here with pseudonyms) and the diary's current records. The
application merges the two (`services.exporter.application.agreement`); this module says what a
difference between two records is, down to the field, the mark or the pupil. Compared: classes,
lessons (with their flags of corrections after close) and the period marks of each class and
subject (a period mark is known by its period and pupil); the school's configuration and the
staff directory are not (the journal's record facts hold neither).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from contracts.diary import ClassRecord, LessonRecord, PeriodMarksRecord, Record
from contracts.text import STORED

Kind = Literal["class", "lesson", "period-marks"]
Problem = Literal["missing_in_diary", "extra_in_diary", "different"]
Pseudonymise = Callable[[str], str]
COMPARED_KINDS: tuple[Kind, ...] = ("class", "lesson", "period-marks")
_MODELS: Mapping[str, type[Record]] = {
    "class": ClassRecord,
    "lesson": LessonRecord,
    "period-marks": PeriodMarksRecord,
}

# Lists inside a record, and what identifies one of their items.
_ITEM_KEYS: Mapping[str, tuple[str, ...]] = {
    "members": ("pupil", "since"),
    "teaching": ("teacher_id", "subject_id", "group"),
    "files": ("attachment_id",),
    "marks": ("mark_id",),
    "absences": ("pupil",),
}
# A period mark is one per pupil and period (the lists of a `PeriodMarksRecord`).
_PERIOD_MARK_KEYS: Mapping[str, tuple[str, ...]] = {"marks": ("period_id", "pupil")}
# Stand-ins for where a record travelled: the check compares what records say.
_TRANSPORT = {"batch_id": "check", "index": 0, "seq": 1}


@dataclass(frozen=True, slots=True)
class Difference:
    """One disagreement: `where` is e.g. `marks[m-17].value`, empty for a whole record."""

    kind: str
    record_id: str
    problem: Problem
    where: str = ""
    journal: Any = None
    diary: Any = None


@dataclass(frozen=True, slots=True)
class Line:
    """One record of either side: its kind, id and content (the record's fields)."""

    kind: str
    record_id: str
    content: Mapping[str, Any]


def from_journal(line: Line, pseudonym: Pseudonymise) -> BaseModel:
    """The journal's facts as the record the diary should hold (pupils by pseudonym)."""
    content = dict(line.content)
    for name in ("members", "marks", "absences"):
        if name in content:
            content[name] = [_pseudonymised(item, pseudonym) for item in content[name]]
    return _record(line.kind, content)


def from_diary(line: Line) -> BaseModel:
    """The diary's record, read back into its contract model."""
    return _record(line.kind, dict(line.content))


def differences(journal: BaseModel, diary: BaseModel) -> list[Difference]:
    """Field by field, and item by item inside lists, what the diary shows differently."""
    kind = journal.record_kind if isinstance(journal, Record) else ""
    record_id = journal.record_id if isinstance(journal, Record) else ""
    item_keys = _PERIOD_MARK_KEYS if isinstance(journal, PeriodMarksRecord) else _ITEM_KEYS
    found: list[Difference] = []
    ours, theirs = dict(journal), dict(diary)
    for name, value in ours.items():
        other = theirs.get(name)
        if name in item_keys:
            found.extend(_list_differences(kind, record_id, name, item_keys[name], value, other))
        elif value != other:
            found.append(
                Difference(kind, record_id, "different", name, _plain(value), _plain(other))
            )
    return found


def order_key(line: Line) -> tuple[bytes, bytes]:
    """Where a line sorts: (kind, id) in byte order, as both sides send them."""
    return line.kind.encode(), line.record_id.encode()


def _record(kind: str, content: dict[str, Any]) -> BaseModel:
    # Texts of stored events, read as stored (`contracts.text`).
    return _MODELS[kind].model_validate({**content, **_TRANSPORT}, context=STORED)


def _pseudonymised(item: Mapping[str, Any], pseudonym: Pseudonymise) -> dict[str, Any]:
    rest = {k: v for k, v in item.items() if k != "pupil_id"}
    return {**rest, "pupil": pseudonym(str(item["pupil_id"]))}


def _list_differences(
    kind: str,
    record_id: str,
    name: str,
    key_fields: tuple[str, ...],
    ours: Iterable[BaseModel],
    theirs: Iterable[BaseModel] | None,
) -> Iterator[Difference]:

    def keyed(items: Iterable[BaseModel] | None) -> dict[str, BaseModel]:
        return {"/".join(str(getattr(item, f)) for f in key_fields): item for item in items or ()}

    mine, other = keyed(ours), keyed(theirs)
    for key in sorted(mine.keys() | other.keys()):
        where = f"{name}[{key}]"
        if key not in other:
            yield Difference(kind, record_id, "missing_in_diary", where, _plain(mine[key]))
        elif key not in mine:
            yield Difference(kind, record_id, "extra_in_diary", where, None, _plain(other[key]))
        else:
            a, b = dict(mine[key]), dict(other[key])
            for field, value in a.items():
                if value != b.get(field):
                    yield Difference(
                        kind,
                        record_id,
                        "different",
                        f"{where}.{field}",
                        _plain(value),
                        _plain(b.get(field)),
                    )


def _plain(value: object) -> object:
    """A JSON-friendly form of a compared value, for the report."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
