"""bot/surveys/charts.py draws with the shipped font (docs/decisions/0022): each Chinese
character renders as its own glyph, never as the missing-glyph box; matplotlib warns of
no missing glyph and looks up no font but the shipped file; the charts are PNG images
for normal data, no data and long labels; a fresh process with an unwritable home and
no fonts of the machine draws them too. Controls show each check can fail."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from PIL import Image

from bot.surveys import charts
from tests.unit.test_charts_font import EXT_B, LABELS, NAME_CHARACTERS

ROOT = Path(__file__).resolve().parents[2]
MISSING = "missing from font"
EMPTY = "暂无答卷"
GRADES = ["优秀", "合格", "基本合格", "不合格"]


def glyph(ch: str) -> np.ndarray:
    """``ch`` drawn alone in the shipped font, as a grey bitmap."""
    fig = Figure(figsize=(0.6, 0.6), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, ch, ha="center", va="center",
             fontproperties=FontProperties(fname=charts.FONT_PATH, size=24))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


@pytest.fixture
def no_missing_glyph() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    missing = [str(w.message) for w in caught if MISSING in str(w.message)]
    assert missing == []


@pytest.fixture
def fonts_used(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every font file matplotlib's font manager hands out while the test draws."""
    used: list[str] = []
    real = fontManager.findfont

    def spy(*args: object, **kwargs: object) -> str:
        path = real(*args, **kwargs)
        used.append(str(path))
        return path

    monkeypatch.setattr(fontManager, "findfont", spy)
    return used


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


def test_every_character_draws_its_own_glyph_not_the_box(no_missing_glyph: list) -> None:
    with pytest.warns(UserWarning, match=MISSING):
        box = glyph(EXT_B)             # not in the font: the .notdef box
    assert (box < 128).any()           # the box has ink, so "differs from it" means a glyph
    characters = sorted({ch for text in LABELS + [NAME_CHARACTERS]
                         for ch in text if not ch.isascii()})
    assert len(characters) > 80     # Chinese characters and full-width punctuation
    drawn = {}
    for ch in characters:
        bitmap = glyph(ch)
        assert (bitmap < 128).any(), f"{ch} draws nothing"
        assert not np.array_equal(bitmap, box), f"{ch} draws the missing-glyph box"
        drawn[bitmap.tobytes()] = ch
    assert len(drawn) == len(characters)   # different characters, different bitmaps


def test_satisfied_and_not_satisfied_render_differently(no_missing_glyph: list) -> None:
    def label(text: str) -> np.ndarray:
        fig = Figure(figsize=(1.5, 0.6), dpi=100)
        canvas = FigureCanvasAgg(fig)
        fig.text(0.05, 0.5, text, va="center",
                 fontproperties=FontProperties(fname=charts.FONT_PATH, size=20))
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., 0].copy()

    satisfied, unsatisfied = label("满意"), label("不满意")
    assert not np.array_equal(satisfied, unsatisfied)
    assert not np.array_equal(satisfied, label("满满"))


def test_the_box_control_two_missing_characters_draw_the_same_box_with_a_warning() -> None:
    with pytest.warns(UserWarning, match=MISSING):
        first = glyph(EXT_B)
    with pytest.warns(UserWarning, match=MISSING):
        second = glyph("\U0002A6D6")
    assert np.array_equal(first, second)
    assert not np.array_equal(first, glyph("满"))


def test_the_warning_control_a_chart_with_a_missing_character_warns() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.bar_chart("标题", ["满意" + EXT_B], [1], empty=EMPTY)
    assert any(MISSING in str(w.message) for w in caught)


def test_bar_chart_is_a_png_with_counts(no_missing_glyph: list, fonts_used: list) -> None:
    png = charts.bar_chart("您对本学期党支部的工作是否满意？（单选）",
                           ["非常满意", "满意", "基本满意", "不满意"], [42, 31, 9, 3],
                           empty=EMPTY)
    width, height = png_size(png)
    assert width == charts.WIDTH * charts.DPI and 200 < height < 1000
    assert fonts_used and set(fonts_used) == {str(charts.FONT_PATH)}


