"""`python -m services.enrollment [api|worker|cli ...]`: the HTTP API (with the projectors
unless `ENROLLMENT_RUN_PROJECTOR=false`), the projectors alone, or an operator command."""

from __future__ import annotations

import sys

import uvicorn

from services.enrollment.entrypoints import cli, worker
from services.enrollment.entrypoints.http import create_app
from services.enrollment.settings import Settings


def main(argv: list[str]) -> None:
    """Run the chosen process until it is stopped."""
    role = argv[0] if argv else "api"
    if role in {"api", "serve"}:
        settings = Settings()  # required fields come from the environment
        app = create_app(settings)
        uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)
    elif role == "worker":
        worker.main()
    elif role == "cli":
        sys.exit(cli.main(argv[1:]))
    else:
        sys.exit(f"usage: python -m services.enrollment [api|serve|worker|cli ...], not {role!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
