"""The launcher's demo steps on the first run: the demo school into the journal, then into the
e-diary.

The demo loader (`python -m demo load`, with the journal's environment) sends the generated
school through the journal's real handlers. Then the exporter runs a full export, and the demo's
portal users are enrolled (`demo_enrollment`). Both steps leave a marker in the state folder
(`markers`) and are skipped while their stream still holds messages; a state folder whose marker
predates the second child gets only that child's application.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from deploy.launcher.demo_cast import SCHOOL, SIBLING_CLASS, YEAR, DemoCast, find_demo_cast
from deploy.launcher.demo_enrollment import enroll_demo, enroll_sibling
from deploy.launcher.markers import (
    DemoChild,
    DiaryDemo,
    demo_already_loaded,
    diary_demo,
    diary_demo_of,
    mark_demo_loaded,
    mark_diary_demo,
)
from deploy.launcher.output import Output, prefix_for, say
from deploy.launcher.paths import PROJECT_ROOT
from deploy.launcher.procs import Child, LaunchError, run_foreground
from deploy.launcher.state_secrets import dev_secret, pseudonym_key
from deploy.launcher.summary import week_path
from deploy.launcher.tokens import PORTAL_USERS, portal_user
from services.common.dev_tokens import DevTokenIssuer
from services.exporter.domain.pseudonym import Pseudonymiser

DEMO_COMMAND = ("demo", "load")
EXPORTER_MODULE = "services.exporter"
DIARY_WAIT_SECONDS = 120.0
EnvFor = Callable[[str], dict[str, str]]
"""The environment of a service's command-line tools, by service name."""


@dataclass(frozen=True)
class Outputs:
    """Where one-off commands write: prefixed on the terminal (`quiet` lines only in the log)
    and whole into `<logs>/<name>.log`."""

    prefix_width: int
    color_index: int
    quiet: re.Pattern[str] | None
    logs: Path

    def of(self, name: str) -> Output:
        """The output of the command `name`."""
        prefix = prefix_for(name, self.color_index, self.prefix_width)
        return Output(prefix, self.quiet, self.logs / f"{name}.log")


@dataclass(frozen=True)
class OneOff:
    """Runs one-off commands as prefixed foreground children, stopped with the launcher."""

    stack: contextlib.ExitStack
    env_for: EnvFor
    outputs: Outputs

    def run(self, name: str, service: str, module_args: Sequence[str]) -> int:
        """`python -m <module_args>` with `service`'s environment; its exit code."""
        child = Child(
            name,
            [sys.executable, "-m", *module_args],
            self.env_for(service),
            self.outputs.of(name),
            cwd=PROJECT_ROOT,
        )
        self.stack.callback(child.stop)
        return run_foreground(child)


def load_demo(state: Path, nats_url: str, one_off: OneOff) -> bool:
    """Load the demo school on the first run; False when the loader failed."""
    if demo_already_loaded(state, nats_url):
        say("demo school already loaded (an earlier run did it; --reset starts afresh)")
        return True
    say("loading the demo school (first run only)")
    code = one_off.run("demo", "journal", DEMO_COMMAND)
    if code != 0:
        say(f"the demo loader failed (exit code {code}); the services keep running", loud=True)
        return False
    mark_demo_loaded(state, nats_url)
    return True


def export_demo(state: Path, nats_url: str, one_off: OneOff, enrollment_url: str) -> bool:
    """After the demo load: a full export and the demo's portal users, once; False when one
    failed."""
    cast, sibling = find_demo_cast(), find_demo_cast(SIBLING_CLASS)
    earlier = diary_demo(state, nats_url)
    if earlier is not None and (earlier.sibling is not None or cast is None or sibling is None):
        say("demo school already exported to the e-diary, portal users enrolled (an earlier run)")
        return True
    if cast is None or sibling is None:
        say(
            "no pupil, class teacher or subject teacher found in the demo: no portal users",
            loud=True,
        )
        return False
    if earlier is not None:
        return _add_sibling(state, nats_url, enrollment_url, earlier, (cast, sibling))
    say("exporting the demo school to the e-diary (full export, first run only)")
    where = ["--school", SCHOOL, "--year", str(YEAR)]
    code = one_off.run("export", "exporter", [EXPORTER_MODULE, "run", "--kind", "full", *where])
    if code != 0:
        say(f"the full export failed (exit code {code}); the services keep running", loud=True)
        return False
    uids = ", ".join(str(u.uid) for u in PORTAL_USERS)
    say(
        f"enrolling the demo's portal users: UIDs {uids} (the parent and pupil {cast.pupil},"
        f" {cast.teacher} for {cast.subject}, class teacher {cast.class_teacher} of"
        f" {cast.class_id}; the parent's second child {sibling.pupil} of {sibling.class_id})"
    )
    try:
        enroll_demo(enrollment_url, state, cast, sibling)
    except LaunchError as error:
        say(
            f"enrolling the demo's portal users failed: {error}; the services keep running",
            loud=True,
        )
        return False
    pseudonym = pseudonym_of(state, cast.pupil)
    demo = DiaryDemo(cast.class_id, cast.pupil, pseudonym, cast.subject, child_of(state, sibling))
    mark_diary_demo(state, nats_url, demo)
    return True


def pseudonym_of(state: Path, pupil: str) -> str:
    """The pupil's pseudonym in the e-diary (as the exporter's bootstrap derives it)."""
    return Pseudonymiser(pseudonym_key(state).encode()).of(pupil)


def child_of(state: Path, cast: DemoCast) -> DemoChild:
    """The demo parent's child of `cast` as the marker remembers it."""
    return DemoChild(cast.class_id, cast.pupil, pseudonym_of(state, cast.pupil))


def _add_sibling(
    state: Path,
    nats_url: str,
    enrollment_url: str,
    earlier: DiaryDemo,
    casts: tuple[DemoCast, DemoCast],
) -> bool:
    """The second child's application in a state folder exported before it; False if it
    failed."""
    cast, sibling = casts
    say(f"enrolling the demo parent for a second child: {sibling.pupil} of {sibling.class_id}")
    try:
        enroll_sibling(enrollment_url, state, cast, sibling)
    except LaunchError as error:
        say(f"enrolling the second child failed: {error}; the services keep running", loud=True)
        return False
    demo = dataclasses.replace(earlier, sibling=child_of(state, sibling))
    mark_diary_demo(state, nats_url, demo)
    return True


def wait_for_diary(diary_url: str, state: Path, timeout: float = DIARY_WAIT_SECONDS) -> None:
    """Wait (bounded, never fatal) until the diary shows the demo parent each child's week."""
    demo = diary_demo_of(state)
    if demo is None:
        return
    parent = portal_user("parent")
    token = DevTokenIssuer(dev_secret(state)).mint(
        parent.user, [parent.role], SCHOOL, uid=parent.uid
    )
    waiting = [f"{diary_url}{week_path(child)}" for child in demo.children]
    deadline = time.monotonic() + timeout
    # Short requests, so that one slow answer (a machine under load) does not use up the wait.
    with httpx.Client(timeout=10.0, headers={"Authorization": f"Bearer {token}"}) as client:
        while waiting and time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                response = client.get(waiting[0])
                if response.status_code == 200 and response.json().get("lessons"):
                    waiting.pop(0)
                    continue
            time.sleep(0.5)
    if not waiting:
        say(f"the e-diary shows the demo parent their children's weeks ({len(demo.children)})")
    else:
        say(f"the e-diary did not show the demo weeks within {timeout:.0f} s (still applying?)")
