"""`python -m deploy.compose_smoke_check`: the HTTP half of `deploy/compose-smoke`.

Against the running compose deployment, from the host, with development tokens signed by the
deployment's `DEV_SECRET`: a minimal school through the journal's API (year, mark scale, work
kinds, a subject, a teacher, a pupil, a class with the pupil and the teaching assignment, one
lesson), a mark recorded by the teacher and read back from the journal's lesson view, a delta
export through the exporter's API, a parent's application through the enrollment API (recorded,
printed as PDF, passport checked, approved: the exporter turns the link into the diary's grant)
the mark in the diary's day view of the pupil as that parent sees it, the teacher signed in to
the school's web pages (the development sign-in form, a session cookie) reading the lesson's page
with the pupil and the mark and, finally, the parent signed in to the portal's pages (its
development sign-in form lists the UID from the diary's grants) reading their children's page,
which names the class and never the pupil. Exit 0 when every step passed; 1 with what failed
otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from services.common.dev_tokens import DevTokenIssuer
from services.exporter.domain.pseudonym import Pseudonymiser
from services.journal.application.ids import lesson_id
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

SCHOOL, YEAR = "s1", 2026
CLASS_ID, SUBJECT, TEACHER, PUPIL = "5a", "math", "t-math", "p01"
LESSON_DAY = "2026-09-07"
LESSON = lesson_id(CLASS_ID, LESSON_DAY.replace("-", ""), 1, None)
JOURNAL_YEAR = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
PARENT_UID = 100001
MARK = {"pupil_id": PUPIL, "value": "5", "work_kind_id": "test"}
WAIT_SECONDS = 60.0


class CheckFailed(Exception):
    """A step of the smoke check did not give what it should."""


def say(message: str) -> None:
    """One progress line."""
    print(f"check: {message}", flush=True)


@dataclass(frozen=True)
class Urls:
    """Where the services and the web pages answer (from the host)."""

    journal: str
    diary: str
    exporter: str
    enrollment: str
    web: str
    portal: str


class Api:
    """HTTP calls with one role's token; any unexpected status is a `CheckFailed`."""

    def __init__(self, client: httpx.Client, token: str) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, url: str, body: object = None, *, expect: Sequence[int]) -> Any:  # noqa: ANN401 - JSON
        """Send one request; its JSON answer (or None for an empty one)."""
        response = self.send(method, url, body, expect=expect)
        return response.json() if response.content else None

    def send(
        self, method: str, url: str, body: object = None, *, expect: Sequence[int]
    ) -> httpx.Response:
        """Send one request; the response, when its status is expected."""
        response = self._client.request(method, url, json=body, headers=self._headers)
        if response.status_code not in expect:
            msg = f"{method} {url} answered {response.status_code}: {response.text[:500]}"
            raise CheckFailed(msg)
        return response


def eventually(what: str, probe: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:  # noqa: ANN401 - whatever the probe returns
    """Call `probe` until it returns something truthy (a `CheckFailed` counts as not yet)."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            if result := probe():
                return result
        except (CheckFailed, httpx.HTTPError) as error:
            last = str(error)
        time.sleep(0.5)
    msg = f"{what}: not within {timeout:.0f} s (last: {last})"
    raise CheckFailed(msg)


def create_school(admin: Api, journal: str) -> None:
    """The smallest school a mark can be recorded in, through the administrator's API."""
    base = f"{journal}{JOURNAL_YEAR}"
    period = {"period_id": "q1", "name": "1 четверть", "starts_on": "2026-09-01"}
    year = {
        "school_name": "Школа smoke",
        "starts_on": "2026-09-01",
        "ends_on": "2027-05-31",
        "periods": [{**period, "ends_on": "2026-10-26"}],
    }
    scale = {"scale_id": "five", "values": [v.model_dump(mode="json") for v in DEFAULT_SCALE]}
    kinds = {"kinds": [k.model_dump(mode="json") for k in DEFAULT_WORK_KINDS]}
    klass = f"{base}/classes/{CLASS_ID}"
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("PUT", base, year),
        ("PUT", f"{base}/config/mark-scale", scale),
        ("PUT", f"{base}/config/work-kinds", kinds),
        ("PUT", f"{base}/subjects/{SUBJECT}", {"name": "Математика"}),
        ("PUT", f"{base}/staff/{TEACHER}", {"full_name": "Иванова Анна", "position": "учитель"}),
        ("PUT", f"{base}/pupils/{PUPIL}", {"full_name": "Ученик Один", "birth_date": "2015-03-01"}),
        ("PUT", klass, {"grade": 5, "label": "5А", "class_teacher_id": TEACHER}),
        ("POST", f"{klass}/members", {"pupil_id": PUPIL, "since": "2026-09-01"}),
        ("POST", f"{klass}/assignments", {"teacher_id": TEACHER, "subject_id": SUBJECT}),
        (
            "POST",
            f"{klass}/lessons",
            {"subject_id": SUBJECT, "date": LESSON_DAY, "slot": 1, "teacher_id": TEACHER},
        ),
    ]
    for method, url, body in steps:
        admin.call(method, url, body, expect=(200, 201))
    say(f"school {SCHOOL} {YEAR}: class {CLASS_ID}, pupil {PUPIL}, lesson {LESSON} created")


