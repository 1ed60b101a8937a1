"""The launcher's demo steps: the demo school into the journal, then into the e-diary.

On the first run the journal's demo loader sends the generated school through the real handlers.
Then the exporter runs a full export, and the administrator enrolls four portal UIDs through the
enrollment API (a parent's and the pupil's applications, checked and approved; the staff UIDs of
a subject teacher and the class teacher of class 5a), which the exporter turns into the diary's
grants. The parent applies for a second, younger child too (class 2a), so that the portal's
child chooser has two children to offer. Both steps leave a marker in the state folder and are
skipped while their stream still holds messages; a state folder whose marker predates the
second child gets only that child's application (every request carries an idempotency key, and
an application already made is not made again).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy import launcher_summary as summary
from deploy.launcher_procs import Child, LaunchError, prefix_for, run_foreground, say
from services.common.auth import DevTokenIssuer
from services.exporter.domain.pseudonym import Pseudonymiser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_COMMAND = ("services.journal.entrypoints.cli", "demo", "load")
EXPORTER_MODULE = "services.exporter"
DIARY_WAIT_SECONDS = 120.0
ENROLLMENT_WAIT_SECONDS = 120.0
EnvFor = Callable[[str], dict[str, str]]
"""The environment of a service's command-line tools, by service name."""


@dataclass(frozen=True)
class DemoCast:
    """Who of the generated demo school the portal users are about (class 5a)."""

    class_id: str
    pupil: str
    pupil_name: str
    subject: str  # the subject teacher's subject in the class
    teacher: str  # teaches `subject` in the class; not the class teacher
    class_teacher: str


def find_demo_cast(class_id: str = summary.GRID_CLASS) -> DemoCast | None:
    """A pupil who stays in `class_id` all term, the class teacher and another teacher of the
    class with their subject, from the deterministic generator (no I/O); None when there is none."""
    try:
        steps: Sequence[Any] = summary.demo_steps()
    except Exception:  # the generator is the journal's: read here, never required
        return None

    def commands(*kinds: str) -> list[Any]:
        return [s.command for s in steps if type(s.command).__name__ in kinds]

    in_class = [s.command for s in steps if s.class_id == class_id]
    removed = {c.pupil_id for c in in_class if type(c).__name__ == "RemovePupilFromClass"}
    pupils = [
        c.pupil_id
        for c in in_class
        if type(c).__name__ == "AddPupilToClass" and c.pupil_id not in removed
    ]
    opened = [c for c in in_class if type(c).__name__ == "OpenClass"]
    lessons = [c for c in in_class if type(c).__name__ == "ScheduleLesson"]
    if not (pupils and opened and lessons):
        return None
    class_teacher = opened[0].class_teacher_id
    others = [c for c in lessons if c.teacher_id != class_teacher]
    if not others:
        return None
    names = {c.pupil_id: c.full_name for c in commands("RegisterPupil")}
    return DemoCast(
        class_id,
        pupils[0],
        names.get(pupils[0], pupils[0]),
        others[0].subject_id,
        others[0].teacher_id,
        class_teacher,
    )


def mother_of(pupil_name: str) -> str:
    """A plausible full name for the demo pupil's mother (the surname in its feminine form)."""
    surname = pupil_name.split(" ", 1)[0]
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        surname += "а"
    elif surname.endswith("ий"):
        surname = surname[:-2] + "ая"
    return f"{surname} Елена Сергеевна"


@dataclass(frozen=True)
class Enrollment:
    """The enrollment API as the administrator uses it for the demo's portal users."""

    client: httpx.Client
    base: str

    def send(self, method: str, path: str, key: str, body: dict[str, Any]) -> httpx.Response:
        """One request, retried while the enrollment's roster has not caught up with the demo
        (`unknown_pupil`, `unknown_staff`) or a connection fails; the idempotency key makes a
        retry record once."""
        deadline = time.monotonic() + ENROLLMENT_WAIT_SECONDS
        while True:
            try:
                response = self.client.request(
                    method, f"{self.base}{path}", json=body, headers={"Idempotency-Key": key}
                )
            except httpx.HTTPError:
                response = None
            waiting = response is None or _reason(response) in {"unknown_pupil", "unknown_staff"}
            if not waiting or time.monotonic() > deadline:
                if response is None:
                    raise LaunchError(f"the enrollment service did not answer {method} {path}")
                return response
            time.sleep(0.5)

    def link(
        self, cast: DemoCast, user: summary.PortalUser, relation: str, mother: str = ""
    ) -> None:
        """An application for `user` (`mother`, by default the pupil's, or the pupil), checked
        and approved. The idempotency keys name the user and, but for the first child, the
        class: the same parent's application for a second child is another application."""
        body: dict[str, Any] = {"pupil_id": cast.pupil, "uid": user.uid, "relation": relation}
        if relation == "parent":
            mother = mother or mother_of(cast.pupil_name)
            body |= {"applicant_name": mother, "kinship": "mother"}
        else:
            body |= {"applicant_name": cast.pupil_name}
        first = cast.class_id == summary.GRID_CLASS
        key = f"demo-{user.key}" if first else f"demo-{user.key}-{cast.class_id}"
        submitted = self.send("POST", "/applications", f"{key}-application", body)
        if _reason(submitted) in {"uid_already_linked", "duplicate_application"}:
            return  # an earlier, interrupted first run got this far
        application = f"/applications/{_json(submitted)['application_id']}"
        self.send(
            "POST",
            f"{application}/passport-check",
            f"{key}-check",
            {"checked_by": cast.class_teacher},
        )
        _json(self.send("POST", f"{application}/approve", f"{key}-approve", {}))

    def staff_uid(self, staff_id: str, user: summary.PortalUser) -> None:
        """Record the UID a member of staff registered on the portal."""
        _json(self.send("PUT", f"/staff/{staff_id}/uid", f"demo-{user.key}", {"uid": user.uid}))


