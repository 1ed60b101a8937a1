"""What the launcher tells the user once everything runs: URLs, development tokens, curl lines."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from deploy.launcher.demo_cast import GRID_CLASS, SCHOOL, YEAR
from deploy.launcher.markers import DemoChild, DiaryDemo, demo_teacher
from deploy.launcher.paths import logs_of
from deploy.launcher.tokens import PORTAL_USERS, mint_tokens

WEB_APPS = frozenset({"web", "portal"})
"""Services that serve pages, not an API (no OpenAPI UI to list)."""
JOURNAL_YEAR = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
GRID_PATH = f"{JOURNAL_YEAR}/classes/{GRID_CLASS}/subjects/math/grid"
GRID_QUERY = "?from=2026-09-01&to=2026-10-26"
DIARY_PATH = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
RUNS_PATH = f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs"
MESSAGES_PATH = f"/diary/v1/schools/{SCHOOL}/messages"
ENROLLMENT_PATH = f"/enrollment/v1/schools/{SCHOOL}"
DIARY_WEEK = "2026-09-15"
DIARY_PERIOD = "q1"  # the demo's lessons are in the first term; the default is today's period


def week_path(demo: DiaryDemo | DemoChild) -> str:
    """The diary path of a demo pupil's week (a parent's first view)."""
    return f"{DIARY_PATH}/pupils/{demo.pseudonym}/weeks/{DIARY_WEEK}"


@dataclass(frozen=True)
class Endpoint:
    """A running service or server, for the summary."""

    name: str
    url: str
    note: str = ""


def _curl(token: str, url: str, *options: str) -> str:
    return " ".join(["  curl", *options, f'-H "Authorization: Bearer ${token}"', f'"{url}"'])


def _diary_lines(diary: str, demo: DiaryDemo | None) -> list[str]:
    """What the e-diary shows the demo's portal users, or how to give access without it."""
    if demo is None:
        return [
            "  (no demo in the e-diary: export with `python -m services.exporter run --kind full"
            f" --school {SCHOOL} --year {YEAR}`, enroll portal users through the enrollment API)"
        ]
    pupil = f"{diary}{DIARY_PATH}/pupils/{demo.pseudonym}"
    grid = f"{diary}{DIARY_PATH}/classes/{demo.class_id}/subjects/{demo.subject}"
    parent, pupil_uid, teacher, class_teacher = (u.uid for u in PORTAL_USERS)
    sibling = demo.sibling
    return [
        f"  # pupil {demo.pupil} of {demo.class_id} is {demo.pseudonym} in the e-diary; UIDs"
        f" {parent} (parent), {pupil_uid} (pupil), {teacher} ({demo.subject} in {demo.class_id}),"
        f" {class_teacher} (all of {demo.class_id})",
        *(
            [
                f"  # UID {parent} is also the parent of pupil {sibling.pupil} of"
                f" {sibling.class_id} ({sibling.pseudonym} in the e-diary)"
            ]
            if sibling is not None
            else []
        ),
        _curl("PARENT_TOKEN", f"{diary}{week_path(demo)}"),
        _curl("PUPIL_TOKEN", f"{pupil}/subjects/{demo.subject}?period={DIARY_PERIOD}"),
        _curl("TEACHER_UID_TOKEN", f"{grid}?period={DIARY_PERIOD}"),
        _curl(
            "CLASS_TEACHER_UID_TOKEN",
            f"{diary}{DIARY_PATH}/classes/{demo.class_id}/days/{DIARY_WEEK}",
        ),
        _curl("PARENT_TOKEN", f"{diary}{DIARY_PATH}/me"),
        "  # messages in the e-diary: a teacher writes to the class's parents, they reply",
        _curl("PARENT_TOKEN", f"{diary}{MESSAGES_PATH}/threads"),
    ]


def _web_lines(urls: Mapping[str, str]) -> list[str]:
    """The addresses people open in a browser, first: the school staff's pages and, on the
    other side of the privacy boundary, the e-diary's pages for families."""
    lines = []
    if "web" in urls:
        lines += [
            f"Web pages for the school's staff: {urls['web']}/",
            f"  sign in as any member of the demo's staff at {urls['web']}/signin",
        ]
    if "portal" in urls:
        lines += [
            f"Электронный дневник (родители, ученики): {urls['portal']}/",
            f"  sign in as any of the demo's portal users (UIDs) at {urls['portal']}/signin",
        ]
    return lines


def _enrollment_lines(enrollment: str, demo: DiaryDemo | None) -> list[str]:
    """The applications, a printed form, who could see the demo pupil's diary."""
    base = f"{enrollment}{ENROLLMENT_PATH}"
    lines = [_curl("ADMIN_TOKEN", f"{base}/applications"), _curl("ADMIN_TOKEN", f"{base}/staff")]
    if demo is not None:
        lines.append(_curl("DEPUTY_TOKEN", f"{base}/pupils/{demo.pupil}/access"))
    return lines


def summary(
    urls: Mapping[str, str],
    endpoints: Sequence[Endpoint],
    state: Path,
    secret: str,
    demo: DiaryDemo | None,
) -> str:
    """The text printed once everything is up (minting the tokens it shows)."""
    journal, diary, exporter = urls["journal"], urls["diary"], urls["exporter"]
    enrollment = urls["enrollment"]
    teacher = demo_teacher(state)
    staff, portal = mint_tokens(secret, state, teacher)
    rows = [f"  {e.name:<11} {e.url}{f'  ({e.note})' if e.note else ''}" for e in endpoints]
    docs = [f"  {name:<11} {url}/docs" for name, url in urls.items() if name not in WEB_APPS]
    grid = f"{journal}{GRID_PATH}{GRID_QUERY}"
    day = f"{journal}{JOURNAL_YEAR}/teachers/{teacher}/day?date=2026-09-15"
    runs = f"{exporter}{RUNS_PATH}"
    delta = ("-X POST", "-H 'Content-Type: application/json'", """-d '{"kind":"delta"}'""")
    rule = "=" * 72
    return "\n".join(
        [
            "",
            rule,
            "School journal, e-diary, exporter, enrollment and audit are running",
            *_web_lines(urls),
            *rows,
            "OpenAPI UIs:",
            *docs,
            f"Logs: {logs_of(state)}/<name>.log (here: warnings and errors; --verbose: all)",
            f"Development tokens (valid 12 h; all in {state / 'tokens.env'}):",
            "  staff, for the journal (ADMIN also for the exporter, enrollment and the diary's"
            " operator views)",
            *(f"    {t.env_name:<24} {t.who:<19} {t.value}" for t in staff),
            "  portal users, for the e-diary (what they see follows their enrollment)",
            *(f"    {t.env_name:<24} {t.who:<19} {t.value}" for t in portal),
            "Try:",
            f"  source {shlex.quote(str(state / 'tokens.env'))}",
            "  # the journal: a class's math grid, a teacher's day",
            _curl("DEPUTY_TOKEN", grid),
            _curl("TEACHER_TOKEN", day),
            "  # the e-diary",
            *_diary_lines(diary, demo),
            "  # the exporter: recent runs, export the changes now",
            _curl("ADMIN_TOKEN", runs),
            _curl("ADMIN_TOKEN", runs, *delta),
            "  # enrollment: applications (GET .../applications/<id>/form.pdf prints one), staff"
            " UIDs, who could see the pupil's diary",
            *_enrollment_lines(enrollment, demo),
            rule,
            "",
        ]
    )
