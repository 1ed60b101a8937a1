"""A parent's e-diary on a phone (390×844) in Debian's Chromium, on the launched demo system.

- The parent labels the child, picks it, reads the week with a homework file the lesson's
  teacher attached through the journal (then a delta export), downloads the file; the subject
  page shows the weighted average the school's journal computes for that pupil; nothing
  scrolls sideways.
- A teacher records a mark and corrects it on the school side; after each delta export the
  parent's «Что нового» shows the new mark, then the correction as «было 3, стало 4», «новое».
- Withdrawing a parent's application makes that parent's next page load a refusal.
- A parent's page for another child is refused.

axe-core checks every page; the screenshots `portal-week-phone`, `portal-subject` and
`portal-news` go to docs/screenshots/. No request may leave the portal (`portal_page`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import httpx
from playwright.async_api import Page, expect

from deploy.launcher.markers import DiaryDemo, diary_demo_of
from deploy.launcher.state_secrets import pseudonym_key
from services.common.dev_tokens import DevTokenIssuer
from services.exporter.domain.pseudonym import Pseudonymiser
from tests.support.pages import assert_accessible, screenshot
from tests.support.portal import sign_in
from tests.support.waiting import eventually

SCHOOL, YEAR = "s1", 2026
JOURNAL_YEAR = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
DIARY_YEAR = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
PARENT_UID = 100001  # the demo's parent of its pupil in 5А
WEEK = dt.date(2026, 9, 14)  # a week of the demo's first term (Monday)
EXPORT_SECONDS = 60.0
FILE_TEXT = "Памятка: задачи 1–5 на стр. 42.".encode()
REFUSAL = "У вас нет доступа к этой странице."
SECOND_PARENT_UID = 733_201  # a UID the demo does not link


# ---------------------------------------------------------------- the system's APIs


async def call(system, api: str, method: str, path: str, token: str, **kwargs: Any) -> Any:
    """One call of a service's API; the JSON answer (2xx asserted)."""
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    async with httpx.AsyncClient(base_url=system.api_urls[api], timeout=60) as http:
        answer = await http.request(method, path, headers=headers, **kwargs)
    assert answer.is_success, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def staff_token(system, staff_id: str, role: str = "teacher") -> str:
    """A development token of a member of staff of the demo school."""
    return DevTokenIssuer(system.launched.dev_secret()).mint(staff_id, [role], SCHOOL)


def portal_token(system, uid: int, role: str = "parent") -> str:
    """A development token of a portal user."""
    return DevTokenIssuer(system.launched.dev_secret()).mint(f"uid{uid}", [role], SCHOOL, uid=uid)


def demo_of(system) -> DiaryDemo:
    demo = diary_demo_of(system.state)
    assert demo is not None, "the launcher did not export the demo to the e-diary"
    return demo


async def delta_export(system) -> None:
    """Run a delta export now and wait until the diary applied its batch."""
    admin = system.tokens["ADMIN_TOKEN"]
    run = await call(
        system,
        "exporter",
        "POST",
        f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs",
        admin,
        json={"kind": "delta"},
    )
    assert run["status"] in {"published", "empty"}, run
    if run["batch_id"] is None:  # nothing new to export
        return

    async def applied() -> None:
        batches = await call(system, "diary", "GET", f"{DIARY_YEAR}/batches", admin)
        batch = {b["batch_id"]: b for b in batches}.get(run["batch_id"])
        assert batch is not None
        assert batch["status"] == "applied", batch

    await eventually(applied, timeout=EXPORT_SECONDS, interval=0.5)


async def lesson_of_the_week(system, demo: DiaryDemo, index: int = 0) -> dict[str, Any]:
    """A lesson of the demo's subject in `WEEK` as the parent's diary shows it."""
    parent = portal_token(system, PARENT_UID)
    week = await call(
        system, "diary", "GET", f"{DIARY_YEAR}/pupils/{demo.pseudonym}/weeks/{WEEK}", parent
    )
    ours = [lesson for lesson in week["lessons"] if lesson["subject_id"] == demo.subject]
    assert len(ours) > index, f"no {demo.subject} lesson in the week of {WEEK}"
    lesson: dict[str, Any] = ours[index]
    return lesson


async def teacher_of(system, class_id: str, lesson_id: str) -> str:
    """The teacher of record of a lesson, as the journal says."""
    detail = await call(
        system,
        "journal",
        "GET",
        f"{JOURNAL_YEAR}/classes/{class_id}/lessons/{lesson_id}",
        system.tokens["ADMIN_TOKEN"],
    )
    teacher: str = detail["teacher"]["staff_id"]
    return teacher


def lesson_path(class_id: str, lesson_id: str) -> str:
    return f"{JOURNAL_YEAR}/classes/{class_id}/lessons/{lesson_id}"


async def no_sideways_scrolling(page: Page) -> None:
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide"


# ---------------------------------------------------------------- 1: the week, a file, a subject


