"""The diary's HTTP API over the shared web client (`services.common.webapp.backends`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Unpack

import httpx

from services.common.webapp.backends import Download, HttpBackends, WriteBody

_API: Final = "diary"


class HttpDiary:
    """Calls `<base>/diary/v1<path>` with the person's token: `HttpBackends` with the diary as
    its one API, whose answers and errors pass unchanged."""

    def __init__(self, client: httpx.AsyncClient, base: str) -> None:
        self._backends = HttpBackends(client, {_API: base.rstrip("/") + "/diary/v1"})

    async def get(self, path: str, token: str, params: Mapping[str, str] | None = None) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON of a GET."""
        return await self._backends.get(_API, path, token, params)

    async def download(
        self, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        """The bytes of a GET, with the media type and disposition the diary chose."""
        return await self._backends.download(_API, path, token, params)

    async def send(self, method: str, path: str, token: str, **body: Unpack[WriteBody]) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON answer of a write (`WriteBody`'s keywords)."""
        return await self._backends.send(_API, method, path, token, **body)
