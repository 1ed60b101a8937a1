"""The audit's verification over HTTP: `POST /audit/v1/schools/{school}/verifications`
answers NDJSON (one line per problem as found, progress, a summary per stream, a last line),
which the JSON-only `HttpBackends` cannot read; this reads it line by line with the same pooled
client, the person's token and the same mapping of answers to `ApiRefused`/`ApiUnavailable`.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx

from services.common.http import CORRELATION_HEADER, correlation_id
from services.common.webapp.backends import refusal
from services.web.application.ports import ApiUnavailable

_UNAVAILABLE: Final = 500


class AuditVerification:
    """Runs a school's verification on the audit service at `base` (its root URL)."""

    def __init__(self, client: httpx.AsyncClient, base: str) -> None:
        self._client = client
        self._base = base.rstrip("/")

    async def run(self, token: str, school: str) -> list[dict[str, Any]]:
        """Every line of the verification of the school's streams, in order."""
        url = f"{self._base}/audit/v1/schools/{school}/verifications"
        headers = {"Authorization": f"Bearer {token}", CORRELATION_HEADER: correlation_id()}
        lines: list[dict[str, Any]] = []
        try:
            async with self._client.stream("POST", url, json={}, headers=headers) as answer:
                if answer.status_code >= _UNAVAILABLE:
                    raise ApiUnavailable("audit", f"answered {answer.status_code}")
                if answer.is_client_error:
                    await answer.aread()
                    raise refusal(answer)
                lines.extend([_line(t) async for t in answer.aiter_lines() if t.strip()])
        except httpx.HTTPError as error:
            raise ApiUnavailable("audit", f"{type(error).__name__}: {error}") from error
        return lines


def _line(text: str) -> dict[str, Any]:
    """One NDJSON line; a line that is not an object is the stream broken off."""
    try:
        line = json.loads(text)
    except ValueError:
        return {"type": "error", "detail": "unreadable line in the verification's answer"}
    return line if isinstance(line, dict) else {"type": "error", "detail": "unexpected line"}
