"""`python -m bot roster codes` and deactivation's codes (issue 16): an output that cannot
be written changes nothing; re-issuing says how many codes it cancels; the workbook keeps
IDs as text; deactivated people's codes are cancelled and the bot refuses to bind them."""
from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select

from storage.tables import BindingCode, Person
from tests.e2e.test_roster_cli_safety import EXAMPLE, PLAIN, command, q, workbook  # noqa: F401
from tests.support.chat import ChatUser
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.harness import TOKEN, RunningBot, binding_code, bot_settings

LEADING_ZERO = "0023010199"


def codes_state(db_url: str) -> tuple[int, int]:
    """(codes stored, codes revoked)."""
    return (q(db_url, select(func.count()).select_from(BindingCode))[0][0],
            q(db_url, select(func.count()).select_from(BindingCode).where(
                BindingCode.revoked_at.is_not(None)))[0][0])


def test_codes_to_a_missing_folder_change_nothing(command: Any, db_url: str,
                                                  tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    folder = tmp_path / "out"
    folder.mkdir()
    rc, out, err = command("roster", "codes", "--out", folder / "all.xlsx")
    assert rc == 0 and f"已发放 50 个绑定码，有效期 336 小时：{folder / 'all.xlsx'}" in out
    before = codes_state(db_url)
    assert before == (50, 0)

    missing = tmp_path / "no" / "such" / "codes.xlsx"
    rc, out, err = command("roster", "codes", "--out", missing, "--person", PLAIN)
    assert rc != 0 and out == ""
    assert err == (f"无法写入 {missing}：文件夹 {missing.parent} 不存在。没有发放新的绑定码，"
                   f"之前的绑定码也都没有作废。\n")
    assert codes_state(db_url) == before and not missing.parent.exists()
    rc, _, err = command("roster", "codes", "--out", folder, "--format", "xlsx")
    assert rc == 1 and "这是一个文件夹" in err and codes_state(db_url) == before
    rc, _, err = command("roster", "codes", "--out", folder / "codes.txt")
    assert rc == 2 and "--format" in err and codes_state(db_url) == before
    assert [p.name for p in folder.iterdir()] == ["all.xlsx"]  # no temporary file left


def test_reissuing_says_how_many_earlier_codes_it_cancels(command: Any, db_url: str,
                                                          tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    rc, out, _ = command("roster", "codes", "--out", tmp_path / "one.xlsx", "--person", PLAIN)
    assert rc == 0 and "作废" not in out
    rc, out, _ = command("roster", "codes", "--out", tmp_path / "one.xlsx", "--person", PLAIN,
                     "--person", "2023010104")
    assert rc == 0 and "这些人之前发放、尚未使用的绑定码已作废 1 个。" in out
    rc, out, _ = command("roster", "codes", "--out", tmp_path / "one.xlsx", "--person", PLAIN,
                     "--lang", "en")
    assert "Issued 1 binding code, valid 336 hours" in out
    assert "Cancelled 1 earlier unused code of these people." in out


def test_the_codes_workbook_keeps_ids_as_text(command: Any, db_url: str, tmp_path: Path) -> None:
    def with_zero(book: Any) -> None:
        book["people"].append([LEADING_ZERO, "零同学", "student", "ACC-S1"])
        book["people"].cell(book["people"].max_row, 1).number_format = "@"

    rc, _, err = command("roster", "import", workbook(tmp_path, "zero.xlsx", with_zero))
    assert rc == 0, err
    out_file = tmp_path / "codes.xlsx"
    rc, _, _ = command("roster", "codes", "--out", out_file, "--person", LEADING_ZERO,
                   XQ_TELEGRAM__BOT_USERNAME="xq_demo_bot")
    assert rc == 0
    book = openpyxl.load_workbook(out_file)
    ws = book["绑定码"]
    assert [c.value for c in ws[1]] == ["学号/工号", "姓名", "绑定码", "有效期至", "链接"]
    number = ws["A2"]
    assert (number.value, number.data_type, number.number_format) == (LEADING_ZERO, "s", "@")
    assert ws["B2"].value == "零同学"
    assert ws["E2"].value == f"https://t.me/xq_demo_bot?start={ws['C2'].value}"

    # CSV on request (by the suffix or --format): fixed English headers for scripts.
    for name, extra in (("codes.csv", ()), ("codes.dat", ("--format", "csv"))):
        rc, _, _ = command("roster", "codes", "--out", tmp_path / name, "--person", LEADING_ZERO,
                       *extra)
        with open(tmp_path / name, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rc == 0 and [r["number"] for r in rows] == [LEADING_ZERO]


def test_deactivated_peoples_codes_are_cancelled(command: Any, db_url: str, tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    command("roster", "codes", "--out", tmp_path / "all.xlsx")
    listed = tmp_path / "gone.csv"
    listed.write_text("学号,姓名\n2023010103,赵子涵\n2023010104,吴子涵\n", encoding="utf-8")
    rc, out, _ = command("roster", "deactivate", listed, "--apply")
    assert rc == 0 and "被停用人员尚未使用的绑定码已作废 2 个。" in out
    revoked = q(db_url, select(Person.number).join(
        BindingCode, BindingCode.person_id == Person.id).where(
        BindingCode.revoked_at.is_not(None)))
    assert sorted(n for (n,) in revoked) == ["2023010103", "2023010104"]


def test_the_bot_refuses_to_bind_a_deactivated_person(command: Any, db_url: str,
                                                      tmp_path: Path) -> None:
    command("roster", "import", EXAMPLE)
    code = asyncio.run(binding_code(db_url, PLAIN))
    listed = tmp_path / "gone.txt"
    listed.write_text(PLAIN + "\n", encoding="utf-8")
    assert command("roster", "deactivate", listed, "--apply")[0] == 0

    async def chat() -> None:
        async with FakeBotAPI(token=TOKEN) as api:
            async with RunningBot(bot_settings(db_url, api.base_url)):
                user = ChatUser(api, 6001)
                user.say(f"/start {code}")
                refused = user.text_of(await user.expect("停用"))
                assert "不能绑定" in refused and "绑定成功" not in refused

    asyncio.run(chat())
    assert q(db_url, select(func.count()).select_from(Person).where(
        Person.number == PLAIN, Person.active.is_(True)))[0][0] == 0
