"""The two sides of the diary check over HTTP: the journal's record facts, the diary's records.

Both answer NDJSON ordered by (kind, id); lines are read as they arrive, so a whole school year
is never held in memory. The exporter calls both services with a service token of the school.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable

import httpx

from services.common.dev_tokens import DevTokenIssuer
from services.exporter.domain.agreement import Line

TokenFor = Callable[[str], str]
"""The bearer token to call a service with on behalf of a school."""


class FeedUnavailable(Exception):
    """A side of the check did not answer its records."""


class HttpRecordFeed:
    """Records from `<base_url><path>`, `path` formatted with `school` and `year`."""

    def __init__(
        self, client: httpx.AsyncClient, base_url: str, path: str, token_for: TokenFor
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._path = path
        self._token_for = token_for

    async def lines(self, school: str, year: int) -> AsyncIterator[Line]:
        """The records, one JSON line at a time."""
        url = self._base_url + self._path.format(school=school, year=year)
        headers = {"Authorization": f"Bearer {self._token_for(school)}"}
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code != httpx.codes.OK:
                    await response.aread()
                    raise FeedUnavailable(f"GET {url}: {response.status_code} {response.text}")
                async for text in response.aiter_lines():
                    if text:
                        yield _line(json.loads(text))
        except httpx.HTTPError as error:
            raise FeedUnavailable(f"GET {url}: {error}") from error


def service_tokens(fixed: str | None, issuer: DevTokenIssuer | None) -> TokenFor:
    """Bearer tokens (role `system`) for the check's calls: the configured one, or minted by
    the development issuer; without either the check answers that it cannot call."""
    if fixed is not None:
        return lambda _school: fixed
    if issuer is not None:
        return lambda school: issuer.mint("exporter", ["system"], school, ttl=_TOKEN_TTL)

    def refuse(_school: str) -> str:
        raise FeedUnavailable("the diary check needs EXPORTER_SERVICE_TOKEN (auth mode jwks)")

    return refuse


_TOKEN_TTL = dt.timedelta(minutes=10)


def _line(document: dict[str, object]) -> Line:
    content = document["content"]
    if not isinstance(content, dict):
        raise FeedUnavailable(f"a record line without content: {document!r:.200}")
    return Line(str(document["kind"]), str(document["id"]), content)


JOURNAL_FACTS_PATH = "/journal/v1/schools/{school}/years/{year}/record-facts"
DIARY_RECORDS_PATH = "/diary/v1/schools/{school}/years/{year}/records"
