"""`python -m services.diary [api|worker]`: the HTTP API (with the projector unless
`DIARY_RUN_PROJECTOR=false`), or the projector alone."""

from __future__ import annotations

import sys

import uvicorn

from services.diary.entrypoints import worker
from services.diary.entrypoints.http import create_app
from services.diary.settings import Settings


def main(argv: list[str]) -> None:
    """Run the chosen process until it is stopped."""
    role = argv[0] if argv else "api"
    if role == "worker":
        worker.main()
        return
    if role != "api":
        sys.exit(f"usage: python -m services.diary [api|worker], not {role!r}")
    settings = Settings()  # required fields come from the environment
    app = create_app(settings)
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)


if __name__ == "__main__":
    main(sys.argv[1:])
