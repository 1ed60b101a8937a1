"""What the pages need from the outside world, as Protocols; `bootstrap` builds the real ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Protocol, Unpack

from services.common.clock import Clock
from services.common.webapp.backends import ApiRefused, ApiUnavailable, Download, WriteBody
from services.common.webapp.signing import TokenIssuer

__all__ = [
    "Api",
    "ApiRefused",
    "ApiUnavailable",
    "Backends",
    "Clock",
    "Deps",
    "Download",
    "TokenIssuer",
]

Api = Literal["journal", "enrollment", "exporter", "audit"]
"""The services whose HTTP APIs the school's pages call."""


class Backends(Protocol):
    """The services' HTTP APIs, called with the signed-in person's token."""

    async def get(
        self, api: Api, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON of a GET; ApiRefused on 4xx, ApiUnavailable on an outage."""
        ...

    async def download(
        self, api: Api, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        """The bytes of a GET (PDF, CSV, files)."""
        ...

    async def send(
        self, api: Api, method: str, path: str, token: str, **body: Unpack[WriteBody]
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON answer of a write; ApiRefused on 4xx, ApiUnavailable on an outage."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """What the pages use, built by `bootstrap.build`."""

    backends: Backends
    issuer: TokenIssuer
    clock: Clock
    session_ttl: timedelta
    year: int | None = None  # the school year pages open on; None: today's
