"""The journal's refusal of a lesson save, put beside the fields it concerns (pure)."""

from __future__ import annotations

from services.web.domain.lesson_entry import FILES, FORM, plan_save
from services.web.domain.lesson_refusal import locate, message

FIELDS = {
    "kind.0": "classwork",
    "kind.1": "test",
    "mark.0.p1": "5",
    "mark.1.p1": "",
    "att.p1": "",
    "mark.0.p2": "7",
    "mark.1.p2": "7",
    "att.p2": "Н",
    "mark.0.p3": "",
    "mark.1.p3": "",
    "att.p3": "Б",
    "held": "1",
}
PLAN = plan_save(FIELDS)


def test_a_mark_off_the_scale_is_refused_beside_every_cell_holding_it():
    detail = "mark '7' is not on the school's scale 1, 2, 3, 4, 5"
    located = locate(PLAN, "mark_not_on_scale", detail)
    assert set(located) == {"mark.0.p2", "mark.1.p2"}
    assert located["mark.0.p2"] == "Оценки «7» нет в шкале школы (mark_not_on_scale)"


def test_a_validation_error_of_the_ith_mark_goes_to_its_pupils_cell():
    errors = [{"loc": ["body", "marks", 1, "value"], "msg": "too long", "type": "string_too_long"}]
    assert locate(PLAN, "invalid_request", "", errors) == {
        "mark.0.p2": "Слишком длинный текст (invalid_request)"
    }


def test_a_kind_of_work_error_goes_to_its_columns_select():
    errors = [{"loc": ["body", "marks", 2, "work_kind_id"], "msg": "bad", "type": "x"}]
    assert set(locate(PLAN, "invalid_request", "", errors)) == {"kind.1"}
    detail = "kind of work 'test' is not configured by the school (classwork)"
    assert set(locate(PLAN, "unknown_work_kind", detail)) == {"kind.1"}


def test_texts_and_attendance_errors_go_to_their_fields():
    errors = [
        {"loc": ["body", "topic"], "msg": "bad", "type": "invalid_text"},
        {"loc": ["body", "homework", "due_on"], "msg": "bad", "type": "date_from_datetime_parsing"},
        {"loc": ["body", "attendance", 1, "kind"], "msg": "bad", "type": "literal_error"},
        {"loc": ["body", "homework", "text"], "msg": "short", "type": "string_too_short"},
    ]
    located = locate(PLAN, "invalid_text", "", errors)
    assert located["topic"] == "Недопустимые (невидимые) символы (invalid_text)"
    assert located["hw_due"] == "Неверная дата (invalid_text)"
    assert located["att.p3"] == "bad (invalid_text)"  # the second pupil marked absent
    assert located["hw_text"] == "Не заполнено (invalid_text)"


def test_a_pupil_named_by_the_journal_is_shown_at_their_first_cell_sent():
    detail = "pupil 'p2' is not in class '5a' on 2026-12-04"
    assert set(locate(PLAN, "pupil_not_in_class", detail)) == {"mark.0.p2"}
    detail = "pupil 'p3' is not in class '5a' on 2026-12-04"
    assert set(locate(PLAN, "pupil_not_in_class", detail)) == {"att.p3"}


def test_refusals_of_the_whole_save_go_to_the_form():
    detail = "the lessons of 2026-09-14 are in closed period 'q1'"
    located = locate(PLAN, "period_closed", detail)
    assert set(located) == {FORM}
    assert "Период закрыт" in located[FORM]
    assert "(period_closed)" in located[FORM]
    assert set(locate(PLAN, "lesson_in_future", "on 2026-12-09")) == {"held"}
    assert set(locate(PLAN, "file_too_large", "big")) == {FILES}


def test_an_unknown_reason_shows_the_apis_own_words():
    assert message("something_new", "what happened") == "what happened (something_new)"


def test_an_error_at_a_place_the_save_did_not_send_goes_to_the_form():
    errors = [{"loc": ["body", "marks", 99, "value"], "msg": "x", "type": "y"}]
    assert set(locate(PLAN, "invalid_request", "", errors)) == {FORM}
