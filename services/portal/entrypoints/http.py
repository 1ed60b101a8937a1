"""The portal web's FastAPI app: the e-diary's pages, their assets, health and metrics.

Pages are server-rendered (Jinja2) with htmx and a little plain JavaScript; every asset is served
by the app itself (nothing from a CDN). The app calls the diary's API only: it stands on the
portal side of the privacy boundary, at its own address, with its own session cookie.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

import services.common.webapp
from services.common.auth import TokenVerifier
from services.common.health import health_router
from services.common.http import CorrelationIdMiddleware
from services.common.limits import RequestLimitsMiddleware, request_limits
from services.common.logging import configure_logging
from services.common.webapp.session import SessionCodec
from services.portal import bootstrap
from services.portal.entrypoints import (
    class_routes,
    family_routes,
    file_routes,
    home_routes,
    message_new_routes,
    message_routes,
    news_routes,
    oidc_routes,
    profile_routes,
    signin_routes,
    subject_routes,
)
from services.portal.entrypoints.pages import install_page_errors
from services.portal.settings import Settings

STATIC: Final = Path(__file__).resolve().parent.parent / "static"
VENDOR: Final = Path(services.common.webapp.__file__).resolve().parent / "static" / "vendor"
SESSION_COOKIE: Final = "diary_session"
SESSION_PURPOSE: Final = "portal-web-session"
MESSAGE_FILES_BYTES: Final = 5 * 5 * 1024 * 1024  # a message's files, at the diary's own limits


async def _ready() -> dict[str, bool | str]:
    # The portal web holds no state: it can serve whenever it runs. The diary being down makes
    # the pages answer 503, which restarting the web would not cure.
    return {}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; its runtime (the diary's API client) opens in the lifespan, never at import."""
    settings = settings or Settings()  # required values come from the environment
    configure_logging(json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with bootstrap.build(settings) as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            yield

    app = FastAPI(
        title="Электронный дневник",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.session_codec = SessionCodec(
        settings.session_secret.get_secret_value(),
        int(settings.session_days * 86400),
        secure=settings.secure_cookies,
        cookie=SESSION_COOKIE,
        purpose=SESSION_PURPOSE,
    )
    limits = request_limits(settings.http, upload_bytes=MESSAGE_FILES_BYTES)
    app.add_middleware(RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=limits)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(CorrelationIdMiddleware)
    install_page_errors(app)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        signin_routes.router,
        oidc_routes.router,
        home_routes.router,
        family_routes.router,
        subject_routes.router,
        news_routes.router,
        file_routes.router,
        class_routes.router,
        message_new_routes.router,  # before message_routes: `/messages/new` is no thread
        message_routes.router,
        profile_routes.router,
    ):
        app.include_router(router)
    app.include_router(health_router(_ready))
    return app
