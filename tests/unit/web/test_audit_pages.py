"""«История изменений» and «Проверка целостности», their pure part: the moment typed, the
audit's history worded, the verification's lines folded into a verdict."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from services.web.domain.audit_verify import SHOWN_PROBLEMS, anchor_lines, report_of
from services.web.domain.audit_view import (
    history_rows,
    lesson_of,
    local_input,
    moment_of,
    pupil_options,
    when_text,
)

MOSCOW = ZoneInfo("Europe/Moscow")
ENTRY = {
    "stream": "JOURNAL",
    "seq": 11729,
    "subject": "jrn.2026.s1.5a.lesson.5a-20260901-6",
    "event_type": "journal.MarkCorrected",
    "recorded_at": "2026-12-05T13:04:53.777411Z",
    "occurred_at": "2026-09-01T12:00:00Z",
    "actor": {"id": "t015", "role": "teacher", "label": "t015 (Пестова Жанна Руслановна)"},
    "changes": [
        {
            "target": "mark",
            "field": "value",
            "before": "3",
            "after": "4",
            "target_label": "отметка m-1 — p0415 (Акимова В. А.)",
            "field_label": "отметка",
            "before_label": "3",
            "after_label": "4",
        }
    ],
    "reasons": ["ошибка при вводе"],
    "caused_by": None,
}


def test_a_typed_moment_is_the_schools_time_and_a_links_moment_keeps_its_offset():
    assert moment_of("2026-10-01T14:30", MOSCOW) == dt.datetime(2026, 10, 1, 14, 30, tzinfo=MOSCOW)
    assert moment_of("2026-12-05T13:04:53.777411Z", MOSCOW) == dt.datetime(
        2026, 12, 5, 13, 4, 53, 777411, tzinfo=dt.UTC
    )
    assert moment_of("", MOSCOW) is None
    assert moment_of("yesterday", MOSCOW) is None


def test_a_moment_is_shown_in_the_schools_time():
    moment = dt.datetime(2026, 12, 5, 13, 4, 53, 777411, tzinfo=dt.UTC)

    assert local_input(moment, MOSCOW) == "2026-12-05T16:04:53"
    assert when_text("2026-12-05T13:04:53.777411Z", MOSCOW) == "05.12.2026 16:04:53"
    assert when_text(None, MOSCOW) == "—"


def test_an_event_of_a_lesson_links_to_the_lessons_history():
    assert lesson_of("jrn.2026.s1.5a.lesson.5a-20260901-6") == ("5a", "5a-20260901-6")
    assert lesson_of("jrn.2026.s1.5a.class.5a") is None
    assert lesson_of("enr.s1.pupil.p1") is None


def test_a_history_line_says_when_who_what_from_what_to_what_and_why():
    (line,) = history_rows([ENTRY], MOSCOW)

    assert line.recorded == "05.12.2026 16:04:53"
    assert line.occurred == "01.09.2026 15:00:00"  # the teacher's date differs from the record's
    assert (line.actor, line.role) == ("t015 (Пестова Жанна Руслановна)", "учитель")
    assert line.event == "отметка исправлена"
    assert [(c.field, c.before, c.after) for c in line.changes] == [("отметка", "3", "4")]
    assert line.reasons == ("ошибка при вводе",)
    assert line.lesson == ("5a", "5a-20260901-6")
    assert line.at == "2026-12-05T13:04:53.777411Z"


def test_a_history_line_caused_by_another_event_names_it():
    entry = {**ENTRY, "occurred_at": ENTRY["recorded_at"], "event_type": "diary.GrantIssued"}
    entry["caused_by"] = {**ENTRY, "event_type": "journal.LessonHeld", "seq": 7}

    (line,) = history_rows([entry], MOSCOW)

    assert line.occurred == ""  # recorded when it happened: said once
    assert line.event == "GrantIssued"
    assert line.cause == "урок проведён № 7"


STREAM_OK = {"type": "stream", "stream": "JOURNAL", "ok": True, "events": 30, "anchors": 2}


def test_a_verification_is_well_only_with_its_summary():
    assert report_of([STREAM_OK, {"type": "summary", "ok": True, "problems": 0}]).ok
    broken_off = report_of([{"type": "progress", "stream": "JOURNAL"}, STREAM_OK])
    assert not broken_off.finished
    assert not broken_off.ok


def test_a_verification_that_failed_is_never_well():
    report = report_of([STREAM_OK, {"type": "error", "ok": False, "detail": "nats down"}])

    assert (report.finished, report.ok, report.error) == (False, False, "nats down")


def test_problems_are_worded_counted_per_stream_and_listed_up_to_a_limit():
    problem = {"type": "problem", "stream": "JOURNAL", "kind": "gap", "seq": 5, "detail": "5-6"}
    text = {"type": "problem", "stream": "JOURNAL", "kind": "unstorable_text", "seq": 9}
    lines = [problem] * (SHOWN_PROBLEMS + 5) + [
        text,
        {**STREAM_OK, "ok": False, "problems": SHOWN_PROBLEMS + 6},
        {"type": "summary", "ok": False, "problems": SHOWN_PROBLEMS + 6},
    ]

    report = report_of(lines)

    assert report.finished
    assert not report.ok
    assert report.total == SHOWN_PROBLEMS + 6
    assert len(report.problems) == SHOWN_PROBLEMS
    assert report.problems[0].text == "пропуск номеров: событие удалено"
    (journal,) = report.streams
    assert journal.name == "журнал"
    assert journal.kinds == {
        "пропуск номеров: событие удалено": SHOWN_PROBLEMS + 5,
        "в событии текст, который база данных не может сохранить": 1,
    }


def test_anchors_are_summed_up_per_stream_with_any_bad_signature():
    anchors = [
        {"stream": "DIARY", "day": "2026-12-04", "last_seq": 80, "signature_valid": True},
        {"stream": "JOURNAL", "day": "2026-12-04", "last_seq": 100, "signature_valid": True},
        {"stream": "JOURNAL", "day": "2026-12-05", "last_seq": 250, "signature_valid": False},
    ]

    journal, diary = anchor_lines(anchors)

    assert (journal.stream, journal.count, journal.last_seq, journal.invalid) == (
        "JOURNAL",
        2,
        250,
        1,
    )
    assert journal.last_day == dt.date(2026, 12, 5)
    assert (diary.stream, diary.invalid) == ("DIARY", 0)


def test_the_changes_of_one_thing_are_grouped_under_it():
    mark = "отметка m-1 — p0415 (Акимова В. А.)"
    fields = [("отметка", "", "3"), ("вид работы", "", "classwork")]
    changes = [{"target_label": mark, "field_label": f, "after_label": a} for f, _, a in fields]
    lesson = {"target_label": "урок", "field_label": "тема", "after_label": "Дроби"}
    (line,) = history_rows([{**ENTRY, "changes": [*changes, lesson]}], MOSCOW)

    assert [(target, [c.field for c in group]) for target, group in line.groups] == [
        (mark, ["отметка", "вид работы"]),
        ("урок", ["тема"]),
    ]


def test_the_pupils_suggested_are_named_with_their_class_by_name():
    pupils = {
        "pupils": [
            {"pupil_id": "p2", "full_name": "Борисов Б.", "class_id": "5a"},
            {"pupil_id": "p1", "full_name": "Акимова А.", "class_id": None},
        ]
    }
    roster = {"classes": [{"class_id": "5a", "label": "5А"}]}

    assert pupil_options(pupils, roster) == [("p1", "Акимова А."), ("p2", "Борисов Б., 5А")]
    assert pupil_options(None, None) == []
