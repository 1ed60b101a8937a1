"""`python -m services.portal`: the e-diary's pages for parents, pupils and teachers' UIDs."""

from __future__ import annotations

import sys

from services.common.entry import Lazy, run_service


def main(argv: list[str]) -> int:
    """Serve the pages until stopped."""
    return run_service(
        "portal",
        argv,
        settings=Lazy("services.portal.settings:Settings"),
        create_app=Lazy("services.portal.entrypoints.http:create_app"),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
