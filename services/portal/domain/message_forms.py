"""The messages' forms, their pure part: what a teacher may address, the new thread's body, and
the diary's refusals of a form as messages beside its fields.

The portal checks only what it must to build a request (a class among the teacher's own grants,
an audience, something typed); the diary checks everything again and its refusal is shown
beside the field it concerns, with nothing recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

FORM: Final = "form"
"""The key of an error about the whole form rather than one field."""
TITLE_MAX: Final = 200
TEXT_MAX: Final = 4000
LABEL_MAX: Final = 60
AUDIENCES: Final = {
    "parents": "Родителям",
    "pupils": "Ученикам",
    "both": "Родителям и ученикам",
}
ATTACHMENT_HINT: Final = (
    "До 5 файлов, каждый до 5 МБ: PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT или TXT."
)
"""The diary's default limits (its `DIARY_MESSAGES__*` settings may be stricter)."""
ACCEPTED_FILES: Final = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx,.odt,.txt"

_FIELD_TEXT: Final = {
    "text": f"Напишите текст сообщения: до {TEXT_MAX} знаков, без служебных символов.",
    "title": f"Напишите тему: до {TITLE_MAX} знаков, без служебных символов.",
    "label": f"Напишите, как вас показывать: до {LABEL_MAX} знаков, без служебных символов.",
    "files": "Имя файла не принято: переименуйте файл.",
    "class": "Выберите класс из списка.",
    "audience": "Выберите, кому написать.",
}
_REASON_TEXT: Final = {
    "attachment_too_large": ("files", "Файл слишком большой: каждый файл — не больше 5 МБ."),
    "too_many_attachments": ("files", "Слишком много файлов: не больше 5 в одном сообщении."),
    "unsupported_attachment_type": (
        "files",
        "Такой файл дневник не принимает (или его содержимое не совпадает с типом). "
        "Можно: PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, TXT.",
    ),
    "empty_attachment": ("files", "Файл пустой: выберите файл с содержимым."),
    "idempotency_key_reused": (
        FORM,
        "Эта форма уже отправлялась с другим содержимым: обновите страницу и отправьте снова.",
    ),
    "no_recipients": (
        FORM,
        "Некому отправить: ни у кого из выбранных нет доступа к дневнику этого класса.",
    ),
    "read_beyond_end": (FORM, "Беседа изменилась: обновите страницу."),
}
_FORM_STATUSES: Final = frozenset({413, 415, 422})


@dataclass(frozen=True, slots=True)
class ClassChoice:
    """A class (and subject) a teacher may write about: one of their live grants."""

    value: str
    label: str
    class_id: str
    subject_id: str | None


def class_choices(classes: Iterable[Mapping[str, Any]]) -> list[ClassChoice]:
    """The teacher's grants of the profile (`ProfileOut.classes`): «5А — Математика», or «5А —
    классное руководство» for a class grant without a subject."""
    choices = []
    for entry in classes:
        class_id = str(entry["class_id"])
        subject_id = entry.get("subject_id")
        where = entry.get("class_label") or class_id
        if subject_id:
            label = f"{where} — {entry.get('subject_name') or subject_id}"
        else:
            label = f"{where} — классное руководство"
        choices.append(ClassChoice(f"{class_id}:{subject_id or ''}", label, class_id, subject_id))
    return choices


@dataclass(frozen=True, slots=True)
class NewThread:
    """A thread to start, as the diary's `StartBody`."""

    class_id: str
    subject_id: str | None
    audience: str
    title: str
    text: str

    def body(self, year: int) -> dict[str, Any]:
        """The JSON of `POST /schools/{school}/messages/threads`."""
        return {
            "class_id": self.class_id,
            "subject_id": self.subject_id,
            "year": year,
            "to": {"pupils": "all", "audience": self.audience},
            "title": self.title,
            "text": self.text,
        }


def new_thread(
    fields: Mapping[str, str], choices: Sequence[ClassChoice]
) -> tuple[NewThread | None, dict[str, str]]:
    """The thread the form asks for, or the errors beside its fields."""
    errors: dict[str, str] = {}
    chosen = next((c for c in choices if c.value == fields.get("class", "")), None)
    if chosen is None:
        errors["class"] = _FIELD_TEXT["class"]
    audience = fields.get("audience", "")
    if audience not in AUDIENCES:
        errors["audience"] = _FIELD_TEXT["audience"]
    title, text = fields.get("title", "").strip(), fields.get("text", "").strip()
    if not title or len(title) > TITLE_MAX:
        errors["title"] = _FIELD_TEXT["title"]
    if not text or len(text) > TEXT_MAX:
        errors["text"] = _FIELD_TEXT["text"]
    if errors or chosen is None:
        return None, errors
    return NewThread(chosen.class_id, chosen.subject_id, audience, title, text), {}


def reply_errors(fields: Mapping[str, str]) -> dict[str, str]:
    """What the portal refuses of a reply before asking the diary: an empty or too long text."""
    text = fields.get("text", "").strip()
    return {} if text and len(text) <= TEXT_MAX else {"text": _FIELD_TEXT["text"]}


def label_errors(label: str) -> dict[str, str]:
    """What the portal refuses of a label before asking the diary."""
    text = label.strip()
    return {} if text and len(text) <= LABEL_MAX else {"label": _FIELD_TEXT["label"]}


def refusal_errors(
    status: int, reason: str, errors: Iterable[Mapping[str, Any]], fields: Mapping[str, str]
) -> dict[str, str] | None:
    """A diary refusal of a form as messages beside its fields (`fields`: the request body's
    member → the form's field it came from); None when the refusal is not about the form
    (403, 404: the refusal page shows it)."""
    if status not in _FORM_STATUSES:
        return None
    if reason in _REASON_TEXT:
        field, text = _REASON_TEXT[reason]
        return {field: f"{text} ({reason})"}
    found: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc") or ()]
        member = next((part for part in loc[1:] if part in fields), None)
        if member is not None:
            field = fields[member]
            found.setdefault(field, f"{_FIELD_TEXT.get(field, 'Поле не принято.')} ({reason})")
    return found or {FORM: f"Дневник не принял форму ({reason})."}
