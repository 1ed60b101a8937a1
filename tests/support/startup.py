"""What a command line imports before it answers: `--help` must start at once, without the
app, its server or the clients it would connect with."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "asyncpg", "nats", "pydantic", "httpx")
"""Libraries that take a good part of a second each to import and that help text needs none of."""


def heavy_imports(module: str, *argv: str) -> list[str]:
    """The `HEAVY` libraries that `python -m module argv` has imported when it exits; it must
    exit 0. Run in a fresh interpreter (this one has imported everything already)."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['{module}', *{list(argv)!r}]\n"
        f"try: runpy.run_module({module!r}, run_name='__main__')\n"
        "except SystemExit as exited: assert exited.code in (0, None), exited.code\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    last = done.stdout.splitlines()[-1]
    return last.split(",") if last else []
