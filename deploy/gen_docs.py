"""Write the generated contract documents (`make docs`); `--check` fails when they are stale."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contracts.docs import asyncapi, json_schemas

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "contracts" / "schemas"
DOCS = ROOT / "docs"


def render(document: object) -> str:
    """Stable text of a document: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def openapi_documents() -> dict[str, object]:
    """Each service's OpenAPI document, from its app built with placeholder settings (no I/O)."""
    from services.audit.entrypoints.http import create_app as audit_app  # noqa: PLC0415
    from services.audit.testing_http import settings_for as audit_settings  # noqa: PLC0415
    from services.diary.entrypoints.http import create_app as diary_app  # noqa: PLC0415
    from services.diary.testing_http import settings_for as diary_settings  # noqa: PLC0415
    from services.enrollment.entrypoints.http import create_app as enrollment_app  # noqa: PLC0415
    from services.enrollment.testing_http import settings_for as enrollment_settings  # noqa: PLC0415
    from services.exporter.entrypoints.http import create_app as exporter_app  # noqa: PLC0415
    from services.exporter.testing_http import settings_for as exporter_settings  # noqa: PLC0415
    from services.journal.entrypoints.http import create_app as journal_app  # noqa: PLC0415
    from services.journal.testing_http import settings_for as journal_settings  # noqa: PLC0415

    placeholders = ("nats://127.0.0.1:4222", "postgresql://localhost/x", "x", "x" * 32)
    return {
        "journal": journal_app(journal_settings(*placeholders)).openapi(),
        "diary": diary_app(diary_settings(*placeholders)).openapi(),
        "exporter": exporter_app(exporter_settings(*placeholders)).openapi(),
        "enrollment": enrollment_app(enrollment_settings(*placeholders)).openapi(),
        "audit": audit_app(audit_settings(*placeholders)).openapi(),
    }


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
