"""Every command of the README's "Operator commands" block works as pasted on the launched demo:
run in order against the demo's state folder, each exits 0, and each `--json` one prints a
JSON document."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SCRIPTS = Path(sys.executable).parent  # where `uv sync` put the project's console scripts
PREFIX = ("uv", "run", "school-ops")
COMMAND_SECONDS = 240.0  # the demo load sends every step again (all already recorded)


@dataclass(frozen=True)
class Command:
    """One line of the block: the ops arguments after `uv run school-ops`."""

    line: str
    args: tuple[str, ...]


def commands() -> list[Command]:
    """The block's commands, in order (comments dropped)."""
    section = README.read_text().split("## Operator commands", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    found = []
    for line in block.splitlines():
        words = tuple(shlex.split(line, comments=True))
        if words:
            assert words[: len(PREFIX)] == PREFIX, f"not an ops command: {line}"
            found.append(Command(line.split("#", 1)[0].strip(), words[len(PREFIX) :]))
    return found


def test_the_block_lists_the_operator_commands():
    groups = {c.args[0] for c in commands()}

    assert groups == {
        "status",
        "projection",
        "export",
        "audit",
        "person",
        "archive",
        "token",
        "demo",
    }


@pytest.mark.timeout(len(commands()) * COMMAND_SECONDS)
def test_every_operator_command_of_the_readme_works_on_the_demo(system, tmp_path):
    failures = []
    for command in commands():
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 - the README's own commands
            [str(SCRIPTS / "school-ops"), "--state-dir", str(system.state), *command.args],
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
            env=os.environ,
            cwd=tmp_path,  # what a command writes where it is run (the archive) goes there
            check=False,
        )
        seconds = time.monotonic() - started
        if done.returncode != 0:
            failures.append(f"{command.line}: exit {done.returncode}\n{done.stderr[-1500:]}")
        elif "--json" in command.args and not _is_json(done.stdout):
            failures.append(f"{command.line}: not one JSON document: {done.stdout[:300]}")
        print(f"{command.line}: exit {done.returncode} in {seconds:.1f} s")  # noqa: T201
    assert not failures, "\n\n".join(failures)


def _is_json(out: str) -> bool:
    lines = out.strip().splitlines()
    try:
        json.loads(lines[-1])
    except (IndexError, ValueError):
        return False
    return len(lines) == 1
