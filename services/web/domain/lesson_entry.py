"""The lesson page's form read into the journal's one whole-class save, and the journal's
refusal put back beside the fields it concerns.

The page is a grid: one row per pupil, new-mark cells (one column per kind of work chosen in
the column's header) and an attendance cell holding the school's letter (Н, Б, У, П, ОП; empty
is present). The journal keeps the observation (absent, late) apart from the reason, so a
letter becomes an `AbsenceEntry` of the save plus, for Б/У/П (and Н over an earlier reason), a
reason to set afterwards. Nothing here judges a value: a mark off the scale is sent as typed
and the journal refuses it; only what cannot be read at all (a letter the school does not use)
stops the save before it is sent.

Field names: `held`, `topic`, `hw_text`, `hw_due`, `att_taken`, `kind.<col>`,
`mark.<col>.<pupil>`, `att.<pupil>` (one per pupil, in the rows' order), `reason0.<pupil>`
(the reason the journal held when the page was drawn) and `late.<pupil>` (minutes late then).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from kernel.letters import ABSENCE_LETTERS, LATE_LETTER

FORM: Final = "_form"
"""The key of a message about the whole save rather than one field."""
FILES: Final = "files"
"""The key of a message about the homework files."""

LETTER_REASONS: Final[dict[str, str]] = {letter: r for r, letter in ABSENCE_LETTERS.items()}
"""Н → unknown, Б → illness, У → valid, П → unexcused."""
LETTERS: Final = (*LETTER_REASONS, LATE_LETTER)
_TYPED: Final = {"Н": "Н", "Б": "Б", "У": "У", "П": "П", "ОП": LATE_LETTER, "О": LATE_LETTER}
_MARK_SEPARATORS: Final = re.compile(r"[\s,;]+")
_KEY_PART: Final = re.compile(r"[^A-Za-z0-9._:-]")
KEY_PATTERN: Final = re.compile(r"[A-Za-z0-9._:-]{1,100}")
"""What the journal accepts as an `Idempotency-Key`."""


def read_letter(text: str) -> str | None:
    """The school's letter typed in an attendance cell ("" when present), or None when the
    text is no letter the school uses. Lower case and a lone «О» (for ОП) are accepted."""
    typed = text.strip().upper()
    if not typed:
        return ""
    return _TYPED.get(typed)


@dataclass(frozen=True, slots=True)
class SentMark:
    """A new mark of the save and the cells it came from."""

    field: str  # its mark cell
    kind_field: str  # the select of its column
    pupil_id: str
    value: str
    work_kind_id: str


@dataclass(frozen=True, slots=True)
class SavePlan:
    """What the page asks the journal: the body of the save, the reasons to set after it, and
    where each part came from (so a refusal finds its field). `problems` (field → message)
    are what could not be read: a plan with problems is not sent."""

    body: dict[str, Any]
    marks: tuple[SentMark, ...] = ()
    attendance_pupils: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()  # (pupil, reason) to set after the save
    problems: dict[str, str] = field(default_factory=dict)

    def pupil_field(self, pupil_id: str) -> str:
        """The first cell of a pupil the save sent (a mark, else the attendance cell)."""
        return next((m.field for m in self.marks if m.pupil_id == pupil_id), f"att.{pupil_id}")


def pupils_of(fields: Mapping[str, str]) -> list[str]:
    """The pupils of the form, in the rows' order (every row has an attendance cell)."""
    return [name.removeprefix("att.") for name in fields if name.startswith("att.")]


def columns_of(fields: Mapping[str, str]) -> list[str]:
    """The new-mark columns of the form, in order."""
    return [name.removeprefix("kind.") for name in fields if name.startswith("kind.")]


