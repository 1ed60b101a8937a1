"""The family's subject page, «Что нового» with its seen marker and the menu's badge, and a
homework's files.

The diary is a fake standing in for its HTTP API (`family_world`); the app, its session, CSRF
check, templates and error pages are the real ones.
"""

from __future__ import annotations

from tests.unit.portal.family.family_world import (
    BASE,
    CHANGES,
    MINE,
    PROFILE,
    text_of,
)


async def test_the_subject_page_shows_the_marks_the_average_and_the_period_mark(parent, diary):
    page = await parent.get(f"/children/{MINE}/subjects/math", params={"period": "q1"})

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Средний балл (взвешенный): 4,33" in words
    assert 'data-average="4.33"' in page.text
    assert "Оценка за период «1 четверть»: 4" in words
    assert "5 пн, 14 сентября Контрольная работа, вес 2" in words
    assert "3 пн, 21 сентября Работа на уроке, вес 1" in words
    assert '<option value="year">весь год</option>' in page.text
    assert '<option value="q1" selected>1 четверть</option>' in page.text
    assert '<option value="q2">2 четверть</option>' in page.text  # every period of the school
    assert (f"{BASE}/pupils/{MINE}/subjects/math", {"period": "q1"}) in diary.asked


# ---------------------------------------------------------------- news


async def test_news_shows_a_correction_as_old_to_new_and_marks_what_is_new(parent):
    page = await parent.get("/news")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Оценка исправлена: было 3, стало 4" in words
    assert "Новая оценка 3" in words
    assert "Новая оценка 5" in words
    assert page.text.count('<span class="new-tag">новое</span>') == 2  # newer than 5_000_001
    assert "Новых изменений: 2." in words
    assert "Показаны последние" not in words  # all of them are shown
    assert "урок пн, 14 сентября" in words
    assert "Внесено 16 сентября, 14:03" in words  # Moscow time


async def test_viewing_the_news_moves_the_seen_marker_once_to_the_latest(parent, diary):
    await parent.get("/news")

    assert diary.sent == [
        ("PUT", f"/schools/s1/me/children/{MINE}/seen", {"up_to": 7_000_001}, "seen-7000001")
    ]
    assert (f"{BASE}/pupils/{MINE}/changes", {"after": "0", "limit": "100"}) in diary.asked


async def test_nothing_is_sent_when_everything_was_seen(parent, diary):
    seen = {**PROFILE["children"][0], "seen_up_to": 7_000_001}  # type: ignore[index]
    diary.gets[f"{BASE}/me/profile"] = {**PROFILE, "children": [seen]}

    page = await parent.get(f"/children/{MINE}/news")

    assert page.status_code == 200
    assert "новое</span>" not in page.text
    assert diary.sent == []


async def test_the_badge_counts_the_changes_after_the_marker(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/changes"] = {**CHANGES, "changes": CHANGES["changes"][:2]}  # type: ignore[index]

    badge = await parent.get("/news/badge")

    assert badge.status_code == 200
    assert text_of(badge.text).strip() == "2 новых изменений"
    assert (f"{BASE}/pupils/{MINE}/changes", {"after": "5000001", "limit": "100"}) in diary.asked
    assert "<html" not in badge.text


async def test_the_badge_is_empty_without_unseen_changes(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/changes"] = {**CHANGES, "changes": []}

    badge = await parent.get("/news/badge")

    assert badge.text.strip() == ""


async def test_family_pages_load_the_badge_lazily(parent):
    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert 'hx-get="/news/badge" hx-trigger="load"' in page.text


# ---------------------------------------------------------------- files


async def test_a_homework_file_is_passed_through_with_the_diary_s_name(parent):
    file = await parent.get("/files/att-1")

    assert file.status_code == 200
    assert file.content == b"%PDF-1.4"
    assert file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"] == "attachment; filename*=UTF-8''x.pdf"
    assert file.headers["x-content-type-options"] == "nosniff"


async def test_a_file_the_diary_does_not_give_is_not_found(parent):
    page = await parent.get("/files/att-2")

    assert page.status_code == 404
