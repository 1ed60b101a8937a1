"""`python -m services.exporter [api|run|runs|grants|check|projection ...]`: the HTTP API with
the export schedule (the default), or one operator command (see `entrypoints/cli.py`)."""

from __future__ import annotations

from services.common.entry import Service
from services.exporter.entrypoints import cli
from services.exporter.entrypoints.http import create_app
from services.exporter.settings import Settings

COMMANDS = ("run", "runs", "grants", "check", "projection")
"""Each gets the whole command line (`entrypoints/cli.py` parses it)."""

SERVICE = Service("exporter", Settings, create_app, commands=dict.fromkeys(COMMANDS, cli.main))

if __name__ == "__main__":
    SERVICE.run()
