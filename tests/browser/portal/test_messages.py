"""Messages on the portal in Debian's Chromium, on phones (390×844), against the launched demo.

The parent labels themselves on «Профиль» («мама Маши»). The demo's subject teacher's UID
writes to the parents of 5А with a PDF of tasks attached; the parent's menu badge goes up by
one, the parent opens the thread (placed as «5А · <предмет>», the teacher shown as «Учитель —
<предмет>», never a UID, with the notice that the messages are not official correspondence),
downloads the teacher's file, and the badge goes down again; the parent replies with a PDF;
the teacher's badge goes up, the teacher reads «Родитель (мама Маши)», downloads the file, and
the teacher's badge goes down. axe-core checks every page; the screenshot
`portal-messages` (the parent's thread on a phone) goes to docs/screenshots/. No request may
leave the portal (`new_portal_page`).
"""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.async_api import Locator, Page, expect

from deploy.launcher.markers import diary_demo_of
from services.common.dev_tokens import DevTokenIssuer
from tests.browser.portal.conftest import NewPortalPage
from tests.support.pages import assert_accessible, screenshot
from tests.support.portal import sign_in
from tests.support.waiting import eventually

SCHOOL = "s1"
PARENT_UID, TEACHER_UID = 100001, 200001  # the demo's parent in 5А, the subject teacher of 5А
NOTICE = (
    "Сообщения в электронном дневнике не являются официальной перепиской образовательной "
    "организации."
)
PDF = b"%PDF-1.4\n% a reply of the browser test\n%%EOF\n"
TASKS = b"%PDF-1.4\n% the tasks the teacher sends with the first message\n%%EOF\n"
VIEW_SECONDS = 30.0