def test_the_font_spy_control_a_default_text_uses_another_font(fonts_used: list) -> None:
    fig = Figure()
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, "x")
    canvas.draw()
    assert fonts_used and str(charts.FONT_PATH) not in fonts_used


def test_percentages_are_over_the_total_given() -> None:
    # Everything else equal, another total writes other percentages: another image.
    labels, counts = ["甲", "乙"], [3, 1]
    by_sum = charts.bar_chart("题", labels, counts, empty=EMPTY)
    assert by_sum == charts.bar_chart("题", labels, counts, empty=EMPTY, total=4)
    assert by_sum != charts.bar_chart("题", labels, counts, empty=EMPTY, total=3)
    assert by_sum != charts.bar_chart("题", labels, counts, empty=EMPTY, percent=False)


@pytest.mark.parametrize("labels, counts", [([], []), (["满意", "不满意"], [0, 0])])
def test_no_answers_give_a_chart_saying_so(labels: list, counts: list,
                                           no_missing_glyph: list, fonts_used: list) -> None:
    png = charts.bar_chart("学生 满意度", labels, counts, empty=EMPTY)
    width, height = png_size(png)
    assert width == charts.WIDTH * charts.DPI and 100 < height < 600
    assert png != charts.bar_chart("学生 满意度", labels, counts, empty="")
    assert set(fonts_used) == {str(charts.FONT_PATH)}


def test_long_labels_wrap_and_keep_the_chart_small(no_missing_glyph: list) -> None:
    long = "非常不满意（请在下一题说明原因，例如：活动时间安排、通知方式、场地条件等）" * 3
    short = charts.bar_chart("题" * 10, ["甲", "乙"], [1, 2], empty=EMPTY)
    wrapped = charts.bar_chart("题" * 200, [long, "A" * 300], [1, 2], empty=EMPTY)
    _, short_height = png_size(short)
    _, height = png_size(wrapped)
    assert short_height < height < short_height + 200   # 3 title lines, 2 label lines


def test_wrap_counts_a_chinese_character_as_two_units() -> None:
    assert charts._wrap("信息工程学院", 24, 2) == "信息工程学院"
    assert charts._wrap("信息工程学院后勤保障处", 10, 2) == "信息工程学\n院后勤保…"
    assert charts._wrap("Party branch of the School", 12, 3) == "Party branch\nof the\nSchool"
    for text in ["学" * 100, "a" * 100, "学a" * 60]:
        lines = charts._wrap(text, 24, 2).split("\n")
        assert len(lines) == 2 and lines[-1].endswith("…")
        assert all(sum(map(charts._width, line)) <= 24 for line in lines)


def test_dollar_signs_are_text_not_maths(no_missing_glyph: list) -> None:
    png = charts.bar_chart("$x_1$ 费用", ["$5 以下", "$5-$10"], [1, 2], empty=EMPTY)
    png_size(png)


def test_grouped_means_per_college(no_missing_glyph: list, fonts_used: list) -> None:
    png = charts.grouped_chart("各学院平均分", ["信息工程学院", "后勤保障处", "马克思主义学院"],
                               {"平均分": [4.35, 3.9, None]}, empty=EMPTY, limit=5)
    width, height = png_size(png)
    assert width == charts.WIDTH * charts.DPI and 200 < height < 1000
    assert set(fonts_used) == {str(charts.FONT_PATH)}


def test_stacked_grades_per_person(no_missing_glyph: list, fonts_used: list) -> None:
    series = {grade: [12 - i * 3, i, 0] for i, grade in enumerate(GRADES)}
    png = charts.grouped_chart("民主测评", ["张喆", "李堃", "王垚"], series, empty=EMPTY,
                               stacked=True)
    png_size(png)
    assert png != charts.grouped_chart("民主测评", ["张喆", "李堃", "王垚"], series,
                                       empty=EMPTY)
    assert set(fonts_used) == {str(charts.FONT_PATH)}


