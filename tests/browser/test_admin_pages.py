"""The administrator's roster, periods and rollover pages in Debian's Chromium, against the
launched demo school: a new pupil is registered into 9А and transferred to 9Б (leave + join the
next day); a teaching assignment is added and removed; the fourth term (ahead, no lessons of
the demo in it) is closed after the confirm step and reopened with a reason, a blank reason
being refused beside its field; the rollover's plan follows an exception added with its form,
and admits a new first grade typed in its form (a bad line pointed at first); the page of the
proposed timetables says the year is not rolled over yet.
The rollover itself is not run here: it would seal the year the other tests write to.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.async_api import Page, expect

from tests.support.clock import school_today
from tests.support.waiting import eventually
from tests.support.web import assert_accessible, sign_in

VIEW_SECONDS = 30.0  # the journal's roster views follow a write by a moment
NEW_PUPIL = "Браузерова Алиса Тестовна"
MEMBERS_TABLE = "section[aria-labelledby=members-title] table"


async def shown_after_reload(page: Page, url: str, locator: str, text: str) -> None:
    """Reload `url` until `locator` contains `text` (the views catch up with the write)."""

    async def shown() -> None:
        await page.goto(url)
        assert text in await page.locator(locator).inner_text()

    await eventually(shown, timeout=VIEW_SECONDS, interval=0.5)


async def test_a_new_pupil_is_registered_into_a_class_and_transferred(system, page: Page):
    web = system.web_url
    # Dates from the school's today: the pupil joins tomorrow (the page says «придёт»).
    joins = school_today() + dt.timedelta(days=1)
    leaves, arrives = joins + dt.timedelta(days=3), joins + dt.timedelta(days=4)
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/roster")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Классы и ученики, 2026/27")
    await assert_accessible(page)

    form = page.locator("form[action^='/admin/roster/pupils']")
    pupil_id = await form.get_by_label("Код ученика").input_value()
    assert re.fullmatch(r"p\d{4}", pupil_id), pupil_id
    await form.get_by_label("ФИО").fill(NEW_PUPIL)
    await form.get_by_label("Дата рождения").fill("2011-04-05")
    await form.get_by_label(re.compile("^Зачислить в класс")).select_option("9a")
    await form.get_by_label(re.compile("^Дата зачисления")).fill(joins.isoformat())
    await form.get_by_role("button", name="Записать ученика").click()
    await page.wait_for_url(re.compile(r"/admin/roster/9a\?done=joined$"))
    await shown_after_reload(page, f"{web}/admin/roster/9a", MEMBERS_TABLE, NEW_PUPIL)
    row = page.locator(MEMBERS_TABLE).locator("tbody tr", has_text=NEW_PUPIL)
    await expect(row).to_contain_text(joins.isoformat())
    await expect(row).to_contain_text("придёт")
    await assert_accessible(page)

    transfer = page.locator("form[action^='/admin/roster/9a/transfer']")
    await transfer.get_by_label("Ученик").select_option(pupil_id)
    await transfer.get_by_label("В класс").select_option("9b")
    await transfer.get_by_label("Последний день в этом классе").fill(leaves.isoformat())
    await transfer.get_by_label(re.compile("^Основание")).fill("перевод по заявлению родителей")
    await transfer.get_by_role("button", name="Перевести").click()
    await page.wait_for_url(re.compile(r"/admin/roster/9b\?done=transferred$"))
    await shown_after_reload(page, f"{web}/admin/roster/9b", MEMBERS_TABLE, NEW_PUPIL)
    await expect(row).to_contain_text(arrives.isoformat())
    await shown_after_reload(page, f"{web}/admin/roster/9a", MEMBERS_TABLE, leaves.isoformat())
    await expect(row).to_contain_text(leaves.isoformat())


async def test_a_teaching_assignment_is_added_and_removed(system, page: Page):
    web = system.web_url
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/roster/9c")
    add = page.locator("form[action='/admin/roster/9c/assignments']")
    await add.get_by_label("Предмет").select_option("informatics")
    await add.get_by_label("Учитель").select_option("t046")
    await add.get_by_label(re.compile("^Группа")).fill("g7")
    await add.get_by_role("button", name="Назначить").click()
    await page.wait_for_url(re.compile(r"done=assign$"))
    await expect(page.get_by_role("status")).to_contain_text("Назначение записано.")
    remove = page.get_by_role("button", name=re.compile(r"^Снять назначение: Информатика, .*g7$"))

    async def listed() -> None:
        await page.goto(f"{web}/admin/roster/9c")
        assert await remove.count() == 1

    await eventually(listed, timeout=VIEW_SECONDS, interval=0.5)
    await assert_accessible(page)
    await remove.click()
    await page.wait_for_url(re.compile(r"done=unassign$"))

    async def gone() -> None:
        await page.goto(f"{web}/admin/roster/9c")
        assert await remove.count() == 0

    await eventually(gone, timeout=VIEW_SECONDS, interval=0.5)


async def test_a_period_closes_after_the_confirm_step_and_reopens_with_a_reason(system, page: Page):
    web = system.web_url
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/periods")
    row = page.locator("tbody tr", has_text="4 четверть")
    await expect(row).to_contain_text("открыт")
    await assert_accessible(page)

    await page.get_by_role("link", name="Закрыть «4 четверть»").click()
    await expect(page.get_by_role("heading", name="Закрыть период «4 четверть»?")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Да, закрыть период").click()
    await page.wait_for_url(re.compile(r"done=closed$"))
    await expect(page.get_by_role("status")).to_contain_text("Период закрыт")
    await expect(row.locator("td").nth(3)).to_have_text("закрыт")

    # A blank reason: refused beside its field, the period stays closed.
    reason = row.get_by_label("Причина открытия")
    await reason.fill("   ")
    async with page.expect_response(re.compile(r"/q4/reopen$")) as answered:
        await row.get_by_role("button", name="Открыть снова").click()
    assert (await answered.value).status == 422
    await expect(page.locator("#reopen-refusal")).to_be_visible()
    await expect(reason).to_have_attribute("aria-invalid", "true")
    await expect(row.locator("td").nth(3)).to_have_text("закрыт")
    await assert_accessible(page)

    await reason.fill("закрыта по ошибке")
    await row.get_by_role("button", name="Открыть снова").click()
    await page.wait_for_url(re.compile(r"done=reopened$"))
    await expect(row.locator("td").nth(3)).to_have_text("открыт")


async def test_the_rollover_plan_follows_an_exception_added_with_its_form(system, page: Page):
    web = system.web_url
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/rollover")
    plan = page.locator("section[aria-labelledby=plan-title]")
    await expect(plan).to_contain_text("В 2027/28:")
    await expect(plan).not_to_contain_text("Оставлен на повторное обучение")
    await expect(page.get_by_role("button", name="Выполнить перевод")).to_be_visible()

    add = page.locator("form[action='/admin/rollover'][method=get]")
    pupil = add.get_by_label("Ученик")
    chosen = await pupil.locator("optgroup[label='Класс 5А'] option").first.get_attribute("value")
    assert chosen
    await pupil.select_option(chosen)
    await add.get_by_label("Итог года").select_option("repeating")
    await add.get_by_role("button", name="Добавить и пересчитать план").click()
    await page.wait_for_url(re.compile(r"/admin/rollover\?.*outcome=repeating"))
    await expect(plan).to_contain_text("Оставлен на повторное обучение: 1")
    exceptions = page.locator("section[aria-labelledby=exceptions-title] tbody tr")
    await expect(exceptions).to_have_count(1)
    await expect(exceptions).to_contain_text("5А")
    # Carried by the exceptions' form, the first grade's form and the run's form.
    await expect(page.locator("input[name=o][value$=':repeating']")).to_have_count(3)
    await assert_accessible(page)

    await exceptions.get_by_role("link", name=re.compile("^Убрать исключение")).click()
    await expect(plan).not_to_contain_text("Оставлен на повторное обучение")


async def test_the_rollover_plan_admits_a_first_grade_typed_in_its_form(system, page: Page):
    web = system.web_url
    await sign_in(page, web, "adm1", "admin")
    await page.goto(f"{web}/admin/rollover")
    first = page.locator("section[aria-labelledby=first-title]")
    block = first.locator("fieldset").first
    await block.get_by_label("Код класса").fill("1z")
    await block.get_by_label("Название класса").fill("1Я")
    teacher = block.get_by_label("Классный руководитель")
    chosen = await teacher.locator("option[value]:not([value=''])").first.get_attribute("value")
    assert chosen
    await teacher.select_option(chosen)
    pupils = block.get_by_label("Принятые ученики")
    await pupils.fill("pz0001; Первоклассова Анна Сергеевна; 05.03.2019\npz0002 Без даты")
    recompute = first.get_by_role("button", name="Пересчитать план с первыми классами")
    await recompute.click()
    await expect(first.get_by_role("alert")).to_contain_text("Список первого класса не отправлен")
    await expect(first).to_contain_text("Строка 2: нужно три части через «;»")
    await expect(page.get_by_label("Принятые ученики").first).to_have_attribute(
        "aria-invalid", "true"
    )
    await assert_accessible(page)

    await page.get_by_label("Принятые ученики").first.fill(
        "pz0001; Первоклассова Анна Сергеевна; 05.03.2019\n"
        "pz0002; Первоклассов Борис Ильич; 17.11.2018"
    )
    await page.get_by_role("button", name="Пересчитать план с первыми классами").click()
    plan = page.locator("section[aria-labelledby=plan-title]")
    await expect(plan).to_contain_text("В 2027/28:")
    await plan.locator("summary").click()
    row = plan.locator("tbody tr", has=page.locator("th", has_text="1Я"))
    await expect(row.locator("td")).to_have_text(
        ["новый первый класс", re.compile(".+"), "2", "2", "0", "—"]
    )
    slots = plan.locator("tbody tr td:last-child")
    assert any(t.strip().isdigit() for t in await slots.all_inner_texts())  # proposed timetables
    run = page.locator("section[aria-labelledby=run-title]")
    await expect(run).to_contain_text("принять в первые классы 2 учеников")
    await expect(run.locator("input[name='fg_class_id.0']")).to_have_value("1z")
    await assert_accessible(page)


async def test_the_proposed_timetables_page_waits_for_the_rollover(system, page: Page):
    await sign_in(page, system.web_url, "adm1", "admin")
    await page.goto(f"{system.web_url}/admin/rollover/timetables")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Расписания классов 2027/28")
    await expect(page.locator("main")).to_contain_text(
        "Перевод 2026/27 учебного года ещё не выполнен"
    )
    await assert_accessible(page)
