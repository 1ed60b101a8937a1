"""`python -m deploy.ops person erase|erasures|retention` against the test session's servers.

A journal runs in-process (its projector keeps the view) while the commands run in a worker
thread with the journal's variables pointing at the same servers and schema, as an operator's
shell beside a running service. The key store is the session's: the school is the test's own.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path

import pytest

from deploy.ops import cli as ops
from tests.support.running import running_journal
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

YEAR = 2020


@pytest.fixture
def env(no_state: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`no_state` with the journal's sign-in secret, which building its runtime requires."""
    monkeypatch.setenv("JOURNAL_AUTH__DEV_SECRET", "d" * 32)  # required, not used here
    return no_state


async def run_ops(state: Path, capsys, *argv: str) -> tuple[int, str]:
    """`python -m deploy.ops --state-dir <state> <argv>` in a worker thread: exit code, stdout."""
    code = await asyncio.to_thread(ops.main, ["--state-dir", str(state), *argv])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("command", ["erase", "erasures", "retention"])
def test_every_person_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        ops.main(["person", command, "--help"])

    assert exited.value.code == 0
    assert "--json" in capsys.readouterr().out


async def test_erasing_listing_and_the_retention_rule_from_the_command_line(
    nats_url, database_url, pg_schema, js, env, capsys
):
    school = f"o{secrets.token_hex(4)}"
    async with running_journal(nats_url, database_url, pg_schema) as journal:
        admin = journal.headers("adm1", "admin", school=school)
        base = f"/journal/v1/schools/{school}/years/{YEAR}"
        year = {"school_name": "Школа", "starts_on": "2020-09-01", "ends_on": "2021-05-31",
                "periods": [{"period_id": "h1", "name": "1 полугодие",
                             "starts_on": "2020-09-01", "ends_on": "2020-12-28"}]}  # fmt: skip
        writes = [
            ("PUT", base, year),
            ("PUT", f"{base}/staff/t1", {"full_name": "Иванова Анна", "position": "учитель"}),
            ("PUT", f"{base}/classes/9a", {"grade": 9, "label": "9А", "class_teacher_id": "t1"}),
            ("PUT", f"{base}/pupils/p1", {"full_name": "Акимова Вера", "birth_date": "2005-01-02"}),
            ("PUT", f"{base}/pupils/p9", {"full_name": "Громов Илья", "birth_date": "2005-02-03"}),
            ("POST", f"{base}/classes/9a/members", {"pupil_id": "p9", "since": "2020-09-01"}),
            ("POST", f"{base}/classes/9a/members/p9/leave",
             {"last_day": "2021-03-15", "reason": "переезд"}),
        ]  # fmt: skip
        for method, path, body in writes:
            answer = await journal.http.request(method, path, json=body, headers=admin)
            assert answer.status_code == 200, answer.text

        async def in_the_view():
            pupils = await journal.http.get(f"{base}/pupils", headers=admin)
            assert len(pupils.json()["pupils"]) == 2

        await eventually(in_the_view, timeout=10)

        code, out = await run_ops(env, capsys, "person", "erase", "pupil", "p1", "--reason",
                                  "заявление", "--by", "adm1", "--json")  # fmt: skip
        assert code == 0, out
        erased = json.loads(out)
        assert (erased["school"], erased["keys_destroyed"], erased["already_erased"]) == (
            school, 1, False
        )  # fmt: skip
        code, out = await run_ops(env, capsys, "person", "erase", "pupil", "p1", "--reason",
                                  "ещё раз", "--school", school)  # fmt: skip
        assert code == 0, out
        assert "was erased before" in out
        code, _ = await run_ops(env, capsys, "person", "erase", "staff", "nobody", "--reason", "x")
        assert code == 3

        async def listed():
            code, out = await run_ops(env, capsys, "person", "erasures", "--json")
            assert code == 0, out
            [one] = json.loads(out)["erasures"]
            assert (one["person"], one["erased_by"], one["keys_destroyed"]) == ("p1", "adm1", True)

        await eventually(listed, timeout=10)

        code, _ = await run_ops(env, capsys, "person", "retention", "--dry-run")
        assert code == 2  # no rule configured, none given
        code, out = await run_ops(env, capsys, "person", "retention", "--dry-run",
                                  "--leaver-years", "1", "--json")  # fmt: skip
        assert code == 0, out
        assert [d["pupil_id"] for d in json.loads(out)["due"]] == ["p9"]
        code, out = await run_ops(env, capsys, "person", "retention", "--leaver-years", "1",
                                  "--json")  # fmt: skip
        assert code == 0, out
        run = json.loads(out)
        assert [(e["person"], e["erased_by"]) for e in run["erased"]] == [("p9", "retention")]
        assert run["erased"][0]["reason"] == "срок хранения: выбыл 2021-03-15, прошёл 1 год"
        code, out = await run_ops(env, capsys, "person", "retention", "--dry-run",
                                  "--leaver-years", "1", "--json")  # fmt: skip
        assert json.loads(out)["due"] == []
