"""`/docs` and `/redoc` work offline: every asset they load is served by the service itself."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.common.api_docs import ASSETS_DIR, ASSETS_PATH
from services.common.http import service_app
from services.common.settings import AuthSettings

BASE_URL = "http://journal.school.test"
ABSOLUTE_URL = re.compile(r"(?:https?:)?//[^\s\"'<>]+")
REFERENCED = re.compile(r"""(?:href|src|spec-url)="([^"]+)"|\burl: '([^']+)'""")
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}
LOCAL_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}
PLACEHOLDERS = ("nats://127.0.0.1:4222", "postgresql://localhost/x", "x", "x" * 32)


@contextlib.asynccontextmanager
async def never_opened() -> AsyncIterator[Any]:  # the lifespan is not entered in these tests
    raise AssertionError("the runtime must not be opened")
    yield  # pragma: no cover


async def never_asked(_runtime: object) -> dict[str, bool | str]:
    raise AssertionError("readiness must not be asked")


def bare_service_app() -> FastAPI:
    return service_app(
        title="Test service",
        description="service_app with no routers of its own",
        auth=AuthSettings(dev_secret="x" * 32),
        open_runtime=never_opened,
        readiness=never_asked,
        routers=(),
    )


def client(app: FastAPI, root_path: str = "") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, root_path=root_path)  # no lifespan: no servers
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL + root_path)


def referenced_urls(page: str) -> list[str]:
    return [href or url for href, url in REFERENCED.findall(page)]


async def assert_docs_offline(http: httpx.AsyncClient, page_path: str) -> list[str]:
    """The page references only the app's own URLs, and each of them answers 200 with the
    content type its suffix calls for; returns the referenced URLs."""
    page = await http.get(page_path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    foreign = [u for u in ABSOLUTE_URL.findall(page.text) if not u.startswith(BASE_URL)]
    assert foreign == [], f"{page_path} references outside URLs"
    assert_browser_may_load_nothing_from_elsewhere(page.headers["content-security-policy"])
    urls = referenced_urls(page.text)
    assert len(urls) >= 3  # script, favicon and the OpenAPI document at least
    for url in urls:
        asset = await http.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url
        assert asset.content, url
    return urls


def assert_browser_may_load_nothing_from_elsewhere(policy: str) -> None:
    """Even what a bundle asks for at run time (ReDoc's vendor logo) stays blocked."""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for name, sources in directives.items():
        assert set(sources.split()) <= LOCAL_SOURCES, name


@pytest.mark.parametrize("page_path", ["/docs", "/redoc"])
async def test_docs_pages_load_every_asset_from_the_service(page_path: str) -> None:
    async with client(bare_service_app()) as http:
        urls = await assert_docs_offline(http, page_path)
    assert "/openapi.json" in urls
    assert any(url.startswith(f"{ASSETS_PATH}/") and url.endswith(".js") for url in urls)


async def test_redoc_does_not_load_google_fonts() -> None:
    async with client(bare_service_app()) as http:
        page = (await http.get("/redoc")).text
    assert "fonts.googleapis" not in page
    assert "<redoc spec-url=" in page


async def test_served_assets_are_the_vendored_files() -> None:
    async with client(bare_service_app()) as http:
        for name in ("swagger-ui/swagger-ui-bundle.js", "redoc/redoc.standalone.js"):
            served = await http.get(f"{ASSETS_PATH}/{name}")
            assert served.content == (ASSETS_DIR / name).read_bytes()


async def test_docs_behind_a_proxy_prefix_point_under_the_prefix() -> None:
    async with client(bare_service_app(), root_path="/journal") as http:
        page = (await http.get("/docs")).text
    urls = referenced_urls(page)
    assert urls
    assert all(url.startswith("/journal/") for url in urls), urls


def test_docs_stay_out_of_the_openapi_document() -> None:
    paths = bare_service_app().openapi()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc", "/static"))]


def test_licences_ship_with_the_assets() -> None:
    for name in ("swagger-ui/LICENSE", "swagger-ui/NOTICE", "redoc/LICENSE", "README.md"):
        assert (ASSETS_DIR / name).is_file(), name


def journal() -> FastAPI:
    from services.journal.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import journal_settings  # noqa: PLC0415

    return create_app(journal_settings(*PLACEHOLDERS))


def diary() -> FastAPI:
    from services.diary.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import diary_settings  # noqa: PLC0415

    return create_app(diary_settings(*PLACEHOLDERS))


def exporter() -> FastAPI:
    from services.exporter.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import exporter_settings  # noqa: PLC0415

    return create_app(exporter_settings(*PLACEHOLDERS))


def enrollment() -> FastAPI:
    from services.enrollment.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import enrollment_settings  # noqa: PLC0415

    return create_app(enrollment_settings(*PLACEHOLDERS))


def audit() -> FastAPI:
    from services.audit.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import audit_settings  # noqa: PLC0415

    return create_app(audit_settings(*PLACEHOLDERS))


@pytest.mark.parametrize("build", [journal, diary, exporter, enrollment, audit])
@pytest.mark.parametrize("page_path", ["/docs", "/redoc"])
async def test_every_service_serves_its_docs_offline(
    build: Callable[[], FastAPI], page_path: str
) -> None:
    async with client(build()) as http:
        await assert_docs_offline(http, page_path)
