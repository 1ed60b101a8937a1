"""`projection rebuild|status`, parsed and run the same way in every service: on a runtime
whose projectors do not run, the settings read only once the command line is parsed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from pydantic_settings import BaseSettings

from services.common.projection_cli import projection_main


class Settings(BaseSettings):
    schema_name: str = "view"
    run_projector: bool = True


@dataclass
class FakeProjector:
    name: str

    async def describe(self) -> str:
        return f"{self.name} at 7"


@dataclass
class Runtime:
    settings: Settings
    projectors: tuple[FakeProjector, ...] = (FakeProjector("view"), FakeProjector("roster"))


@dataclass
class Service:
    log: list[str] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def build(self, settings: Settings) -> AsyncIterator[Runtime]:
        self.log.append(f"open, projectors running: {settings.run_projector}")
        yield Runtime(settings)
        self.log.append("closed")

    async def rebuild(self, runtime: Runtime, settings: Settings) -> list[str]:
        self.log.append(f"rebuild {settings.schema_name}, configured {settings.run_projector}")
        return [f"{p.name} rebuilt" for p in runtime.projectors]

    def main(self, *argv: str, **kw: str) -> int:
        return projection_main(
            "svc",
            "The service's commands.",
            list(argv),
            what="its projections",
            settings=self.settings,
            build=self.build,
            projectors=lambda runtime: runtime.projectors,
            rebuild=self.rebuild,
            **kw,
        )

    def settings(self) -> Settings:
        self.log.append("settings read")
        return Settings()


def test_status_prints_where_each_projector_stands_with_the_projectors_stopped(capsys):
    service = Service()
    assert service.main("projection", "status") == 0
    assert capsys.readouterr().out == "view at 7\nroster at 7\n"
    assert service.log == ["settings read", "open, projectors running: False", "closed"]


def test_rebuild_gets_the_settings_as_configured_and_prints_once_the_runtime_is_closed(capsys):
    service = Service()

    async def rebuild(runtime: Runtime, settings: Settings) -> list[str]:
        lines = await Service.rebuild(service, runtime, settings)
        assert capsys.readouterr().out == ""  # nothing printed while the runtime is open
        return lines

    service.rebuild = rebuild  # type: ignore[method-assign]
    assert service.main("projection", "rebuild") == 0
    assert capsys.readouterr().out == "view rebuilt\nroster rebuilt\n"
    assert service.log == [
        "settings read",
        "open, projectors running: False",
        "rebuild view, configured True",
        "closed",
    ]


@pytest.mark.parametrize(
    ("argv", "help_text"),
    [
        (("--help",), "The service's commands."),
        (("projection", "--help"), "checkpoints, stream positions, dead letters"),
    ],
)
def test_help_needs_no_settings(capsys, argv, help_text):
    service = Service()
    with pytest.raises(SystemExit) as exited:
        service.main(*argv)
    assert exited.value.code == 0
    assert help_text in capsys.readouterr().out
    assert service.log == []


def test_a_service_with_one_projection_says_so_in_the_status_help(capsys):
    with pytest.raises(SystemExit):
        Service().main("projection", "--help", status_help="checkpoint, stream position")
    shown = capsys.readouterr().out
    assert "checkpoint, stream position\n" in shown
    assert "checkpoints" not in shown
