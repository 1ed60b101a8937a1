"""The school web's FastAPI app: pages, their assets, health and metrics.

Pages are server-rendered (Jinja2) with htmx and a little plain JavaScript; every asset is
served from `services/web/static` (nothing from a CDN, so the pages work on a school network
without internet).
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
from services.web import bootstrap
from services.web.entrypoints import (
    admin_application_routes,
    admin_export_routes,
    admin_roster_routes,
    admin_staff_routes,
    admin_year_routes,
    audit_routes,
    audit_verify_routes,
    check_report_routes,
    check_routes,
    class_routes,
    home_routes,
    journal_routes,
    lesson_routes,
    oidc_routes,
    remark_routes,
    signin_routes,
    teacher_routes,
)
from services.web.entrypoints.pages import install_page_errors
from services.web.settings import Settings

STATIC: Final = Path(__file__).resolve().parent.parent / "static"
VENDOR: Final = Path(services.common.webapp.__file__).resolve().parent / "static" / "vendor"
SESSION_COOKIE: Final = "school_session"
SESSION_PURPOSE: Final = "school-web-session"
HOMEWORK_FILE_BYTES: Final = 10 * 1024 * 1024  # the journal's own limit of a homework file


async def _ready() -> dict[str, bool | str]:
    # The web holds no state: it can serve whenever it runs. An API that is down makes the
    # pages that need it answer 503, which restarting the web would not cure.
    return {}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; its runtime (the API client) opens in the lifespan, never at import."""
    settings = settings or Settings()  # required values come from the environment
    configure_logging(json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with bootstrap.build(settings) as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            yield

    app = FastAPI(
        title="Школьный журнал",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.state.session_codec = SessionCodec(
        settings.session_secret.get_secret_value(),
        int(settings.session_hours * 3600),
        secure=settings.secure_cookies,
        cookie=SESSION_COOKIE,
        purpose=SESSION_PURPOSE,
    )
    limits = request_limits(settings.http, upload_bytes=HOMEWORK_FILE_BYTES)
    app.add_middleware(RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=limits)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # a class journal compresses ~10:1
    app.add_middleware(CorrelationIdMiddleware)
    install_page_errors(app)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        signin_routes.router,
        home_routes.router,
        oidc_routes.router,
        check_routes.router,
        check_report_routes.router,
        class_routes.router,
        audit_routes.router,
        audit_verify_routes.router,
        remark_routes.router,
        teacher_routes.router,
        lesson_routes.router,
        journal_routes.router,
        admin_roster_routes.router,
        admin_staff_routes.router,
        admin_application_routes.router,
        admin_export_routes.router,
        admin_year_routes.router,
    ):
        app.include_router(router)
    app.include_router(health_router(_ready))
    return app
