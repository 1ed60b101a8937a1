"""`python -m deploy.launcher --reset` empties a state folder the launcher filled itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.launcher.markers import MARKER
from deploy.launcher.ports import Ports
from deploy.launcher.state import LOCK_FILE
from deploy.launcher.state_secrets import dev_secret, pseudonym_key, signing_key
from deploy.launcher.tokens import mint_tokens

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


def test_reset_on_a_folder_the_launcher_created(tmp_path: Path, nats_url: str):
    state = tmp_path / "state"
    state.mkdir()
    Ports(state / "ports.json").choose("journal", [8001])
    secret = dev_secret(state)
    signing_key(state)  # the file the launcher did not know it wrote
    pseudonym_key(state)
    mint_tokens(secret, state, "t-math")
    (state / MARKER).write_text("{}\n")
    environment = {**os.environ, "NATS_URL": nats_url, "NO_COLOR": "1"}
    environment.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    command = [sys.executable, "-m", "deploy.launcher", "--state-dir", str(state), "--reset"]

    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--infra-only", "--once"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"emptied {state.resolve()}" in done.stdout
    assert not (state / "audit-signing-key").exists()
    assert LOCK_FILE in {p.name for p in state.iterdir()}
