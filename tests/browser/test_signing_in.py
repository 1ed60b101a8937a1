"""Signing in and out through the development sign-in page, in Debian's Chromium.

A member of staff picks themselves and a role, lands on their start page (the administrator on
the journal, a teacher on their day) and sees their name in the header; signing out ends the
session for good; a session cookie edited by one character is not accepted. The pages involved
pass axe-core (WCAG 2 A/AA, nothing serious or critical). The HTTP-level protections (CSRF,
expiry, other origins, login CSRF, open redirects) are tested in-process in
tests/integration/web/test_session.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import expect

from tests.support.web import assert_accessible, screenshot, sign_in, stream_messages

SCHOOL, YEAR = "s1", 2026
SESSION_COOKIE = "school_session"


async def full_name(system, staff_id: str) -> str:
    """The name the journal's roster gives a member of staff (what the header shows)."""
    token = system.tokens["ADMIN_TOKEN"]
    url = f"{system.api_urls['journal']}/journal/v1/schools/{SCHOOL}/years/{YEAR}/roster"
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    names = {m["staff_id"]: m["full_name"] for m in response.json()["staff"]}
    return names[staff_id]


def path_of(url: str) -> str:
    return urlsplit(url).path


async def test_signin_page_lists_the_staff_and_is_accessible(system, page):
    response = await page.goto(f"{system.web_url}/signin")
    assert response is not None
    assert response.status == 200
    await expect(page.get_by_role("heading", level=1)).to_have_text("Вход в школьный журнал")
    await expect(page.locator("select#staff_id option[value='adm1']")).to_have_count(1)
    await expect(page.locator("select#staff_id option[value='t015']")).to_have_count(1)
    await expect(page.get_by_label("Сотрудник")).to_be_visible()
    await expect(page.get_by_label("Роль")).to_be_visible()
    await assert_accessible(page)
    await screenshot(page, "signin")


@pytest.mark.parametrize(
    ("staff_id", "role", "start"),
    [("adm1", "admin", "/journal"), ("t015", "teacher", "/day")],
)
async def test_staff_land_on_their_start_page_with_their_name(system, page, staff_id, role, start):
    name = await full_name(system, staff_id)
    await sign_in(page, system.web_url, staff_id, role)
    assert path_of(page.url) == start
    await expect(page.locator("header .who")).to_contain_text(name)
    # The address of the school web leads to the same start page, which answers a page.
    response = await page.goto(f"{system.web_url}/")
    assert response is not None
    assert path_of(page.url) == start
    assert response.status == 200, f"{start} answered {response.status}"
    await assert_accessible(page)


async def test_signing_out_ends_the_session(system, page):
    recorded = await stream_messages(system.nats_url, "jrn.>")
    await sign_in(page, system.web_url, "t015", "teacher")
    await page.get_by_role("button", name="Выйти").click()
    await page.wait_for_url(f"{system.web_url}/signin")
    assert await stream_messages(system.nats_url, "jrn.>") == recorded  # nothing written
    await expect(page.locator("select#staff_id")).to_be_visible()
    cookies = await page.context.cookies()
    assert SESSION_COOKIE not in {c["name"] for c in cookies}
    # The start page now asks to sign in (and comes back to it afterwards).
    await page.goto(f"{system.web_url}/day")
    assert path_of(page.url) == "/signin"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/day"]
    await page.goto(f"{system.web_url}/")
    assert path_of(page.url) == "/signin"


async def test_a_session_cookie_edited_by_one_character_is_refused(system, page):
    await sign_in(page, system.web_url, "adm1", "admin")
    context = page.context
    (cookie,) = [c for c in await context.cookies() if c["name"] == SESSION_COOKIE]
    value = cookie["value"]
    middle = len(value) // 4  # inside the signed content, not the signature's last bits
    edited = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    await context.clear_cookies()
    await context.add_cookies([{**cookie, "value": edited}])
    await page.goto(f"{system.web_url}/journal")
    assert path_of(page.url) == "/signin"
    assert parse_qs(urlsplit(page.url).query)["next"] == ["/journal"]
    await expect(page.locator("header .who")).to_have_count(0)
