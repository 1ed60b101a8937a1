"""Write the generated contract documents (`make docs`); `--check` fails when they are stale."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from contracts.docs import json_schemas

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "contracts" / "schemas"


def render(document: object) -> str:
    """Stable text of a document: sorted keys, two-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    """Every generated file and its content."""
    return {SCHEMAS / name: render(doc) for name, doc in json_schemas().items()}


def stale_files() -> list[Path]:
    """Generated files whose checked-in content differs, plus leftovers nobody generates."""
    wanted = expected_files()
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    leftovers = [p for p in SCHEMAS.glob("*.json") if p not in wanted]
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
    SCHEMAS.mkdir(parents=True, exist_ok=True)
    for path in SCHEMAS.glob("*.json"):
        path.unlink()
    for path, text in expected_files().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
