"""The page of the timetables the rollover proposed, with fake APIs: the next year's classes,
each proposal's lessons with the subjects' and teachers' names, a confirmation sent once with
the form's request id, the journal's refusal in Russian beside the class, the head reading
without the button, and a year not rolled over yet saying so.
"""

from __future__ import annotations

from services.web.application.ports import ApiRefused
from tests.unit.web.admin.admin_world import ROSTER, STATUS, J, key_of, post, signed_in

N = "/schools/s1/years/2027"
PAGE = "/admin/rollover/timetables"
NEXT_ROSTER = ROSTER | {
    "classes": [
        {"class_id": "6a", "grade": 6, "label": "6А", "class_teacher_id": "t023"},
        {"class_id": "1a", "grade": 1, "label": "1А", "class_teacher_id": "t015"},
        {"class_id": "6b", "grade": 6, "label": "6Б", "class_teacher_id": "t015"},
    ],
}
DRAFT = {
    "class_id": "6a", "effective_from": "2027-09-01", "source": "5a",
    "slots": [
        {"weekday": 2, "slot": 1, "subject_id": "math", "teacher_id": "t015", "group": None},
        {"weekday": 1, "slot": 3, "subject_id": "math", "teacher_id": "t015", "group": "g1"},
    ],
}  # fmt: skip


def rolled_over(apis) -> None:
    apis.gets["journal", f"{J}/rollover"] = STATUS | {"closed_into": 2027}
    apis.gets["journal", f"{N}/roster"] = NEXT_ROSTER
    apis.gets["journal", f"{N}/classes/6a/timetable/draft"] = DRAFT
    for k in ("1a", "6b"):
        apis.gets["journal", f"{N}/classes/{k}/timetable/draft"] = ApiRefused(
            404, "no_timetable_draft", f"class '{k}' has no proposed timetable"
        )


async def test_the_proposals_are_shown_with_names_in_the_weeks_order(admin, apis):
    rolled_over(apis)

    page = await admin.get(PAGE)

    assert page.status_code == 200
    assert "<h1>Расписания классов 2027/28</h1>" in page.text
    assert "Классов: 3; ждут утверждения: 1." in page.text
    text = page.text
    assert text.index('<th scope="row">1А</th>') < text.index('<th scope="row">6А</th>')
    assert "нет (первый класс)" in text
    assert '<a href="#class-6a">предложено: уроков в неделю 2</a>' in text
    monday = text.index("<td>понедельник</td>")
    assert monday < text.index("<td>вторник</td>")
    row = text[monday : text.index("</tr>", monday)]
    assert row == ('<td>понедельник</td><td class="num">3</td><td>Математика</td>'
                   "<td>Пестова Жанна Руслановна</td><td>g1</td>")  # fmt: skip
    assert "Расписание класса 5a прошлого года, с 01.09.2027." in text
    assert 'action="/admin/rollover/timetables/6a/confirm"' in text
    assert "/admin/rollover/timetables/6b/confirm" not in text


async def test_confirming_sends_the_confirmation_once_and_says_so(admin, apis):
    rolled_over(apis)
    shown = await admin.get(PAGE)

    done = await post(admin, PAGE, f"{PAGE}/6a/confirm")

    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}?confirmed=6a"
    [(api, method, path, body, key)] = apis.sent
    assert (api, method, path, body) == (
        "journal",
        "POST",
        f"{N}/classes/6a/timetable/draft/confirm",
        None,
    )
    assert key
    assert key != key_of(shown)
    note = await admin.get(done.headers["location"])
    assert "Расписание класса 6А утверждено" in note.text


async def test_a_refused_confirmation_is_shown_in_russian_beside_the_class(admin, apis):
    rolled_over(apis)
    apis.refusal = ApiRefused(404, "no_timetable_draft", "class '6a' has no proposed timetable")

    page = await post(admin, PAGE, f"{PAGE}/6a/confirm")

    assert page.status_code == 404
    box = page.text[page.text.index('id="confirm-6a-refusal"') :]
    assert "У класса нет предложенного расписания: его уже утвердили или задали вручную." in box


async def test_the_head_reads_the_proposals_without_the_button(apis):
    rolled_over(apis)
    async with await signed_in(apis, "head1", "head") as head:
        page = await head.get(PAGE)

    assert page.status_code == 200
    assert "<td>Математика</td>" in page.text
    assert "/confirm" not in page.text
    assert "Утверждает расписания администратор электронного журнала." in page.text


async def test_before_the_rollover_the_page_says_the_year_is_not_rolled_over(admin, apis):
    page = await admin.get(PAGE)  # no roster of 2027: the journal answers 404

    assert page.status_code == 200
    assert "Перевод 2026/27 учебного года ещё не выполнен" in page.text
    assert 'href="/admin/rollover"' in page.text


async def test_a_teacher_the_journal_refuses_gets_the_refusal_page(apis):
    apis.gets["journal", f"{J}/rollover"] = ApiRefused(403, "role_not_allowed", "no")
    async with await signed_in(apis, "t015", "teacher") as teacher:
        page = await teacher.get(PAGE)

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text


async def test_the_rollover_page_of_a_closed_year_links_the_proposals(admin, apis):
    apis.gets["journal", f"{J}/rollover"] = STATUS | {"closed_into": 2027}

    page = await admin.get("/admin/rollover?year=2026")

    assert 'href="/admin/rollover/timetables?year=2026"' in page.text
