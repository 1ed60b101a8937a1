"""A parent's application in Debian's Chromium: the administrator (adm1) records it for a demo
pupil, approving too early is refused beside the form with nothing changed, the printed form
downloads as a PDF, the passport check is marked, the application is approved and shows the
parent's link, as the enrollment says too. A teacher opening the administrator's pages gets the
refusal page (403) from the APIs' refusal. Every administrator's page passes axe-core.
"""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from tests.support.waiting import eventually
from tests.support.web import assert_accessible, screenshot, sign_in

SCHOOL, YEAR = "s1", 2026
PARENT_UID = 733_001  # the demo links UIDs 100001 and 100002 only
PARENT = "Соколова Ирина Павловна"
PASSPORT_CHECKER = "t023"  # a member of staff of the demo, not the one signed in
ADMIN_PAGES = (
    "/admin/roster",
    "/admin/roster/5a",
    "/admin/staff",
    "/admin/applications",
    "/admin/exports",
    "/admin/exports/check",
    "/admin/periods",
    "/admin/rollover",
    "/admin/erasures",
)
REFUSAL_TEXT = "У вас нет доступа к этой странице."


def enrollment(system, path: str) -> str:
    return f"{system.api_urls['enrollment']}/enrollment/v1/schools/{SCHOOL}{path}"


async def admin_get(system, url: str, params=None):
    headers = {"Authorization": f"Bearer {system.tokens['ADMIN_TOKEN']}"}
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def a_pupil_without_applications(system) -> dict:
    """A pupil of 5Б (the journal's list) for whom the enrollment has no application yet."""
    pupils = await admin_get(
        system, f"{system.api_urls['journal']}/journal/v1/schools/{SCHOOL}/years/{YEAR}/pupils"
    )
    for pupil in (p for p in pupils["pupils"] if p["class_id"] == "5b"):
        found = await admin_get(
            system, enrollment(system, "/applications"), {"pupil": pupil["pupil_id"]}
        )
        if not found:
            return pupil
    raise AssertionError("every pupil of 5Б has an application")


async def test_the_administrator_records_prints_checks_and_approves_an_application(
    system, page: Page
):
    pupil = await a_pupil_without_applications(system)
    await sign_in(page, system.web_url, "adm1", "admin")
    await page.goto(f"{system.web_url}/admin/applications")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Заявления на доступ к электронному дневнику"
    )
    await assert_accessible(page)

    form = page.locator(
        "form[action^='/admin/applications']",
        has=page.get_by_role("button", name="Записать заявление"),
    )
    await form.get_by_label("Ученик", exact=True).select_option(pupil["pupil_id"])
    await form.get_by_label("Кто подаёт заявление", exact=True).select_option("parent")
    await form.get_by_label("ФИО заявителя (по паспорту)").fill(PARENT)
    await form.get_by_label(re.compile("^Кем приходится ученику")).select_option("mother")
    await form.get_by_label("UID учётной записи на портале").fill(str(PARENT_UID))
    await form.get_by_label(re.compile("^Телефон или электронная почта")).fill("+7 900 123-45-67")
    await form.get_by_role("button", name="Записать заявление").click()
    await page.wait_for_url(re.compile(r"/admin/applications/[^/?]+\?done=recorded"))
    application_id = page.url.split("/admin/applications/")[1].split("?")[0]
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Заявление: {PARENT}")
    await expect(page.get_by_role("status")).to_contain_text("Заявление записано.")
    await expect(page.locator("main")).to_contain_text(pupil["full_name"])
    await expect(page.locator("main .status")).to_have_text("подано")
    await assert_accessible(page)

    # Approving before the passport check: the enrollment refuses, shown beside the form.
    approve = page.get_by_role("button", name="Одобрить заявление")
    async with page.expect_response(re.compile(r"/approve$")) as answered:
        await approve.click()
    assert (await answered.value).status == 409
    alert = page.locator("#approve-refusal")
    await expect(alert).to_contain_text("Сначала отметьте проверку паспорта.")
    await expect(alert).to_contain_text("not_checked")
    await expect(page.locator("main .status")).to_have_text("подано")
    await assert_accessible(page)

    # The printed form downloads as the enrollment's PDF.
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Скачать бланк (PDF)").click()
    download = await downloading.value
    assert download.suggested_filename == f"application-{application_id}.pdf"
    content = (await download.path()).read_bytes()
    assert content.startswith(b"%PDF-")

    await page.get_by_label("Кто проверил паспорт").select_option(PASSPORT_CHECKER)
    await page.get_by_role("button", name="Паспорт проверен").click()
    await page.wait_for_url(re.compile(r"done=passport-check"))
    await expect(page.locator("main .status")).to_have_text("паспорт проверен")
    await expect(page.locator("main")).to_contain_text("проверил(а) Федотова Нина Сергеевна")

    await page.get_by_role("button", name="Одобрить заявление").click()
    await page.wait_for_url(re.compile(r"done=approve"))
    await expect(page.get_by_role("status")).to_contain_text("Заявление одобрено")
    await expect(page.locator("main .status")).to_have_text("одобрено")
    await expect(page.locator("#link-state")).to_contain_text("Доступ к дневнику открыт с")
    await expect(page.get_by_role("heading", name="Прекратить доступ")).to_be_visible()
    await assert_accessible(page)

    async def linked_in_the_enrollment() -> None:
        found = await admin_get(system, enrollment(system, f"/applications/{application_id}"))
        assert (found["status"], found["uid"], found["checked_by"]) == (
            "approved",
            PARENT_UID,
            PASSPORT_CHECKER,
        )
        assert found["linked_from"] is not None

    await eventually(linked_in_the_enrollment, timeout=10)

    await page.goto(f"{system.web_url}/admin/applications?status=approved")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=PARENT))
    await expect(row).to_contain_text(pupil["full_name"])
    await expect(row).to_contain_text(str(PARENT_UID))
    await expect(row.locator(".status")).to_have_text("одобрено")
    await assert_accessible(page)
    await screenshot(page, "admin-applications")


async def test_every_administrators_page_opens_for_the_administrator_and_is_accessible(
    system, page: Page
):
    await sign_in(page, system.web_url, "adm1", "admin")
    for path in ADMIN_PAGES:
        response = await page.goto(f"{system.web_url}{path}")
        assert response is not None
        assert response.status == 200, path
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await assert_accessible(page)


async def test_a_teacher_gets_the_refusal_page_on_the_administrators_pages(system, page: Page):
    await sign_in(page, system.web_url, "t015", "teacher")
    for path in ADMIN_PAGES:
        response = await page.goto(f"{system.web_url}{path}")
        assert response is not None
        assert response.status == 403, path
        await expect(page.get_by_role("heading", level=1)).to_have_text(REFUSAL_TEXT)
        await expect(page.locator("main")).to_contain_text("role_not_allowed")
        await expect(page.locator("main")).not_to_contain_text("Записать")
    await assert_accessible(page)