async def test_a_parent_reads_the_week_on_a_phone_opens_a_file_and_sees_the_journal_s_average(
    system, portal_page: Page
):
    page, demo = portal_page, demo_of(system)
    lesson = await lesson_of_the_week(system, demo)
    teacher = staff_token(system, await teacher_of(system, lesson["class_id"], lesson["lesson_id"]))
    attached = await call(
        system,
        "journal",
        "POST",
        f"{lesson_path(lesson['class_id'], lesson['lesson_id'])}/homework/attachments",
        teacher,
        files={"file": ("памятка.txt", FILE_TEXT, "text/plain")},
    )
    await delta_export(system)

    await sign_in(page, system.portal_url, PARENT_UID, "parent")  # two children: the chooser
    await expect(page.get_by_role("heading", level=1)).to_have_text("Дневник")
    await assert_accessible(page)
    child = page.locator("li.child", has=page.locator(f"a[href^='/children/{demo.pseudonym}/']"))
    await child.get_by_label("Как называть ребёнка").fill("Маша")
    await child.get_by_role("button", name="Сохранить").click()
    await expect(page.get_by_role("status")).to_have_text("Сохранено.")
    await page.get_by_role("link", name=re.compile(r"^Маша, ")).click()
    await page.wait_for_url(re.compile(rf"/children/{demo.pseudonym}/week/"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Маша, ")

    await page.get_by_label("Неделя с датой").fill(lesson["date"])
    await page.get_by_role("button", name="Показать").click()
    await page.wait_for_url(f"**/children/{demo.pseudonym}/week/{WEEK}")
    card = page.locator(
        "li.lesson", has=page.locator(f"a[href='/files/{attached['attachment_id']}']")
    )
    await expect(card).to_have_count(1)
    await expect(card.locator(".time")).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    await expect(card.get_by_role("link", name="памятка.txt")).to_be_visible()
    await no_sideways_scrolling(page)
    await assert_accessible(page)
    await screenshot(page, "portal-week-phone", full_page=False)  # the first screen

    async with page.expect_download() as downloading:
        await card.get_by_role("link", name="памятка.txt").click()
    download = await downloading.value
    assert download.suggested_filename == "памятка.txt"
    assert (await (await page.context.request.get(
        f"{system.portal_url}/files/{attached['attachment_id']}"
    )).body()) == FILE_TEXT  # fmt: skip

    await card.locator(".subject a").click()
    await page.wait_for_url(re.compile(rf"/subjects/{demo.subject}"))
    await page.get_by_label("Период").select_option("year")
    await page.get_by_role("button", name="Показать").click()
    await page.wait_for_url(re.compile(r"\?period=year$"))
    shown = await page.locator(".average .value").get_attribute("data-average")
    assert shown == await journal_average(system, demo)
    await no_sideways_scrolling(page)
    await assert_accessible(page)
    await screenshot(page, "portal-subject")


async def journal_average(system, demo: DiaryDemo) -> str:
    """The school-side weighted average of the pupil in the subject over the whole year, from
    the journal's class grid (its own averaging), with two decimals."""
    parent = portal_token(system, PARENT_UID)
    year = await call(
        system,
        "diary",
        "GET",
        f"{DIARY_YEAR}/pupils/{demo.pseudonym}/subjects/{demo.subject}",
        parent,
        params={"period": "year"},
    )
    grid = await call(
        system,
        "journal",
        "GET",
        f"{JOURNAL_YEAR}/classes/{demo.class_id}/subjects/{demo.subject}/grid",
        system.tokens["DEPUTY_TOKEN"],
        params={"from": year["starts_on"], "to": year["ends_on"]},
    )
    row = next(r for r in grid["rows"] if r["pupil_id"] == demo.pupil)
    assert row["average"] is not None, "the demo pupil has no mark in the subject"
    return f"{Decimal(str(row['average'])):.2f}"


# ---------------------------------------------------------------- 2: «Что нового»


async def test_a_mark_and_its_correction_reach_the_parent_s_news(system, portal_page: Page):
    page, demo = portal_page, demo_of(system)
    lesson = await lesson_of_the_week(system, demo, index=1)
    path = lesson_path(lesson["class_id"], lesson["lesson_id"])
    teacher = staff_token(system, await teacher_of(system, lesson["class_id"], lesson["lesson_id"]))
    await sign_in(page, system.portal_url, PARENT_UID, "parent")
    await page.goto(f"{system.portal_url}/news")  # everything so far is seen now
    await expect(page.get_by_role("heading", level=1)).to_have_text("Что нового")

    recorded = await call(
        system,
        "journal",
        "POST",
        f"{path}/marks",
        teacher,
        json={"pupil_id": demo.pupil, "value": "3", "work_kind_id": "classwork"},
    )
    await delta_export(system)
    await page.goto(f"{system.portal_url}/children/{demo.pseudonym}/week/{WEEK}")
    await expect(page.locator("a[href='/news'] .badge")).to_be_visible()  # loaded lazily
    await page.goto(f"{system.portal_url}/news")
    feed = page.locator(f"section[aria-labelledby='feed-{demo.pseudonym}']")
    first = feed.locator("li.news-item").first
    await expect(first).to_contain_text("Новая оценка 3")
    await expect(first.locator(".new-tag")).to_have_text("новое")
    await assert_accessible(page)

    await call(
        system,
        "journal",
        "POST",
        f"{path}/marks/{recorded['mark_id']}/correct",
        teacher,
        json={"value": "4", "work_kind_id": "classwork", "reason": "ошибка при вводе"},
    )
    await delta_export(system)
    await page.reload()
    first = feed.locator("li.news-item").first
    await expect(first).to_contain_text("Оценка исправлена: было 3, стало 4")
    await expect(first.locator(".new-tag")).to_have_text("новое")
    added = feed.locator("li.news-item", has_text="Новая оценка 3").first
    await expect(added.locator(".new-tag")).to_have_count(0)  # seen on the last visit
    await no_sideways_scrolling(page)
    await assert_accessible(page)
    await screenshot(page, "portal-news")


# ---------------------------------------------------------------- 3 and 4: refusals


async def test_withdrawing_the_application_refuses_the_parent_s_next_page_load(
    system, portal_page: Page
):
    page, demo = portal_page, demo_of(system)
    application = await approved_application(system, demo, SECOND_PARENT_UID)
    await sign_in(page, system.portal_url, SECOND_PARENT_UID, "parent")
    week = f"{system.portal_url}/children/{demo.pseudonym}/week/{WEEK}"
    answer = await page.goto(week)
    assert answer is not None
    assert answer.status == 200
    await assert_accessible(page)

    await call(
        system,
        "enrollment",
        "POST",
        f"/enrollment/v1/schools/{SCHOOL}/applications/{application}/withdraw",
        system.tokens["ADMIN_TOKEN"],
        json={"requested_by": "parent", "reason": "заявление отозвано родителем"},
    )
    await sync_grants(system)

    async def refused() -> None:
        again = await page.goto(week)
        assert again is not None
        assert again.status == 403

    await eventually(refused, timeout=EXPORT_SECONDS, interval=1.0)
    await expect(page.get_by_role("heading", level=1)).to_have_text(REFUSAL)
    await expect(page.locator("li.lesson")).to_have_count(0)
    await assert_accessible(page)


async def approved_application(system, demo: DiaryDemo, uid: int) -> str:
    """A father's application for the demo pupil, checked and approved; once the diary
    shows `uid` the child, the application's id."""
    admin = system.tokens["ADMIN_TOKEN"]
    base = f"/enrollment/v1/schools/{SCHOOL}/applications"
    body = {
        "pupil_id": demo.pupil,
        "uid": uid,
        "relation": "parent",
        "applicant_name": "Петров Сергей Иванович",
        "kinship": "father",
    }
    submitted = await call(system, "enrollment", "POST", base, admin, json=body)
    application: str = submitted["application_id"]
    staff = await call(system, "enrollment", "GET", f"/enrollment/v1/schools/{SCHOOL}/staff", admin)
    checker = staff[0]["staff_id"]
    await call(
        system, "enrollment", "POST", f"{base}/{application}/passport-check", admin,
        json={"checked_by": checker},
    )  # fmt: skip
    await call(system, "enrollment", "POST", f"{base}/{application}/approve", admin, json={})
    await sync_grants(system)

    async def linked() -> None:
        mine = await call(
            system, "diary", "GET", f"{DIARY_YEAR}/me/profile", portal_token(system, uid)
        )
        assert [c["pupil"] for c in mine["children"]] == [demo.pseudonym]

    await eventually(linked, timeout=EXPORT_SECONDS, interval=0.5)
    return application


async def sync_grants(system) -> None:
    await call(
        system,
        "exporter",
        "POST",
        f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/grants/sync",
        system.tokens["ADMIN_TOKEN"],
    )


async def test_a_parent_s_page_for_another_child_is_refused(system, portal_page: Page):
    page, demo = portal_page, demo_of(system)
    pupils = await call(
        system, "journal", "GET", f"{JOURNAL_YEAR}/pupils", system.tokens["ADMIN_TOKEN"]
    )
    classmate = next(
        p["pupil_id"]
        for p in pupils["pupils"]
        if p["class_id"] == demo.class_id and p["pupil_id"] != demo.pupil
    )
    other = Pseudonymiser(pseudonym_key(system.state).encode()).of(classmate)
    await sign_in(page, system.portal_url, PARENT_UID, "parent")

    for path in (f"week/{WEEK}", f"day/{WEEK}", f"subjects/{demo.subject}", "news"):
        answer = await page.goto(f"{system.portal_url}/children/{other}/{path}")
        assert answer is not None
        assert answer.status == 403, path
        await expect(page.get_by_role("heading", level=1)).to_have_text(REFUSAL)
    await assert_accessible(page)
