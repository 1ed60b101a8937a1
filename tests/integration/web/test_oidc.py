"""Signing in through a real OpenID Connect provider: oidc-provider with its login and consent
pages (see conftest.py), and the web on a real port, driven by an HTTP client that follows the
redirects and submits the provider's forms as a browser would. No API runs: the tests look at
the redirects and the session, not at the pages behind them.
"""

from __future__ import annotations

import html
import re
import secrets
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest

from services.web.entrypoints.http import SESSION_COOKIE
from services.web.entrypoints.oidc_routes import CALLBACK_PATH as CALLBACK
from services.web.entrypoints.oidc_routes import FLOW_COOKIE
from tests.support import oidc
from tests.support.oidc import refusal_reason, with_query

pytestmark = pytest.mark.integration


async def start(http: httpx.AsyncClient, stack, next_page: str = "") -> str:
    """Press «Войти через городскую учётную запись»; the provider's authorization URL."""
    query = f"?{urlencode({'next': next_page})}" if next_page else ""
    response = await http.get(f"{stack.web_url}/signin/oidc{query}")
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(stack.issuer + "/auth?")
    return location


async def through_provider(http: httpx.AsyncClient, stack, url: str, login: str) -> str:
    """Through the provider's login and consent as `login`; the web's callback URL."""
    return await oidc.through_provider(http, stack.web_url, url, login)


async def sign_in(
    http: httpx.AsyncClient, stack, login: str, next_page: str = ""
) -> httpx.Response:
    """The whole sign-in; the web's answer to the callback."""
    callback = await through_provider(http, stack, await start(http, stack, next_page), login)
    return await http.get(callback)


async def test_a_teacher_signs_in_and_lands_on_their_day(stack, http):
    authorization = await start(http, stack)
    query = parse_qs(urlsplit(authorization).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["nonce"]
    assert query["state"]
    assert query["redirect_uri"] == [stack.web_url + CALLBACK]

    callback = await through_provider(http, stack, authorization, "t015")
    response = await http.get(callback)

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/day"
    principal, name = stack.session(http)
    assert (principal.user_id, principal.roles, principal.school) == (
        "t015",
        frozenset({"teacher"}),
        "s1",
    )
    assert name == "Смирнова Анна Сергеевна"
    assert FLOW_COOKIE not in http.cookies  # one sign-in, one callback
    home = await http.get(f"{stack.web_url}/")
    assert (home.status_code, home.headers["location"]) == (303, "/day")


async def test_the_sign_in_state_travels_in_a_short_lived_signed_cookie(stack, http):
    await start(http, stack)

    response = await http.get(f"{stack.web_url}/signin/oidc")
    cookie = response.headers["set-cookie"].lower()

    assert cookie.startswith(f"{FLOW_COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/signin/oidc" in cookie
    assert "max-age=600" in cookie


async def test_only_the_staff_roles_are_kept_and_the_person_goes_back_where_they_were(stack, http):
    response = await sign_in(http, stack, "dep1", next_page="/checks")

    assert (response.status_code, response.headers["location"]) == (303, "/checks")
    principal, _ = stack.session(http)
    assert principal.roles == frozenset({"deputy"})  # "parent" is not a role of these pages


async def test_an_account_without_a_staff_role_is_refused(stack, http):
    response = await sign_in(http, stack, "nobody")

    assert response.status_code == 403
    assert refusal_reason(response) == "oidc_no_staff_role"
    assert "Войти не удалось" in response.text
    assert "нет роли сотрудника школы" in response.text
    assert SESSION_COOKIE not in http.cookies


async def test_an_account_without_a_school_is_refused(stack, http):
    response = await sign_in(http, stack, "noschool")

    assert response.status_code == 403
    assert refusal_reason(response) == "oidc_no_school"
    assert SESSION_COOKIE not in http.cookies


async def test_a_tampered_state_is_refused(stack, http):
    callback = await through_provider(http, stack, await start(http, stack), "t015")

    response = await http.get(with_query(callback, state=secrets.token_urlsafe(16)))

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_state_mismatch"
    assert SESSION_COOKIE not in http.cookies


async def test_a_callback_without_the_verifier_cookie_is_refused(stack, http):
    callback = await through_provider(http, stack, await start(http, stack), "t015")
    http.cookies.delete(FLOW_COOKIE)

    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_flow_missing"
    assert "Начните вход заново" in response.text
    assert SESSION_COOKIE not in http.cookies


async def test_a_forged_verifier_cookie_is_refused(stack, http):
    callback = await through_provider(http, stack, await start(http, stack), "t015")
    forged = http.cookies[FLOW_COOKIE][:-2] + "AA"
    http.cookies.delete(FLOW_COOKIE)
    http.cookies.set(FLOW_COOKIE, forged, domain="127.0.0.1", path="/signin/oidc")

    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_flow_missing"


async def test_a_code_exchanged_with_another_verifier_is_refused_by_the_provider(stack, http):
    callback = await through_provider(http, stack, await start(http, stack), "t015")
    stack.alter_flow(http, code_verifier=secrets.token_urlsafe(48))

    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_token_refused"
    assert SESSION_COOKIE not in http.cookies


async def test_an_id_token_for_another_nonce_is_refused(stack, http):
    callback = await through_provider(http, stack, await start(http, stack), "t015")
    stack.alter_flow(http, nonce=secrets.token_urlsafe(20))

    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_invalid_id_token"
    assert SESSION_COOKIE not in http.cookies


async def test_a_cancelled_sign_in_is_refused_with_the_providers_reason(stack, http):
    login_page = await http.get(await start(http, stack), follow_redirects=True)
    abort = re.search(r'href="([^"]*abort[^"]*)"', login_page.text)
    assert abort, login_page.text

    callback = await through_provider(
        http, stack, urljoin(str(login_page.url), html.unescape(abort.group(1))), "t015"
    )
    response = await http.get(callback)

    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    assert response.status_code == 403
    assert refusal_reason(response) == "oidc_access_denied"


async def test_the_provider_requires_the_pkce_challenge(stack, http):
    # A request without the challenge is refused by the provider itself; the web shows why.
    authorization = await start(http, stack)
    parts = urlsplit(authorization)
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if not k.startswith("code_chall")}
    stripped = urlunsplit(parts._replace(query=urlencode(query)))

    callback = await through_provider(http, stack, stripped, "t015")
    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == "oidc_invalid_request"


async def test_signing_out_ends_the_session_here_and_at_the_provider(stack, http):
    await sign_in(http, stack, "t015")
    header_button = await http.post(f"{stack.web_url}/signout")  # the «Выйти» of every page
    assert (header_button.status_code, header_button.headers["location"]) == (307, "/signout/oidc")

    response = await http.post(f"{stack.web_url}/signout/oidc")

    assert response.status_code == 303
    end_session = response.headers["location"]
    assert end_session.startswith(stack.issuer + "/session/end?")
    assert parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"] == [
        stack.web_url + "/signin"
    ]
    assert SESSION_COOKIE not in http.cookies
    confirm = await http.get(end_session)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', confirm.text))
    action = re.search(r'<form[^>]*action="([^"]+)"', confirm.text)
    assert action, confirm.text
    done = await http.post(urljoin(end_session, action.group(1)), data=fields | {"logout": "yes"})
    assert done.status_code == 303
    assert done.headers["location"].startswith(stack.web_url + "/signin")


async def test_a_provider_that_is_down_answers_the_outage_page(web_without_provider):
    response = await web_without_provider.get("/signin/oidc")

    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "Городская учётная запись недоступна" in response.text
