"""Files that are no readable roster (issue 16): a corrupted workbook, a broken sheet, a
password-protected workbook, an old .xls, and a missing PostgreSQL database each give one
sentence saying what to do, in Chinese by default, never a library's words. And every
locale key the reader names exists in both catalogues."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from asyncpg import exceptions as pg

from locales import Catalog
from storage.db import unavailable
from storage.people.roster import RosterFileError, read_roster
from tests.unit.test_roster_reading import base, write

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: what a message must not show an officer
LIBRARY_WORDS = re.compile(r"openpyxl|xlrd|zip|Traceback|Error|lxml|xml", re.IGNORECASE)


def refused(path: Path) -> RosterFileError:
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    return caught.value


def sentences(error: RosterFileError) -> tuple[str, str]:
    zh, en = (CATALOG.render_plain(loc, error.key, error.params) for loc in ("zh_CN", "en"))
    for text in (zh, en):
        assert "\n" not in text and not LIBRARY_WORDS.search(text.replace(str(error.params.get(
            "path", "")), "")), text
    return zh, en


def cfb(*names: str) -> bytes:
    """An OLE2 compound file as far as a reader looks: the magic, then directory names
    (UTF-16), as Excel writes an encrypted workbook or an .xls."""
    return CFB + b"\x00" * 504 + b"".join(n.encode("utf-16-le") + b"\x00\x00" for n in names)


def test_a_password_protected_workbook_says_to_remove_the_password(tmp_path):
    for name, data in (("encrypted.xlsx", cfb("EncryptionInfo", "EncryptedPackage")),
                       ("bare.xlsx", CFB + b"\x00" * 100)):
        path = tmp_path / name
        path.write_bytes(data)
        error = refused(path)
        assert error.key == "roster_file.encrypted"
        zh, en = sentences(error)
        assert "设有打开密码" in zh and "取消密码" in zh
        assert "password-protected" in en and "not a zip file" not in en


def test_an_old_xls_workbook_says_to_save_it_as_xlsx(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(cfb("Workbook", "SummaryInformation"))
    zh, _ = sentences(error := refused(path))
    assert error.key == "roster_file.old_xls" and "另存为 .xlsx" in zh


@pytest.mark.parametrize("content", [
    "number,name\n2023,王\n".encode(),    # a CSV renamed to .xlsx
    b"PK\x03\x04" + b"\x00" * 40,          # a zip header and nothing else
    b"",                                   # an empty file
], ids=["text", "zip-header", "empty"])
def test_a_corrupted_workbook_is_one_sentence(tmp_path, content):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    error = refused(path)
    assert (error.key, error.params) == ("roster_file.damaged", {"path": str(path)})
    zh, en = sentences(error)
    assert zh.startswith(f"{path} 已损坏") and "Excel" in en


def test_a_truncated_workbook_is_one_sentence(tmp_path):
    good = write(tmp_path / "good.xlsx", base())
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refused(path).key == "roster_file.damaged"


def test_broken_sheet_xml_names_the_sheet(tmp_path):
    good = write(tmp_path / "good.xlsx", base())
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":  # people
                data = data[: len(data) // 2] + b"<row r=\"99\"><c r=\"A99\"><v>1</c></row>"
            out.writestr(item, data)
    error = refused(path)
    assert (error.key, error.params["sheet"]) == ("roster_file.sheet_damaged", "people")
    zh, en = sentences(error)
    assert "工作表「people」已损坏" in zh and "the sheet 'people'" in en


def test_two_sheets_for_one_kind_and_a_repeated_column_are_named(tmp_path):
    sheets = base()
    sheets["人员"] = sheets["people"]
    assert refused(write(tmp_path / "two.xlsx", sheets)).params["names"] == "people, 人员"
    sheets = base()
    sheets["people"][0][1] = "学号"  # a second "number" column, in Chinese
    error = refused(write(tmp_path / "dup.xlsx", sheets))
    assert (error.key, error.params["value"]) == ("roster_file.duplicate_column", "number")


def test_a_csv_folder_may_use_chinese_file_names(tmp_path):
    for name, rows in base().items():
        chinese = {"units": "单位", "people": "人员", "roles": "角色", "zones": "责任区"}[name]
        with open(tmp_path / f"{chinese}.csv", "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(",".join(str(c) for c in row) for row in rows) + "\n")
    sheets = read_roster(tmp_path)
    assert sorted(sheets) == ["people", "roles", "units", "zones"]
    assert sheets["people"][0].sheet == "人员.csv"


def test_every_locale_key_the_reader_names_exists_in_both_catalogues():
    keys = set()
    for path in (ROOT / "storage" / "people" / "roster").glob("*.py"):
        keys |= set(re.findall(r"\"(roster_(?:file|problem)\.[a-z_]+)\"", path.read_text()))
    assert {"roster_file.encrypted", "roster_problem.merged"} <= keys  # the scan works
    for locale in ("zh_CN", "en"):
        assert sorted(k for k in keys if k not in CATALOG.texts[locale]) == [], locale


# --- the database ------------------------------------------------------------------------

def test_a_missing_postgresql_database_is_named_with_what_to_do():
    url = "postgresql+asyncpg://postgres@db.example:5433/xinqiao"
    wrapped = RuntimeError("connect failed")
    wrapped.__cause__ = pg.InvalidCatalogNameError('database "xinqiao" does not exist')
    problem = unavailable(wrapped, url)
    assert problem is not None
    assert (problem.key, problem.params) == ("database_error.missing", {"database": "xinqiao"})
    zh = CATALOG.render_plain("zh_CN", problem.key, problem.params)
    assert zh.startswith("PostgreSQL 数据库「xinqiao」不存在") and "createdb xinqiao" in zh
    refused_ = unavailable(ConnectionRefusedError(111, "Connection refused"), url)
    assert refused_ is not None and refused_.key == "database_error.refused"
    assert refused_.params["host"] == "db.example:5433"
    login = unavailable(pg.InvalidPasswordError("password authentication failed"), url)
    assert login is not None and login.params == {"host": "db.example:5433",
                                                   "user": "postgres"}


def test_other_failures_are_not_taken_for_a_missing_database():
    assert unavailable(ValueError("bad SQL"), "postgresql+asyncpg://u@h/db") is None
    assert unavailable(ConnectionRefusedError(), "sqlite+aiosqlite:///x.db") is None
