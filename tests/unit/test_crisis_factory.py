"""The library-backed side of crisis detection: OpenCC/pypinyin folding
(bot/crisis/folding.py), the assessor factory (bot/crisis/factory.py) and [crisis] config."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.crisis import factory
from bot.crisis.folding import OpenccFolding
from bot.crisis.model import CrisisModelMissing

ROOT = Path(__file__).resolve().parents[2]
FOLDING = OpenccFolding()


@pytest.mark.parametrize("text", ["", "我想自殺，不想活了", "乾隆後來髮型", "a 體 b\u200b", "㐀〇🙂"])
def test_simplified_keeps_the_length(text: str) -> None:
    out = FOLDING.simplified(text)
    assert len(out) == len(text)


def test_simplified_converts_traditional() -> None:
    assert FOLDING.simplified("輕生、跳樓、結束生命") == "轻生、跳楼、结束生命"


def test_pinyin_is_one_toneless_syllable_per_character() -> None:
    text = "我想紫砂abc 自殺〇！"
    syllables = FOLDING.pinyin(text)
    assert len(syllables) == len(text)
    assert syllables[:4] == ["wo", "xiang", "zi", "sha"]
    assert syllables[4:8] == ["", "", "", ""]
    assert syllables[8:10] == ["zi", "sha"]
    assert syllables[-1] == ""


class FakeModel:
    review_threshold = 0.5

    def score(self, text: str) -> float:
        return 0.9 if "说不清" in text else 0.0


@pytest.fixture
def repo_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.toml", path)
    return path


def test_the_factory_loads_the_configured_model(repo_config: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from bot.crisis import model

    loaded: list[Path] = []

    def load(path: Path) -> FakeModel:
        loaded.append(Path(path))
        return FakeModel()

    monkeypatch.setattr(model.NgramClassifier, "load", staticmethod(load))
    settings = load_settings(repo_config, crisis={"terms_zh": ["蓝鲸游戏"]})
    assessor = factory.build_assessor(settings.crisis)
    assert loaded == [ROOT / "bot/crisis/model.json"]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert assessor.assess("说不清楚是什么感觉", now=now).verdict.value == "review"
    assert assessor.assess("我在玩蓝鲸游戏", now=now).verdict.value == "crisis"
    assert assessor.assess("我想自殺", now=now).verdict.value == "crisis"


def test_the_factory_refuses_to_start_without_the_model(repo_config: Path,
                                                        tmp_path: Path) -> None:
    settings = load_settings(repo_config, crisis={"model": str(tmp_path / "none.json")})
    with pytest.raises(CrisisModelMissing) as info:
        factory.build_assessor(settings.crisis)
    assert "none.json" in str(info.value)


def test_the_model_path_is_relative_to_the_repository() -> None:
    assert factory.model_path("bot/crisis/model.json") == ROOT / "bot/crisis/model.json"
    assert factory.model_path("/srv/model.json") == Path("/srv/model.json")


def test_repo_config_has_the_crisis_keys(repo_config: Path) -> None:
    crisis = load_settings(repo_config).crisis
    assert (crisis.review_hours, crisis.context_minutes, crisis.risk_hours) == (12, 30, 24)
    assert crisis.model == "bot/crisis/model.json"
    assert crisis.terms_zh == [] and crisis.terms_en == []  # added terms only


@pytest.mark.parametrize(("override", "key", "expected"), [
    ({"terms_zh": ["---"]}, "crisis.terms_zh", "letters or digits"),
    ({"terms_en": "suicide"}, "crisis.terms_en", "list"),
    ({"exceptions": ["  "]}, "crisis.exceptions", "letters or digits"),
    ({"context_minutes": 0}, "crisis.context_minutes", "greater than or equal to 1"),
    ({"risk_hours": "a day"}, "crisis.risk_hours", "integer"),
    ({"review_hours": 0}, "crisis.review_hours", "greater than or equal to 1"),
    ({"model": " "}, "crisis.model", "path of the classifier file"),
])
def test_a_wrong_crisis_value_names_the_key(repo_config: Path, override: dict[str, object],
                                            key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(repo_config, crisis=override)
    assert key in str(info.value) and expected in str(info.value)
