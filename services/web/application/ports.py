"""What the pages need from the outside world, as Protocols; `bootstrap` builds the real ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

Api = Literal["journal", "enrollment", "exporter", "audit"]
"""The services whose HTTP APIs the school's pages call."""


class ApiRefused(Exception):
    """The API answered 4xx: `reason` and `detail` come from its problem document, `errors`
    from a validation answer (each with `loc` and `msg`)."""

    def __init__(
        self, status: int, reason: str, detail: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        self.status = status
        self.reason = reason
        self.detail = detail
        self.errors = errors or []
        super().__init__(f"{status} {reason}: {detail}")


class ApiUnavailable(Exception):
    """The API is down, answered 5xx or did not answer in time: the page answers 503."""

    def __init__(self, api: str, detail: str) -> None:
        self.api = api
        self.detail = detail
        super().__init__(f"{api}: {detail}")


@dataclass(frozen=True, slots=True)
class Download:
    """A file an API answered (a PDF, a CSV, a homework attachment) to pass to the browser."""

    content: bytes
    media_type: str
    disposition: str | None


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

    async def send(  # noqa: PLR0913 - one call of any write route
        self,
        api: Api,
        method: str,
        path: str,
        token: str,
        *,
        json: Any = None,  # noqa: ANN401 - the request body
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON answer of a write; ApiRefused on 4xx, ApiUnavailable on an outage."""
        ...


class TokenIssuer(Protocol):
    """Mints the token the APIs verify, for a person the web has signed in."""

    def mint(self, user_id: str, roles: Iterable[str], school: str, *, ttl: timedelta) -> str:
        """A signed token for the person."""
        ...


class Clock(Protocol):
    """Today in the school's time zone (pages open on today's day and school year)."""

    def today(self) -> date:
        """The school's current date."""
        ...


@dataclass(frozen=True, slots=True)
class Deps:
    """What the pages use, built by `bootstrap.build`."""

    backends: Backends
    issuer: TokenIssuer
    clock: Clock
    session_ttl: timedelta
    year: int | None = None  # the school year pages open on; None: today's
