"""Child processes of the local launcher: started with their output prefixed (`output`),
waited for until ready, stopped; and the processes a crashed run left behind.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

import httpx

from deploy.launcher.output import Output, Prefixer, say, write_out

STOP_GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


class LaunchError(Exception):
    """Something the launcher needs did not start; the message says what and why."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the child gets SIGTERM if the launcher dies without cleaning up (e.g. SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """One child process whose output is copied, prefixed, to the launcher's stdout."""

    def __init__(
        self,
        name: str,
        args: Sequence[str],
        env: dict[str, str],
        output: Output,
        cwd: Path | None = None,
    ) -> None:
        self.name = name
        self.prefixer = Prefixer(output.prefix, output.quiet)
        self.log = output.log
        self._args, self._env, self._cwd = list(args), env, cwd
        self.process, self._pump = self._spawn()
        self.reported_dead = False

    def _spawn(self) -> tuple[subprocess.Popen[bytes], threading.Thread]:
        """Start the process and the thread that copies its output."""
        process = subprocess.Popen(
            self._args,
            env=self._env,
            cwd=self._cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the launcher only; it stops children in order
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        )
        pump = threading.Thread(
            target=self._copy_output, args=(process,), name=f"out-{self.name}", daemon=True
        )
        pump.start()
        return process, pump

    def restart(self) -> None:
        """Start the (exited) process again with the same command line and environment; the
        output keeps its prefix and `tail` continues with the new process's lines."""
        if self.process.poll() is None:
            raise LaunchError(f"{self.name} is still running: not restarting it")
        self.wait_output()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process, self._pump = self._spawn()
        self.reported_dead = False

    def _copy_output(self, process: subprocess.Popen[bytes]) -> None:
        stream = process.stdout
        assert stream is not None  # noqa: S101 - stdout=PIPE above
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with self._log_file() as log:
            while chunk := os.read(stream.fileno(), 65536):
                if log is not None:
                    log.write(chunk)
                    log.flush()  # `tail -f` follows it as it comes
                write_out(self.prefixer.feed(decoder.decode(chunk)))
        write_out(self.prefixer.feed(decoder.decode(b"", final=True)) + self.prefixer.flush())

    def _log_file(self) -> contextlib.AbstractContextManager[BinaryIO | None]:
        """The child's log, appended to (a restarted child goes on in the same file)."""
        if self.log is None:
            return contextlib.nullcontext()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        return self.log.open("ab")

    def tail(self) -> str:
        """The child's last output lines, for error messages."""
        if self.process.poll() is not None:
            self._pump.join(timeout=1.0)
        return "\n".join(f"    {line}" for line in self.prefixer.tail) or "    (no output)"

    def wait_output(self, timeout: float = 5.0) -> None:
        """Wait until everything the (exited) child wrote has been copied."""
        self._pump.join(timeout)

    def describe_exit(self) -> str:
        """`exit code N`, or the signal that ended the process."""
        code = self.process.returncode
        if code is not None and code < 0:
            return f"ended by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> int | None:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL; return the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop within {grace:.0f} s: killing it", loud=True)
                self.process.kill()
                self.process.wait()
        self.wait_output()
        return self.process.returncode


def wait_ready(child: Child, url: str, timeout: float) -> None:
    """Poll `url` until it answers 200; raise LaunchError with the child's last lines if not."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                child.wait_output()
                msg = f"{child.name} exited with code {child.process.returncode} while starting"
                raise LaunchError(f"{msg}; its last lines:\n{child.tail()}")
            last = probe(client, url) or "200"
            if last == "200":
                return
            time.sleep(0.25)
    msg = f"{child.name} was not ready at {url} after {timeout:.0f} s ({last}); its last lines:"
    raise LaunchError(f"{msg}\n{child.tail()}")


def probe(client: httpx.Client, url: str) -> str | None:
    """None when `url` answers 200, else a short description of what happened."""
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}"
    if response.status_code == 200:
        return None
    return f"HTTP {response.status_code}: {response.text[:200]}"


def run_foreground(child: Child, timeout: float | None = None) -> int:
    """Wait for a one-off child (such as the demo loader) and return its exit code."""
    try:
        code = child.process.wait(timeout)
    except subprocess.TimeoutExpired:
        child.stop()
        raise LaunchError(f"{child.name} did not finish within {timeout} s") from None
    child.wait_output()
    return code


def kill_pid_file(pid_file: Path, must_contain: str, on_kill: Callable[[int], None]) -> None:
    """Stop a leftover process named in `pid_file` if its command line mentions `must_contain`."""
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return
    if must_contain not in cmdline:
        return
    on_kill(pid)
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)


def child_pid(parent: int, module: str) -> int | None:
    """The pid of a live child of `parent` running `python -m <module>`, if there is one (a
    restarted service has a new pid: tests and fault drills look it up here)."""
    wanted = [b"-m", module.encode()]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            status = (proc / "status").read_text()
            args = (proc / "cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        alive = not fields.get("State", "").startswith(("Z", "X"))
        child = fields.get("PPid", "").strip() == str(parent)
        if alive and child and args[-2:] == wanted:
            return int(proc.name)
    return None
