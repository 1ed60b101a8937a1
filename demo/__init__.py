"""A realistic demo school, generated: a Russian school of about a thousand pupils, its
staff, timetable and a term of lessons with marks, attendance and the usual corrections.

Pure and deterministic: `generate(seed)` draws from `random.Random(seed)` only and reads no
clock, so the same seed gives the same steps, with the same command ids, every time. The
steps go through the real handlers (see `demo_loader`), so the demo can only contain what the
journal accepts. Lessons are scheduled one `ScheduleLesson` step each (ids as
`lessons_from_timetable` gives them), so that holidays are left out and every lesson's steps
form one ordered chain the loader can run beside the others.
"""

from __future__ import annotations

import datetime as dt
import random

from demo.dates import preparation_day, term_days
from demo.model import DemoSchool, Step, StepLog, Target
from demo.planning import build_plan
from demo.setup import write_setup
from demo.summary import Summary, all_names, summary
from demo.term import Term

__all__ = ["DemoSchool", "Step", "Summary", "Target", "all_names", "generate", "summary"]


def generate(
    seed: int = 2026,
    *,
    school: str = "s1",
    year: int = 2026,
    pupils_target: int = 1000,
    term_weeks: int = 8,
    today: dt.date | None = None,
) -> DemoSchool:
    """Generate the school year's first `term_weeks` weeks.

    About `pupils_target` pupils in classes of 26-30 (36 classes at 1000; a small target
    takes pairs of parallel classes). Lessons after `today` are scheduled but get no entries,
    and nothing due after `today` (absence reasons, corrections) is written.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible by design
    days = term_days(year, term_weeks)
    entry_days = [d for d in days if today is None or d <= today]
    plan = build_plan(rng, school, year, pupils_target, days, entry_days)
    log = StepLog(school, year, preparation_day(year))
    write_setup(log, plan)
    term = Term(rng, log, plan)
    term.write(entry_days)
    term.send_due(today or dt.date.max)
    return DemoSchool(school, year, tuple(log.steps))
