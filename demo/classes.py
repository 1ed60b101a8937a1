"""Classes and their pupils: 36 classes of 26-30 at full size, fewer for a small demo."""

from __future__ import annotations

import datetime as dt
import random

from demo.curriculum import LETTERS, PARALLELS
from demo.names import NamePicker, Sex
from demo.plan import ClassPlan, Pupil

Layout = tuple[str, int, str]  # (class_id, grade, label)
TYPICAL_SIZE = 28
MIN_SIZE, MAX_SIZE = 26, 30


def layout(count: int) -> list[Layout]:
    """The classes of the school; a smaller school takes pairs of parallel classes from
    grades spread over 1-11, so that pupils can still move between parallel classes."""
    full = [
        (f"{grade}{latin}", grade, f"{grade}{cyrillic}")
        for grade, parallels in PARALLELS.items()
        for latin, cyrillic in LETTERS[:parallels]
    ]
    if count >= len(full):
        return full
    grade_count = (count + 1) // 2
    chosen: list[Layout] = []
    for i in range(grade_count):
        grade = 1 + round((i + 0.5) * 11 / grade_count - 0.5)
        letters = LETTERS[: min(2, count - len(chosen))]
        chosen.extend((f"{grade}{lat}", grade, f"{grade}{cyr}") for lat, cyr in letters)
    return chosen


def class_count(pupils_target: int) -> int:
    """How many classes hold about that many pupils (at most the 36 of a full school)."""
    return max(1, min(sum(PARALLELS.values()), round(pupils_target / TYPICAL_SIZE)))


def sizes(rng: random.Random, total: int, count: int) -> list[int]:
    """Class sizes summing to `total`, each 26-30 when the total allows it."""
    low, high = MIN_SIZE, MAX_SIZE
    if not low * count <= total <= high * count:
        low = total // count
        high = low + 1
    result = [rng.randint(low, high) for _ in range(count)]
    while (gap := total - sum(result)) != 0:
        step = 1 if gap > 0 else -1
        movable = [i for i, size in enumerate(result) if low <= size + step <= high]
        result[rng.choice(movable)] += step
    return result


def birth_date(rng: random.Random, year: int, grade: int) -> dt.date:
    """A birth date for a pupil of the grade: six and a half to seven and a half at school
    start, and a year older now and then."""
    older = 1 if rng.random() < 0.04 else 0
    first = dt.date(year - 6 - grade - older, 3, 1)
    return first + dt.timedelta(days=rng.randrange(365))


def plan_classes(
    rng: random.Random, names: NamePicker, year: int, pupils_target: int
) -> tuple[tuple[ClassPlan, ...], tuple[Pupil, ...]]:
    """The classes and their pupils, numbered p0001.. class by class."""
    classes = layout(class_count(pupils_target))
    counts = sizes(rng, pupils_target, len(classes))
    plans: list[ClassPlan] = []
    pupils: list[Pupil] = []
    for (class_id, grade, label), size in zip(classes, counts, strict=True):
        members = [_pupil(rng, names, year, grade, len(pupils) + n + 1) for n in range(size)]
        pupils.extend(members)
        plans.append(ClassPlan(class_id, grade, label, tuple(p.pupil_id for p in members)))
    return tuple(plans), tuple(pupils)


def _pupil(rng: random.Random, names: NamePicker, year: int, grade: int, number: int) -> Pupil:
    sex: Sex = "m" if rng.random() < 0.5 else "f"
    return Pupil(
        pupil_id=f"p{number:04d}",
        full_name=names.child(sex),
        birth_date=birth_date(rng, year, grade),
        ability=max(-2.5, min(2.5, rng.gauss(0.0, 1.0))),
    )
