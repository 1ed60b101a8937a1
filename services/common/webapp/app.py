"""The FastAPI app of a web app, as both build it: its runtime opened in the lifespan, the signed
session, the request limits, gzip, correlation ids, the error pages, the app's own assets with
the shared ones (the stylesheet both apps' pages load, `/static/common`, and the vendored htmx,
`/static/vendor`: every asset is served by the app itself, never by a CDN), and health and
metrics.

A web app holds no state: it can serve whenever it runs, so it is always ready. An API that is
down makes the pages that need it answer 503, which restarting the web app would not cure.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic import SecretStr
from starlette.middleware.gzip import GZipMiddleware

from services.common.health import health_router
from services.common.http import CorrelationIdMiddleware
from services.common.limits import RequestLimitsMiddleware, request_limits
from services.common.logging import configure_logging
from services.common.settings import AuthSettings, HttpSettings
from services.common.token_verifier import TokenVerifier
from services.common.webapp.session import SessionCodec

_SHARED_STATIC: Final = Path(__file__).resolve().parent / "static"
_SHARED_ASSETS: Final = ("common", "vendor")
"""The folders of `_SHARED_STATIC` each app serves at /static/<folder>."""
_GZIP_FROM_BYTES: Final = 1024  # a class journal compresses ~10:1; tiny answers are not worth it


class Runtime(Protocol):
    """What a web app's runtime gives its pages."""

    @property
    def deps(self) -> Any: ...  # noqa: ANN401 - each app's own Deps


class WebSettings(Protocol):
    """What the shared app reads of a web app's settings."""

    @property
    def http(self) -> HttpSettings: ...
    @property
    def auth(self) -> AuthSettings: ...
    @property
    def secure_cookies(self) -> bool: ...
    @property
    def session_secret(self) -> SecretStr: ...
    @property
    def log_json(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class WebApp:
    """One web app's own parts: its title, session cookie, assets, routers and error pages."""

    title: str
    cookie: str
    purpose: str
    session_seconds: int
    upload_bytes: int
    static: Path
    routers: Iterable[APIRouter]
    install_page_errors: Callable[[FastAPI], None]


def web_app(
    settings: WebSettings,
    app_parts: WebApp,
    open_runtime: Callable[[], contextlib.AbstractAsyncContextManager[Runtime]],
) -> FastAPI:
    """The app, logging as `settings` say; its runtime (the API client) opens in the lifespan,
    never at import."""
    configure_logging(json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime() as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            yield

    app = FastAPI(
        title=app_parts.title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.session_codec = SessionCodec(
        settings.session_secret.get_secret_value(),
        app_parts.session_seconds,
        secure=settings.secure_cookies,
        cookie=app_parts.cookie,
        purpose=app_parts.purpose,
    )
    limits = request_limits(settings.http, upload_bytes=app_parts.upload_bytes)
    app.add_middleware(RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=limits)
    app.add_middleware(GZipMiddleware, minimum_size=_GZIP_FROM_BYTES)
    app.add_middleware(CorrelationIdMiddleware)
    app_parts.install_page_errors(app)
    for folder in _SHARED_ASSETS:  # before the app's own /static, which would shadow them
        app.mount(f"/static/{folder}", StaticFiles(directory=_SHARED_STATIC / folder), name=folder)
    app.mount("/static", StaticFiles(directory=app_parts.static), name="static")
    for router in app_parts.routers:
        app.include_router(router)
    app.include_router(health_router(_ready))
    return app


async def _ready() -> dict[str, bool | str]:
    return {}
