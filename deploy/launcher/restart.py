"""The launcher's supervision of its services: a service that dies, or stays unready, is
restarted (bounded, with backoff) and reported when it answers `GET /readyz` again.

Unready counts as well as dead: after an outage, a process whose event loop is stuck or which
never recovered its connections is alive but useless, and only a restart brings it back. The
services' own watchdog (`services.common.watchdog`, enabled by the launcher) usually exits
first; this is the same rule seen from outside, for a process too stuck even for that.

While NATS or PostgreSQL itself is down, no restart can help: the launcher then neither counts
a service unready nor restarts one (a restart would fail and use up the bounded restarts); it
waits for the server and restarts what needs it afterwards.
"""

from __future__ import annotations

import collections
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from deploy.launcher.output import say
from deploy.launcher.procs import Child, probe
from services.common.jetstream import servers_of
from services.common.watchdog import EXIT_CODE as WATCHDOG_EXIT_CODE

DependencyCheck = Callable[[], str | None]
"""The name of a server the services need that does not accept connections, or None."""


def servers_down(servers: Sequence[tuple[str, str]], timeout: float = 0.3) -> DependencyCheck:
    """A check of `(name, url)` servers (NATS, PostgreSQL): can a TCP connection be opened? A
    URL naming several nodes (a NATS cluster, separated by commas) is down when none answers:
    the cluster goes on without one."""

    def answers(url: str) -> bool:
        parts = urlsplit(url)
        try:
            with socket.create_connection(
                (parts.hostname or "127.0.0.1", parts.port or 0), timeout
            ):
                return True
        except OSError:
            return False

    def first_down() -> str | None:
        for name, url in servers:
            if not any(answers(node) for node in servers_of(url)):
                return name
        return None

    return first_down


def _nothing_down() -> str | None:
    return None


@dataclass(frozen=True)
class RestartPolicy:
    """How often a dead service is restarted: at most `limit` restarts within `window` seconds,
    the n-th recent one after `first_delay * 2**n` seconds (at most `max_delay`). A running
    service is probed every `probe_every` seconds and restarted once it has been unready for
    `unready_timeout` seconds."""

    limit: int = 5
    window: float = 600.0
    first_delay: float = 1.0
    max_delay: float = 30.0
    ready_timeout: float = 60.0
    unready_timeout: float = 30.0
    probe_every: float = 5.0

    def delay(self, recent: int) -> float:
        """The wait before the next restart when `recent` restarts happened within the window."""
        return min(self.first_delay * float(2**recent), self.max_delay)


class Restarter:
    """Watches one service child: when it dies or stays unready, restarts it (bounded, with
    backoff) and reports when it answers `GET /readyz` again. `tick` does one step and never
    blocks for long (stopping a stuck child takes its grace period)."""

    def __init__(
        self,
        child: Child,
        ready_url: str,
        policy: RestartPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        servers: DependencyCheck = _nothing_down,
    ) -> None:
        self.child = child
        self.ready_url = ready_url
        self.policy = policy or RestartPolicy()
        self.restarts: collections.deque[float] = collections.deque()
        self.due: float | None = None
        self.starting_since: float | None = None
        self.unready_since: float | None = None
        self.next_probe = 0.0
        self.gave_up = False
        self.waiting_for: str | None = None
        self._clock = clock
        self._servers = servers

    def tick(self, client: httpx.Client) -> None:
        """Notice a death, restart when the backoff is over, check readiness after a restart,
        or probe a running service."""
        now = self._clock()
        if self.gave_up:
            return
        if self.due is not None:
            if now >= self.due and not self._server_down(now):
                self._restart(now)
            return
        if self.child.process.poll() is not None:
            self._died(now)
        elif self.starting_since is not None:
            self._check_ready(client, now)
        elif now >= self.next_probe:
            self.next_probe = now + self.policy.probe_every
            self._watch_ready(client, now)

    def _server_down(self, now: float) -> bool:
        """True (said once) while a server the services need is down: the clocks stop."""
        down = self._servers()
        if down is not None and down != self.waiting_for:
            say(f"{down} is down: {self.child.name} waits for it before any restart")
        self.waiting_for = down
        if down is not None:
            self.unready_since = None
            if self.starting_since is not None:
                self.starting_since = now
        return down is not None

    def _recent(self, now: float) -> int:
        while self.restarts and now - self.restarts[0] >= self.policy.window:
            self.restarts.popleft()
        return len(self.restarts)

    def _died(self, now: float) -> None:
        child, policy = self.child, self.policy
        child.wait_output()
        self.starting_since = self.unready_since = None
        recent = self._recent(now)
        how = child.describe_exit()
        if child.process.returncode == WATCHDOG_EXIT_CODE:
            how += ": its watchdog ended it"
        died = f"{child.name} DIED ({how})"
        window = f"{policy.window / 60:.0f} min"
        if recent >= policy.limit:
            self.gave_up = True
            then = f"restarted {recent} times within {window}: giving up on it"
        else:
            delay = policy.delay(recent)
            self.due = now + delay
            nth = f"restart {recent + 1} of {policy.limit} within {window}"
            then = f"restarting it in {delay:.0f} s ({nth})"
        say(f"{died}; {then}; the others keep running. Its last lines:\n{child.tail()}", loud=True)

    def _restart(self, now: float) -> None:
        self.due = None
        self.restarts.append(now)
        self.child.restart()
        self.starting_since = now
        child = self.child
        say(f"restarted {child.name} (pid {child.process.pid}); waiting for {self.ready_url}")

    def _check_ready(self, client: httpx.Client, now: float) -> None:
        assert self.starting_since is not None  # noqa: S101 - only called while starting
        problem = probe(client, self.ready_url)
        if problem is None:
            seconds = now - self.starting_since
            self.starting_since = None
            name = self.child.name
            say(f"{name} is ready again after {seconds:.1f} s (catching up from its checkpoint)")
        elif now - self.starting_since > self.policy.ready_timeout and not self._server_down(now):
            limit = f"{self.policy.ready_timeout:.0f} s"
            say(f"{self.child.name} not ready after {limit} ({problem}): stopping it", loud=True)
            self.child.stop()  # the next tick sees it dead and restarts it (bounded)

    def _watch_ready(self, client: httpx.Client, now: float) -> None:
        """A running service: restart it when it has been unready for `unready_timeout`."""
        problem = probe(client, self.ready_url)
        name, limit = self.child.name, self.policy.unready_timeout
        if problem is not None and self._server_down(now):
            return
        if problem is None:
            if self.unready_since is not None:
                say(f"{name} is ready again after {now - self.unready_since:.1f} s")
            self.unready_since = None
        elif self.unready_since is None:
            self.unready_since = now
            say(f"{name} is not ready ({problem}); restarting it if it stays so for {limit:.0f} s")
        elif now - self.unready_since >= limit:
            say(f"{name} unready for {limit:.0f} s ({problem}): stopping it", loud=True)
            self.unready_since = None
            self.child.stop()  # the next tick sees it dead and restarts it (bounded)
