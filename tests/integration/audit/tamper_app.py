"""The audit's tamper-evidence routes served over given `Integrity` adapters, for the tests of
those routes (no event log, no key store: the routes need neither)."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

from services.audit.entrypoints import verify_routes
from services.common.http import service_app
from services.common.settings import AuthSettings
from tests.support.running import running_app


def app_over(integrity):
    """`running_app` of the verify routes whose deps hold only `integrity`."""

    @contextlib.asynccontextmanager
    async def runtime():
        yield SimpleNamespace(deps=SimpleNamespace(integrity=integrity))

    async def ready(_runtime):
        return {}

    def make_app(secret):
        return service_app(
            title="Audit (tamper evidence)",
            description="test",
            auth=AuthSettings(dev_secret=secret),
            open_runtime=runtime,
            readiness=ready,
            routers=[verify_routes.router],
        )

    return running_app(make_app, "http://audit")
