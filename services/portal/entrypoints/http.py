"""The portal web's FastAPI app: the e-diary's pages, their assets, health and metrics.

Pages are server-rendered (Jinja2) with htmx and a little plain JavaScript; every asset is served
by the app itself (nothing from a CDN). The app calls the diary's API only: it stands on the
portal side of the privacy boundary, at its own address, with its own session cookie.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI

from services.common.webapp.app import WebApp, web_app
from services.common.webapp.signin import home_router
from services.portal import bootstrap
from services.portal.domain.navigation import start_page
from services.portal.entrypoints import (
    class_routes,
    family_routes,
    file_routes,
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
SESSION_COOKIE: Final = "diary_session"
SESSION_PURPOSE: Final = "portal-web-session"
MESSAGE_FILES_BYTES: Final = 5 * 5 * 1024 * 1024  # a message's files, at the diary's own limits


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; its runtime (the API client) opens in the lifespan, never at import."""
    settings = settings or Settings()  # required values come from the environment
    parts = WebApp(
        title="Электронный дневник",
        cookie=SESSION_COOKIE,
        purpose=SESSION_PURPOSE,
        session_seconds=int(settings.session_days * 86400),
        upload_bytes=MESSAGE_FILES_BYTES,
        static=STATIC,
        routers=(
            signin_routes.router,
            oidc_routes.router,
            home_router(start_page),
            family_routes.router,
            subject_routes.router,
            news_routes.router,
            file_routes.router,
            class_routes.router,
            message_new_routes.router,  # before message_routes: `/messages/new` is no thread
            message_routes.router,
            profile_routes.router,
        ),
        install_page_errors=install_page_errors,
    )
    return web_app(settings, parts, lambda: bootstrap.build(settings))