async def unread_of(system, uid: int, role: str) -> int:
    """What the diary counts unread for a portal user (the badge must say the same)."""
    token = DevTokenIssuer(system.launched.dev_secret()).mint(f"uid{uid}", [role], SCHOOL, uid=uid)
    async with httpx.AsyncClient(base_url=system.api_urls["diary"], timeout=30) as http:
        answer = await http.get(
            f"/diary/v1/schools/{SCHOOL}/messages/unread",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["unread"]
    return count


async def badge_of(page: Page) -> int:
    """The menu's unread count once htmx has loaded it (0: no badge)."""
    link = page.locator("header nav a[href='/messages']")
    await expect(link.locator("span[hx-get]")).to_have_count(0)  # the fragment arrived
    badge = link.locator(".badge")
    if not await badge.count():
        return 0
    found = re.match(r"\d+", (await badge.inner_text()).strip())
    assert found, await badge.inner_text()
    return int(found.group())


async def downloaded(page: Page, portal: str, link: Locator) -> bytes:
    """Click a file's link: the browser downloads it under the file's name; its bytes."""
    name = await link.inner_text()
    async with page.expect_download() as downloading:
        await link.click()
    download = await downloading.value
    assert download.suggested_filename == name
    href = await link.get_attribute("href")
    return await (await page.context.request.get(f"{portal}{href}")).body()


async def badge_becomes(page: Page, path: str, expected: int) -> None:
    """Reload `path` until the menu's badge says `expected` (the diary's list and counts follow
    its messages' projection, a moment after a post)."""

    async def shown() -> None:
        await page.goto(path)
        assert await badge_of(page) == expected

    await eventually(shown, timeout=VIEW_SECONDS, interval=0.5)


async def test_a_teacher_writes_with_a_file_and_the_parent_replies_with_a_file(
    system, new_portal_page: NewPortalPage
):
    demo = diary_demo_of(system.state)
    assert demo is not None, "the launcher did not export the demo to the e-diary"
    title = f"Контрольная в четверг {uuid.uuid4().hex[:6]}"
    parent, teacher = await new_portal_page(), await new_portal_page()
    portal = system.portal_url
    await sign_in(parent, portal, PARENT_UID, "parent")
    await sign_in(teacher, portal, TEACHER_UID, "teacher")
    parent_before = await unread_of(system, PARENT_UID, "parent")
    teacher_before = await unread_of(system, TEACHER_UID, "teacher")

    # The parent says how the others should see them.
    await parent.goto(f"{portal}/profile")
    await parent.get_by_label("Подпись после роли").fill("мама Маши")
    await parent.get_by_role("button", name="Сохранить").click()
    await expect(parent.get_by_role("status")).to_have_text("Сохранено.")
    await expect(parent.locator(".shown-as")).to_contain_text("Родитель (мама Маши)")
    await assert_accessible(parent)

    # The teacher writes to the parents of the class, about their subject.
    await teacher.goto(f"{portal}/messages")
    await expect(teacher.locator(".official")).to_have_text(NOTICE)
    await teacher.get_by_role("link", name="Написать классу").click()
    await teacher.wait_for_url(f"{portal}/messages/new")
    await assert_accessible(teacher)
    await teacher.get_by_label("Класс", exact=True).select_option(f"{demo.class_id}:{demo.subject}")
    await teacher.get_by_label("Родителям", exact=True).check()
    await teacher.get_by_label("Тема", exact=True).fill(title)
    await teacher.get_by_label("Сообщение", exact=True).fill("Повторите дроби, страницы 10–12.")
    await teacher.get_by_label("Файлы", exact=True).set_input_files(
        [{"name": "задачи.pdf", "mimeType": "application/pdf", "buffer": TASKS}]
    )
    await teacher.get_by_role("button", name="Отправить").click()
    await teacher.wait_for_url(re.compile(r"/messages/[^/]+$"))
    thread_path = teacher.url.removeprefix(portal)
    await expect(teacher.get_by_role("heading", level=1)).to_have_text(title)
    await expect(teacher.locator(".message .author")).to_have_text(["Вы"])
    await expect(teacher.locator(".message").get_by_role("link", name="задачи.pdf")).to_be_visible()

    # The parent's badge goes up by one; the thread is in their list.
    await badge_becomes(parent, f"{portal}/messages", parent_before + 1)
    assert await unread_of(system, PARENT_UID, "parent") == parent_before + 1
    await parent.get_by_role("link", name=title).click()
    await parent.wait_for_url(f"{portal}{thread_path}")
    first = parent.locator(".message").first
    author = await first.locator(".author").inner_text()
    assert author.startswith("Учитель — "), author
    assert not re.search(r"\d{4,}", author)  # never a bare UID
    subject_name = author.removeprefix("Учитель — ")
    await expect(parent.locator("p.where")).to_contain_text(f" · {subject_name}")
    await expect(parent.locator(".official")).to_have_text(NOTICE)
    await expect(first.locator(".new")).to_have_text("новое")  # unread when opened
    tasks = first.get_by_role("link", name="задачи.pdf")
    assert await downloaded(parent, portal, tasks) == TASKS

    # Opening it marked it read: the badge goes down again.
    await badge_becomes(parent, f"{portal}{thread_path}", parent_before)

    # The parent replies with a file.
    await parent.get_by_label("Сообщение", exact=True).fill("Спасибо! Прикладываю решение.")
    await parent.get_by_label("Файлы", exact=True).set_input_files(
        [{"name": "решение.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    await parent.get_by_role("button", name="Отправить").click()
    await parent.wait_for_url(re.compile(rf"{re.escape(thread_path)}#m2$"))
    mine = parent.locator(".message.mine")
    await expect(mine.locator(".author")).to_have_text("Вы")
    await expect(mine.get_by_role("link", name="решение.pdf")).to_be_visible()
    width = await parent.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the thread is {width}px wide"
    await assert_accessible(parent)
    await screenshot(parent, "portal-messages")

    # The teacher's badge goes up; they read the parent by label and take the file.
    await badge_becomes(teacher, f"{portal}/messages", teacher_before + 1)
    await teacher.goto(f"{portal}{thread_path}")
    reply = teacher.locator(".message").nth(1)
    await expect(reply.locator(".author")).to_have_text("Родитель (мама Маши)")
    await expect(reply.locator(".text")).to_have_text("Спасибо! Прикладываю решение.")
    assert await downloaded(teacher, portal, reply.get_by_role("link", name="решение.pdf")) == PDF
    await assert_accessible(teacher)
    await badge_becomes(teacher, f"{portal}/messages", teacher_before)
    await assert_accessible(teacher)


async def test_a_parent_cannot_start_a_thread(system, portal_page: Page):
    await sign_in(portal_page, system.portal_url, PARENT_UID, "parent")

    response = await portal_page.goto(f"{system.portal_url}/messages/new")

    assert response is not None
    assert response.status == 403
    await expect(portal_page.get_by_role("heading", level=1)).to_have_text(
        "У вас нет доступа к этой странице."
    )
    await assert_accessible(portal_page)
