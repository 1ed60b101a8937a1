"""Saving the lesson page: one whole-class save of the journal, then the absence reasons and
the homework files, each under an idempotency key derived from the form's.

The page renders a fresh random key into its form. A retried save (a double click, a network
retry, the same form posted twice) sends the same key and the same body, so the journal
records nothing new and answers `duplicate: true`; the reasons and files derived from it are
duplicates in the same way. The web adds no rule of its own: the journal refuses the whole save
(nothing recorded) and its refusal is put beside the fields it concerns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from services.web.application.ports import ApiRefused, Backends
from services.web.domain.diary_names import named_keys
from services.web.domain.lesson_entry import (
    FILES,
    SavePlan,
    file_key,
    reason_key,
)
from services.web.domain.lesson_page import shows_save
from services.web.domain.lesson_refusal import locate, message

SHOW_WAIT: Final = 3.0
"""Seconds a save waits for the journal's view to show it (it usually takes a few ms)."""


@dataclass(frozen=True, slots=True)
class LessonRef:
    """Which lesson, of which school and year, with whose token."""

    school: str
    year: int
    class_id: str
    lesson_id: str
    token: str

    @property
    def path(self) -> str:
        """The lesson's path in the journal API."""
        return (
            f"/schools/{self.school}/years/{self.year}/classes/{self.class_id}"
            f"/lessons/{self.lesson_id}"
        )


@dataclass(frozen=True, slots=True)
class Upload:
    """A homework file the form carried."""

    name: str
    content: bytes
    media_type: str


@dataclass(slots=True)
class SaveOutcome:
    """What came of a save: whether the journal holds the entries (now or from an earlier
    identical request), whether this was such a retry, and each refused field's message.
    `status` is the first refusal's HTTP status (200 when nothing was refused). `named`: the
    page's keys of the texts for the diary that name a pupil (`domain.diary_names`)."""

    saved: bool = False
    duplicate: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 200
    new_ids: list[str] = field(default_factory=list)  # the marks and files recorded
    shown: bool = False  # the journal's view shows the save already
    named: list[str] = field(default_factory=list)

    def warned(self, answer: object) -> None:
        """Note the texts a journal's answer warns about (a pupil's name for the diary)."""
        self.named += [key for key in named_keys(answer) if key not in self.named]

    def refuse(self, status: int, errors: dict[str, str]) -> None:
        """Add refused fields (the first refusal's status is kept)."""
        if not self.errors:
            self.status = status
        for name, text in errors.items():
            self.errors[name] = f"{self.errors[name]}; {text}" if name in self.errors else text


async def save_lesson(
    backends: Backends, lesson: LessonRef, key: str, plan: SavePlan, files: Sequence[Upload]
) -> SaveOutcome:
    """Send the plan; ApiUnavailable passes through (the same key may be sent again)."""
    outcome = SaveOutcome()
    if plan.problems:
        outcome.refuse(422, dict(plan.problems))
        return outcome
    try:
        answer = await backends.send(
            "journal",
            "POST",
            f"{lesson.path}/entries",
            lesson.token,
            json=plan.body,
            idempotency_key=key,
        )
    except ApiRefused as refused:
        outcome.refuse(refused.status, locate(plan, refused.reason, refused.detail, refused.errors))
        return outcome
    outcome.saved = True
    outcome.duplicate = bool(isinstance(answer, dict) and answer.get("duplicate"))
    outcome.new_ids.extend(answer.get("mark_ids", []) if isinstance(answer, dict) else [])
    outcome.warned(answer)
    await _set_reasons(backends, lesson, key, plan, outcome)
    await _attach(backends, lesson, key, files, outcome)
    outcome.shown = await _view_shows(backends, lesson, plan, outcome)
    return outcome


async def _view_shows(
    backends: Backends, lesson: LessonRef, plan: SavePlan, outcome: SaveOutcome
) -> bool:
    """Wait (a little) until the journal's view shows the save, so that the page reloaded
    after it shows what was saved; False if the view is still behind after SHOW_WAIT."""
    refused = {name.removeprefix("att.") for name in outcome.errors}
    reasons = [(p, r) for p, r in plan.reasons if p not in refused]
    waited = 0.0
    delay = 0.02
    while True:
        detail = await backends.get("journal", lesson.path, lesson.token)
        if shows_save(detail, plan.body, reasons, outcome.new_ids):
            return True
        if waited >= SHOW_WAIT:
            return False
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.25)


async def _set_reasons(
    backends: Backends, lesson: LessonRef, key: str, plan: SavePlan, outcome: SaveOutcome
) -> None:
    """Each reason the letters ask for, one by one (they are one lesson's history)."""
    for pupil_id, reason in plan.reasons:
        try:
            await backends.send(
                "journal",
                "PUT",
                f"{lesson.path}/absences/{pupil_id}/reason",
                lesson.token,
                json={"reason": reason},
                idempotency_key=reason_key(key, pupil_id),
            )
        except ApiRefused as refused:
            if refused.reason != "nothing_to_change":  # the reason was already there
                text = message(refused.reason, refused.detail)
                outcome.refuse(refused.status, {f"att.{pupil_id}": text})


async def _attach(
    backends: Backends, lesson: LessonRef, key: str, files: Sequence[Upload], outcome: SaveOutcome
) -> None:
    """The homework files, after the entries: a refused save leaves no file behind."""
    for index, upload in enumerate(files):
        try:
            answer = await backends.send(
                "journal",
                "POST",
                f"{lesson.path}/homework/attachments",
                lesson.token,
                files={"file": (upload.name, upload.content, upload.media_type)},
                idempotency_key=file_key(key, index),
            )
        except ApiRefused as refused:
            text = f"«{upload.name}»: {message(refused.reason, refused.detail)}"
            outcome.refuse(refused.status, {FILES: text})
            continue
        outcome.warned(answer)
        if isinstance(answer, dict) and answer.get("attachment_id"):
            outcome.new_ids.append(str(answer["attachment_id"]))
