"""Write the generated contract documents (`make docs`); `--check` fails when they are stale."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.docs import json_schemas

if TYPE_CHECKING:
    from fastapi import FastAPI
from deploy.asyncapi import asyncapi

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "contracts" / "schemas"
DOCS = ROOT / "docs"


def render(document: object) -> str:
    """Stable text of a document: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


API_SERVICES = ("journal", "diary", "exporter", "enrollment", "audit")
"""The services with a public HTTP API, in the order their documents are listed."""
PLACEHOLDER_ENV = {
    "PG__DSN": "postgresql://localhost/x",
    "AUTH__DEV_SECRET": "x" * 32,
    "PSEUDONYM_KEY": "x" * 32,  # the exporter's; the others ignore it
    "LOG_JSON": "false",
}
"""What a service's environment must name for its settings to load (`<PREFIX>_` before each):
the placeholders are never used, since an app opens its connections in its lifespan only."""


def service_apps() -> dict[str, FastAPI]:
    """Each service's app built as `python -m services.<name>` builds it: `create_app()` on
    `Settings()` read from the environment (placeholders here, no I/O)."""
    apps: dict[str, FastAPI] = {}
    for name in API_SERVICES:
        http = importlib.import_module(f"services.{name}.entrypoints.http")
        prefix = f"{name.upper()}_"
        with environment({prefix + key: value for key, value in PLACEHOLDER_ENV.items()}):
            apps[name] = http.create_app()
    return apps


def openapi_documents() -> dict[str, object]:
    """Each service's OpenAPI document, from its app (`service_apps`)."""
    return {name: app.openapi() for name, app in service_apps().items()}


@contextlib.contextmanager
def environment(variables: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` with `variables` set, as it was again afterwards."""
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def expected_files() -> dict[Path, str]:
    """Every generated file and its content."""
    files = {SCHEMAS / name: render(doc) for name, doc in json_schemas().items()}
    files[DOCS / "asyncapi.json"] = render(asyncapi())
    for service, document in openapi_documents().items():
        files[DOCS / "openapi" / f"{service}.json"] = render(document)
    return files


def _generated() -> list[Path]:
    return [*SCHEMAS.glob("*.json"), *DOCS.glob("*.json"), *DOCS.glob("openapi/*.json")]


def stale_files() -> list[Path]:
    """Generated files whose checked-in content differs, plus leftovers nobody generates."""
    wanted = expected_files()
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    leftovers = [p for p in _generated() if p not in wanted]
    return stale + leftovers


def main(argv: list[str] | None = None) -> int:
    """Write the documents, or with --check list the stale ones and exit 1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only check freshness")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    files = expected_files()
    for path in _generated():
        path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