def plan_save(fields: Mapping[str, str]) -> SavePlan:
    """The journal's save (EntriesBody) for the submitted form, plus the reasons to set."""
    pupils = pupils_of(fields)
    body: dict[str, Any] = {"held": _checked(fields.get("held", ""))}
    topic = fields.get("topic", "").strip()
    if topic:
        body["topic"] = topic
    homework = _homework(fields)
    if homework is not None:
        body["homework"] = homework
    marks = _marks(fields, pupils)
    body["marks"] = [
        {"pupil_id": m.pupil_id, "value": m.value, "work_kind_id": m.work_kind_id} for m in marks
    ]
    letters, problems = _letters(fields, pupils)
    absent = [p for p in pupils if letters[p]]
    if body["held"] or fields.get("att_taken") == "1" or absent:
        body["attendance"] = [_absence(fields, p, letters[p]) for p in absent]
    return SavePlan(
        body=body,
        marks=tuple(marks),
        attendance_pupils=tuple(absent) if "attendance" in body else (),
        reasons=tuple(_reasons(fields, letters, absent)),
        problems=problems,
    )


def _checked(value: str) -> bool:
    return value.strip().lower() in {"1", "on", "true", "yes"}


def _homework(fields: Mapping[str, str]) -> dict[str, Any] | None:
    """The homework when any of it was filled in (an empty text with a date is the journal's
    to refuse); None leaves the lesson's homework as it is."""
    text = fields.get("hw_text", "").strip()
    due = fields.get("hw_due", "").strip()
    if not (text or due):
        return None
    return {"text": text, "due_on": due or None}


def _marks(fields: Mapping[str, str], pupils: Sequence[str]) -> list[SentMark]:
    """The new marks column by column, pupil by pupil; a cell may hold several marks."""
    marks: list[SentMark] = []
    for col in columns_of(fields):
        kind = fields.get(f"kind.{col}", "").strip()
        for pupil in pupils:
            name = f"mark.{col}.{pupil}"
            values = _MARK_SEPARATORS.split(fields.get(name, "").strip())
            marks.extend(SentMark(name, f"kind.{col}", pupil, v, kind) for v in values if v)
    return marks


def _letters(
    fields: Mapping[str, str], pupils: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each pupil's letter ("" present) and the cells whose text is no letter."""
    letters: dict[str, str] = {}
    problems: dict[str, str] = {}
    for pupil in pupils:
        typed = fields.get(f"att.{pupil}", "")
        letter = read_letter(typed)
        if letter is None:
            problems[f"att.{pupil}"] = (
                f"«{typed.strip()}» — не отметка посещаемости: Н, Б, У, П или ОП"
            )
            letter = ""
        letters[pupil] = letter
    return letters, problems


def _absence(fields: Mapping[str, str], pupil: str, letter: str) -> dict[str, Any]:
    if letter != LATE_LETTER:
        return {"pupil_id": pupil, "kind": "absent"}
    entry: dict[str, Any] = {"pupil_id": pupil, "kind": "late"}
    minutes = fields.get(f"late.{pupil}", "").strip()
    if minutes.isdigit():
        entry["minutes_late"] = int(minutes)  # the lateness recorded before keeps its minutes
    return entry


def _reasons(
    fields: Mapping[str, str], letters: Mapping[str, str], absent: Sequence[str]
) -> list[tuple[str, str]]:
    """The reasons the letters ask for that the journal does not hold yet. A reason stays with
    its pupil when attendance is taken again; a new absence starts with "unknown"."""
    wanted: list[tuple[str, str]] = []
    for pupil in absent:
        reason = LETTER_REASONS.get(letters[pupil])
        held = fields.get(f"reason0.{pupil}", "").strip() or "unknown"
        if reason is not None and reason != held:
            wanted.append((pupil, reason))
    return wanted


def reason_key(form_key: str, pupil_id: str) -> str:
    """The idempotency key of a reason set by the save with `form_key`: a retried save sends
    the same, so the journal records nothing new."""
    return _key(f"{form_key}.r.{pupil_id}")


def file_key(form_key: str, index: int) -> str:
    """The idempotency key of the save's `index`-th homework file."""
    return _key(f"{form_key}.f{index}")


def _key(text: str) -> str:
    return _KEY_PART.sub("-", text)[:100]
