"""The messages' pages, their pure part: the list of threads and a thread as a person reads it.

Built from the diary's answers (`ThreadsOut`, `ThreadOut` as JSON). Every person is shown by
the label the diary gives them — their role and the label they chose («Родитель (мама Маши)»)
— never by a UID; «Вы» marks the reader's own messages. Classes are shown by their label
(«5А») from the reader's profile when it names them, subjects by the name the diary gives
the thread. Files are downloaded through the portal's
`/messages/<thread>/files/<attachment>`, which asks the diary with the reader's token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from kernel.russian_dates import moment_text
from services.portal.domain.lesson_card import FileLink, size_text

NOTICE: Final = (
    "Сообщения в электронном дневнике не являются официальной перепиской образовательной "
    "организации."
)
"""The diary's own notice (its `notice` member), shown on every messages page."""
_ROLE_WORDS: Final = {
    "teacher": ("учитель", "учителя", "учителей"),
    "parent": ("родитель", "родителя", "родителей"),
    "pupil": ("ученик", "ученика", "учеников"),
}


def plural(count: int, forms: tuple[str, str, str]) -> str:
    """«1 родитель», «3 родителя», «25 родителей» (Russian plural of a count)."""
    tens, ones = count % 100, count % 10
    if ones == 1 and tens != 11:
        word = forms[0]
    elif 2 <= ones <= 4 and not 12 <= tens <= 14:
        word = forms[1]
    else:
        word = forms[2]
    return f"{count} {word}"


@dataclass(frozen=True, slots=True)
class Places:
    """What the reader's profile names: class id → «5А», subject id → «Математика»."""

    classes: Mapping[str, str]
    subjects: Mapping[str, str]

    def of(self, thread: Mapping[str, Any]) -> str:
        """Where a thread (`ThreadItem`, `ThreadOut`) is: «5А · Математика», else «5А». The
        subject by the name the diary gives the thread, else the reader's profile's; a thread
        without a subject (the class teacher's) and an unnamed class by its id."""
        class_id = str(thread["class_id"])
        subject_id = thread.get("subject_id")
        where = self.classes.get(class_id) or class_id
        if not subject_id:
            return where
        subject = thread.get("subject_name") or self.subjects.get(str(subject_id))
        return f"{where} · {subject or subject_id}"


def places_of(profile: Mapping[str, Any]) -> Places:
    """The class and subject names of a profile (`ProfileOut`): a teacher's classes, a parent's
    or pupil's children's classes."""
    classes: dict[str, str] = {}
    subjects: dict[str, str] = {}
    for entry in profile.get("classes") or ():
        if entry.get("class_label"):
            classes[str(entry["class_id"])] = str(entry["class_label"])
        for subject in [entry, *(entry.get("subjects") or ())]:
            if subject.get("subject_id") and subject.get("subject_name"):
                subjects[str(subject["subject_id"])] = str(subject["subject_name"])
    for child in profile.get("children") or ():
        if child.get("class_id") and child.get("class_label"):
            classes[str(child["class_id"])] = str(child["class_label"])
    return Places(classes, subjects)


@dataclass(frozen=True, slots=True)
class ThreadLine:
    """A thread in the reader's list."""

    thread_id: str
    title: str
    where: str
    last: str
    messages: int
    unread: int


def thread_lines(
    threads: Iterable[Mapping[str, Any]], places: Places, today: dt.date, zone: ZoneInfo
) -> list[ThreadLine]:
    """The threads of `ThreadsOut.threads`, the latest message first."""
    ordered = sorted(
        threads,
        key=lambda t: (dt.datetime.fromisoformat(str(t["last_message_at"])), str(t["thread_id"])),
        reverse=True,
    )
    return [
        ThreadLine(
            thread_id=str(t["thread_id"]),
            title=str(t["title"]),
            where=places.of(t),
            last=moment_text(dt.datetime.fromisoformat(str(t["last_message_at"])), today, zone),
            messages=int(t["messages"]),
            unread=int(t["unread"]),
        )
        for t in ordered
    ]


@dataclass(frozen=True, slots=True)
class MessageLine:
    """A message as the reader sees it."""

    index: int
    author: str
    mine: bool
    when: str
    text: str
    unread: bool
    files: tuple[FileLink, ...]


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """A thread: its title and place, who started it, who takes part, its messages."""

    thread_id: str
    title: str
    where: str
    started_by: str
    participants: str
    messages: tuple[MessageLine, ...]
    last_index: int
    unread: int
    can_post: bool


def participants_text(participants: Iterable[Mapping[str, Any]]) -> str:
    """«1 учитель, 25 родителей, 3 ученика» (counted by role, in that order)."""
    counts: dict[str, int] = dict.fromkeys(_ROLE_WORDS, 0)
    for person in participants:
        role = str(person.get("role"))
        if role in counts:
            counts[role] += 1
    return ", ".join(plural(n, _ROLE_WORDS[role]) for role, n in counts.items() if n)


def thread_page(
    thread: Mapping[str, Any],
    *,
    reader: int,
    places: Places,
    today: dt.date,
    zone: ZoneInfo,
) -> ThreadPage:
    """The thread of a `ThreadOut` as `reader` (their UID) reads it."""
    thread_id = str(thread["thread_id"])
    messages = tuple(
        MessageLine(
            index=int(m["index"]),
            author="Вы" if int(m["author"]) == reader else str(m["author_label"]),
            mine=int(m["author"]) == reader,
            when=moment_text(dt.datetime.fromisoformat(str(m["posted_at"])), today, zone),
            text=str(m["text"]),
            unread=bool(m["unread"]),
            files=tuple(
                FileLink(
                    url=f"/messages/{thread_id}/files/{a['attachment_id']}",
                    name=str(a["name"]),
                    size=size_text(int(a["size"])),
                )
                for a in m.get("attachments") or ()
            ),
        )
        for m in thread["messages"]
    )
    started_by = thread["started_by"]
    return ThreadPage(
        thread_id=thread_id,
        title=str(thread["title"]),
        where=places.of(thread),
        started_by="Вы" if started_by == reader else str(thread["started_by_label"]),
        participants=participants_text(thread.get("participants") or ()),
        messages=messages,
        last_index=max((m.index for m in messages), default=0),
        unread=int(thread["unread"]),
        can_post=bool(thread["can_post"]),
    )
