"""The operator's command line answers `--help` at once: it imports a command's handler, the
launcher and the services' clients only when that command runs."""

from __future__ import annotations

import pytest

from tests.support.startup import heavy_imports


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["status", "--help"], ["token", "mint", "--help"], ["projection", "--help"]],
)
def test_help_imports_no_client_and_no_service(argv):
    assert heavy_imports("deploy.ops", *argv) == []
