"""The chart font shipped with the project (bot/surveys/fonts/, docs/decisions/0022):
where it is, its licence, and which characters have a glyph in it (its cmap, read with
fontTools), with a control that a character outside it is found missing.

The font's files are read here; matplotlib is not imported (test_charts_render.py draws)."""
from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

import bot
from bot.surveys import charts

# Words as they appear on survey charts: people's units, roles, ratings and grades,
# with the full-width punctuation of option texts.
LABELS = ["学院", "党员", "学生", "非常满意", "满意", "基本满意", "不满意", "非常不满意",
          "信息工程学院", "后勤保障处", "马克思主义学院", "研究生第一党支部", "优秀", "合格",
          "基本合格", "不合格", "暂无答卷", "平均分", "其他", "（）、：，。！？“”‘’《》…—·",
          "０１２３４５６７８９％", "0123456789 %.()-+/ ABCxyz"]
# Beyond GB 2312, from the General Standard Chinese Characters (通用规范汉字表), often
# in given names: the reason the subset is GB 2312 plus that table.
NAME_CHARACTERS = "喆堃垚珺玥赟祎璟旻翀犇镕"
EXT_B = "\U00020000"      # 𠀀, CJK Extension B: not in the subset
PRIVATE_USE = "\ue000"


@pytest.fixture(scope="module")
def cmap() -> dict[int, str]:
    with TTFont(charts.FONT_PATH, lazy=True) as font:
        return dict(font.getBestCmap())


def test_the_font_is_a_file_of_the_project_not_of_the_machine() -> None:
    path = charts.FONT_PATH
    assert path.is_file()
    assert path.is_relative_to(Path(bot.__file__).resolve().parent)
    assert not path.is_relative_to("/usr/share/fonts")
    assert path.suffix == ".otf"
    # A few MB in the repository (the whole Noto Sans CJK SC is about 16 MB).
    assert 1_000_000 < path.stat().st_size < 4_000_000


def test_the_ofl_licence_is_beside_the_font() -> None:
    licence = (charts.FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Copyright" in licence and "Adobe" in licence


def test_the_font_is_noto_sans_cjk_sc_regular() -> None:
    with TTFont(charts.FONT_PATH, lazy=True) as font:
        names = font["name"]
        assert names.getDebugName(1) == "Noto Sans CJK SC"
        assert names.getDebugName(2) == "Regular"
        assert "Open Font License" in (names.getDebugName(13) or "")


@pytest.mark.parametrize("label", LABELS)
def test_every_character_of_the_labels_has_a_glyph(cmap: dict[int, str], label: str) -> None:
    missing = [ch for ch in label if ord(ch) not in cmap or cmap[ord(ch)] == ".notdef"]
    assert missing == [], f"no glyph for {missing!r} in {label!r}"


def test_every_gb2312_character_has_a_glyph(cmap: dict[int, str]) -> None:
    gb2312 = []
    for cp in range(0xA0, 0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        gb2312.append(cp)
    hanzi = [cp for cp in gb2312 if 0x4E00 <= cp <= 0x9FFF]
    assert len(hanzi) == 6763 and len(gb2312) > 7400   # the check enumerates GB 2312 itself
    assert [chr(cp) for cp in gb2312 if cp not in cmap] == []


def test_name_characters_beyond_gb2312_have_a_glyph(cmap: dict[int, str]) -> None:
    for ch in NAME_CHARACTERS:
        with pytest.raises(UnicodeEncodeError):
            ch.encode("gb2312")
        assert ord(ch) in cmap, ch


def test_a_character_outside_the_font_is_found_missing(cmap: dict[int, str]) -> None:
    """The control: the same lookup reports a character the subset left out."""
    for ch in (EXT_B, PRIVATE_USE):
        assert ord(ch) not in cmap
    assert charts.missing_characters([EXT_B]) == EXT_B


def test_missing_characters_lists_each_missing_one_once_in_order() -> None:
    assert charts.missing_characters(LABELS + [NAME_CHARACTERS, "行\n\t"]) == ""
    assert charts.missing_characters(["满意" + EXT_B, PRIVATE_USE + EXT_B, "优秀"]) \
        == EXT_B + PRIVATE_USE
