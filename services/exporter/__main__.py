"""`python -m services.exporter [api|run|runs|grants|check|projection ...]`: the HTTP API with
the export schedule (the default), or one operator command (see `entrypoints/cli.py`)."""

from __future__ import annotations

from services.common.entry import Lazy, laid_out

COMMANDS = ("run", "runs", "grants", "check", "projection")
SERVICE = laid_out(
    "exporter",
    worker=False,
    commands=dict.fromkeys(COMMANDS, Lazy("services.exporter.entrypoints.cli:main")),
)

if __name__ == "__main__":
    SERVICE.run()
