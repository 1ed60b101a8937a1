"""`ServiceApi`: a back-end service's app declared once, built the one way. What each service
declares reaches the app: its settings, runtime, readiness, routers, errors and upload limit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request, Response

from services.common.http import ServiceApi, app_deps, problem
from services.common.limits import MULTIPART_OVERHEAD, RequestLimitsMiddleware
from services.common.settings import AuthSettings, HttpSettings, WatchdogSettings


@dataclass(frozen=True)
class Settings:
    name: str = "from the environment"
    auth: AuthSettings = field(default_factory=lambda: AuthSettings(dev_secret="x" * 32))
    http: HttpSettings = field(default_factory=lambda: HttpSettings(port=8999))
    watchdog: WatchdogSettings = field(default_factory=WatchdogSettings)
    log_json: bool = False
    upload: int = 5_000_000


@dataclass(frozen=True)
class Runtime:
    deps: str
    opened_with: Settings
    healthy: bool = True


class Refused(Exception):
    pass


class Unknown(Exception):
    pass


router = APIRouter()


@router.get("/deps")
async def show_deps(deps: Annotated[str, Depends(app_deps)]) -> dict[str, str]:
    return {"deps": deps}


@router.get("/refused")
async def refuse() -> None:
    raise Refused


@router.get("/unknown")
async def unknown() -> None:
    raise Unknown


async def refused(_request: Request, _exc: Exception) -> Response:
    return problem(418, "refused_here", "the service's own handler")


@dataclass
class Opened:
    settings: list[Settings] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def build(self, settings: Settings) -> AsyncIterator[Runtime]:
        self.settings.append(settings)
        yield Runtime(f"deps of {settings.name}", settings)


async def readiness(runtime: Runtime) -> dict[str, bool | str]:
    return {"runtime": runtime.healthy}


def declared(opened: Opened, **overrides: Any) -> ServiceApi[Settings, Runtime]:
    return ServiceApi(
        **{
            "title": "Test service",
            "description": "declared once",
            "settings": Settings,
            "build": opened.build,
            "readiness": readiness,
            "routers": (router,),
            "domain_statuses": {Unknown: 404},
            "handlers": {Refused: refused},
            **overrides,
        }
    )


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
            yield http


async def test_the_app_opens_the_declared_runtime_on_the_settings_read_from_the_environment():
    opened = Opened()
    app = declared(opened).create_app()
    assert (app.title, app.description, app.version) == ("Test service", "declared once", "1.0.0")
    assert opened.settings == []  # nothing is opened before the lifespan
    async with served(app) as http:
        assert (await http.get("/deps")).json() == {"deps": "deps of from the environment"}
        ready = await http.get("/readyz")
        assert ready.json() == {"status": "ready", "checks": {"runtime": True}}
    assert opened.settings == [Settings()]


async def test_given_settings_and_runtime_factory_replace_the_declared_ones():
    opened, replaced = Opened(), Opened()
    given = Settings(name="given")
    app = declared(opened).create_app(given, replaced.build)
    async with served(app) as http:
        assert (await http.get("/deps")).json() == {"deps": "deps of given"}
    assert (opened.settings, replaced.settings) == ([], [given])


async def test_domain_statuses_and_the_services_own_handlers_answer_its_errors():
    async with served(declared(Opened()).create_app()) as http:
        own = await http.get("/refused")
        assert (own.status_code, own.json()["reason"]) == (418, "refused_here")
        mapped = await http.get("/unknown")
        assert (mapped.status_code, mapped.json()["reason"]) == (404, "unknown")


def test_upload_routes_take_the_declared_upload_limit_and_others_the_body_limit():
    def limits_of(api: ServiceApi[Settings, Runtime]) -> Any:
        app = api.create_app()
        (middleware,) = [m for m in app.user_middleware if m.cls is RequestLimitsMiddleware]
        return middleware.kwargs["limits"]

    body = Settings().http.body_limit_bytes
    plain = limits_of(declared(Opened()))
    assert (plain.body_bytes, plain.upload_bytes) == (body, body)
    uploads = limits_of(declared(Opened(), upload_bytes=lambda s: s.upload))
    assert uploads.upload_bytes == max(body, 5_000_000 + MULTIPART_OVERHEAD)
    assert uploads.deadline_seconds == Settings().http.deadline_seconds
