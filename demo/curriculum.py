"""The school's curriculum: subjects, weekly hours per grade, and who teaches what."""

from __future__ import annotations

from dataclasses import dataclass

SUBJECTS: dict[str, str] = {
    "russian": "Русский язык",
    "reading": "Литературное чтение",
    "literature": "Литература",
    "math": "Математика",
    "algebra": "Алгебра",
    "geometry": "Геометрия",
    "informatics": "Информатика",
    "english": "Английский язык",
    "world": "Окружающий мир",
    "history": "История",
    "social": "Обществознание",
    "geography": "География",
    "biology": "Биология",
    "physics": "Физика",
    "chemistry": "Химия",
    "music": "Музыка",
    "art": "Изобразительное искусство",
    "technology": "Труд (технология)",
    "pe": "Физическая культура",
}


def _plan(text: str) -> tuple[tuple[str, int], ...]:
    pairs = (item.split(":") for item in text.split())
    return tuple((subject, int(hours)) for subject, hours in pairs)


# Weekly hours per grade (a five-day week), after the federal basic curriculum.
HOURS: dict[int, tuple[tuple[str, int], ...]] = {
    1: _plan("russian:5 reading:4 math:4 world:2 music:1 art:1 technology:1 pe:3"),
    2: _plan("russian:5 reading:4 english:2 math:4 world:2 music:1 art:1 technology:1 pe:3"),
    3: _plan("russian:5 reading:4 english:2 math:4 world:2 music:1 art:1 technology:1 pe:3"),
    4: _plan("russian:5 reading:4 english:2 math:4 world:2 music:1 art:1 technology:1 pe:3"),
    5: _plan(
        "russian:5 literature:3 english:3 math:5 informatics:1 history:2 geography:1 "
        "biology:1 music:1 art:1 technology:2 pe:3"
    ),
    6: _plan(
        "russian:6 literature:3 english:3 math:5 history:2 social:1 geography:1 biology:1 "
        "music:1 art:1 technology:2 pe:3"
    ),
    7: _plan(
        "russian:4 literature:2 english:3 algebra:3 geometry:2 informatics:1 history:2 "
        "social:1 geography:2 biology:1 physics:2 music:1 art:1 technology:2 pe:3"
    ),
    8: _plan(
        "russian:3 literature:2 english:3 algebra:3 geometry:2 informatics:1 history:2 "
        "social:1 geography:2 biology:2 physics:2 chemistry:2 music:1 technology:1 pe:3"
    ),
    9: _plan(
        "russian:3 literature:3 english:3 algebra:3 geometry:2 informatics:1 history:3 "
        "social:1 geography:2 biology:2 physics:3 chemistry:2 pe:3"
    ),
    10: _plan(
        "russian:3 literature:3 english:3 algebra:4 geometry:3 informatics:2 history:3 "
        "social:3 geography:1 biology:2 physics:3 chemistry:2 pe:3"
    ),
    11: _plan(
        "russian:3 literature:3 english:3 algebra:4 geometry:3 informatics:2 history:3 "
        "social:3 geography:1 biology:2 physics:3 chemistry:2 pe:3"
    ),
}

# Subjects that have tests ("контрольные работы"); the others mark practical work.
ACADEMIC = frozenset(
    {
        "russian",
        "reading",
        "literature",
        "math",
        "algebra",
        "geometry",
        "informatics",
        "english",
        "world",
        "history",
        "social",
        "geography",
        "biology",
        "physics",
        "chemistry",
    }
)
PRIMARY_GRADES = range(1, 5)
PASS_FAIL: frozenset[tuple[str, int]] = frozenset({("music", 7), ("music", 8)})
"""(subject, grade) marked «зачтено»/«не зачтено»: music in its last two years."""


@dataclass(frozen=True, slots=True)
class Discipline:
    """A teacher's specialisation: the subjects one teacher takes together in a class."""

    discipline_id: str
    position: str
    subjects: frozenset[str]


PRIMARY = Discipline(
    "primary",
    "учитель начальных классов",
    frozenset({"russian", "reading", "math", "world", "art", "technology"}),
)
SPECIALISTS: tuple[Discipline, ...] = (
    Discipline("maths", "учитель математики", frozenset({"math", "algebra", "geometry"})),
    Discipline(
        "russian", "учитель русского языка и литературы", frozenset({"russian", "literature"})
    ),
    Discipline("english", "учитель английского языка", frozenset({"english"})),
    Discipline("history", "учитель истории и обществознания", frozenset({"history", "social"})),
    Discipline("physics", "учитель физики", frozenset({"physics"})),
    Discipline("informatics", "учитель информатики", frozenset({"informatics"})),
    Discipline("chemistry", "учитель химии", frozenset({"chemistry"})),
    Discipline("biology", "учитель биологии", frozenset({"biology"})),
    Discipline("geography", "учитель географии", frozenset({"geography"})),
    Discipline("music", "учитель музыки", frozenset({"music"})),
    Discipline("art", "учитель изобразительного искусства", frozenset({"art"})),
    Discipline("technology", "учитель технологии", frozenset({"technology"})),
    Discipline("pe", "учитель физической культуры", frozenset({"pe"})),
)

# Parallel classes per grade (36 classes): bigger cohorts in grades 1, 2 and 5.
PARALLELS: dict[int, int] = {1: 4, 2: 4, 3: 3, 4: 3, 5: 4, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3, 11: 3}
LETTERS = (("a", "А"), ("b", "Б"), ("c", "В"), ("d", "Г"))
# A teacher's weekly load in hours: one rate is 18; the planner spreads hours below this target.
TARGET_LOAD = 17


def weekly_hours(grade: int) -> dict[str, int]:
    """The subjects of a grade and their weekly hours."""
    return dict(HOURS[grade])


def discipline_of(grade: int, subject_id: str) -> Discipline:
    """Who teaches the subject in that grade: the primary class teacher or a specialist."""
    if grade in PRIMARY_GRADES and subject_id in PRIMARY.subjects:
        return PRIMARY
    return next(d for d in SPECIALISTS if subject_id in d.subjects)
