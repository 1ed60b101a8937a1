"""The launcher's state folder (`.local/` by default): locked while a launcher uses it, and
emptied by `--reset` of exactly what the launcher wrote there, never of anything else.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import IO

from deploy.launcher.markers import EXPORT_MARKER, MARKER
from deploy.launcher.output import say
from deploy.launcher.ports import Ports
from deploy.launcher.postgres import PrivatePostgres
from deploy.launcher.procs import LaunchError, kill_pid_file
from deploy.launcher.state_secrets import SECRET_FILES
from deploy.launcher.tokens import TOKENS_FILE

LOCK_FILE = "launcher.lock"
STATE_ENTRIES = frozenset(
    {
        "ports.json",
        "pg",
        "pg-socket",
        "pg.log",
        "nats",
        "nats.pid",
        LOCK_FILE,
        TOKENS_FILE,
        MARKER,
        EXPORT_MARKER,
        *SECRET_FILES,
    }
)
"""What the launcher itself writes into its state folder: all that `--reset` may delete."""


def prepare_state(path: Path, *, reset: bool) -> tuple[Path, IO[str]]:
    """The state folder, locked for this launcher (keep the returned file open while running),
    emptied first with --reset (only when it holds nothing but the launcher's own files)."""
    path = path.resolve()
    path.mkdir(parents=True, exist_ok=True)
    lock = _lock(path / LOCK_FILE)
    if reset:
        unknown = sorted(p.name for p in path.iterdir() if p.name not in STATE_ENTRIES)
        if unknown:
            lock.close()
            raise LaunchError(f"--reset refuses to delete {path}: it holds {unknown[:5]}")
        _stop_leftovers(path)
        for entry in path.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            elif entry.name != LOCK_FILE:
                entry.unlink()
        say(f"emptied {path}")
    return path, lock


def _lock(path: Path) -> IO[str]:
    """An exclusive lock on `path`, so two launchers never share one state folder."""
    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        msg = f"another launcher (pid {holder}) is using {path.parent}; stop it or use --state-dir"
        raise LaunchError(msg) from None
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _stop_leftovers(state: Path) -> None:
    """Stop servers a killed launcher left running from `state`, before deleting it."""
    kill_pid_file(state / "nats.pid", str(state / "nats"), lambda pid: say(f"stopping nats {pid}"))
    if (state / "pg" / "postmaster.pid").exists():
        PrivatePostgres(state, Ports(state / "ports.json")).stop()