def record_mark(teacher: Api, admin: Api, journal: str) -> str:
    """The teacher records a mark; the journal's lesson view shows it. The mark's id."""
    lesson = f"{journal}{JOURNAL_YEAR}/classes/{CLASS_ID}/lessons/{LESSON}"
    mark_id = str(teacher.call("POST", f"{lesson}/marks", MARK, expect=(201,))["mark_id"])
    say(f"mark {MARK['value']} recorded for {PUPIL} ({mark_id})")

    def shown() -> bool:
        return mark_id in str(admin.call("GET", lesson, expect=(200,)))

    eventually("the mark in the journal's lesson view", shown)
    say("the journal's lesson view shows the mark")
    return mark_id


def export_delta(admin: Api, exporter: str) -> None:
    """A delta export through the exporter's API, which must succeed."""
    runs = f"{exporter}/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs"
    run = admin.call("POST", runs, {"kind": "delta"}, expect=(200, 201))
    if run.get("status") != "published":
        msg = f"the delta export did not succeed: {run}"
        raise CheckFailed(msg)
    say(f"delta export {run['status']}: batch {run['batch_id']}, {run['records']} records")


def enroll_parent(admin: Api, enrollment: str) -> None:
    """The parent's application through the enrollment API: recorded (once the enrollment's
    roster knows the pupil), printed, checked and approved."""
    base = f"{enrollment}/enrollment/v1/schools/{SCHOOL}/applications"
    body = {
        "pupil_id": PUPIL,
        "uid": PARENT_UID,
        "relation": "parent",
        "applicant_name": "Ученица Ольга Петровна",
        "kinship": "mother",
    }
    submitted = eventually(
        "the application (the enrollment's roster has the pupil)",
        lambda: admin.call("POST", base, body, expect=(201,)),
    )
    application = f"{base}/{submitted['application_id']}"
    pdf = admin.send("GET", f"{application}/form.pdf", expect=(200,)).content
    if not pdf.startswith(b"%PDF-"):
        msg = f"the printed application is not a PDF: {pdf[:40]!r}"
        raise CheckFailed(msg)
    admin.call("POST", f"{application}/passport-check", {"checked_by": TEACHER}, expect=(200,))
    admin.call("POST", f"{application}/approve", {}, expect=(200,))
    say(f"UID {PARENT_UID} linked to {PUPIL} as parent (application printed, checked, approved)")


def parent_sees_mark(parent: Api, diary: str, pseudonym: str, mark_id: str) -> None:
    """The diary's day view of the pupil, as the parent, shows the mark."""
    url = f"{diary}/diary/v1/schools/{SCHOOL}/years/{YEAR}/pupils/{pseudonym}/days/{LESSON_DAY}"

    def shown() -> Any:  # noqa: ANN401 - JSON
        day = parent.call("GET", url, expect=(200,))
        return day if mark_id in str(day) else None

    day = eventually("the mark in the diary's day view (parent)", shown)
    say(f"the diary shows the parent the mark: {str(day)[:160]}...")


def teacher_reads_lesson_page(web: str) -> None:
    """The teacher signs in through the web's development sign-in form and opens the lesson's
    page: the session cookie carries them, the page shows the pupil."""
    with httpx.Client(base_url=web, timeout=30.0) as browser:
        _signed_in(browser, "/signin/dev", {"staff_id": TEACHER, "role": "teacher"})
        page = browser.get(f"/lessons/{CLASS_ID}/{LESSON}")
        if page.status_code != 200 or "Ученик Один" not in page.text:
            raise CheckFailed(f"the lesson page answered {page.status_code}: {page.text[:300]}")
    say("the teacher, signed in to the web, reads the lesson's page")


