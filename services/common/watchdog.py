"""The in-process watchdog: a process that cannot serve exits, so its supervisor restarts it.

Two failures are not deaths, so neither compose's restart policy nor the launcher would act on
them: an event loop that stopped turning (a blocking call, a CPU-bound burst that never ends)
and a service that stays unready (its dependencies are back but it did not recover). The
watchdog turns both into an exit:

- a heartbeat task stamps the time on every turn of the loop; a thread (which runs while the
  loop is stuck) exits the process when the stamp is older than `stall_seconds`;
- a task runs the readiness checks every `check_seconds` and exits the process when they have
  not passed for `unready_seconds` (counted from the start, so a service that never becomes
  ready exits too).

Each exit logs one line (`watchdog.exit`) and ends the process with `os._exit`, which runs no
cleanup that a stuck loop could block.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final, NoReturn

import structlog

from services.common.logging import flush_logs
from services.common.settings import WatchdogSettings

EXIT_CODE: Final = 70
"""The exit status of a process the watchdog ended (EX_SOFTWARE)."""
_HEARTBEAT_SECONDS: Final = 0.25

_log = structlog.get_logger(__name__)


def _exit_now(code: int) -> NoReturn:
    os._exit(code)


class Watchdog:
    """Watches one event loop and one readiness function (see the module's docstring)."""

    def __init__(
        self,
        settings: WatchdogSettings,
        is_ready: Callable[[], Awaitable[bool]],
        *,
        exit_process: Callable[[int], object] = _exit_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._is_ready = is_ready
        self._exit = exit_process
        self._clock = clock
        self._beat = clock()
        self._stop = threading.Event()
        self._fired = threading.Lock()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Watch for the duration of the block."""
        self._beat = self._clock()
        self._stop.clear()
        thread = threading.Thread(target=self._watch_loop, name="watchdog", daemon=True)
        tasks = [asyncio.create_task(self._heartbeat()), asyncio.create_task(self._readiness())]
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            thread.join(timeout=1.0)

    async def _heartbeat(self) -> None:
        while True:
            self._beat = self._clock()
            await asyncio.sleep(_HEARTBEAT_SECONDS)

    def _watch_loop(self) -> None:
        """The thread: exit when the loop's heartbeat is older than `stall_seconds`."""
        limit = self.settings.stall_seconds
        while not self._stop.wait(min(limit / 4, 1.0)):
            silent = self._clock() - self._beat
            if silent > limit:
                self.fire("event_loop_stalled", seconds=round(silent, 1))
                return

    async def _readiness(self) -> None:
        settings = self.settings
        ready_at = self._clock()
        while True:
            await asyncio.sleep(settings.check_seconds)
            try:
                ready = await self._is_ready()
            except Exception:  # a check that cannot run is a failed check
                ready = False
            now = self._clock()
            if ready:
                ready_at = now
            elif now - ready_at > settings.unready_seconds:
                self.fire("unready", seconds=round(now - ready_at, 1))
                return

    def fire(self, why: str, **fields: object) -> None:
        """Log one line and end the process (once, whichever check fires first)."""
        if not self._fired.acquire(blocking=False):
            return
        _log.error("watchdog.exit", why=why, exit_code=EXIT_CODE, **fields)
        flush_logs(timeout=1.0)
        self._exit(EXIT_CODE)


@contextlib.asynccontextmanager
async def watching(
    settings: WatchdogSettings | None, is_ready: Callable[[], Awaitable[bool]]
) -> AsyncIterator[Watchdog | None]:
    """A running watchdog for the block when `settings.enabled`, else nothing."""
    if settings is None or not settings.enabled:
        yield None
        return
    watchdog = Watchdog(settings, is_ready)
    async with watchdog.running():
        yield watchdog
