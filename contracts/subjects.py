"""Subject builders: every service names subjects through these functions only.

Tokens are `[a-z0-9-]`; a subject never carries personal data. School-wide aggregates of the
journal use the reserved class token `school`.
"""

from __future__ import annotations

import re

SCHOOL_WIDE = "school"
_TOKEN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def _check(*tokens: str) -> None:
    for token in tokens:
        if not _TOKEN.match(token):
            msg = f"invalid subject token {token!r}"
            raise ValueError(msg)


def journal(year: int, school: str, class_id: str, kind: str, aggregate_id: str) -> str:
    """`jrn.<year>.<school>.<class>.<kind>.<id>`."""
    _check(str(year), school, class_id, kind, aggregate_id)
    return f"jrn.{year}.{school}.{class_id}.{kind}.{aggregate_id}"


def school_config(year: int, school: str) -> str:
    """The school's configuration for a year: periods, scale, kinds of work, subjects."""
    return journal(year, school, SCHOOL_WIDE, "school", school)


def staff_member(year: int, school: str, staff_id: str) -> str:
    """One member of staff."""
    return journal(year, school, SCHOOL_WIDE, "staff", staff_id)


def pupil(year: int, school: str, pupil_id: str) -> str:
    """One pupil's personal record (school side only)."""
    return journal(year, school, SCHOOL_WIDE, "pupil", pupil_id)


def erasure(year: int, school: str, kind: str, person: str) -> str:
    """The erasure of one person's personal data (`kind` pupil or staff; ids, never names)."""
    return journal(year, school, SCHOOL_WIDE, "erasure", f"{kind}-{person}")


def school_class(year: int, school: str, class_id: str) -> str:
    """A class: class teacher, membership, teaching assignments, timetable."""
    if class_id == SCHOOL_WIDE:
        msg = f"class id {SCHOOL_WIDE!r} is reserved"
        raise ValueError(msg)
    return journal(year, school, class_id, "class", class_id)


def lesson(year: int, school: str, class_id: str, lesson_id: str) -> str:
    """One lesson's whole history."""
    return journal(year, school, class_id, "lesson", lesson_id)


def journal_filter(year: int | None = None, school: str | None = None) -> str:
    """A wildcard filter over the journal, optionally narrowed to a year and school."""
    if year is None:
        return "jrn.>"
    if school is None:
        return f"jrn.{year}.>"
    return f"jrn.{year}.{school}.>"


def enrollment(school: str, kind: str, aggregate_id: str) -> str:
    """`enr.<school>.<kind>.<id>`."""
    _check(school, kind, aggregate_id)
    return f"enr.{school}.{kind}.{aggregate_id}"


def enrollment_pupil(school: str, pupil_id: str) -> str:
    """The portal access to one pupil's diary: applications and links."""
    return enrollment(school, "pupil", pupil_id)


def enrollment_staff(school: str, staff_id: str) -> str:
    """A member of staff's portal UID."""
    return enrollment(school, "staff", staff_id)


def enrollment_filter(school: str | None = None) -> str:
    """A wildcard filter over the enrollment stream, optionally narrowed to a school."""
    return "enr.>" if school is None else f"enr.{school}.>"


def diary(year: int, school: str, kind: str, aggregate_id: str) -> str:
    """`dry.<year>.<school>.<kind>.<id>`."""
    _check(str(year), school, kind, aggregate_id)
    return f"dry.{year}.{school}.{kind}.{aggregate_id}"


def portal(school: str, kind: str, aggregate_id: str) -> str:
    """`prt.<school>.<kind>.<id>`."""
    _check(school, kind, aggregate_id)
    return f"prt.{school}.{kind}.{aggregate_id}"


def portal_user(school: str, uid: int) -> str:
    """A portal user's own data (`prt.<school>.user.<uid>`): how they are shown in messages,
    the labels they gave their children and how far they have seen each child's changes."""
    return portal(school, "user", str(uid))


def audit_anchor(school: str, stream: str, day: str, continues_at: int | None = None) -> str:
    """`aud.<school>.anchor.<stream-lowercase>-<yyyymmdd>[-<seq>]`: an anchor of one stream.

    `day` is the ISO date (`2026-09-01`). A day's first anchor has no `-<seq>`; an anchor that
    continues a day already anchored (anchors are made hourly) ends with its first sequence,
    `continues_at`. One subject per anchor, so it is written once.
    """
    token = f"{stream.lower()}-{day.replace('-', '')}"
    if continues_at is not None:
        token = f"{token}-{continues_at}"
    _check(school, token)
    return f"aud.{school}.anchor.{token}"


def audit_filter(school: str | None = None) -> str:
    """A wildcard filter over the audit stream's anchors, optionally narrowed to a school."""
    return "aud.*.anchor.*" if school is None else f"aud.{school}.anchor.*"


# Which token of a subject names the school, by the subject's first token.
_SCHOOL_TOKEN = {"jrn": 2, "enr": 1, "dry": 2, "prt": 1, "aud": 1}


def school_of(subject: str) -> str | None:
    """The school a subject of any stream belongs to; None when its shape is not known."""
    parts = subject.split(".")
    index = _SCHOOL_TOKEN.get(parts[0])
    return parts[index] if index is not None and len(parts) > index else None


def period_marks(year: int, school: str, class_id: str, subject_id: str) -> str:
    """The period marks of one class in one subject (every pupil, every period)."""
    return journal(year, school, class_id, "period-marks", subject_id)


def monthly_check(year: int, school: str, check_id: str) -> str:
    """One monthly check of the journal: its findings, remarks and their resolution."""
    return journal(year, school, SCHOOL_WIDE, "check", check_id)


def parse_journal(subject: str) -> tuple[int, str, str, str, str]:
    """Split a journal subject into (year, school, class, kind, id)."""
    parts = subject.split(".")
    if len(parts) != 6 or parts[0] != "jrn":
        msg = f"not a journal subject: {subject!r}"
        raise ValueError(msg)
    return int(parts[1]), parts[2], parts[3], parts[4], parts[5]


def diary_record(year: int, school: str, kind: str, record_id: str) -> str:
    """One exported aggregate (`school`, `class`, `lesson`, `period-marks` or the `staff`
    directory) in the depersonalised feed."""
    return diary(year, school, kind, record_id)


def diary_manifest(year: int, school: str, batch_id: str) -> str:
    """The manifest that closes a batch of the depersonalised feed."""
    return diary(year, school, "batch", batch_id)


def diary_grant(year: int, school: str, uid: int) -> str:
    """A portal user's access grants (and their revocations)."""
    return diary(year, school, "grant", str(uid))


def diary_filter(year: int | None = None, school: str | None = None) -> str:
    """A wildcard filter over the depersonalised feed, optionally narrowed to a year and school."""
    if year is None:
        return "dry.>"
    if school is None:
        return f"dry.{year}.>"
    return f"dry.{year}.{school}.>"
