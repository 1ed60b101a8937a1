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
from tests.support import oidc_steps as steps
from tests.support.oidc import refusal_reason, with_query

pytestmark = pytest.mark.integration


async def start(http: httpx.AsyncClient, stack, next_page: str = "") -> str:
    """Press «Войти через городскую учётную запись»; the provider's authorization URL."""
    return await steps.start(http, stack.web_url, stack.issuer, next_page)


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

    steps.assert_flow_cookie(response, FLOW_COOKIE)


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


@pytest.mark.parametrize(
    ("flow_field", "random_bytes", "reason"),
    [
        # a code exchanged with another verifier is refused by the provider
        ("code_verifier", 48, "oidc_token_refused"),
        # an ID token for another nonce is refused here
        ("nonce", 20, "oidc_invalid_id_token"),
    ],
)
async def test_a_sign_in_cookie_altered_after_the_provider_is_refused(
    stack, http, flow_field, random_bytes, reason
):
    callback = await through_provider(http, stack, await start(http, stack), "t015")
    stack.alter_flow(http, **{flow_field: secrets.token_urlsafe(random_bytes)})

    response = await http.get(callback)

    assert response.status_code == 401
    assert refusal_reason(response) == reason
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

    end_session = await steps.sign_out(http, stack.web_url, stack.issuer, SESSION_COOKIE)

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
