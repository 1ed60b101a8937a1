"""`python -m services.exporter [api|run|runs|grants|check|projection ...]`: the HTTP API with
the export schedule (the default), or one operator command (see `entrypoints/cli.py`)."""

from __future__ import annotations

import sys

import uvicorn

from services.exporter.entrypoints import cli
from services.exporter.entrypoints.http import create_app
from services.exporter.settings import Settings


def main(argv: list[str]) -> int:
    """Run the chosen process until it is stopped or the command is done."""
    role = argv[0] if argv else "api"
    if role != "api":
        return cli.main(argv)
    settings = Settings()  # required fields come from the environment
    app = create_app(settings)
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_config=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
