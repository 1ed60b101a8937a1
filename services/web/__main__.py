"""`python -m services.web`: the school's web pages (one address for every member of staff)."""

from __future__ import annotations

import sys

from services.common.entry import Lazy, run_service


def main(argv: list[str]) -> int:
    """Serve the pages until stopped."""
    return run_service(
        "web",
        argv,
        settings=Lazy("services.web.settings:Settings"),
        create_app=Lazy("services.web.entrypoints.http:create_app"),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
