"""`python -m bot survey validate FILE` in a real process: the examples are valid, every
problem is printed as FILE:LINE: message in the CLI's language (zh_CN by default), files
that cannot be read get one line and exit 2, and nothing touches a database."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
code = "canteen-2026"
title = "食堂满意度"
anonymous = true
opens = 2026-12-01T09:00:00+08:00
closes = 2026-12-15T18:00:00+08:00
[audience]
list = "lists/names.txt"
[[questions]]
kind = "rating"
text = "满意吗？"
"""


def _validate(file: Path | str, *args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XQ_")}
    env.update(XQ_CONFIG=str(ROOT / "config.toml"),
               XQ_DATABASE__URL=f"sqlite+aiosqlite:///{db}")
    return subprocess.run([sys.executable, "-m", "bot", "survey", "validate", str(file), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "db" / "never.db"
    yield path
    assert not path.exists() and not path.parent.exists()  # no database was made


@pytest.mark.parametrize("name", ["satisfaction.toml", "consultation.toml"])
def test_the_examples_are_valid(name: str, db: Path) -> None:
    out = _validate(ROOT / "examples/surveys" / name, db=db)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("有效：「") and len(out.stdout.splitlines()) == 1
    assert ("匿名" if name == "satisfaction.toml" else "实名") in out.stdout


def test_a_good_file_with_a_bom_crlf_and_a_list_in_a_subfolder(tmp_path: Path, db: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists/names.txt").write_text("2023010101\n2023010102\n", encoding="utf-8")
    f = tmp_path / "s.toml"
    f.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    out = _validate(f, db=db)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == "有效：「食堂满意度」（问卷），1 道题，匿名；对象：名单中的 2 人\n"
    en = _validate(f, "--lang", "en", db=db)
    assert en.stdout == ("Valid: “食堂满意度” (survey), 1 question, anonymous; "
                         "audience: 2 people on the list\n")


def test_every_problem_with_its_file_and_line(tmp_path: Path, db: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists/names.txt").write_text("2023010101\n2.02301E+09\n", encoding="utf-8")
    f = tmp_path / "s.toml"
    f.write_text(GOOD.replace('kind = "rating"', 'kind = "rating"\noptoins = ["a", "b"]')
                 .replace('title = "食堂满意度"', 'title = ""'), encoding="utf-8")
    out = _validate(f, db=db)
    assert out.returncode == 1 and out.stderr == ""
    assert out.stdout.splitlines() == [
        f"{f}:2: 「title」不能为空",
        f"{f}:10: 未知的键「optoins」，是不是「options」？",
        f"{tmp_path / 'lists/names.txt'}:2: 「2.02301E+09」被 Excel 改成了科学计数法：请把该列"
        "设为文本格式，重新输入编号",
        "发现 3 个问题，请修改后重新检查。"]
    en = _validate(f, "--lang", "en", db=db)
    assert en.returncode == 1 and en.stdout.splitlines()[0] == f"{f}:2: “title” must not be empty"


def test_a_list_outside_the_folder_and_a_missing_one(tmp_path: Path, db: Path) -> None:
    (tmp_path / "secret.txt").write_text("2023010101\n", encoding="utf-8")
    (tmp_path / "in").mkdir()
    f = tmp_path / "in/s.toml"
    for name, message in [("../secret.txt", "须在问卷文件所在的文件夹内"),
                          (str(tmp_path / "secret.txt"), "须在问卷文件所在的文件夹内"),
                          ("none.txt", "找不到名单文件「none.txt」")]:
        f.write_text(GOOD.replace("lists/names.txt", name), encoding="utf-8")
        out = _validate(f, db=db)
        assert out.returncode == 1 and out.stdout.startswith(f"{f}:7: "), out.stdout
        assert message in out.stdout


def test_files_that_cannot_be_read(tmp_path: Path, db: Path) -> None:
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(GOOD.encode("gbk"))
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (1024 * 1024) + b"\n")
    for file, message in [(tmp_path / "nope.toml", "找不到该文件"),
                          (tmp_path, "这是一个文件夹，请给出问卷文件"),
                          (gbk, "不是 UTF-8 文本，请另存为 UTF-8"),
                          (big, "文件超过 1 MB，不是问卷文件")]:
        out = _validate(file, db=db)
        assert (out.returncode, out.stdout, out.stderr) == (2, "", f"{file}: {message}\n")
