"""The school web's FastAPI app: pages, their assets, health and metrics.

Pages are server-rendered (Jinja2) with htmx and a little plain JavaScript; every asset is
served from `services/web/static` (nothing from a CDN, so the pages work on a school network
without internet).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI

from services.common.webapp.app import WebApp, web_app
from services.common.webapp.signin import home_router
from services.web import bootstrap
from services.web.domain.navigation import start_page
from services.web.entrypoints import (
    admin_application_routes,
    admin_class_routes,
    admin_erasure_routes,
    admin_export_routes,
    admin_period_routes,
    admin_rollover_routes,
    admin_roster_routes,
    admin_staff_routes,
    admin_timetable_routes,
    admin_year_plan_routes,
    audit_routes,
    audit_verify_routes,
    check_action_routes,
    check_report_routes,
    check_routes,
    class_routes,
    journal_routes,
    lesson_routes,
    oidc_routes,
    paperwork_routes,
    remark_routes,
    signin_routes,
    teacher_routes,
)
from services.web.entrypoints.pages import install_page_errors
from services.web.settings import Settings

STATIC: Final = Path(__file__).resolve().parent.parent / "static"
SESSION_COOKIE: Final = "school_session"
SESSION_PURPOSE: Final = "school-web-session"
HOMEWORK_FILE_BYTES: Final = 10 * 1024 * 1024  # the journal's own limit of a homework file


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app; its runtime (the API client) opens in the lifespan, never at import."""
    settings = settings or Settings()  # required values come from the environment
    parts = WebApp(
        title="Школьный журнал",
        cookie=SESSION_COOKIE,
        purpose=SESSION_PURPOSE,
        session_seconds=int(settings.session_hours * 3600),
        upload_bytes=HOMEWORK_FILE_BYTES,
        static=STATIC,
        routers=(
            signin_routes.router,
            home_router(start_page),
            oidc_routes.router,
            check_routes.router,
            check_action_routes.router,
            check_report_routes.router,
            class_routes.router,
            audit_routes.router,
            audit_verify_routes.router,
            remark_routes.router,
            teacher_routes.router,
            lesson_routes.router,
            journal_routes.router,
            paperwork_routes.router,
            admin_roster_routes.router,
            admin_class_routes.router,
            admin_staff_routes.router,
            admin_application_routes.router,
            admin_export_routes.router,
            admin_period_routes.router,
            admin_year_plan_routes.router,
            admin_rollover_routes.router,
            admin_timetable_routes.router,
            admin_erasure_routes.router,
        ),
        install_page_errors=install_page_errors,
    )
    return web_app(settings, parts, lambda: bootstrap.build(settings))
