"""Saving the lesson page against a fake journal: one whole-class save under the form's key,
then the reasons and files under keys derived from it; a refusal records nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from services.web.application.lesson_save import LessonRef, Upload, save_lesson
from services.web.application.ports import ApiRefused, ApiUnavailable
from services.web.domain.lesson_entry import plan_save
from tests.support.fake_apis import Call, FakeBackends

LESSON = LessonRef("s1", 2026, "5a", "5a-20261204-7", "token")
PATH = "/schools/s1/years/2026/classes/5a/lessons/5a-20261204-7"


@dataclass
class FakeJournal(FakeBackends):
    """Answers the lesson's writes like the journal: a key seen before with the same request
    is a duplicate; `refuse` makes the next write of a path refuse; the lesson's view is
    `view` (shown after `lag` reads)."""

    sent: list[tuple[str, str, Any, str | None]] = field(default_factory=list)
    refuse: dict[str, ApiRefused] = field(default_factory=dict)
    keys: dict[str, Any] = field(default_factory=dict)
    view: dict[str, Any] = field(default_factory=dict)
    lag: int = 0
    reads: int = 0
    down: bool = False

    def answer_get(self, call: Call) -> Any:
        assert (call.api, call.path, call.token) == ("journal", PATH, "token")
        self.reads += 1
        return {} if self.reads <= self.lag else self.view

    def answer_send(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("journal", "down")
        path, key = call.path.removeprefix(PATH), call.idempotency_key
        body = call.json if call.files is None else {"file": call.files["file"][0]}
        self.sent.append((call.method, path, body, key))
        if path in self.refuse:
            raise self.refuse.pop(path)
        if key in self.keys:
            return {**self.keys[key], "duplicate": True}
        answer: dict[str, Any] = {"seq": len(self.sent), "duplicate": False}
        if path.endswith("/entries"):
            answer["mark_ids"] = [f"m{i}" for i, _ in enumerate(call.json["marks"])]
        if call.files is not None:
            answer["attachment_id"] = f"att-{key}"
        self.keys[key or ""] = answer
        return answer


FIELDS = {
    "key": "k1",
    "held": "1",
    "topic": "Дроби",
    "kind.0": "classwork",
    "mark.0.p1": "5",
    "att.p1": "",
    "mark.0.p2": "",
    "att.p2": "Б",
    "mark.0.p3": "",
    "att.p3": "ОП",
}
VIEW = {
    "status": "held",
    "topic": "Дроби",
    "attendance_taken": True,
    "marks": [{"mark_id": "m0"}],
    "homework": {"attachments": [{"attachment_id": "att-k1.f0"}]},
    "absences": [
        {"pupil_id": "p2", "kind": "absent", "reason": "illness"},
        {"pupil_id": "p3", "kind": "late", "reason": "unknown"},
    ],
}
FILE = Upload("задание.txt", b"text", "text/plain")


async def test_one_whole_class_save_then_the_reasons_then_the_files_each_with_its_key():
    journal = FakeJournal(view=VIEW)
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    assert (outcome.saved, outcome.duplicate, outcome.errors, outcome.shown) == (
        True,
        False,
        {},
        True,
    )
    assert [(m, p, k) for m, p, _, k in journal.sent] == [
        ("POST", "/entries", "k1"),
        ("PUT", "/absences/p2/reason", "k1.r.p2"),
        ("POST", "/homework/attachments", "k1.f0"),
    ]
    assert journal.sent[0][2] == {
        "held": True,
        "topic": "Дроби",
        "marks": [{"pupil_id": "p1", "value": "5", "work_kind_id": "classwork"}],
        "attendance": [{"pupil_id": "p2", "kind": "absent"}, {"pupil_id": "p3", "kind": "late"}],
    }
    assert journal.sent[1][2] == {"reason": "illness"}
    assert outcome.new_ids == ["m0", "att-k1.f0"]


async def test_the_same_form_saved_twice_sends_the_same_keys_and_is_a_duplicate():
    journal = FakeJournal(view=VIEW)
    await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    again = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    assert again.saved
    assert again.duplicate
    first, second = journal.sent[:3], journal.sent[3:]
    assert first == second  # byte for byte the same requests: the journal records nothing new


async def test_a_refused_save_sends_nothing_else_and_says_where():
    refusal = ApiRefused(422, "mark_not_on_scale", "mark '5' is not on the school's scale")
    journal = FakeJournal(refuse={"/entries": refusal})
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    assert not outcome.saved
    assert outcome.status == 422
    assert outcome.errors == {"mark.0.p1": "Оценки «5» нет в шкале школы (mark_not_on_scale)"}
    assert len(journal.sent) == 1  # no reason, no file
    assert journal.reads == 0


async def test_what_cannot_be_read_is_not_sent_at_all():
    journal = FakeJournal()
    outcome = await save_lesson(journal, LESSON, "k1", plan_save({**FIELDS, "att.p1": "Ж"}), [])
    assert not outcome.saved
    assert set(outcome.errors) == {"att.p1"}
    assert journal.sent == []


async def test_a_reason_already_there_is_no_error_but_another_refusal_is_shown_at_its_cell():
    journal = FakeJournal(
        view=VIEW,
        refuse={"/absences/p2/reason": ApiRefused(409, "nothing_to_change", "already")},
    )
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [])
    assert (outcome.saved, outcome.errors) == (True, {})

    journal = FakeJournal(
        view=VIEW, refuse={"/absences/p2/reason": ApiRefused(403, "not_lesson_teacher", "no")}
    )
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [])
    assert outcome.saved
    assert outcome.status == 403
    assert set(outcome.errors) == {"att.p2"}


async def test_a_refused_file_is_shown_beside_the_files_after_the_entries_were_saved():
    refusal = ApiRefused(415, "unsupported_file_type", "files of type 'x' are not accepted")
    journal = FakeJournal(view=VIEW, refuse={"/homework/attachments": refusal})
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    assert outcome.saved
    assert outcome.errors["files"].startswith("«задание.txt»: Файлы такого типа не принимаются")


async def test_the_save_waits_for_the_view_to_show_it():
    journal = FakeJournal(view=VIEW, lag=3)
    outcome = await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [FILE])
    assert outcome.shown
    assert journal.reads == 4


async def test_an_outage_passes_through_so_the_same_key_can_be_sent_again():
    journal = FakeJournal(down=True)
    with pytest.raises(ApiUnavailable):
        await save_lesson(journal, LESSON, "k1", plan_save(FIELDS), [])