def _signed_in(browser: httpx.Client, path: str, form: dict[str, str]) -> None:
    """Post a development sign-in form (its login-CSRF nonce read from the sign-in page)."""
    page = browser.get("/signin")
    nonce = re.search(r'name="signin_csrf" value="([^"]+)"', page.text)
    if page.status_code != 200 or nonce is None:
        msg = f"GET {browser.base_url}signin answered {page.status_code}: {page.text[:300]}"
        raise CheckFailed(msg)
    signed = browser.post(path, data={**form, "signin_csrf": nonce.group(1)})
    if signed.status_code != 303:
        raise CheckFailed(f"signing in answered {signed.status_code}: {signed.text[:300]}")


def parent_reads_children_page(portal: str, pseudonym: str) -> None:
    """The parent signs in through the portal's development sign-in form (which lists their UID
    from the diary's grants) and opens their children's page, which takes a parent of one child
    to the child's week (a parent of several sees the chooser): the child's pseudonym in the
    address or a link, the class on the page, never the name."""
    user = f"parent:{PARENT_UID}"
    with httpx.Client(base_url=portal, timeout=30.0) as browser:
        eventually(
            "the parent's UID on the portal's sign-in page",
            lambda: f'value="{user}"' in browser.get("/signin").text,
        )
        _signed_in(browser, "/signin/dev", {"user": user})
        page = browser.get("/children", follow_redirects=True)
        shown = page.status_code == 200 and "5А" in page.text and "Ученик Один" not in page.text
        child = f"/children/{pseudonym}/"
        if not shown or not (page.url.path.startswith(child) or child in page.text):
            msg = f"the children page answered {page.status_code} at {page.url}: {page.text[:300]}"
            raise CheckFailed(msg)
    say(f"the parent, signed in to the portal, reads their child's {page.url.path} (5А, no name)")


def run(urls: Urls, secret: str, pseudonym_key: str) -> None:
    """Every step in order."""
    issuer = DevTokenIssuer(secret)
    with httpx.Client(timeout=30.0) as client:
        admin = Api(client, issuer.mint("adm1", ["admin"], SCHOOL))
        teacher = Api(client, issuer.mint(TEACHER, ["teacher"], SCHOOL))
        parent = Api(client, issuer.mint("parent-1", ["parent"], SCHOOL, uid=PARENT_UID))
        create_school(admin, urls.journal)
        mark_id = record_mark(teacher, admin, urls.journal)
        export_delta(admin, urls.exporter)
        enroll_parent(admin, urls.enrollment)
        pseudonym = Pseudonymiser(pseudonym_key.encode()).of(PUPIL)
        parent_sees_mark(parent, urls.diary, pseudonym, mark_id)
    teacher_reads_lesson_page(urls.web)
    parent_reads_children_page(urls.portal, pseudonym)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; 0 when it passed."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.compose_smoke_check", description=__doc__
    )
    parser.add_argument("--journal", default="http://127.0.0.1:8001")
    parser.add_argument("--diary", default="http://127.0.0.1:8002")
    parser.add_argument("--exporter", default="http://127.0.0.1:8003")
    parser.add_argument("--enrollment", default="http://127.0.0.1:8004")
    parser.add_argument("--web", default="http://127.0.0.1:8000")
    parser.add_argument("--portal", default="http://127.0.0.1:8010")
    parser.add_argument("--secret", required=True, help="the deployment's DEV_SECRET")
    parser.add_argument("--pseudonym-key", required=True, help="its EXPORTER_PSEUDONYM_KEY")
    args = parser.parse_args(argv)
    urls = Urls(args.journal, args.diary, args.exporter, args.enrollment, args.web, args.portal)
    return exit_status(lambda: run(urls, args.secret, args.pseudonym_key))


def exit_status(check: Callable[[], None]) -> int:
    """Run a check: 0 when it passed, 1 with what failed (one line each, timed)."""
    started = time.monotonic()
    try:
        check()
    except (CheckFailed, httpx.HTTPError) as error:
        say(f"FAILED: {error}")
        return 1
    say(f"passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
