"""`python -m services.web`: the school's web pages (one address for every member of staff)."""

from __future__ import annotations

import sys

from services.common.entry import run_service
from services.web.entrypoints.http import create_app
from services.web.settings import Settings


def main(argv: list[str]) -> int:
    """Serve the pages until stopped."""
    return run_service("web", argv, settings=Settings, create_app=create_app)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
