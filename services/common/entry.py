"""`python -m services.<name> [api|serve|worker|cli ...|<command> ...]`: one dispatcher for every
service's entry point, so that each starts, and names its commands, the same way. A back-end
service's `__main__` declares a `Service` (what differs: its name, settings, app, consumers and
commands) and runs it."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, TypeVar

if TYPE_CHECKING:
    from fastapi import FastAPI


class _Http(Protocol):
    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...


class ServiceSettings(Protocol):
    """What the dispatcher reads of a service's settings."""

    @property
    def http(self) -> _Http: ...


_ROLES_HELP = """
  api, serve     the HTTP API (the default), on the settings' host and port
  worker         the consumers alone, without the HTTP API (where the service has any)
  cli ...        the service's operator commands (`cli --help` lists them)
  <command> ...  another command of the service, given the whole command line

Settings come from the environment (the README's configuration table).
"""

S = TypeVar("S", bound=ServiceSettings)
Command = Callable[[list[str]], int]
"""An operator command: its arguments in, an exit code out."""


def run_service(
    name: str,
    argv: Sequence[str],
    *,
    settings: Callable[[], S],
    create_app: Callable[[S], FastAPI],
    worker: Callable[[], None] | None = None,
    commands: Mapping[str, Command] | None = None,
) -> int:
    """Run what `argv` asks for: the HTTP API (`api`, `serve` or nothing), the consumers alone
    (`worker`), or an operator command (each name of `commands` gets the whole `argv`; `cli`
    hands what follows it to the command named `cli`). The exit code."""
    commands = commands or {}
    role = argv[0] if argv else "api"
    roles = ["api", "serve", *(["worker"] if worker else []), *commands]
    usage = f"usage: python -m services.{name} [{'|'.join(roles)} ...]"
    if role in {"-h", "--help", "help"}:
        sys.stdout.write(f"{usage}\n{_ROLES_HELP}")
        return 0
    if role in {"api", "serve"}:
        import uvicorn  # noqa: PLC0415 - the other roles and --help start without the server

        chosen = settings()  # required fields come from the environment
        app = create_app(chosen)
        _freeze_what_start_up_made()
        # No access log: the HTTP middleware writes each request's line (uvicorn.access is
        # quiet anyway, but uvicorn still formats the client address and path of every request
        # for it).
        uvicorn.run(
            app, host=chosen.http.host, port=chosen.http.port, log_config=None, access_log=False
        )
        return 0
    if role == "worker" and worker is not None:
        _freeze_what_start_up_made()
        worker()
        return 0
    if role == "cli" and "cli" in commands:
        return commands["cli"](list(argv[1:]))
    if role in commands:
        return commands[role](list(argv))
    sys.stderr.write(f"{usage}, not {role!r}\n")
    return 2


@dataclass(frozen=True, slots=True)
class Lazy:
    """The function (or class) `module:name`, imported when it is called: a service's
    `__main__` names its app, consumers and commands this way, so that `--help` and each role
    import only what they run (`--help` took 2.1-3.0 s when it imported the app)."""

    target: str

    def resolve(self) -> Any:  # noqa: ANN401 - whatever the target is
        """The target, imported."""
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - the target's own
        """The target called with the arguments given."""
        return self.resolve()(*args, **kwargs)


def _freeze_what_start_up_made() -> None:
    """Leave the objects that imports and the app made out of every later full garbage
    collection. They live as long as the process (a service holds about 130,000 of them), and
    each full collection would walk them again, pausing the event loop for about 0.1 s more."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True, slots=True)
class Service(Generic[S]):
    """A service's entry point, declared: `run_service`'s arguments but `argv`."""

    name: str
    settings: Callable[[], S]
    create_app: Callable[[S], FastAPI]
    worker: Callable[[], None] | None = None
    commands: Mapping[str, Command] = field(default_factory=dict)

    def main(self, argv: Sequence[str]) -> int:
        """Run the chosen process until it is stopped, or the command until it is done."""
        return run_service(
            self.name,
            argv,
            settings=self.settings,
            create_app=self.create_app,
            worker=self.worker,
            commands=self.commands,
        )

    def run(self) -> NoReturn:
        """`python -m services.<name> ...`: `main` on the process's arguments, and exit with
        its code."""
        sys.exit(self.main(sys.argv[1:]))


def laid_out(
    name: str, *, worker: bool = True, commands: Mapping[str, Command] | None = None
) -> Service[Any]:
    """The entry point of a service laid out as CONVENTIONS.md says (the back-end services and
    the two web apps):
    its `Settings` in `services.<name>.settings`, `create_app` in `entrypoints.http`, the
    consumers' `main` in `entrypoints.worker` (unless `worker` is False), and `commands` (by
    default `cli`: `entrypoints.cli`'s `main`), each imported only when it runs."""
    package = f"services.{name}"
    return Service(
        name,
        Lazy(f"{package}.settings:Settings"),
        Lazy(f"{package}.entrypoints.http:create_app"),
        Lazy(f"{package}.entrypoints.worker:main") if worker else None,
        {"cli": Lazy(f"{package}.entrypoints.cli:main")} if commands is None else commands,
    )
