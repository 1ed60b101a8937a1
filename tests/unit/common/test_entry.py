"""`Service`: a back-end service's entry point, declared once and dispatched the one way; every
service's `__main__` names targets that exist, and `--help` imports none of them."""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass, field

import pytest
import uvicorn
from fastapi import FastAPI

from services.common import entry
from services.common.entry import Service
from tests.support.startup import heavy_imports


@dataclass(frozen=True)
class Http:
    host: str = "127.0.0.1"
    port: int = 8999


@dataclass(frozen=True)
class Settings:
    http: Http = field(default_factory=Http)


@dataclass
class Calls:
    made: list[tuple[str, object]] = field(default_factory=list)

    def command(self, name: str, code: int = 0) -> entry.Command:
        def run(argv: list[str]) -> int:
            self.made.append((name, argv))
            return code

        return run

    def worker(self) -> None:
        self.made.append(("worker", None))


def declared(calls: Calls, *, worker: bool = True) -> Service[Settings]:
    return Service(
        "test",
        Settings,
        lambda settings: FastAPI(title=str(settings.http.port)),
        calls.worker if worker else None,
        {"cli": calls.command("cli", 3), "verify": calls.command("verify")},
    )


@pytest.fixture
def frozen(monkeypatch) -> list[str]:
    """What the garbage collector was asked to do (this test process is left as it is)."""
    asked: list[str] = []
    monkeypatch.setattr(entry.gc, "collect", lambda: asked.append("collect"))
    monkeypatch.setattr(entry.gc, "freeze", lambda: asked.append("freeze"))
    return asked


@pytest.mark.parametrize("argv", [[], ["api"], ["serve"]])
def test_the_api_is_served_by_default_on_the_settings_host_and_port(monkeypatch, frozen, argv):
    served = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **kw: served.append((app.title, kw["host"], kw["port"]))
    )
    assert declared(Calls()).main(argv) == 0
    assert served == [("8999", "127.0.0.1", 8999)]
    assert frozen == ["collect", "freeze"]  # start-up's objects stay out of later collections


def test_commands_get_their_arguments_and_answer_with_their_exit_code(frozen):
    calls = Calls()
    service = declared(calls)
    assert service.main(["worker"]) == 0
    assert frozen == ["collect", "freeze"]
    assert service.main(["cli", "projection", "status"]) == 3  # `cli` gets what follows it
    assert service.main(["verify", "--school", "s1"]) == 0  # others get the whole line
    assert calls.made == [
        ("worker", None),
        ("cli", ["projection", "status"]),
        ("verify", ["verify", "--school", "s1"]),
    ]
    assert frozen == ["collect", "freeze"]  # a command is short-lived: nothing to freeze


def test_an_unknown_role_says_which_there_are(capsys):
    assert declared(Calls(), worker=False).main(["worker"]) == 2
    usage = capsys.readouterr().err
    assert usage == "usage: python -m services.test [api|serve|cli|verify ...], not 'worker'\n"


def test_run_exits_with_the_code_of_the_process_arguments(monkeypatch):
    calls = Calls()
    monkeypatch.setattr(entry.sys, "argv", ["services.test", "cli", "x"])
    with pytest.raises(SystemExit) as exited:
        declared(calls).run()
    assert (exited.value.code, calls.made) == (3, [("cli", ["x"])])


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_lists_the_roles_and_exits_0(capsys, flag):
    calls = Calls()
    assert declared(calls).main([flag]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m services.test [api|serve|worker|cli|verify ...]\n")
    assert "the consumers alone" in out
    assert calls.made == []


ENTRY_MODULES = [
    f"services.{name}.__main__"
    for name in ("journal", "diary", "exporter", "enrollment", "audit", "web", "portal")
]


def declared_targets(module: str) -> list[entry.Lazy]:
    main = importlib.import_module(module)
    service = getattr(main, "SERVICE", None)
    if service is None:  # the pages: `main` hands its targets to `run_service`
        source = inspect.getsource(main.main)
        return [entry.Lazy(t) for t in re.findall(r'Lazy\("([^"]+)"\)', source)]
    named = [service.settings, service.create_app, service.worker, *service.commands.values()]
    return [t for t in named if isinstance(t, entry.Lazy)]


@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_every_target_a_service_names_exists(module):
    targets = declared_targets(module)

    assert len(targets) >= 2  # at least the settings and the app
    for target in targets:
        assert callable(target.resolve()), target.target


@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_help_starts_without_the_app_or_its_server(module):
    assert heavy_imports(module, "--help") == []
