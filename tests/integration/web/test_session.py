"""The session's protections over HTTP: the web app in-process, its APIs replaced by a fake.

A session cookie that was edited, or carries an expired token, sends the browser to the sign-in
page; an unsafe request needs the session's CSRF token and must come from the web's own origin;
the development sign-in form is protected against login CSRF by its own double-submit cookie;
and the page to go back to after signing in is always one of the web's own.

Every page depends on `SignedIn`, which does these checks; the pages themselves are built by
others, so the test adds two routes of its own that depend on it like any page (`/probe`).
No API runs: the fake answers the one call signing in makes (the journal's roster).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.common.dev_tokens import DevTokenIssuer
from services.common.settings import AuthSettings
from services.common.webapp.session import CSRF_HEADER, SessionCodec, SignedIn
from services.common.webapp.signin import SIGNIN_COOKIE
from services.common.webapp.signing import token_issuer
from services.web.application.ports import Deps
from services.web.entrypoints.http import SESSION_COOKIE as COOKIE
from services.web.entrypoints.http import create_app
from services.web.settings import ApiUrls, Settings
from tests.support.clock import FakeClock

pytestmark = pytest.mark.integration

BASE = "http://web.test"
DEV_SECRET = "dev-secret-for-the-session-tests-0123456789abcdef"
SESSION_SECRET = "session-secret-for-the-session-tests-0123456789"
UNUSED = "http://127.0.0.1:9"  # the discard port: nothing may be called beyond the fake
STAFF = [
    {"staff_id": "t015", "full_name": "Смирнова Анна Сергеевна", "position": "учитель математики"},
    {"staff_id": "adm1", "full_name": "Вишневский Руслан Олегович", "position": "администратор"},
]


@dataclass(frozen=True)
class Web:
    """A client of the web app in-process, and the codec its session cookies are signed with."""

    http: httpx.AsyncClient
    codec: SessionCodec


class FakeBackends:
    """The APIs as far as signing in uses them: the journal's roster of the school year."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def get(
        self, api: str, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Any:
        self.calls.append(f"{api} GET {path}")
        assert (api, path) == ("journal", "/schools/s1/years/2026/roster"), path
        return {"staff": STAFF}

    async def download(self, api: str, path: str, token: str, params: Any = None) -> Any:
        raise AssertionError(f"unexpected download {api} {path}")

    async def send(self, api: str, method: str, path: str, token: str, **_: Any) -> Any:
        raise AssertionError(f"unexpected {method} {api} {path}")


def settings() -> Settings:
    api = ApiUrls(journal=UNUSED, enrollment=UNUSED, exporter=UNUSED, audit=UNUSED)
    return Settings(
        auth=AuthSettings(dev_secret=DEV_SECRET),
        api=api,
        session_secret=SESSION_SECRET,
        dev_sign_in=True,
        dev_school="s1",
        log_json=False,
    )


@pytest.fixture
async def web():
    """A client of the web app (the fake APIs in its Deps) with two pages of the test's own."""
    config = settings()
    app = create_app(config)
    app.state.deps = Deps(
        backends=FakeBackends(),
        issuer=token_issuer(config.signing, config.auth),
        clock=FakeClock.on(date(2026, 12, 5)),
        session_ttl=timedelta(hours=config.session_hours),
    )

    @app.get("/probe")
    async def probe_page(session: SignedIn) -> dict[str, str]:
        return {"user": session.user_id}

    @app.post("/probe")
    async def probe_form(session: SignedIn) -> dict[str, str]:
        return {"user": session.user_id, "did": "changed"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield Web(client, app.state.session_codec)


async def open_signin(web: Web, query: str = "") -> str:
    """GET the sign-in page; the form's login-CSRF nonce (its cookie is now in the client)."""
    page = await web.http.get(f"/signin{query}")
    assert page.status_code == 200, page.text
    found = re.search(r'name="signin_csrf" value="([^"]+)"', page.text)
    assert found, page.text
    assert web.http.cookies.get(SIGNIN_COOKIE) == found.group(1)
    return found.group(1)


async def sign_in(web: Web, staff_id="t015", role="teacher", next_page=""):
    nonce = await open_signin(web)
    form = {"staff_id": staff_id, "role": role, "signin_csrf": nonce, "next": next_page}
    return await web.http.post("/signin/dev", data=form)


def csrf_of(web: Web) -> str:
    """The CSRF token inside the session cookie (what the pages put into their forms)."""
    content = web.codec.read(web.http.cookies[COOKIE])
    assert content is not None
    return content["c"]


def session_cookie(web: Web, token: str, name: str = "Смирнова Анна") -> str:
    """A session cookie the web itself signed, carrying `token`."""
    return web.codec.value(token, name)


def refusal_reason(response: httpx.Response) -> str:
    found = re.search(r"Код: <code>([a-z_]+)</code>", response.text)
    assert found, response.text
    return found.group(1)


def query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def mint(roles: Iterable[str] = ("teacher",), *, now: datetime | None = None, **kw) -> str:
    return DevTokenIssuer(DEV_SECRET).mint("t015", roles, "s1", now=now, **kw)


async def test_signing_in_sets_the_session_and_goes_to_the_start_page(web):
    response = await sign_in(web)

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/day"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert (await web.http.get("/probe")).json() == {"user": "t015"}


async def test_an_edited_session_cookie_sends_to_the_sign_in_page(web):
    await sign_in(web)
    value = web.http.cookies[COOKIE]
    middle = len(value) // 4  # in the signed content
    edited = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1 :]
    web.http.cookies.set(COOKIE, edited)

    response = await web.http.get("/probe")

    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/signin"
    assert query_of(response.headers["location"])["next"] == ["/probe"]
    home = await web.http.get("/")
    assert (home.status_code, home.headers["location"]) == (303, "/signin")


