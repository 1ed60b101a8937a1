"""Swagger UI (`/docs`) and ReDoc (`/redoc`) whose scripts, styles and icon the service serves
itself, so that the pages work on a school network without Internet access.

FastAPI's own pages load their assets from a CDN (and ReDoc's fonts from Google), and stay
blank offline. Here the assets vendored in `static/apidocs/` (versions and licences in its
README) are mounted at `/static/apidocs`, and the pages reference nothing else than them and
the app's OpenAPI document. Build the app with `docs_url=None, redoc_url=None`, then call
`install_api_docs`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_DIR", "ASSETS_PATH", "CONTENT_SECURITY_POLICY", "install_api_docs"]

ASSETS_DIR: Final = Path(__file__).resolve().parent / "static" / "apidocs"
ASSETS_PATH: Final = "/static/apidocs"
_SWAGGER_JS: Final = "swagger-ui/swagger-ui-bundle.js"
_SWAGGER_CSS: Final = "swagger-ui/swagger-ui.css"
_REDOC_JS: Final = "redoc/redoc.standalone.js"
_FAVICON: Final = "swagger-ui/favicon-32x32.png"
# Swagger UI's default validator badge would call an online validator; never ask it.
_SWAGGER_PARAMETERS: Final = {"validatorUrl": None}
# The browser may load nothing from elsewhere: ReDoc's sidebar shows a logo from its vendor's
# CDN, which this blocks (the bundle then hides the image). Inline scripts and styles are the
# pages' own start script and the styles the bundles inject; blob: is ReDoc's search worker.
CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
    )
)


def install_api_docs(app: FastAPI) -> None:
    """Mount the assets and add `/docs` and `/redoc`, both outside the OpenAPI schema (none
    when the app has no OpenAPI document)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="apidocs")
    openapi_url = app.openapi_url
    if openapi_url is None:
        return

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root_path(request)
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=_asset(root, _SWAGGER_JS),
            swagger_css_url=_asset(root, _SWAGGER_CSS),
            swagger_favicon_url=_asset(root, _FAVICON),
            swagger_ui_parameters=dict(_SWAGGER_PARAMETERS),
        )
        return _offline(page)

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = _root_path(request)
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=_asset(root, _REDOC_JS),
            redoc_favicon_url=_asset(root, _FAVICON),
            with_google_fonts=False,
        )
        return _offline(page)


def _offline(page: HTMLResponse) -> HTMLResponse:
    """The page, forbidden by its Content-Security-Policy to load anything from elsewhere."""
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page


def _root_path(request: Request) -> str:
    """The prefix a proxy serves the app under (as FastAPI's own docs pages use it)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _asset(root: str, name: str) -> str:
    """The URL path of one vendored asset."""
    return f"{root}{ASSETS_PATH}/{name}"
