"""The class journal in Debian's Chromium: 5А mathematics over the first quarter (the demo's
27 pupils × 40 lessons) shows what the journal API holds (marks, letters, the weighted average,
absences and lates, the period mark or «—»), light; a teacher who neither teaches the subject
there nor leads the class gets the refusal page, the head reads it. How fast the page answers is
measured by `bench/web_pages.py`, beside the API it is built from, not timed here: a suite run
shares the machine with everything else.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from playwright.async_api import Page, Response, expect

from services.common.dev_tokens import DevTokenIssuer
from tests.browser.journal_facts import api_average, journal_get, weighted_average
from tests.support.waiting import eventually
from tests.support.web import assert_accessible, screenshot, sign_in

CLASS_ID, SUBJECT, TEACHER = "5a", "math", "t015"
YEAR = "/journal/v1/schools/s1/years/2026"
Q1 = {"from": "2026-09-01", "to": "2026-10-26"}
VIEW_SECONDS = 30.0
PAGE_BYTES = 300 * 1024


async def test_the_quarters_class_journal_shows_what_the_journal_holds(system, page):
    pupil = await set_a_period_mark(system)
    await sign_in(page, system.web_url, TEACHER, "teacher")
    await page.goto(f"{system.web_url}/journal")
    row = page.locator("tr", has=page.get_by_role("rowheader", name="5А"))
    await assert_accessible(page)
    await row.get_by_role("link", name="Математика").click()
    await page.wait_for_url(f"**/journal/{CLASS_ID}/{SUBJECT}")
    await page.get_by_role("link", name="1 четверть").click()
    await page.wait_for_url(f"**/journal/{CLASS_ID}/{SUBJECT}?from=2026-09-01&to=2026-10-26")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Математика, 5А")

    grid = await journal_get(system, f"{YEAR}/classes/{CLASS_ID}/subjects/{SUBJECT}/grid", Q1)
    assert (len(grid["rows"]), len(grid["lessons"])) == (27, 40)
    await expect(page.locator("table.journal thead a")).to_have_count(40)
    hrefs = await page.locator("table.journal thead a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert hrefs == [f"/lessons/{CLASS_ID}/{x['lesson_id']}" for x in grid["lessons"]]
    await check_rows(page, grid)
    flagged = sum(x["corrected_after_close"] for x in grid["lessons"]) + sum(
        c.get("corrected_after_close", False) for r in grid["rows"] for c in r["cells"]
    )
    await expect(page.locator("table.journal .flag")).to_have_count(flagged)

    async def period_mark_shown() -> None:
        await page.reload()
        line = page.locator("tbody tr", has=page.locator(f"th[title='{pupil[1]}']"))
        await expect(line.locator("td.sum").last).to_have_text("4", timeout=1000)

    await eventually(period_mark_shown, timeout=VIEW_SECONDS)
    dashes = page.locator("tbody tr td.sum:last-child", has_text="—")
    await expect(dashes).to_have_count(26)  # no other period mark was set
    await assert_accessible(page)
    await screenshot(page, "class-journal")


async def test_the_class_journal_is_light(system, page):
    await sign_in(page, system.web_url, TEACHER, "teacher")
    url = f"{system.web_url}/journal/{CLASS_ID}/{SUBJECT}?from={Q1['from']}&to={Q1['to']}"
    sizes: list[int] = []

    async def weigh(response: Response) -> None:
        sizes.append(len(await response.body()))

    page.on("response", weigh)
    await page.goto(url, wait_until="networkidle")
    page.remove_listener("response", weigh)
    assert sum(sizes) <= PAGE_BYTES, sizes  # the page with every asset, uncompressed
    assert "Акимова В. А." in await page.content()


async def test_only_those_who_may_read_a_class_journal_get_it(system, page):
    await sign_in(page, system.web_url, "t001", "teacher")  # 1А's class teacher
    await page.goto(f"{system.web_url}/journal")
    await expect(page.get_by_role("rowheader", name="5А")).to_have_count(0)
    answer = await page.goto(f"{system.web_url}/journal/{CLASS_ID}/{SUBJECT}")
    assert answer is not None
    assert answer.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "У вас нет доступа к этой странице."
    )
    await expect(page.locator("main")).to_contain_text("not_your_class")
    await assert_accessible(page)

    await page.context.clear_cookies()
    await sign_in(page, system.web_url, "head1", "head")
    answer = await page.goto(f"{system.web_url}/journal/{CLASS_ID}/{SUBJECT}")
    assert answer is not None
    assert answer.status == 200


async def check_rows(page: Page, grid: dict[str, Any]) -> None:
    """Every pupil's cells, average (the API's, and Σ weight·mark / Σ weight), Н and ОП."""
    lines = page.locator("table.journal tbody tr")
    await expect(lines).to_have_count(len(grid["rows"]))
    texts = await lines.evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td'), td => td.textContent))"
    )
    for row, shown in zip(grid["rows"], texts, strict=True):
        cells = [
            "".join(m["value"] for m in c["marks"]) + (c["absence"] or "") for c in row["cells"]
        ]
        average = weighted_average(row["cells"])
        assert average == api_average(row["average"]), row["pupil_id"]
        expected = [*cells, average, str(row["absences"]), str(row["lates"])]
        assert [t.replace("*", "") for t in shown[:-1]] == expected, row["pupil_id"]


async def set_a_period_mark(system) -> tuple[str, str]:
    """The teacher sets the first pupil's mark for the first quarter (through the API, with a
    development token of the teacher's); the pupil's id and full name."""
    sheet_path = f"{YEAR}/classes/{CLASS_ID}/subjects/{SUBJECT}/period-marks"
    sheet = await journal_get(system, sheet_path, {"period_id": "q1"})
    first = sheet["pupils"][0]
    token = DevTokenIssuer(system.launched.dev_secret()).mint(
        TEACHER, ["teacher"], "s1", ttl=dt.timedelta(minutes=5)
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=system.api_urls["journal"], headers=headers) as http:
        answer = await http.put(f"{sheet_path}/q1/{first['pupil_id']}", json={"value": "4"})
        assert answer.status_code == 200, answer.text
    return first["pupil_id"], first["full_name"]


async def test_the_journal_page_downloads_as_a_workbook_with_the_values_it_shows(system, page):
    await sign_in(page, system.web_url, TEACHER, "teacher")
    await page.goto(
        f"{system.web_url}/journal/{CLASS_ID}/{SUBJECT}?from={Q1['from']}&to={Q1['to']}"
    )
    shown = await page.locator("table.journal tbody tr").evaluate_all(
        """rows => rows.map(r => [
            r.querySelector('th').getAttribute('title'),
            ...[...r.querySelectorAll('td:not(.sum)')].map(td =>
                [...td.querySelectorAll('.mk, .abs')].map(s => s.textContent).join(' ')),
            ...[...r.querySelectorAll('td.sum')].map(td => td.textContent),
        ])"""
    )

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Excel (XLSX)").click()
    download = await downloading.value
    content = await asyncio.to_thread(Path(await download.path()).read_bytes)
    book = openpyxl.load_workbook(io.BytesIO(content))

    assert download.suggested_filename == "journal-5a-math-2026-09-01-2026-10-26.xlsx"
    rows = list(book["Отметки"].iter_rows(values_only=True))[5:]
    assert [_as_shown(row) for row in rows] == shown
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="CSV").click()
    assert (await downloading.value).suggested_filename.endswith(".csv")


def _as_shown(row: tuple[Any, ...]) -> list[str]:
    """A workbook row worded as the page words it: the average with a decimal comma, «—» for
    no average or no period mark."""
    *_, average, absences, lates, period_mark = row
    cells = [value or "" for value in row[2:-4]]
    average_text = "—" if average is None else f"{average:.2f}".replace(".", ",")
    return [row[1], *cells, average_text, str(absences), str(lates), period_mark or "—"]