def _reason(response: httpx.Response) -> str | None:
    if response.is_success or "json" not in response.headers.get("content-type", ""):
        return None
    body = response.json()
    return body.get("reason") if isinstance(body, dict) else None


def _json(response: httpx.Response) -> dict[str, Any]:
    if not response.is_success:
        msg = f"{response.request.method} {response.request.url}: {response.status_code} "
        raise LaunchError(msg + response.text[:300])
    body: dict[str, Any] = response.json()
    return body


@contextlib.contextmanager
def _enrollment(enrollment_url: str, state: Path) -> Iterator[Enrollment]:
    """The enrollment API with the demo administrator's token."""
    token = DevTokenIssuer(summary.dev_secret(state)).mint("adm1", ["admin"], summary.SCHOOL)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=10.0, headers=headers) as client:
        yield Enrollment(client, f"{enrollment_url}/enrollment/v1/schools/{summary.SCHOOL}")


def _parent() -> summary.PortalUser:
    return next(u for u in summary.PORTAL_USERS if u.key == "parent")


def enroll_demo(enrollment_url: str, state: Path, cast: DemoCast, sibling: DemoCast) -> None:
    """The demo's four portal users through the enrollment API, as the administrator would:
    the parent's and the pupil's applications (checked, approved), the parent's for a second
    child, and the staff UIDs of a subject teacher and the class teacher. The exporter turns
    them into the diary's grants."""
    users = {user.key: user for user in summary.PORTAL_USERS}
    with _enrollment(enrollment_url, state) as api:
        api.link(cast, users["parent"], "parent")
        api.link(sibling, users["parent"], "parent", mother_of(cast.pupil_name))
        api.link(cast, users["pupil"], "pupil")
        api.staff_uid(cast.teacher, users["teacher_uid"])
        api.staff_uid(cast.class_teacher, users["class_teacher_uid"])


def enroll_sibling(enrollment_url: str, state: Path, cast: DemoCast, sibling: DemoCast) -> None:
    """The parent's application for the second child only (a state folder from before it)."""
    with _enrollment(enrollment_url, state) as api:
        api.link(sibling, _parent(), "parent", mother_of(cast.pupil_name))


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


def export_demo(state: Path, nats_url: str, one_off: OneOff, enrollment_url: str) -> bool:
    """After the demo load: a full export and the demo's portal users, once; False when one
    failed."""
    cast, sibling = find_demo_cast(), find_demo_cast(summary.SIBLING_CLASS)
    earlier = summary.diary_demo(state, nats_url)
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
    where = ["--school", summary.SCHOOL, "--year", str(summary.YEAR)]
    code = one_off.run("export", "exporter", [EXPORTER_MODULE, "run", "--kind", "full", *where])
    if code != 0:
        say(f"the full export failed (exit code {code}); the services keep running", loud=True)
        return False
    uids = ", ".join(str(u.uid) for u in summary.PORTAL_USERS)
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
    demo = summary.DiaryDemo(
        cast.class_id, cast.pupil, pseudonym, cast.subject, child_of(state, sibling)
    )
    summary.mark_diary_demo(state, nats_url, demo)
    return True


def pseudonym_of(state: Path, pupil: str) -> str:
    """The pupil's pseudonym in the e-diary (as the exporter's bootstrap derives it)."""
    return Pseudonymiser(summary.pseudonym_key(state).encode()).of(pupil)


def child_of(state: Path, cast: DemoCast) -> summary.DemoChild:
    """The demo parent's child of `cast` as the marker remembers it."""
    return summary.DemoChild(cast.class_id, cast.pupil, pseudonym_of(state, cast.pupil))


def _add_sibling(
    state: Path,
    nats_url: str,
    enrollment_url: str,
    earlier: summary.DiaryDemo,
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
    summary.mark_diary_demo(state, nats_url, demo)
    return True


def wait_for_diary(diary_url: str, state: Path, timeout: float = DIARY_WAIT_SECONDS) -> None:
    """Wait (bounded, never fatal) until the diary shows the demo parent each child's week."""
    demo = summary.diary_demo_of(state)
    if demo is None:
        return
    parent = _parent()
    token = DevTokenIssuer(summary.dev_secret(state)).mint(
        parent.user, [parent.role], summary.SCHOOL, uid=parent.uid
    )
    waiting = [f"{diary_url}{summary.week_path(child)}" for child in demo.children]
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
