"""The demo markers in the state folder: `demo-loaded` (the journal has the demo school, and
which teacher to show) and `demo-exported` (the e-diary has it, with its portal users enrolled:
the pupils and pseudonyms the summary names), each trusted only while its stream still holds
messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import NotFoundError

from contracts.streams import DIARY, JOURNAL
from deploy.launcher.demo_cast import FALLBACK_TEACHER, find_demo_teacher
from deploy.launcher.tokens import PORTAL_USERS
from services.common.jetstream import servers_of

MARKER = "demo-loaded"
EXPORT_MARKER = "demo-exported"


@dataclass(frozen=True)
class DemoChild:
    """Another child of the demo parent: the pupil, their class and their pseudonym."""

    class_id: str
    pupil: str
    pseudonym: str


@dataclass(frozen=True)
class DiaryDemo:
    """What the first run exported and enrolled: the pupil (and pseudonym), class and subject,
    and the parent's second child (None in a state folder from before there was one)."""

    class_id: str
    pupil: str
    pseudonym: str
    subject: str
    sibling: DemoChild | None = None

    @property
    def children(self) -> tuple[DemoChild, ...]:
        """The demo parent's children, the one in `class_id` first."""
        first = DemoChild(self.class_id, self.pupil, self.pseudonym)
        return (first,) if self.sibling is None else (first, self.sibling)


async def _stream_messages(url: str, stream: str) -> int:
    connection = await nats.connect(servers_of(url), connect_timeout=5, allow_reconnect=False)
    try:
        info = await connection.jetstream().stream_info(stream)
    except NotFoundError:
        return 0
    finally:
        await connection.close()
    return int(info.state.messages or 0)


def _marker(state: Path, name: str, nats_url: str, stream: str) -> dict[str, Any] | None:
    """The marker's content when it exists and `stream` still holds messages, else None."""
    try:
        content = json.loads((state / name).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or asyncio.run(_stream_messages(nats_url, stream)) == 0:
        return None
    return content


def _write_marker(state: Path, name: str, content: Mapping[str, Any]) -> None:
    (state / name).write_text(json.dumps(content, ensure_ascii=False) + "\n")


def demo_already_loaded(state: Path, nats_url: str) -> bool:
    """True when an earlier run loaded the demo and its events are still in the journal."""
    return _marker(state, MARKER, nats_url, JOURNAL.name) is not None


def mark_demo_loaded(state: Path, nats_url: str) -> None:
    """Remember that the demo school is in the stream of `nats_url`, and one of its teachers."""
    _write_marker(state, MARKER, {"nats_url": nats_url, "teacher": find_demo_teacher()})


def diary_demo(state: Path, nats_url: str) -> DiaryDemo | None:
    """What an earlier run exported and enrolled, when the DIARY stream still holds it."""
    if _marker(state, EXPORT_MARKER, nats_url, DIARY.name) is None:
        return None
    return diary_demo_of(state)


def diary_demo_of(state: Path) -> DiaryDemo | None:
    """The exported demo as the marker remembers it (no check of the stream)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        content = json.loads((state / EXPORT_MARKER).read_text())
        sibling = content.get("sibling")
        return DiaryDemo(
            content["class"],
            content["pupil"],
            content["pseudonym"],
            content["subject"],
            DemoChild(sibling["class"], sibling["pupil"], sibling["pseudonym"])
            if sibling
            else None,
        )
    return None


def mark_diary_demo(state: Path, nats_url: str, demo: DiaryDemo) -> None:
    """Remember the full export and the demo's enrolled portal users."""
    content: dict[str, Any] = {
        "nats_url": nats_url,
        "class": demo.class_id,
        "pupil": demo.pupil,
        "pseudonym": demo.pseudonym,
        "subject": demo.subject,
        "uids": [u.uid for u in PORTAL_USERS],
    }
    if demo.sibling is not None:
        sibling = demo.sibling
        content["sibling"] = {
            "class": sibling.class_id,
            "pupil": sibling.pupil,
            "pseudonym": sibling.pseudonym,
        }
    _write_marker(state, EXPORT_MARKER, content)


def demo_teacher(state: Path) -> str:
    """The teacher remembered when the demo was loaded, else a placeholder id."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        teacher = json.loads((state / MARKER).read_text()).get("teacher")
        if isinstance(teacher, str) and teacher:
            return teacher
    return FALLBACK_TEACHER
