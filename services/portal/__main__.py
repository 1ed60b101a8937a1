"""`python -m services.portal`: the e-diary's pages for parents, pupils and teachers' UIDs."""

from __future__ import annotations

import sys

from services.common.entry import run_service
from services.portal.entrypoints.http import create_app
from services.portal.settings import Settings


def main(argv: list[str]) -> int:
    """Serve the pages until stopped."""
    return run_service("portal", argv, settings=Settings, create_app=create_app)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
