"""Every request of the README's table ("Where to look once it runs") works as written on the
launched demo: sent with the token of the role its row names, each answers 2xx, and the JSON
answers are not empty."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy.launcher.markers import diary_demo_of

README = Path(__file__).resolve().parents[2] / "README.md"
PORTS = {
    "8001": "journal",
    "8002": "diary",
    "8003": "exporter",
    "8004": "enrollment",
    "8005": "audit",
}
TOKENS = {
    "admin": "ADMIN_TOKEN",
    "deputy": "DEPUTY_TOKEN",
    "head": "HEAD_TOKEN",
    "teacher": "TEACHER_TOKEN",
    "parent": "PARENT_TOKEN",
}
_ROW = re.compile(r"^\| (?P<what>[^|]+?) \| (?P<examples>.+) \|$")
_REQUEST = re.compile(
    r"`(?P<method>GET|POST|PUT) :(?P<port>\d{4})(?P<path>\S+)(?: (?P<body>\{.*?\}))?`"
)
VIEW_SECONDS = 15.0
_ROLE = re.compile(r"\((?P<role>[a-z]+)")


@dataclass(frozen=True)
class Example:
    """One request of the table, with the role whose token it takes (None: no token)."""

    what: str
    method: str
    service: str
    path: str
    body: dict[str, Any] | None
    role: str | None


def examples() -> list[Example]:
    """Every request of the table, in order."""
    table = README.read_text().split("Where to look once it runs", 1)[1].split("\n\n", 2)[1]
    found: list[Example] = []
    for line in table.splitlines():
        row = _ROW.match(line)
        if row is None:
            continue
        role = _ROLE.search(row["what"])
        named = role["role"] if role and role["role"] in TOKENS else None
        for request in _REQUEST.finditer(row["examples"]):
            body = json.loads(request["body"]) if request["body"] else None
            service = PORTS[request["port"]]
            found.append(
                Example(row["what"], request["method"], service, request["path"], body, named)
            )
    return found


def test_the_table_has_its_examples():
    listed = examples()

    assert len(listed) >= 20
    assert {e.service for e in listed} == set(PORTS.values())


async def test_every_example_of_the_readme_answers_on_the_demo(system):
    demo = diary_demo_of(system.state)
    assert demo is not None
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    known = {
        "<pseudonym>": demo.pseudonym,
        "<pupil>": demo.pupil,
        "<today>": now.date().isoformat(),
        "<now>": now.isoformat().replace("+00:00", "Z"),
    }
    failures: list[str] = []
    async with httpx.AsyncClient(timeout=60) as client:
        for example in examples():
            path = example.path
            for placeholder, value in known.items():
                path = path.replace(placeholder, value)
            headers = {}
            if example.role is not None:
                headers["Authorization"] = f"Bearer {system.tokens[TOKENS[example.role]]}"
            url = system.api_urls[example.service] + path
            answer = await _send(client, example, url, headers)
            failure = _failure(answer)
            if failure:
                failures.append(f"{example.method} {example.path} ({example.what}): {failure}")
                continue
            known.update(_ids_in(answer))
    assert not failures, "\n".join(failures)


async def _send(
    client: httpx.AsyncClient, example: Example, url: str, headers: dict[str, str]
) -> httpx.Response:
    """The example's answer; a read of what the example before it wrote (a check just
    opened) is asked again while the views catch up, for a few seconds."""
    deadline = time.monotonic() + VIEW_SECONDS
    while True:
        answer = await client.request(example.method, url, json=example.body, headers=headers)
        if answer.status_code != 404 or example.method != "GET" or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.5)


def _failure(answer: httpx.Response) -> str:
    """What is wrong with an answer ("" when it is a 2xx with something in it)."""
    if not answer.is_success:
        return f"{answer.status_code} {answer.text[:300]}"
    if answer.headers.get("content-type", "").startswith("application/json") and not answer.json():
        return "an empty answer"
    return ""


def _ids_in(answer: httpx.Response) -> dict[str, str]:
    """Ids a later example names: the first application listed, the check opened."""
    if not answer.headers.get("content-type", "").startswith("application/json"):
        return {}
    body = answer.json()
    first = body[0] if isinstance(body, list) and body else body
    ids: dict[str, str] = {}
    if isinstance(first, dict):
        if "application_id" in first:
            ids["<application>"] = str(first["application_id"])
        if "check_id" in first:
            ids["<check>"] = str(first["check_id"])
    return ids
