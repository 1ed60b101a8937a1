"""A client generated from each service's OpenAPI document (`docs/openapi/*.json`, with
openapi-python-client) calls the running service and reads both its answers and its errors:
the document says what the service really sends, problem+json included."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.running import RUNNERS

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = Path(sys.executable).parent / "openapi-python-client"
SCHOOL, YEAR = "s1", 2026


@dataclass(frozen=True)
class Case:
    """A service, a role, and a listing that role may read (of the school, or of its year)."""

    service: str
    role: str
    module: str
    of_the_year: bool

    def call(self, operation: Any, client: Any) -> Any:
        """The listing's request through the generated `operation`."""
        path = (SCHOOL, YEAR) if self.of_the_year else (SCHOOL,)
        return operation.asyncio_detailed(*path, client=client)


CASES = [
    Case("journal", "deputy", "api.monthly_check.list_checks", of_the_year=True),
    Case("diary", "admin", "api.operations.batches", of_the_year=True),
    Case("enrollment", "admin", "api.applications.list_applications", of_the_year=False),
    Case("exporter", "admin", "api.exports.recent_runs", of_the_year=True),
    Case("audit", "auditor", "api.tamper_evidence.list_anchors", of_the_year=False),
]


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every service's client, generated into a folder put on the import path."""
    folder = tmp_path_factory.mktemp("clients")
    for case in CASES:
        document = ROOT / "docs" / "openapi" / f"{case.service}.json"
        output = folder / f"{case.service}_client"
        subprocess.run(  # noqa: S603 - the generator of this environment, fixed arguments
            [GENERATOR, "generate", "--path", document, "--meta", "none", "--output-path", output],
            check=True,
            capture_output=True,
            timeout=120,
        )
    sys.path.insert(0, str(folder))
    yield folder
    sys.path.remove(str(folder))


def generated(service: str, module: str) -> Any:
    return importlib.import_module(f"{service}_client.{module}")


def client_of(service: str, running: Any, headers: dict[str, str]) -> Any:
    """The generated client, sending through the app in this process."""
    package = generated(service, "client")
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=running.app),
        base_url=str(running.http.base_url),
        headers=headers,
    )
    return package.AuthenticatedClient(str(running.http.base_url), token="").set_async_httpx_client(
        http
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.service)
@pytest.mark.usefixtures("js")
async def test_a_generated_client_reads_the_answer_and_the_problem(
    case: Case, clients: Path, nats_url: str, database_url: str, pg_schema: str
) -> None:
    operation = generated(case.service, case.module)
    problem_model = generated(case.service, "models").Problem

    async with RUNNERS[case.service](nats_url, database_url, pg_schema) as running:
        allowed = client_of(case.service, running, running.headers("u1", case.role))
        anonymous = client_of(case.service, running, {})
        listed = await case.call(operation, allowed)
        refused = await case.call(operation, anonymous)

    assert listed.status_code == 200, listed.content
    assert isinstance(listed.parsed, list)
    assert refused.status_code == 401
    assert isinstance(refused.parsed, problem_model)
    assert (refused.parsed.status, refused.parsed.reason) == (401, "missing_token")
    assert refused.headers["content-type"] == "application/problem+json"
