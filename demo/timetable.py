"""Weekly timetables, Monday to Friday, with no teacher in two classes at once.

Each class is placed in turn: its lessons are first spread over the days (a subject at most
once a day while it can be, on days its teacher still has room), then each day's lessons are
matched to the day's slots around the teachers' other classes (augmenting paths). A class
that cannot be placed is tried again with another spread.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from contracts.journal import TimetableSlot
from demo.curriculum import weekly_hours
from demo.plan import ClassPlan

Unit = tuple[str, str]  # (subject_id, teacher_id)
Busy = set[tuple[str, int, int]]  # (teacher_id, weekday, slot)
WEEKDAYS = (1, 2, 3, 4, 5)
_LONG_DAYS_FIRST = (2, 3, 1, 4, 5)  # days that get an extra lesson first
ATTEMPTS = 200


def day_lengths(total: int) -> dict[int, int]:
    """Lessons per weekday for a weekly total: even, the extra ones midweek first."""
    base, extra = divmod(total, len(WEEKDAYS))
    return {day: base + (1 if day in _LONG_DAYS_FIRST[:extra] else 0) for day in WEEKDAYS}


def build_timetables(
    rng: random.Random,
    classes: Sequence[ClassPlan],
    assignments: Mapping[str, Mapping[str, str]],
) -> dict[str, tuple[TimetableSlot, ...]]:
    """Every class's weekly timetable; upper grades (longest days) are placed first."""
    busy: Busy = set()
    placed: dict[str, tuple[TimetableSlot, ...]] = {}
    for klass in sorted(classes, key=lambda k: (-k.grade, k.class_id)):
        hours = weekly_hours(klass.grade)
        units = [(s, assignments[klass.class_id][s]) for s, h in hours.items() for _ in range(h)]
        placed[klass.class_id] = _place(rng, klass.class_id, units, busy)
    return {k.class_id: placed[k.class_id] for k in classes}


def _place(
    rng: random.Random, class_id: str, units: list[Unit], busy: Busy
) -> tuple[TimetableSlot, ...]:
    lengths = day_lengths(len(units))
    for _ in range(ATTEMPTS):
        slots: list[TimetableSlot] = []
        for weekday, day_units in _spread(rng, units, lengths, busy).items():
            matched = _match(rng, day_units, weekday, busy)
            if matched is None:
                break
            slots.extend(
                TimetableSlot(weekday=weekday, slot=slot, subject_id=s, teacher_id=t)
                for slot, (s, t) in sorted(matched.items())
            )
        else:
            busy.update((s.teacher_id, s.weekday, s.slot) for s in slots)
            return tuple(sorted(slots, key=lambda s: (s.weekday, s.slot)))
    msg = f"no timetable without clashes found for class {class_id!r}"
    raise RuntimeError(msg)


def _spread(
    rng: random.Random, units: list[Unit], lengths: dict[int, int], busy: Busy
) -> dict[int, list[Unit]]:
    """Units per weekday, each day filled to its length."""
    room = dict(lengths)
    per_day: dict[int, list[Unit]] = {day: [] for day in WEEKDAYS}
    order = sorted(set(units), key=lambda u: (-units.count(u), u))
    rng.shuffle(order)
    order.sort(key=lambda u: -units.count(u))
    for unit in order:
        for _ in range(units.count(unit)):
            day = min(
                (d for d in WEEKDAYS if room[d] > 0),
                key=lambda d: (
                    per_day[d].count(unit),
                    -_free(unit[1], d, lengths[d], busy, per_day[d]),
                    -room[d],
                    rng.random(),
                ),
            )
            per_day[day].append(unit)
            room[day] -= 1
    return per_day


def _free(teacher_id: str, weekday: int, length: int, busy: Busy, planned: list[Unit]) -> int:
    open_slots = sum((teacher_id, weekday, s) not in busy for s in range(1, length + 1))
    return open_slots - sum(t == teacher_id for _, t in planned)


def _match(
    rng: random.Random, units: list[Unit], weekday: int, busy: Busy
) -> dict[int, Unit] | None:
    """Slots 1..n for the day's n units, none while its teacher is elsewhere; None if none."""
    slots = list(range(1, len(units) + 1))
    options = [
        [s for s in rng.sample(slots, len(slots)) if (teacher, weekday, s) not in busy]
        for _, teacher in units
    ]
    holder: dict[int, int] = {}

    def augment(unit: int, seen: set[int]) -> bool:
        for slot in options[unit]:
            if slot not in seen:
                seen.add(slot)
                if slot not in holder or augment(holder[slot], seen):
                    holder[slot] = unit
                    return True
        return False

    if not all(augment(unit, set()) for unit in range(len(units))):
        return None
    return {slot: units[unit] for slot, unit in holder.items()}
