"""Signing in to the portal and out, in Debian's Chromium on a phone (390×844), against the
launched system with the demo school.

The development sign-in page lists the demo's portal users from the diary's grants (the parent
of two children, the pupil, a subject teacher's and the class teacher's UIDs); the parent lands
on the child chooser with both children; signing out ends the session; the school web's session
never opens a portal page and the portal's never opens a school page (one host, two cookies,
two secrets). The sign-in page passes axe-core. No request leaves the portal (`portal_page`).
The OpenID Connect sign-in is tested against a real provider in
tests/integration/portal/test_oidc.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import expect

from tests.support.pages import assert_accessible, screenshot
from tests.support.portal import sign_in
from tests.support.web import sign_in as sign_in_at_school

PORTAL_COOKIE = "diary_session"
SCHOOL_COOKIE = "school_session"
DEMO_USERS = ("parent:100001", "pupil:100002", "teacher:200001", "teacher:200002")


def path_of(url: str) -> str:
    return urlsplit(url).path


async def cookie_names(page) -> set[str]:
    return {c["name"] for c in await page.context.cookies()}


async def test_the_signin_page_lists_the_demos_portal_users_and_is_accessible(system, portal_page):
    response = await portal_page.goto(f"{system.portal_url}/signin")

    assert response is not None
    assert response.status == 200
    await expect(portal_page.get_by_role("heading", level=1)).to_have_text(
        "Вход в электронный дневник"
    )
    for value in DEMO_USERS:
        await expect(portal_page.locator(f"select#user option[value='{value}']")).to_have_count(1)
    # The demo parent has two children in two classes: both appear beside their UID.
    parent = await portal_page.locator("select#user option[value='parent:100001']").inner_text()
    assert "5a" in parent
    assert "2a" in parent
    await expect(portal_page.get_by_label("Пользователь портала")).to_be_visible()
    await assert_accessible(portal_page)
    await screenshot(portal_page, "portal-signin")


async def test_a_parent_of_two_lands_on_the_child_chooser(system, portal_page):
    await sign_in(portal_page, system.portal_url, 100001, "parent")

    assert path_of(portal_page.url) == "/children"
    await expect(portal_page.locator("header .who")).to_contain_text("UID 100001")
    await expect(portal_page.locator("main li.child")).to_have_count(2)
    await expect(portal_page.locator("main")).to_contain_text("5А")
    await expect(portal_page.locator("main")).to_contain_text("2А")


async def test_signing_out_ends_the_session(system, portal_page):
    await sign_in(portal_page, system.portal_url, 100001, "parent")

    await portal_page.get_by_role("button", name="Выйти").click()

    await portal_page.wait_for_url(f"{system.portal_url}/signin")
    assert PORTAL_COOKIE not in await cookie_names(portal_page)
    await portal_page.goto(f"{system.portal_url}/children")
    assert path_of(portal_page.url) == "/signin"
    await expect(portal_page.locator("select#user")).to_be_visible()


async def test_a_school_session_does_not_open_a_portal_page(system, page):
    # `page`, not `portal_page`: this test visits both addresses on purpose. One host: the
    # browser sends the school's cookie to the portal too, which must not take it.
    await sign_in_at_school(page, system.web_url, "adm1", "admin")
    school = next(c for c in await page.context.cookies() if c["name"] == SCHOOL_COOKIE)

    await page.goto(f"{system.portal_url}/children")
    assert path_of(page.url) == "/signin"

    # Nor does its value under the portal's cookie name (another secret, another purpose).
    await page.context.add_cookies([{**school, "name": PORTAL_COOKIE}])
    await page.goto(f"{system.portal_url}/children")
    assert path_of(page.url) == "/signin"


async def test_a_portal_session_does_not_open_a_school_page(system, page):
    await sign_in(page, system.portal_url, 100001, "parent")
    portal = next(c for c in await page.context.cookies() if c["name"] == PORTAL_COOKIE)

    await page.goto(f"{system.web_url}/journal")
    assert path_of(page.url) == "/signin"

    await page.context.add_cookies([{**portal, "name": SCHOOL_COOKIE}])
    await page.goto(f"{system.web_url}/journal")
    assert path_of(page.url) == "/signin"
