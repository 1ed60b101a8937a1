"""The name guard at the boundary: every exported free text of a document goes through it, the
run counts the replacements (its record and /metrics), and the diary check compares alike."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator

from services.common import metrics
from services.common.name_guard import PLACEHOLDER, NameGuard
from services.exporter.application.agreement import check
from services.exporter.application.exporting import export
from services.exporter.application.ports import Cut, Deps
from services.exporter.domain.agreement import Line
from services.exporter.domain.docs import Doc
from services.exporter.domain.redaction import redact_content, redact_doc
from tests.support.clock import FakeClock
from tests.unit.exporter.export_fakes import CaughtUpState, Files, Runs

NOW = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)
ROSTER = ("Акимова Вероника Антоновна", "Иванов Пётр Сергеевич")
GUARD = NameGuard(ROSTER)
PSEUDONYM = "p" + "a" * 32


def lesson(**texts: object) -> dict[str, object]:
    return {
        "lesson_id": "5a-20260907-1",
        "class_id": "5a",
        "subject_id": "math",
        "date": "2026-09-07",
        "slot": 1,
        "group": None,
        "teacher_id": "t1",
        "status": "held",
        "topic": "Дроби",
        "homework": "§12",
        "homework_due_on": None,
        "files": [],
        "marks": [],
        "absences": [],
        "corrected_after_close": False,
        **texts,
    }


def mark(mark_id: str, comment: str | None) -> dict[str, object]:
    return {
        "mark_id": mark_id,
        "pupil": PSEUDONYM,
        "value": "5",
        "work_kind_id": "classwork",
        "weight": "1",
        "comment": comment,
        "counts": True,
        "corrected": False,
        "corrected_after_close": False,
    }


def attachment(name: str) -> dict[str, object]:
    return {
        "attachment_id": "a1",
        "name": name,
        "size": 3,
        "media_type": "text/plain",
        "sha256": "0" * 64,
    }


def test_every_free_text_of_a_lesson_is_redacted_and_counted():
    content = lesson(
        topic="Доклад Акимовой Вероники",
        homework="Помочь Иванову П. с задачей",
        files=[attachment("Акимова В. А. — реферат.pdf"), attachment("план.pdf")],
        marks=[mark("m1", "Акимова Вероника Антоновна — молодец"), mark("m2", None)],
    )
    redacted, replaced = redact_content("lesson", content, GUARD.redact)
    assert replaced == 4
    assert redacted["topic"] == f"Доклад {PLACEHOLDER}"
    assert redacted["homework"] == f"Помочь {PLACEHOLDER} с задачей"
    assert [f["name"] for f in redacted["files"]] == [f"{PLACEHOLDER} — реферат.pdf", "план.pdf"]
    assert [m["comment"] for m in redacted["marks"]] == [f"{PLACEHOLDER} — молодец", None]
    assert "Акимов" not in json.dumps(redacted, ensure_ascii=False)
    assert content["topic"] == "Доклад Акимовой Вероники"  # the document itself is not changed


def test_a_document_without_names_is_the_same_document():
    doc = Doc("lesson", "5a-20260907-1", 7, lesson(marks=[mark("m1", "Молодец")]))
    assert redact_doc(doc, GUARD.redact) == (doc, 0)
    assert redact_doc(doc, GUARD.redact)[0] is doc


def test_the_school_configuration_is_redacted_the_staff_directory_is_not():
    school = {"school_id": "s1", "subjects": [{"subject_id": "x", "name": "Кружок Иванова П."}]}
    redacted, replaced = redact_content("school", school, GUARD.redact)
    assert (redacted["subjects"][0]["name"], replaced) == (f"Кружок {PLACEHOLDER}", 1)
    staff = {"school_id": "s1", "teachers": [{"staff_id": "t1", "short_name": "Иванов П. С."}]}
    assert redact_content("staff", staff, GUARD.redact) == (staff, 0)


def test_a_replacement_longer_than_its_field_is_cut_to_the_field():
    guard = NameGuard(["Ли Ян"])
    redacted, replaced = redact_content("class", {"label": "Ли Ян"}, guard.redact)
    assert (redacted["label"], replaced) == (PLACEHOLDER[:8], 1)
    long_topic = "т" * 1997 + " Ли Ян"
    redacted, _ = redact_content("lesson", lesson(topic=long_topic), guard.redact)
    assert len(redacted["topic"]) == 2000


# ---------------------------------------------------------------- the run


class State(CaughtUpState):
    """One lesson whose mark comment names a pupil; the roster as of the cut."""

    seq = 9

    @contextlib.asynccontextmanager
    async def changed(self, school: str, year: int, after: int) -> AsyncIterator[Cut]:
        async def docs() -> AsyncIterator[Doc]:
            content = lesson(marks=[mark("m1", "Акимовой Веронике — пять!")])
            yield Doc("lesson", "5a-20260907-1", 9, content)

        yield Cut(9, docs(), ROSTER)

    async def exported_years(self) -> list[tuple[str, int]]:
        return [("s1", 2026)]


class Publisher:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    async def publish(self, subject, body, headers) -> None:
        self.bodies.append(body.decode())


def _redacted_total(kind: str) -> float:
    value = metrics.registry().get_sample_value("export_names_redacted_total", {"kind": kind})
    return value or 0.0


async def test_the_run_redacts_before_publishing_and_counts_in_its_record_and_metrics():
    publisher = Publisher()
    deps = Deps(Runs(), State(), publisher, Files(), FakeClock(NOW))
    before = _redacted_total("delta")
    outcome = await export(deps, "s1", 2026, "delta", "api")
    assert (outcome.run.status, outcome.run.records, outcome.run.names_redacted) == (
        "published",
        1,
        1,
    )
    assert _redacted_total("delta") == before + 1
    record = json.loads(publisher.bodies[0])["data"]
    assert record["marks"][0]["comment"] == f"{PLACEHOLDER} — пять!"
    assert not any("Акимов" in body or "Вероник" in body for body in publisher.bodies)


# ---------------------------------------------------------------- the diary check


class Feed:
    def __init__(self, *lines: Line) -> None:
        self._lines = lines

    async def lines(self, school: str, year: int) -> AsyncIterator[Line]:
        for line in self._lines:
            yield line


async def test_the_check_redacts_the_journals_side_as_the_export_did():
    journal_side = lesson(marks=[{**mark("m1", "Акимовой Веронике — пять!"), "pupil_id": "p1"}])
    del journal_side["marks"][0]["pupil"]
    diary_side = lesson(marks=[mark("m1", f"{PLACEHOLDER} — пять!")])
    feeds = {
        "journal": Feed(Line("lesson", "5a-20260907-1", journal_side)),
        "diary": Feed(Line("lesson", "5a-20260907-1", diary_side)),
    }

    def pseudonym(pupil_id: str) -> str:
        return PSEUDONYM

    async def run(names):
        return await check(
            **feeds, pseudonym=pseudonym, school="s1", year=2026, now=NOW, names=names
        )

    assert (await run(list(ROSTER))).agrees
    unredacted = await run(None)
    assert [d.where for d in unredacted.differences] == ["marks[m1].comment"]
