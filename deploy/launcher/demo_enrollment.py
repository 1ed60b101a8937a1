"""The demo's portal users, enrolled through the enrollment API as the school's administrator
would: a parent's and the pupil's applications (checked and approved), the parent's for a second,
younger child (class 2a: the portal's child chooser then has two children to offer), and the
staff UIDs of a subject teacher and the class teacher of class 5a. The exporter turns them into
the diary's grants. Every request carries an idempotency key, so a retry records once and an
application already made is not made again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from deploy.launcher.demo_cast import GRID_CLASS, SCHOOL, DemoCast, mother_of
from deploy.launcher.procs import LaunchError
from deploy.launcher.state_secrets import dev_secret
from deploy.launcher.tokens import PORTAL_USERS, PortalUser, portal_user
from services.common.dev_tokens import DevTokenIssuer

ENROLLMENT_WAIT_SECONDS = 120.0


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

    def link(self, cast: DemoCast, user: PortalUser, relation: str, mother: str = "") -> None:
        """An application for `user` (`mother`, by default the pupil's, or the pupil), checked
        and approved. The idempotency keys name the user and, but for the first child, the
        class: the same parent's application for a second child is another application."""
        body: dict[str, Any] = {"pupil_id": cast.pupil, "uid": user.uid, "relation": relation}
        if relation == "parent":
            mother = mother or mother_of(cast.pupil_name)
            body |= {"applicant_name": mother, "kinship": "mother"}
        else:
            body |= {"applicant_name": cast.pupil_name}
        first = cast.class_id == GRID_CLASS
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

    def staff_uid(self, staff_id: str, user: PortalUser) -> None:
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
    token = DevTokenIssuer(dev_secret(state)).mint("adm1", ["admin"], SCHOOL)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=10.0, headers=headers) as client:
        yield Enrollment(client, f"{enrollment_url}/enrollment/v1/schools/{SCHOOL}")


def enroll_demo(enrollment_url: str, state: Path, cast: DemoCast, sibling: DemoCast) -> None:
    """The demo's four portal users through the enrollment API, as the administrator would:
    the parent's and the pupil's applications (checked, approved), the parent's for a second
    child, and the staff UIDs of a subject teacher and the class teacher. The exporter turns
    them into the diary's grants."""
    users = {user.key: user for user in PORTAL_USERS}
    with _enrollment(enrollment_url, state) as api:
        api.link(cast, users["parent"], "parent")
        api.link(sibling, users["parent"], "parent", mother_of(cast.pupil_name))
        api.link(cast, users["pupil"], "pupil")
        api.staff_uid(cast.teacher, users["teacher_uid"])
        api.staff_uid(cast.class_teacher, users["class_teacher_uid"])


def enroll_sibling(enrollment_url: str, state: Path, cast: DemoCast, sibling: DemoCast) -> None:
    """The parent's application for the second child only (a state folder from before it)."""
    with _enrollment(enrollment_url, state) as api:
        api.link(sibling, portal_user("parent"), "parent", mother_of(cast.pupil_name))
