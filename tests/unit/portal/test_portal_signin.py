"""The portal's development sign-in and its session, over a fake diary: the list comes from the
diary's grants read with an operator token, the form is protected by its nonce, and a school
session's cookie never opens a portal page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import jwt

from services.common.settings import AuthSettings
from services.common.webapp.signing import SigningSettings, token_issuer
from services.portal.entrypoints.http import SESSION_COOKIE
from tests.support.fake_apis import Call, FakeDiaryApi
from tests.support.pages import DEV_SECRET
from tests.support.portal import client_of, portal_app, signed_in_client

GRANTS = [
    {"uid": 100001, "role": "parent", "class_id": "5a", "pupil": "p" + "1" * 32},
    {"uid": 200001, "role": "teacher", "class_id": "5a", "subject_id": "math"},
]


class GrantsDiary(FakeDiaryApi):
    """Answers the portal-users route and remembers who asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def answer_get(self, call: Call) -> Any:
        self.asked.append((call.path, jwt.decode(call.token, options={"verify_signature": False})))
        return GRANTS


def _portal(diary: GrantsDiary, *, dev: bool = True) -> httpx.AsyncClient:
    return client_of(portal_app(diary, dev_sign_in=dev))


async def test_the_dev_page_lists_the_portal_users_the_diary_holds_grants_for():
    diary = GrantsDiary()
    async with _portal(diary) as http:
        page = await http.get("/signin")

    assert page.status_code == 200
    assert 'value="parent:100001"' in page.text
    assert 'value="teacher:200001"' in page.text
    path, claims = diary.asked[0]
    assert path == "/schools/s1/years/2026/portal-users"
    assert claims["roles"] == ["system"]
    assert claims["exp"] - claims["iat"] <= 60


async def test_signing_in_mints_a_portal_token_with_the_uid_and_lands_on_the_diary():
    async with _portal(GrantsDiary()) as http:
        page = await http.get("/signin")
        nonce = re.search(r'name="signin_csrf" value="([^"]+)"', page.text)
        assert nonce
        answer = await http.post(
            "/signin/dev", data={"user": "parent:100001", "signin_csrf": nonce.group(1)}
        )

        assert answer.status_code == 303
        assert answer.headers["location"] == "/children"
        assert SESSION_COOKIE in http.cookies
        home = await http.get("/")
    assert home.headers["location"] == "/children"


async def test_a_form_without_its_nonce_signs_nobody_in():
    async with _portal(GrantsDiary()) as http:
        await http.get("/signin")
        answer = await http.post(
            "/signin/dev", data={"user": "parent:100001", "signin_csrf": "forged"}
        )

    assert answer.status_code == 403
    assert "csrf_failed" in answer.text
    assert SESSION_COOKIE not in http.cookies


async def test_development_sign_in_is_off_unless_configured():
    async with _portal(GrantsDiary(), dev=False) as http:
        page = await http.get("/signin")
        answer = await http.post("/signin/dev", data={"user": "parent:1", "signin_csrf": "x"})

    assert "Демонстрационный вход" not in page.text
    assert answer.status_code == 404


async def test_a_school_session_cookie_does_not_open_a_portal_page():
    auth = AuthSettings(dev_secret=DEV_SECRET)
    token = token_issuer(SigningSettings(), auth).mint(
        "t001", ["teacher"], "s1", ttl=dt.timedelta(hours=1)
    )
    async with signed_in_client(GrantsDiary(), 1, "parent") as http:
        http.cookies.clear()
        http.cookies.set("school_session", token, "portal.test")
        answer = await http.get("/")

    assert answer.headers["location"] == "/signin"
