"""The watchdog ends a process whose event loop stalls or which stays unready."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from services.common.settings import WatchdogSettings
from services.common.watchdog import EXIT_CODE, Watchdog, watching

ROOT = Path(__file__).resolve().parents[3]

# A process whose loop blocks in a synchronous sleep once the watchdog runs.
STALLING = """
import asyncio, time
from services.common.logging import configure_logging
from services.common.settings import WatchdogSettings
from services.common.watchdog import watching

async def ready() -> bool:
    return True

async def main() -> None:
    configure_logging(json=True)
    settings = WatchdogSettings(enabled=True, stall_seconds=1.0, unready_seconds=60)
    async with watching(settings, ready):
        await asyncio.sleep(0.3)
        time.sleep(30)  # the bug: a blocking call on the event loop

asyncio.run(main())
"""


def test_a_process_whose_event_loop_is_blocked_exits_with_one_log_line():
    started = time.monotonic()

    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", STALLING],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=20,
    )

    assert done.returncode == EXIT_CODE
    assert time.monotonic() - started < 15  # not the 30 s the loop was blocked for
    (line,) = [json.loads(text) for text in done.stderr.splitlines() if text.startswith("{")]
    assert line["event"] == "watchdog.exit"
    assert line["why"] == "event_loop_stalled"


async def test_a_process_unready_for_too_long_exits():
    exits: list[int] = []
    settings = WatchdogSettings(enabled=True, stall_seconds=30, unready_seconds=0.3)

    async def never_ready() -> bool:
        return False

    watchdog = Watchdog(
        settings.model_copy(update={"check_seconds": 0.05}), never_ready, exit_process=exits.append
    )
    async with watchdog.running():
        for _ in range(100):
            if exits:
                break
            await asyncio.sleep(0.05)

    assert exits == [EXIT_CODE]


async def test_a_ready_process_and_a_disabled_watchdog_go_on():
    exits: list[int] = []
    settings = WatchdogSettings(
        enabled=True, stall_seconds=30, unready_seconds=0.2, check_seconds=0.05
    )

    async def ready() -> bool:
        return True

    async with Watchdog(settings, ready, exit_process=exits.append).running():
        await asyncio.sleep(0.5)
    async with watching(WatchdogSettings(), ready) as disabled:
        assert disabled is None

    assert exits == []
