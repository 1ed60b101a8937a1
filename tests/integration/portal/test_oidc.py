"""Signing in to the portal through a real OpenID Connect provider (see conftest.py): the
portal's own client at the city's provider, the claims mapped to a portal UID with its portal
roles at this portal's school, never to a name; the flow's protections themselves (state, PKCE
verifier, nonce, the provider's errors) are shared with the school web and tested there in
depth (tests/integration/web/test_oidc.py), and here once each where the portal's own wiring
could break them.
"""

from __future__ import annotations

import html
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from services.common.webapp.oidc_flow import CALLBACK_PATH
from services.portal.entrypoints.http import SESSION_COOKIE
from services.portal.entrypoints.oidc_routes import FLOW_COOKIE
from services.web.entrypoints.http import SESSION_COOKIE as SCHOOL_COOKIE
from tests.support import oidc
from tests.support.oidc import refusal_reason, with_query
from tests.support.oidc_steps import assert_flow_cookie, sign_out, start

pytestmark = pytest.mark.integration


async def sign_in(
    http: httpx.AsyncClient, stack, login: str, next_page: str = ""
) -> httpx.Response:
    """The whole sign-in at the portal; its answer to the callback."""
    authorization = await start(http, stack.portal_url, stack.issuer, next_page)
    callback = await oidc.through_provider(http, stack.portal_url, authorization, login)
    return await http.get(callback)


async def test_the_sign_in_page_offers_the_citys_account(stack, http):
    page = await http.get(f"{stack.portal_url}/signin")

    assert page.status_code == 200
    assert 'href="/signin/oidc"' in page.text
    assert "Войти через городскую учётную запись" in page.text
    assert "Демонстрационный вход" not in page.text  # PORTAL_DEV_SIGN_IN is off


async def test_a_parent_signs_in_by_uid_and_lands_on_the_children(stack, http):
    authorization = await start(http, stack.portal_url, stack.issuer)
    query = parse_qs(urlsplit(authorization).query)
    assert query["client_id"] == ["portal"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid portal"]  # no `profile`: the portal reads no name
    assert query["redirect_uri"] == [stack.portal_url + CALLBACK_PATH]

    callback = await oidc.through_provider(http, stack.portal_url, authorization, "parent1")
    response = await http.get(callback)

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/children"
    principal, name = stack.session(http)
    assert (principal.user_id, principal.uid, principal.roles, principal.school) == (
        "uid100001",
        100001,
        frozenset({"parent"}),
        "s1",
    )
    assert name == "Родитель · UID 100001"
    assert "Ильина" not in http.cookies[SESSION_COOKIE]  # the provider sent a name: not kept
    assert FLOW_COOKIE not in http.cookies  # one sign-in, one callback
    assert SCHOOL_COOKIE not in http.cookies


async def test_a_uid_sent_as_digits_and_roles_as_one_string_are_understood(stack, http):
    response = await sign_in(http, stack, "pupil2")

    assert (response.status_code, response.headers["location"]) == (303, "/children")
    principal, name = stack.session(http)
    assert (principal.uid, principal.roles) == (100002, frozenset({"pupil"}))
    assert name == "Ученик · UID 100002"


async def test_only_the_portal_roles_are_kept_and_the_person_goes_back_where_they_were(stack, http):
    response = await sign_in(http, stack, "teacherparent", next_page="/messages")

    assert (response.status_code, response.headers["location"]) == (303, "/messages")
    principal, name = stack.session(http)
    assert principal.roles == frozenset({"parent", "teacher"})  # "deputy" is not a portal role
    assert name == "Родитель, Учитель · UID 200001"


@pytest.mark.parametrize(
    ("login", "reason", "words"),
    [
        ("nouid", "oidc_no_uid", "номер пользователя портала"),
        ("baduid", "oidc_no_uid", "номер пользователя портала"),
        ("staffonly", "oidc_no_portal_role", "нет роли родителя, ученика или учителя"),
        ("otherschool", "oidc_other_school", "другой школе"),
        ("t015", "oidc_no_uid", "номер пользователя портала"),  # a member of staff's account
    ],
)
async def test_an_account_the_portal_does_not_serve_is_refused(stack, http, login, reason, words):
    response = await sign_in(http, stack, login)

    assert response.status_code == 403
    assert refusal_reason(response) == reason
    assert "Войти не удалось" in response.text
    assert words in response.text
    assert SESSION_COOKIE not in http.cookies


async def test_the_portals_sign_in_state_travels_in_its_own_short_lived_signed_cookie(stack, http):
    response = await http.get(f"{stack.portal_url}/signin/oidc")

    assert_flow_cookie(response, FLOW_COOKIE)


async def test_a_tampered_state_is_refused(stack, http):
    authorization = await start(http, stack.portal_url, stack.issuer)
    callback = await oidc.through_provider(http, stack.portal_url, authorization, "parent1")

    response = await http.get(with_query(callback, state=secrets.token_urlsafe(16)))

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_state_mismatch"
    assert SESSION_COOKIE not in http.cookies


async def test_the_school_webs_sign_in_does_not_finish_at_the_portal(stack, http):
    # Both apps on one host share the browser's cookies: the school web's sign-in under way
    # must not be taken by the portal (its own flow cookie is missing), and stays usable.
    authorization = await start(http, stack.web_url, stack.issuer)
    web_callback = await oidc.through_provider(http, stack.web_url, authorization, "t015")
    query = urlsplit(web_callback).query

    at_portal = await http.get(f"{stack.portal_url}{CALLBACK_PATH}?{query}")

    assert at_portal.status_code == 401
    assert refusal_reason(at_portal) == "oidc_flow_missing"
    assert SESSION_COOKIE not in http.cookies
    at_school = await http.get(web_callback)
    assert (at_school.status_code, at_school.headers["location"]) == (303, "/day")
    assert SCHOOL_COOKIE in http.cookies
    assert SESSION_COOKIE not in http.cookies


async def test_a_cancelled_sign_in_is_refused_with_the_providers_reason(stack, http):
    authorization = await start(http, stack.portal_url, stack.issuer)
    login_page = await http.get(authorization, follow_redirects=True)
    abort = re.search(r'href="([^"]*abort[^"]*)"', login_page.text)
    assert abort, login_page.text

    callback = await oidc.through_provider(
        http, stack.portal_url, urljoin(str(login_page.url), html.unescape(abort.group(1))), "x"
    )
    response = await http.get(callback)

    assert response.status_code == 403
    assert refusal_reason(response) == "oidc_access_denied"


async def test_signing_out_ends_the_session_here_and_at_the_provider(stack, http):
    await sign_in(http, stack, "parent1")
    assert SESSION_COOKIE in http.cookies

    await sign_out(http, stack.portal_url, stack.issuer, SESSION_COOKIE)


async def test_a_provider_that_is_down_answers_the_outage_page(portal_without_provider):
    response = await portal_without_provider.get("/signin/oidc")

    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "Городская учётная запись недоступна" in response.text


async def test_without_an_issuer_the_citys_sign_in_is_off(portal_without_oidc):
    page = await portal_without_oidc.get("/signin")
    assert "/signin/oidc" not in page.text
    assert "Вход не настроен" in page.text

    response = await portal_without_oidc.get("/signin/oidc")

    assert response.status_code == 404
    assert refusal_reason(response) == "oidc_off"
