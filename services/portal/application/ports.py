"""What the portal's pages need from the outside world, as Protocols; `bootstrap` builds them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, Unpack

from services.common.clock import Clock
from services.common.webapp.backends import ApiRefused, ApiUnavailable, Download, WriteBody
from services.common.webapp.signing import TokenIssuer

__all__ = ["ApiRefused", "ApiUnavailable", "Clock", "Deps", "Diary", "Download", "TokenIssuer"]


class Diary(Protocol):
    """The diary's HTTP API (paths from `/diary/v1`), called with the portal user's token;
    `ApiRefused` on 4xx, `ApiUnavailable` on an outage."""

    async def get(self, path: str, token: str, params: Mapping[str, str] | None = None) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON of a GET."""
        ...

    async def download(
        self, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        """The bytes of a GET (a homework file, a message's attachment)."""
        ...

    async def send(self, method: str, path: str, token: str, **body: Unpack[WriteBody]) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON answer of a write (None for an empty answer)."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """What the pages use, built by `bootstrap.build`."""

    diary: Diary
    issuer: TokenIssuer
    clock: Clock
    session_ttl: timedelta
    school: str
    year: int | None = None  # the school year pages open on; None: today's
