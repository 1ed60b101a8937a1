"""The services' HTTP APIs over httpx, with the person's token; answers become exceptions the
pages understand (`ApiRefused` for 4xx, `ApiUnavailable` for an outage)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import httpx
from starlette.responses import Response

from services.common.http import CORRELATION_HEADER, correlation_id

_UNAVAILABLE = 500
FilePart = tuple[str, bytes, str]
"""A file of a multipart body: its name, bytes and media type."""
Files = Mapping[str, FilePart] | Sequence[tuple[str, FilePart]]
"""A multipart body's files: one per field name, or (field, file) pairs when a field repeats
(a message's several `files`)."""


class WriteBody(TypedDict, total=False):
    """A write's keywords, the one list of them for the client and each app's port: the JSON
    body, a multipart body (`files` with form `data`) and the idempotency key."""

    json: Any
    files: Files | None
    data: Mapping[str, str] | None
    idempotency_key: str | None


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

    def response(self, fallback_disposition: str | None = None) -> Response:
        """The file for the browser as the API gave it, never sniffed into another type nor
        kept in a cache (it is one person's data)."""
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
        if disposition := self.disposition or fallback_disposition:
            headers["Content-Disposition"] = disposition
        return Response(self.content, media_type=self.media_type, headers=headers)


class HttpBackends:
    """One pooled httpx client for every API; `bases` maps each API to its base URL."""

    def __init__(self, client: httpx.AsyncClient, bases: Mapping[str, str]) -> None:
        self._client = client
        self._bases = dict(bases)

    async def get(
        self, api: str, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON of a GET."""
        return (await self._call(api, "GET", path, token, params=params)).json()

    async def download(
        self, api: str, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        """The bytes of a GET, with the media type and the disposition the API chose."""
        answer = await self._call(api, "GET", path, token, params=params)
        media_type = answer.headers.get("content-type", "application/octet-stream")
        return Download(answer.content, media_type, answer.headers.get("content-disposition"))

    async def send(
        self, api: str, method: str, path: str, token: str, **body: Unpack[WriteBody]
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON answer of a write (None for an empty answer)."""
        key = body.get("idempotency_key")
        headers = {"Idempotency-Key": key} if key else {}
        answer = await self._call(
            api,
            method,
            path,
            token,
            json=body.get("json"),
            files=body.get("files"),
            data=body.get("data"),
            headers=headers,
        )
        return answer.json() if answer.content else None

    async def _call(  # noqa: PLR0913 - httpx's own keywords, passed through
        self,
        api: str,
        method: str,
        path: str,
        token: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,  # noqa: ANN401 - the request body
        files: Files | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {token}", **(headers or {})}
        sent[CORRELATION_HEADER] = correlation_id()  # one click, followed into the API's log
        try:
            answer = await self._client.request(
                method,
                self._bases[api] + path,
                params=params,
                json=json,
                files=files,
                data=data,
                headers=sent,
            )
        except httpx.HTTPError as error:
            raise ApiUnavailable(api, f"{type(error).__name__}: {error}") from error
        if answer.status_code >= _UNAVAILABLE:
            raise ApiUnavailable(api, f"answered {answer.status_code}")
        if answer.is_client_error:
            raise refusal(answer)
        return answer


def refusal(answer: httpx.Response) -> ApiRefused:
    """The API's problem document as an exception (a body that is not one still refuses)."""
    try:
        body = answer.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    reason = str(body.get("reason") or f"http_{answer.status_code}")
    detail = str(body.get("detail") or answer.reason_phrase)
    errors = body.get("errors")
    return ApiRefused(
        answer.status_code, reason, detail, errors if isinstance(errors, list) else []
    )
