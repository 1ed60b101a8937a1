"""«Что нового»: how each change reads, what is new, and when the seen marker moves."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from services.portal.domain.news import marker_to_send, news_item, unseen
from services.portal.domain.periods import period_name

MOSCOW = ZoneInfo("Europe/Moscow")


def change(kind: str, old: str | None = None, new: str | None = None, **more):
    return {
        "change_id": 42,
        "kind": kind,
        "recorded_at": "2026-09-16T21:30:00+00:00",
        "lesson_id": "l1",
        "date": "2026-09-14",
        "subject_id": "math",
        "subject_name": "Математика",
        "class_id": "5a",
        "period_id": None,
        "old": old,
        "new": new,
        "work_kind_name": "Контрольная работа",
        "weight": "2.00",
        "due_on": None,
        **more,
    }


@pytest.mark.parametrize(
    ("kind", "old", "new", "headline", "details"),
    [
        ("mark_added", None, "5", "Новая оценка 5", ("Контрольная работа, вес 2",)),
        (
            "mark_corrected",
            "3",
            "4",
            "Оценка исправлена: было 3, стало 4",
            ("Контрольная работа, вес 2",),
        ),
        ("mark_removed", "3", None, "Оценка 3 отменена", ("Контрольная работа, вес 2",)),
        ("absence_added", None, "Н", "Пропуск: Н", ("отсутствовал(а), причина пока не указана",)),
        (
            "absence_changed",
            "Н",
            "Б",
            "Причина пропуска указана: было Н, стало Б",
            ("отсутствовал(а) по болезни",),
        ),
        ("absence_removed", "Н", None, "Отметка о пропуске снята (было Н)", ()),
        ("homework_set", None, "№ 5", "Новое домашнее задание", ("№ 5",)),
        ("homework_set", "№ 4", "№ 5", "Домашнее задание изменено", ("№ 5",)),
    ],
)
def test_each_change_reads_as_a_sentence(kind, old, new, headline, details):
    item = news_item(change(kind, old, new), 0, MOSCOW)

    assert item.headline == headline
    assert item.details == details
    assert item.subject == "Математика"
    assert item.lesson_day == "пн, 14 сентября"


def test_a_correction_says_what_it_was_and_what_it_became():
    assert news_item(change("mark_corrected", "3", "4"), 0, MOSCOW).change == "было 3, стало 4"
    assert news_item(change("mark_added", None, "4"), 0, MOSCOW).change is None


def test_homework_says_when_it_is_due():
    item = news_item(change("homework_set", None, "№ 5", due_on="2026-09-18"), 0, MOSCOW)

    assert item.details == ("№ 5", "сдать к пт, 18 сентября")


def test_a_period_mark_names_its_period():
    first = change("period_mark_set", None, "5", period_id="q1", date=None, lesson_id=None)
    corrected = {**first, "old": "4", "period_id": "year"}

    assert news_item(first, 0, MOSCOW).headline == "Оценка за период «1 четверть»: 5"
    assert news_item(first, 0, MOSCOW).lesson_day is None
    assert (
        news_item(corrected, 0, MOSCOW).headline
        == "Оценка за период «год» исправлена: было 4, стало 5"
    )


def test_the_time_of_a_change_is_the_school_s():
    assert news_item(change("mark_added", None, "5"), 0, MOSCOW).recorded == "17 сентября, 00:30"


def test_a_change_is_new_when_newer_than_the_marker():
    assert news_item(change("mark_added", None, "5"), 41, MOSCOW).is_new
    assert not news_item(change("mark_added", None, "5"), 42, MOSCOW).is_new
    assert unseen([{"change_id": 3}, {"change_id": 5}, {"change_id": 9}], 5) == 1


def test_the_marker_only_moves_forward():
    assert marker_to_send(9, 5) == 9
    assert marker_to_send(5, 5) is None
    assert marker_to_send(0, 5) is None


def test_an_unknown_kind_still_reads():
    assert news_item(change("something_new"), 0, MOSCOW).headline == "Изменение в дневнике"


def test_period_names_follow_the_usual_ids_and_prefer_the_school_s_own():
    assert period_name("q2") == "2 четверть"
    assert period_name("t3") == "3 триместр"
    assert period_name("h1") == "1 полугодие"
    assert period_name("final") == "итоговая"
    assert period_name("spring") == "spring"
    assert period_name("q1", "Осень") == "Осень"