@pytest.mark.parametrize("groups, series", [
    ([], {"平均分": []}), (["学院"], {}), (["学院", "学生"], {"平均分": [None, 0]})])
def test_grouped_without_values_says_so(groups: list, series: dict,
                                        no_missing_glyph: list) -> None:
    assert charts.grouped_chart("题", groups, series, empty=EMPTY) \
        == charts.bar_chart("题", [], [], empty=EMPTY)


@pytest.mark.parametrize("call", [
    lambda: charts.bar_chart("题", ["甲", "乙"], [1], empty=EMPTY),
    lambda: charts.grouped_chart("题", ["甲", "乙"], {"平均分": [1.0]}, empty=EMPTY)])
def test_mismatched_lengths_are_refused(call: Callable[[], bytes]) -> None:
    with pytest.raises(ValueError):
        call()


SCRIPT = """
import json, logging, os, sys, warnings
warnings.simplefilter("error")          # a missing glyph or a cache warning fails here
records = []
logging.basicConfig(level=logging.WARNING)
logging.getLogger().addHandler(type("H", (logging.Handler,), {
    "emit": lambda self, r: records.append(r.getMessage())})())
from bot.surveys import charts
charts.bar_chart("学生 满意度", ["非常满意", "不满意（请说明）"], [3, 1], empty="暂无答卷")
import matplotlib.font_manager as fm
fm.fontManager.ttflist = []             # the machine's fonts gone: no family can be found
fm.FontManager._findfont_cached.cache_clear()
used = set()
real = fm.fontManager.findfont
def spy(*args, **kwargs):
    used.add(real(*args, **kwargs))
    return real(*args, **kwargs)
fm.fontManager.findfont = spy
png = charts.grouped_chart("民主测评", ["张喆"], {"优秀": [2], "合格": [1]}, empty="暂无答卷",
                           stacked=True)
try:                                    # the control: a lookup by family now fails
    fm.fontManager.findfont(fm.FontProperties(family=["DejaVu Sans"]))
    control = "found"
except ValueError:
    control = "failed"
print(json.dumps({"png": png[:4].hex(), "size": len(png), "control": control,
                  "used": sorted(used), "mplconfigdir": os.environ.get("MPLCONFIGDIR"),
                  "log": records}))
"""


def test_a_fresh_process_with_no_home_and_no_machine_fonts_draws(tmp_path: Path) -> None:
    empty_config = tmp_path / "fonts.conf"
    empty_config.write_text("<?xml version='1.0'?><fontconfig></fontconfig>")
    env = {k: v for k, v in os.environ.items()
           if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME="/dev/null", TMPDIR=str(tmp_path), FONTCONFIG_FILE=str(empty_config),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["png"] == b"\x89PNG".hex() and result["size"] > 1000
    assert result["control"] == "failed"
    assert result["used"] == [str(charts.FONT_PATH)]
    assert result["mplconfigdir"] == str(tmp_path / f"xinqiao-matplotlib-{os.getuid()}")
    assert not [line for line in result["log"] if "temporary" in line or MISSING in line]


def test_matplotlib_settings_go_to_a_private_temporary_folder_without_a_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    configure = charts._config_dir.__wrapped__

    monkeypatch.setenv("HOME", str(tmp_path / "home"))   # a writable home: left alone
    configure()
    assert "MPLCONFIGDIR" not in os.environ

    monkeypatch.setenv("HOME", "/dev/null")               # no home: the private folder
    configure()
    own = tmp_path / f"xinqiao-matplotlib-{os.getuid()}"
    assert os.environ["MPLCONFIGDIR"] == str(own) and own.stat().st_mode & 0o777 == 0o700

    monkeypatch.delenv("MPLCONFIGDIR")                    # another's folder: not used
    own.chmod(0o777)
    configure()
    other = Path(os.environ["MPLCONFIGDIR"])
    assert other != own and other.parent == tmp_path and other.is_dir()
