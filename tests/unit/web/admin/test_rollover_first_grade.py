"""The rollover page's new first grade with fake APIs: the classes and their pupils' lists go
with the plan (a dry run) and the run; a list the web can tell is wrong is not sent and its
lines are pointed at; the journal's `rollover_refused` is shown in Russian beside the line it
concerns; the plan's table shows the first-graders admitted and the timetables proposed.
"""

from __future__ import annotations

import re

from services.web.application.ports import ApiRefused
from tests.unit.web.admin.admin_world import PLAN, J, post

FIRST = {
    "fg_class_id.0": "1a",
    "fg_label.0": "1А",
    "fg_teacher.0": "t015",
    "fg_pupils.0": "p1001; Иванова Анна Сергеевна; 05.03.2019\r\np1002; Ким Лев; 1.9.2019",
}
BODY = [
    {
        "class_id": "1a",
        "label": "1А",
        "class_teacher_id": "t015",
        "pupils": [
            {"pupil_id": "p1001", "full_name": "Иванова Анна Сергеевна",
             "birth_date": "2019-03-05"},
            {"pupil_id": "p1002", "full_name": "Ким Лев", "birth_date": "2019-09-01"},
        ],
    }
]  # fmt: skip
FIRST_CLASS = {
    "class_id": "1a",
    "grade": 1,
    "label": "1А",
    "class_teacher_id": "t015",
    "assignments": 0,
    "pupils": 2,
    "source": "",
    "timetable_slots": 0,
    "admitted": 2,
}
PLANNED = PLAN | {
    "classes": [FIRST_CLASS, PLAN["classes"][0] | {"timetable_slots": 27, "admitted": 0}]
}  # fmt: skip


def row_of(html: str, label: str) -> str:
    found = re.search(rf'<tr><th scope="row">{label}</th>(.*?)</tr>', html, re.S)
    assert found, label
    return found[1]


async def test_the_plan_goes_with_the_first_grade_and_shows_what_it_admits(admin, apis):
    apis.answers[f"{J}/rollover"] = PLANNED

    page = await post(admin, "/admin/rollover", "/admin/rollover/plan", o="p0001:repeating",
                      **FIRST)  # fmt: skip

    assert page.status_code == 200
    _api, method, path, body, _key = apis.sent[-1]  # (the first: the page the form was on)
    assert (method, path) == ("POST", f"{J}/rollover")
    assert body == {
        "outcomes": {"p0001": {"outcome": "repeating", "debts": []}},
        "first_grade": BODY,
        "dry_run": True,
    }
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row_of(page.text, "1А"))
    assert cells == ["новый первый класс", "Пестова Жанна Руслановна", "2", "2", "0", "—"]
    assert re.findall(r"<td[^>]*>(.*?)</td>", row_of(page.text, "6А"))[-1] == "27"
    # The typed list is kept in the form, and carried by the run's form.
    assert "p1002; Ким Лев; 1.9.2019</textarea>" in page.text
    run_form = page.text[page.text.index('id="run-title"') :]
    assert 'name="fg_pupils.0" value="p1001; Иванова' in run_form
    assert 'name="o" value="p0001:repeating"' in run_form
    assert "принять в первые классы 2 учеников" in run_form
    # An empty block for another class.
    assert 'name="fg_class_id.1" value=""' in page.text


async def test_the_run_carries_the_first_grade(admin, apis):
    apis.answers[f"{J}/rollover"] = PLANNED | {"dry_run": False, "closed": True}

    done = await post(admin, "/admin/rollover", "/admin/rollover", confirm="yes", **FIRST)

    assert done.status_code == 200
    run = apis.sent[-1]
    assert run[3] == {"outcomes": {}, "first_grade": BODY, "dry_run": False}
    assert run[4]
    assert "1А — принято 2" in done.text
    assert "/admin/rollover/timetables?year=2026" in done.text


async def test_a_bad_list_is_not_sent_and_its_lines_are_pointed_at(admin, apis):
    bad = FIRST | {"fg_pupils.0": "p1001; Иванова Анна; 05.03.2019\np1001; Ким Лев; 01.09.2019\n"
                   "Петров Пётр 2019", "fg_teacher.0": ""}  # fmt: skip

    page = await post(admin, "/admin/rollover", "/admin/rollover/plan", **bad)
    run = await post(admin, "/admin/rollover", "/admin/rollover", confirm="yes", **bad)

    assert all(b["dry_run"] and "first_grade" not in b for _a, _m, _p, b, _k in apis.sent)
    for answer in (page, run):
        assert answer.status_code == 422
        assert "Список первого класса не отправлен" in answer.text
        assert "Строка 2: код p1001 уже указан в строке 1." in answer.text
        assert "Строка 3: нужно три части через «;»" in answer.text
        assert "выберите классного руководителя" in answer.text
        assert 'id="first-fg_pupils-0" name="fg_pupils.0"' in answer.text
        assert 'aria-describedby="first-fg_pupils-0-hint first-fg_pupils-0-problem"' in answer.text
    assert 'id="run-title"' not in page.text  # no plan: nothing to run


async def test_the_journals_refusal_is_in_russian_beside_the_line(admin, apis):
    apis.plan_refusal = ApiRefused(
        422,
        "rollover_refused",
        "admitted pupil 'p1002' is already a pupil of the school; "
        "first-grade class '1a': no staff 't015'",
    )

    page = await post(admin, "/admin/rollover", "/admin/rollover/plan", **FIRST)

    assert page.status_code == 422
    assert "План не построен." in page.text
    assert "Перевод так выполнить нельзя:" in page.text
    line = "Строка 2: Ученик с кодом p1002 уже учится в школе: выберите другой код."
    assert line in page.text
    assert re.search(r'id="first-fg_pupils-0-problem"><li>' + re.escape(line), page.text)
    assert "Классный руководитель класса 1a: сотрудника t015 в школе нет." in page.text


async def test_exceptions_change_by_post_while_a_first_grade_is_typed(admin, apis):
    apis.answers[f"{J}/rollover"] = PLANNED

    added = await post(admin, "/admin/rollover", "/admin/rollover/plan", o="p0001:repeating",
                       pupil_id="p0002", outcome="graduated", **FIRST)  # fmt: skip
    with_added = apis.sent[-1][3]
    removed = await post(admin, "/admin/rollover", "/admin/rollover/plan", o="p0001:repeating",
                         remove="p0001", **FIRST)  # fmt: skip
    without = apis.sent[-1][3]

    assert with_added["outcomes"] == {
        "p0001": {"outcome": "repeating", "debts": []},
        "p0002": {"outcome": "graduated", "debts": []},
    }
    assert without["outcomes"] == {}
    assert without["first_grade"] == BODY
    assert 'form="plan-state" name="remove" value="p0002"' in added.text
    assert '<form method="post" action="/admin/rollover/plan" class="panel">' in removed.text
    assert "Исключений нет" in removed.text


async def test_without_a_first_grade_the_body_is_as_before(admin, apis):
    await admin.get("/admin/rollover")

    assert "first_grade" not in apis.sent[0][3]
