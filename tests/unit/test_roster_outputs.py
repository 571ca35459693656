"""The roster commands' workbooks when the library refuses a value (issue 16, review): a
name with a control character in the diff report is one sentence, and no file or
temporary file is left; any other library failure while writing is one sentence too."""
from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bot.output_files import OutputProblem
from bot.roster_codes import guarded
from bot.roster_diff_text import DiffText
from bot.roster_report import save_report
from locales import Catalog
from storage.people.roster.diff import ImportReport, PersonRef


def test_a_report_with_a_name_excel_cannot_store_is_one_sentence(tmp_path: Path) -> None:
    report = ImportReport()
    report.people.deactivated = 1
    report.changes.deactivated_people = [PersonRef("2023010103", "赵\x07子涵", "ACC-S1")]
    said: list[tuple[str, dict[str, object], bool]] = []
    save_report(tmp_path / "diff.xlsx", report, DiffText(Catalog.load("zh_CN"), "zh_CN"),
                lambda key, params=None, *, err=False: said.append((key, dict(params or {}),
                                                                    err)))
    [(key, params, err)] = said
    assert (key, err) == ("roster_cli.report_failed", True)
    text = Catalog.load("zh_CN").render_plain("zh_CN", key, params)
    assert "无法写入报告" in text and "2023010103 这一行有 Excel 不能保存的控制字符" in text
    assert "\n" not in text
    assert list(tmp_path.iterdir()) == []


def test_guarded_turns_a_library_failure_into_an_output_problem(tmp_path: Path) -> None:
    def broken(_path: Path) -> None:
        raise ValueError("something inside the library")

    with pytest.raises(OutputProblem) as problem:
        guarded(broken)(tmp_path / "x.xlsx")
    assert problem.value.reason == "roster_cli.out_library"
    with pytest.raises(OSError):  # the output's own problems stay OutputFile's to tell
        guarded(lambda p: (_ for _ in ()).throw(OSError(28, "full")))(tmp_path / "x.xlsx")


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_library_failure_half_way_leaves_no_complaint_behind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    def half(path: Path) -> None:
        book = Workbook(write_only=True)
        book.create_sheet("first").append(["fine"])
        sheet = book.create_sheet("second")  # the first sheet's writer is left open
        sheet.append(["fine"])
        sheet.append(["bad\x07"])  # openpyxl refuses it after the file was begun
        book.save(path)

    with pytest.raises(OutputProblem) as raised:
        guarded(half)(tmp_path / "x.xlsx")
    del raised  # what the officer's command keeps of the failure: nothing
    gc.collect()
    assert capsys.readouterr().err == ""
