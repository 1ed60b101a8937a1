"""The name guard's cost: what redacting every exported free text of the demo school adds.

    uv run python -m bench.name_guard [--weeks 8] [--named 200]

In one fresh process: the morphological analyser's build, the guard's build over the demo's
roster (about a thousand pupils) the first time (every name part parsed and inflected) and again
(parts cached), then every free text a full export of the demo passes through the guard
(topics, homework texts, mark comments: `--named` of the mark comments name a pupil in another
case and shape), first with the words' parses cold, then warm. Pure CPU, no servers. Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import demo
from services.common import name_guard
from services.common.name_forms import analyzer
from services.journal.domain import commands as c
from tests.support import name_forms


def _texts(school: demo.DemoSchool, named: int) -> tuple[list[str], list[str], int]:
    """The roster, the exported free texts (some comments naming a pupil), how many do."""
    roster = [s.command.full_name for s in school.steps if isinstance(s.command, c.RegisterPupil)]
    texts: list[str] = []
    written = 0
    for step in school.steps:
        command = step.command
        if isinstance(command, c.SaveLessonEntries):
            texts += [t for t in (command.topic, command.homework and command.homework.text) if t]
            for mark in command.marks:
                if written < named:
                    pupil = roster[(7 * written) % len(roster)]
                    shape = name_forms.SHAPES[written % len(name_forms.SHAPES)]
                    case = name_forms.CASES[(written // 3) % len(name_forms.CASES)]
                    said = name_forms.mention(pupil, shape, case) or pupil
                    texts.append(f"{said} — молодец, хороший ответ у доски")
                    written += 1
                elif mark.comment:
                    texts.append(mark.comment)
    return roster, texts, written


def _timed(run: Any) -> tuple[float, Any]:  # noqa: ANN401 - any callable's result
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main() -> None:
    """Measure and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--named", type=int, default=200)
    args = parser.parse_args()
    school = demo.generate(2026, term_weeks=args.weeks)
    analyser_s, _ = _timed(analyzer)
    roster, texts, written = _texts(school, args.named)
    cold_build_s, guard = _timed(lambda: name_guard.NameGuard(roster))
    warm_build_s, guard = _timed(lambda: name_guard.NameGuard(roster))

    def redact_all() -> int:
        return sum(guard.redact(text).replaced for text in texts)

    cold_s, replaced = _timed(redact_all)
    warm_s, again = _timed(redact_all)
    assert replaced == again >= written, (replaced, written)
    print(
        json.dumps(
            {
                "bench": "name_guard",
                "pupils": len(guard),
                "texts": len(texts),
                "texts_naming_a_pupil": written,
                "replaced": replaced,
                "analyser_build_s": round(analyser_s, 3),
                "guard_build_cold_s": round(cold_build_s, 3),
                "guard_build_warm_s": round(warm_build_s, 4),
                "all_texts_cold_s": round(cold_s, 3),
                "all_texts_warm_s": round(warm_s, 3),
                "per_text_cold_us": round(cold_s / len(texts) * 1e6, 1),
                "per_text_warm_us": round(warm_s / len(texts) * 1e6, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
