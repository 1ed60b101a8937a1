"""The pure part of the messages' pages: the thread list, a thread as its reader sees it, the
forms' checks, the diary's refusals mapped to fields, and the profile's preview."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from services.portal.domain.message_forms import (
    FORM,
    class_choices,
    label_errors,
    new_thread,
    refusal_errors,
    reply_errors,
)
from services.portal.domain.messages import (
    Places,
    participants_text,
    places_of,
    plural,
    thread_lines,
    thread_page,
)
from services.portal.domain.profile_page import shown_as

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2026, 12, 5)
PLACES = Places({"5a": "5А"}, {"math": "Математика"})


def _thread(thread_id: str, last: str, unread: int = 0) -> dict[str, object]:
    return {
        "thread_id": thread_id,
        "title": thread_id.upper(),
        "class_id": "5a",
        "subject_id": "math",
        "subject_name": None,
        "last_message_at": last,
        "messages": 2,
        "unread": unread,
    }


def test_the_list_is_newest_first_with_place_time_and_unread():
    lines = thread_lines(
        [_thread("a", "2026-12-01T10:00:00Z"), _thread("b", "2026-12-05T06:00:00Z", 2)],
        PLACES,
        TODAY,
        MOSCOW,
    )

    assert [(t.thread_id, t.where, t.last, t.unread) for t in lines] == [
        ("b", "5А · Математика", "сегодня, 09:00", 2),
        ("a", "5А · Математика", "вт, 1 декабря, 13:00", 0),
    ]


def test_a_thread_is_placed_by_its_class_label_and_the_subject_name_the_diary_gives():
    parents = places_of({"children": [{"class_id": "5a", "class_label": "5А"}, {"class_id": None}]})

    def where(places: Places, **thread: object) -> str:
        return places.of({"class_id": "5a", "subject_id": None, "subject_name": None, **thread})

    assert where(parents, subject_id="math", subject_name="Алгебра") == "5А · Алгебра"
    assert where(PLACES, subject_id="math", subject_name="Алгебра") == "5А · Алгебра"
    assert where(PLACES, subject_id="math") == "5А · Математика"  # the profile's name
    assert where(parents, subject_id="math") == "5А · math"  # named nowhere: by its id
    assert where(parents) == "5А"  # the class teacher's thread has no subject
    assert where(parents, class_id="9z") == "9z"


def test_places_come_from_a_teachers_classes_and_a_parents_children():
    places = places_of(
        {
            "classes": [{"class_id": "6b", "class_label": "6Б", "subject_id": "art",
                         "subject_name": "ИЗО", "subjects": []},
                        {"class_id": "7v", "class_label": "7В", "subject_id": None,
                         "subject_name": None,
                         "subjects": [{"subject_id": "bio", "subject_name": "Биология"}]}],
            "children": [{"class_id": "5a", "class_label": "5А"}, {"class_id": None}],
        }
    )  # fmt: skip

    assert places.classes == {"6b": "6Б", "7v": "7В", "5a": "5А"}
    assert places.subjects == {"art": "ИЗО", "bio": "Биология"}


def _message(index: int, author: int, **more: object) -> dict[str, object]:
    return {"index": index, "author": author, "author_label": f"Метка {author}",
            "posted_at": "2026-12-05T07:00:00Z", "text": "т", "unread": False,
            "attachments": [], **more}  # fmt: skip


def test_a_thread_shows_labels_the_reader_as_you_and_files_through_the_portal():
    page = thread_page(
        {
            "thread_id": "t1", "title": "Тема", "class_id": "5a", "subject_id": "pe",
            "subject_name": "Физкультура",
            "started_by": 7, "started_by_label": "Классный руководитель",
            "participants": [{"role": "teacher"}, {"role": "parent"}, {"role": "pupil"}],
            "messages": [
                _message(1, 7, attachments=[{"attachment_id": "f1", "name": "a.pdf",
                                             "size": 3 * 1024 * 1024 // 2}]),
                _message(4, 9, unread=True),
            ],
            "unread": 1, "can_post": True,
        },
        reader=9,
        places=PLACES,
        today=TODAY,
        zone=MOSCOW,
    )  # fmt: skip

    assert page.started_by == "Классный руководитель"
    assert [(m.author, m.mine) for m in page.messages] == [("Метка 7", False), ("Вы", True)]
    (file,) = page.messages[0].files
    assert (file.url, file.name, file.size) == ("/messages/t1/files/f1", "a.pdf", "1,5 МБ")
    assert page.last_index == 4
    assert page.where == "5А · Физкультура"
    assert page.participants == "1 учитель, 1 родитель, 1 ученик"


@pytest.mark.parametrize(
    ("count", "text"),
    [(1, "1 родитель"), (2, "2 родителя"), (5, "5 родителей"), (11, "11 родителей"),
     (21, "21 родитель"), (22, "22 родителя"), (112, "112 родителей"), (0, "0 родителей")],
)  # fmt: skip
def test_counts_take_the_russian_plural(count, text):
    assert plural(count, ("родитель", "родителя", "родителей")) == text


def test_participants_are_counted_by_role_leaving_out_absent_roles():
    assert participants_text([{"role": "parent"}] * 25 + [{"role": "teacher"}]) == (
        "1 учитель, 25 родителей"
    )


CHOICES = class_choices(
    [
        {"class_id": "5a", "class_label": "5А", "subject_id": "math", "subject_name": None},
        {"class_id": "6b", "class_label": None, "subject_id": None, "subject_name": None},
    ]
)


def test_a_teacher_chooses_among_their_grants():
    assert [(c.value, c.label) for c in CHOICES] == [
        ("5a:math", "5А — math"),
        ("6b:", "6b — классное руководство"),
    ]


def test_a_new_thread_needs_a_granted_class_an_audience_a_title_and_a_text():
    wanted, errors = new_thread(
        {"class": "5a:math", "audience": "parents", "title": " Т ", "text": " x "}, CHOICES
    )
    assert errors == {}
    assert wanted is not None
    assert wanted.body(2026) == {
        "class_id": "5a",
        "subject_id": "math",
        "year": 2026,
        "to": {"pupils": "all", "audience": "parents"},
        "title": "Т",
        "text": "x",
    }
    refused, errors = new_thread(
        {"class": "5a:art", "audience": "all", "title": "", "text": "x" * 4001}, CHOICES
    )
    assert refused is None
    assert set(errors) == {"class", "audience", "title", "text"}


def test_replies_and_labels_are_checked_for_length_before_the_diary_is_asked():
    assert reply_errors({"text": "  "}) == {"text": reply_errors({})["text"]}
    assert reply_errors({"text": "x" * 4000}) == {}
    assert label_errors("x" * 60) == {}
    assert "label" in label_errors("x" * 61)
    assert "label" in label_errors(" ")


FIELDS = {"text": "text", "files": "files", "class_id": "class"}


def test_a_files_refusal_goes_beside_the_files_with_its_reason():
    errors = refusal_errors(415, "unsupported_attachment_type", [], FIELDS)

    assert errors is not None
    assert list(errors) == ["files"]
    assert errors["files"].endswith("(unsupported_attachment_type)")


def test_a_validation_refusal_goes_beside_the_member_it_names():
    errors = refusal_errors(
        422,
        "invalid_request",
        [{"loc": ["body", "files", 0, "filename"]}, {"loc": ["body", "class_id"]}],
        FIELDS,
    )

    assert errors is not None
    assert set(errors) == {"files", "class"}


def test_a_refusal_naming_no_field_is_about_the_whole_form():
    assert refusal_errors(422, "something_new", [{"loc": ["query", "x"]}], FIELDS) == {
        FORM: "Дневник не принял форму (something_new)."
    }


@pytest.mark.parametrize("status", [401, 403, 404, 409])
def test_a_refusal_that_is_not_about_the_form_is_left_to_the_refusal_page(status):
    assert refusal_errors(status, "no_grant", [], FIELDS) is None


def test_the_profile_previews_the_words_the_diary_shows():
    teacher = {
        "roles": ["teacher"],
        "classes": [
            {"class_id": "5a", "subject_id": None},
            {"class_id": "6b", "subject_id": "math", "subject_name": "Математика"},
            {"class_id": "7v", "subject_id": "math", "subject_name": "Математика"},
        ],
    }

    assert shown_as(teacher, None) == ["Классный руководитель", "Учитель — Математика"]
    assert shown_as({"roles": ["parent"]}, "мама Маши") == ["Родитель (мама Маши)"]
    assert shown_as({"roles": ["pupil"]}, None) == ["Ученик"]