async def test_a_session_whose_token_expired_asks_to_sign_in_again(web):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    web.http.cookies.set(COOKIE, session_cookie(web, mint(now=yesterday, ttl=timedelta(hours=8))))

    response = await web.http.get("/probe?x=1")

    assert response.status_code == 303
    query = query_of(response.headers["location"])
    assert query["expired"] == ["1"]
    assert query["next"] == ["/probe?x=1"]
    page = await web.http.get(response.headers["location"])
    assert "Сеанс истёк" in page.text


async def test_an_htmx_request_without_a_session_is_redirected_by_header(web):
    response = await web.http.get("/probe", headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/signin?next=/probe"


async def test_an_unsafe_request_needs_the_sessions_csrf_token(web):
    await sign_in(web)
    token = csrf_of(web)

    missing = await web.http.post("/probe", data={"x": "1"})
    wrong = await web.http.post("/probe", data={"csrf_token": token[:-1] + "x"})
    wrong_header = await web.http.post("/probe", headers={CSRF_HEADER: "not-the-token"})
    in_form = await web.http.post("/probe", data={"csrf_token": token})
    in_header = await web.http.post("/probe", headers={CSRF_HEADER: token})

    for refused in (missing, wrong, wrong_header):
        assert refused.status_code == 403, refused.text
        assert refusal_reason(refused) == "csrf_failed"
        assert "Форма устарела" in refused.text
    assert in_form.json() == {"user": "t015", "did": "changed"}
    assert in_header.json() == {"user": "t015", "did": "changed"}


async def test_an_unsafe_request_from_another_site_is_refused_even_with_the_token(web):
    await sign_in(web)
    token = csrf_of(web)

    other_origin = await web.http.post(
        "/probe", data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    cross_site = await web.http.post(
        "/probe", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    own_origin = await web.http.post("/probe", data={"csrf_token": token}, headers={"Origin": BASE})

    for refused in (other_origin, cross_site):
        assert refused.status_code == 403, refused.text
        assert refusal_reason(refused) == "csrf_failed"
    assert own_origin.status_code == 200, own_origin.text


async def test_the_sign_in_form_refuses_a_post_without_its_own_cookie(web):
    nonce = await open_signin(web)
    form = {"staff_id": "adm1", "role": "admin", "signin_csrf": nonce}

    web.http.cookies.delete(SIGNIN_COOKIE)
    no_cookie = await web.http.post("/signin/dev", data=form)
    web.http.cookies.set(SIGNIN_COOKIE, "another-nonce", path="/signin")
    mismatch = await web.http.post("/signin/dev", data=form)

    for refused in (no_cookie, mismatch):
        assert refused.status_code == 403, refused.text
        assert refusal_reason(refused) == "csrf_failed"
        assert COOKIE not in refused.headers.get("set-cookie", "")
    assert COOKIE not in web.http.cookies


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "//evil.example/day", "https://evil.example/", "/\\evil.example", "day"],
)
async def test_the_page_to_return_to_must_be_the_webs_own(web, target):
    page = await web.http.get("/signin", params={"next": target})
    assert 'name="next" value=""' in page.text

    response = await sign_in(web, "adm1", "admin", next_page=target)

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/journal"


async def test_a_local_page_to_return_to_is_honoured(web):
    response = await sign_in(web, "adm1", "admin", next_page="/journal/5a/math?from=2026-09-01")

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/journal/5a/math?from=2026-09-01"
