"""Both web apps serve the assets they share from `services/common/webapp/static` themselves
(never a CDN): the stylesheet every page loads before the app's own, and the vendored htmx."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.fake_apis import FakeBackends, FakeDiaryApi
from tests.support.portal import client_of, portal_app
from tests.support.web import signed_in_client


def _school_web() -> httpx.AsyncClient:
    return signed_in_client(FakeBackends(), "t015", "teacher")


def _portal() -> httpx.AsyncClient:
    return client_of(portal_app(FakeDiaryApi()))


@pytest.mark.parametrize(("client_of_app", "own"), [(_school_web, "app"), (_portal, "portal")])
async def test_a_page_loads_the_shared_stylesheet_then_its_apps_own(client_of_app, own):
    async with client_of_app() as http:
        page = await http.get("/signin")
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page.text)
        shared = await http.get("/static/common/pages.css")
        htmx = await http.get("/static/vendor/htmx.min.js")

    assert sheets[:2] == ["/static/common/pages.css", f"/static/{own}.css"]
    assert shared.status_code == 200
    assert shared.headers["content-type"].startswith("text/css")
    assert "--accent" in shared.text
    assert htmx.status_code == 200
