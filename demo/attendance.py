"""Who is missing: illness over several days, a day off now and then, leaving early,
skipping a lesson, coming late; and the reasons the class teacher gives afterwards."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from contracts.journal import AbsenceEntry, AbsenceReason

P_ILLNESS = 0.0135  # a healthy pupil falls ill on a school day
P_DAY_OFF = 0.010  # misses one whole day (family, competition, no reason)
P_LEAVES = 0.005  # leaves after a few lessons
P_SKIPS = 0.003  # misses one lesson
P_LATE = 0.010  # comes late to a lesson
# The reasons given afterwards, by the kind of absence ("unknown": the teacher never learns it).
_REASONS: dict[str, tuple[tuple[AbsenceReason, float], ...]] = {
    "illness": (("illness", 0.80), ("valid", 0.11), ("unexcused", 0.02), ("unknown", 0.07)),
    "day": (("illness", 0.15), ("valid", 0.52), ("unexcused", 0.25), ("unknown", 0.08)),
    "leaves": (("illness", 0.40), ("valid", 0.45), ("unexcused", 0.05), ("unknown", 0.10)),
    "skip": (("unexcused", 0.80), ("unknown", 0.20)),
}
_EVIDENCE: dict[AbsenceReason, str] = {
    "illness": "справка из поликлиники",
    "valid": "заявление родителей",
}


@dataclass
class Episode:
    """One absence: a pupil and the lessons (class id, lesson id) it covered."""

    pupil_id: str
    kind: str
    lessons: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Day:
    absent_from: int  # the first slot the pupil misses
    episode: Episode


class Attendance:
    """The pupils' comings and goings, day by day."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._ill: dict[str, tuple[int, Episode]] = {}  # pupil -> (days left, episode)
        self._today: dict[str, _Day] = {}
        self._ended: list[Episode] = []

    def start_day(self, pupils: Iterable[str]) -> None:
        """Decide, for each pupil in school today, whether and from when they are missing."""
        self._today = {}
        for pupil_id in pupils:
            day = self._decide_day(pupil_id)
            if day is not None:
                self._today[pupil_id] = day

    def observe(self, pupil_id: str, slot: int, lesson: tuple[str, str]) -> AbsenceEntry | None:
        """What the teacher notes about the pupil at a lesson: absent, late or nothing."""
        day = self._today.get(pupil_id)
        if day is not None and slot >= day.absent_from:
            day.episode.lessons.append(lesson)
            return AbsenceEntry(pupil_id=pupil_id, kind="absent")
        roll = self._rng.random()
        if roll < P_SKIPS:
            self._ended.append(Episode(pupil_id, "skip", [lesson]))
            return AbsenceEntry(pupil_id=pupil_id, kind="absent")
        if roll < P_SKIPS + P_LATE:
            minutes = self._rng.choice((2, 3, 5, 5, 7, 10, 10, 15, 20))
            return AbsenceEntry(pupil_id=pupil_id, kind="late", minutes_late=minutes)
        return None

    def end_day(self) -> list[Episode]:
        """The absences that ended today (an illness goes on until its days are over)."""
        ended, self._ended = self._ended, []
        ended.extend(d.episode for d in self._today.values() if d.episode.kind != "illness")
        for pupil_id, (left, episode) in list(self._ill.items()):
            if left <= 1:
                del self._ill[pupil_id]
                ended.append(episode)
            else:
                self._ill[pupil_id] = (left - 1, episode)
        return ended

    def reason(self, episode: Episode) -> tuple[AbsenceReason, str | None]:
        """The reason the class teacher gives for the absence, and its evidence."""
        roll = self._rng.random()
        chosen: AbsenceReason = "unknown"
        for reason, share in _REASONS[episode.kind]:
            if roll < share:
                chosen = reason
                break
            roll -= share
        evidence = _EVIDENCE.get(chosen) if self._rng.random() < 0.7 else None
        return chosen, evidence

    def _decide_day(self, pupil_id: str) -> _Day | None:
        if pupil_id in self._ill:
            return _Day(1, self._ill[pupil_id][1])
        roll = self._rng.random()
        if roll < P_ILLNESS:
            episode = Episode(pupil_id, "illness")
            self._ill[pupil_id] = (2 + min(8, int(self._rng.expovariate(1 / 2.5))), episode)
            return _Day(1, episode)
        if roll < P_ILLNESS + P_DAY_OFF:
            return _Day(1, Episode(pupil_id, "day"))
        if roll < P_ILLNESS + P_DAY_OFF + P_LEAVES:
            return _Day(self._rng.randint(2, 5), Episode(pupil_id, "leaves"))
        return None
