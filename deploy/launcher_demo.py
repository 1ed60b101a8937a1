"""The launcher's demo steps: the demo school into the journal, then into the e-diary.

On the first run the journal's demo loader sends the generated school through the real handlers.
Then the exporter runs a full export and grants four portal UIDs access (a parent, the pupil, a
subject teacher and the class teacher of class 5a), so the diary answers at once. Both steps
leave a marker in the state folder and are skipped while their stream still holds messages.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy import launcher_summary as summary
from deploy.launcher_procs import Child, prefix_for, run_foreground, say
from services.common.auth import DevTokenIssuer
from services.exporter.domain.pseudonym import Pseudonymiser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_COMMAND = ("services.journal.entrypoints.cli", "demo", "load")
EXPORTER_MODULE = "services.exporter"
DIARY_WAIT_SECONDS = 120.0
EnvFor = Callable[[str], dict[str, str]]
"""The environment of a service's command-line tools, by service name."""


@dataclass(frozen=True)
class DemoCast:
    """Who of the generated demo school the portal grants are about (class 5a)."""

    class_id: str
    pupil: str
    subject: str  # the demo teacher's subject in the class


def find_demo_cast(class_id: str = summary.GRID_CLASS) -> DemoCast | None:
    """A pupil who stays in `class_id` all term and the demo teacher's subject there, from the
    deterministic generator (no I/O); None when there is none."""
    try:
        steps: Sequence[Any] = summary.demo_steps()
    except Exception:  # the generator is the journal's: read here, never required
        return None

    def commands(*kinds: str) -> list[Any]:
        return [
            s.command for s in steps if s.class_id == class_id and type(s.command).__name__ in kinds
        ]

    removed = {c.pupil_id for c in commands("RemovePupilFromClass")}
    pupils = [c.pupil_id for c in commands("AddPupilToClass") if c.pupil_id not in removed]
    teacher = summary.find_demo_teacher()
    subjects = [c.subject_id for c in commands("ScheduleLesson") if c.teacher_id == teacher]
    if not (pupils and teacher and subjects):
        return None
    return DemoCast(class_id, pupils[0], subjects[0])


def grant_arguments(cast: DemoCast) -> list[tuple[summary.PortalUser, list[str]]]:
    """The portal users and the `exporter grant` scope arguments that give them their access."""
    users = {user.key: user for user in summary.PORTAL_USERS}
    return [
        (users["parent"], ["--pupil", cast.pupil, "--relation", "parent"]),
        (users["pupil"], ["--pupil", cast.pupil, "--relation", "pupil"]),
        (users["teacher_uid"], ["--class", cast.class_id, "--subject", cast.subject]),
        (users["class_teacher_uid"], ["--class", cast.class_id]),
    ]


@dataclass(frozen=True)
class OneOff:
    """Runs one-off commands as prefixed foreground children, stopped with the launcher."""

    stack: contextlib.ExitStack
    env_for: EnvFor
    prefix_width: int
    color_index: int

    def run(self, name: str, service: str, module_args: Sequence[str]) -> int:
        """`python -m <module_args>` with `service`'s environment; its exit code."""
        child = Child(
            name,
            [sys.executable, "-m", *module_args],
            self.env_for(service),
            prefix_for(name, self.color_index, self.prefix_width),
            cwd=PROJECT_ROOT,
        )
        self.stack.callback(child.stop)
        return run_foreground(child)


def load_demo(state: Path, nats_url: str, one_off: OneOff) -> bool:
    """Load the demo school on the first run; False when the loader failed."""
    if summary.demo_already_loaded(state, nats_url):
        say("demo school already loaded (an earlier run did it; --reset starts afresh)")
        return True
    say("loading the demo school (first run only)")
    code = one_off.run("demo", "journal", DEMO_COMMAND)
    if code != 0:
        say(f"the demo loader failed (exit code {code}); the services keep running", loud=True)
        return False
    summary.mark_demo_loaded(state, nats_url)
    return True


def export_demo(state: Path, nats_url: str, one_off: OneOff) -> bool:
    """After the demo load: a full export and the demo grants, once; False when one failed."""
    if summary.diary_demo(state, nats_url) is not None:
        say("demo school already exported to the e-diary, grants given (an earlier run did it)")
        return True
    cast = find_demo_cast()
    if cast is None:
        say("no pupil, class teacher or subject teacher found in the demo: no grants", loud=True)
        return False
    say("exporting the demo school to the e-diary (full export, first run only)")
    where = ["--school", summary.SCHOOL, "--year", str(summary.YEAR)]
    code = one_off.run("export", "exporter", [EXPORTER_MODULE, "run", "--kind", "full", *where])
    if code != 0:
        say(f"the full export failed (exit code {code}); the services keep running", loud=True)
        return False
    for user, scope in grant_arguments(cast):
        uid = ["--uid", str(user.uid)]
        say(f"granting UID {user.uid} ({user.title}) access to {' '.join(scope)}")
        if one_off.run("grant", "exporter", [EXPORTER_MODULE, "grant", *where, *uid, *scope]):
            say(f"the grant for UID {user.uid} failed; the services keep running", loud=True)
            return False
    pseudonym = Pseudonymiser(summary.pseudonym_key(state).encode()).of(cast.pupil)  # as bootstrap
    demo = summary.DiaryDemo(cast.class_id, cast.pupil, pseudonym, cast.subject)
    summary.mark_diary_demo(state, nats_url, demo, [(u.uid, s) for u, s in grant_arguments(cast)])
    return True


def wait_for_diary(diary_url: str, state: Path, timeout: float = DIARY_WAIT_SECONDS) -> None:
    """Wait (bounded, never fatal) until the diary shows the demo parent the pupil's week."""
    demo = summary.diary_demo_of(state)
    if demo is None:
        return
    parent = next(u for u in summary.PORTAL_USERS if u.key == "parent")
    token = DevTokenIssuer(summary.dev_secret(state)).mint(
        parent.user, [parent.role], summary.SCHOOL, uid=parent.uid
    )
    url = f"{diary_url}{summary.week_path(demo)}"
    deadline = time.monotonic() + timeout
    # Short requests, so that one slow answer (a machine under load) does not use up the wait.
    with httpx.Client(timeout=10.0, headers={"Authorization": f"Bearer {token}"}) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                response = client.get(url)
                if response.status_code == 200 and response.json().get("lessons"):
                    say("the e-diary shows the demo parent their child's week")
                    return
            time.sleep(0.5)
    say(f"the e-diary did not show the demo week within {timeout:.0f} s (still applying?)")
