"""Portal-side facts (stream `PORTAL`, written by the diary): message threads and the portal
users' own data.

A thread is one aggregate on `prt.<school>.thread.<thread_id>` (`contracts.subjects.portal`).
Teachers (portal UIDs with class grants) write to the parents or pupils of their classes; they
and the recipients reply. The messages are informal, not the school's official correspondence.

A portal user's own data is one aggregate on `prt.<school>.user.<uid>`
(`contracts.subjects.portal_user`): the label they are shown by in messages («мама Маши»), the
labels they gave the children they hold a grant for («Маша»), and how far they have seen each
child's changes. A label is the portal user's own data, typed by them on the portal: it stays on
the portal side. The exporter and the journal never read this stream, so no label reaches the
school's records; only the audit service logs it, as it logs every message of every stream.

Nothing here comes from the school's records of a person: participants are portal UIDs, and
the pupils they are there for are pseudonyms. The texts, labels and file names are what portal
users typed on the portal side (a label may well hold a first name: the parent's own choice,
about themselves and their own child); the diary itself never puts a name into them. The school
year of an event is the envelope's (a user's own data is not tied to a year: there it is the
year the event was recorded in).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from contracts.base import ClassId, Contract, Event, SubjectId, Token, Uid
from contracts.diary import Pseudonym
from contracts.journal import Attachment
from contracts.text import TextRules

ThreadId = Token
MessageId = Token
ParticipantRole = Literal["teacher", "parent", "pupil"]
Title = Annotated[str, TextRules(max_length=200, min_length=1, strip=True)]
MessageText = Annotated[str, TextRules(max_length=4000, min_length=1, strip=True)]
UserLabel = Annotated[str, TextRules(max_length=60, min_length=1, strip=True)]
ChildLabel = Annotated[str, TextRules(max_length=40, min_length=1, strip=True)]
ChangeId = Annotated[int, Field(ge=1, lt=2**53)]
MAX_ATTACHMENTS = 5
"""The most files one message may carry (the diary's settings may allow fewer)."""


class Participant(Contract):
    """A portal user in a thread, in the role they were added as, and the pupils they are there
    for (none for the teacher; a parent of two pupils of the class is one participant)."""

    uid: Uid
    role: ParticipantRole
    pupils: tuple[Pseudonym, ...] = ()


class Message(Contract):
    """One message: its author, text and the files it carries (bytes in the portal bucket)."""

    message_id: MessageId
    author: Uid
    text: MessageText
    attachments: tuple[Attachment, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)


class ThreadStarted(Event):
    """A teacher starts a thread about a class (and subject) with its first message (index 1).

    Every participant but the teacher receives the first message.
    """

    event_type = "portal.ThreadStarted"
    thread_id: ThreadId
    class_id: ClassId
    subject_id: SubjectId | None = None
    title: Title
    started_by: Uid
    participants: tuple[Participant, ...] = Field(min_length=2)
    message: Message


class MessagePosted(Event):
    """A participant posts the `index`-th message of a thread (the first is the start's).

    `recipients` are the participants who still had access when it was posted (the author
    excluded): a participant whose grant ended keeps what was sent before, not what follows.
    """

    event_type = "portal.MessagePosted"
    thread_id: ThreadId
    index: int = Field(ge=2)
    message: Message
    recipients: tuple[Uid, ...] = ()


class ThreadRead(Event):
    """Participant `uid` has read the thread's messages up to index `up_to` (included)."""

    event_type = "portal.ThreadRead"
    thread_id: ThreadId
    uid: Uid
    up_to: int = Field(ge=1)


class UserLabelSet(Event):
    """Portal user `uid` chose how the other participants of their threads see them, after
    their role: «мама Маши» shows as «Родитель (мама Маши)». The last one set holds."""

    event_type = "portal.UserLabelSet"
    uid: Uid
    label: UserLabel


class ChildLabelSet(Event):
    """Portal user `uid`, holding a parent's or the pupil's own grant for `pupil`, labelled that
    pupil («Маша») to tell their children apart. Only `uid` sees it; the last one set holds."""

    event_type = "portal.ChildLabelSet"
    uid: Uid
    pupil: Pseudonym
    label: ChildLabel


class ChangesSeen(Event):
    """Portal user `uid` has seen the changes of `pupil`'s diary up to change `up_to` (a change
    id of the diary's «Что нового», included). The marker only moves forward."""

    event_type = "portal.ChangesSeen"
    uid: Uid
    pupil: Pseudonym
    up_to: ChangeId


PORTAL_EVENTS: tuple[type[Event], ...] = (
    ThreadStarted,
    MessagePosted,
    ThreadRead,
    UserLabelSet,
    ChildLabelSet,
    ChangesSeen,
)
