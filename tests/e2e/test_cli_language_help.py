"""Issue 16, Chinese first: `python -m bot --help` in ``[app] default_locale`` or ``--lang``
(read before the parser is built, wherever it is on the line); every help text comes from
``[cli_help]``, and no Chinese text of ``[cli]``, ``[cli_help]`` or ``[config_expect]``
leaves an English word outside commands, paths and codes. argparse's own error words stay."""
from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import pytest

from bot import cli, cli_parser
from locales import Catalog
from tests.e2e.test_cli_language import CJK, english

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load()

def help_texts(parser: argparse.ArgumentParser, path: str = "") -> list[tuple[str, str]]:
    """(where, text) of every help text and description below ``parser``."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found += [(path + c.dest, str(c.help)) for c in action._choices_actions]
            for name, child in action.choices.items():
                found += [(path + name, child.description)] if child.description else []
                found += help_texts(child, f"{path}{name} ")
        elif action.help and action.help != argparse.SUPPRESS:
            found.append((path + (action.option_strings or [action.dest])[0], action.help))
    return found


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_help_text_comes_from_the_catalogue(locale: str) -> None:
    ours = {CATALOG.render_plain(locale, k) for k in CATALOG.texts[locale]
            if k.startswith("cli_help.")}
    parser = cli.build_parser(locale)
    shown = help_texts(parser) + [("", str(parser.description))]
    assert len(shown) > 95  # the walk reached the commands' own options, roster's too
    assert [(where, text) for where, text in shown if text not in ours] == []


def test_the_chinese_texts_leave_no_english() -> None:
    found = {}
    for key in CATALOG.texts["zh_CN"]:
        if key.split(".")[0] in ("cli", "cli_help", "config_expect"):
            text = re.sub(r"\{\w+\}", "0", CATALOG.render_plain("zh_CN", key))
            if english(text) or not (CJK.search(text) or key in ("cli.model_other",
                                                                 "cli.channel_telegram",
                                                                 "cli_help.colon")):
                found[key] = text
    assert found == {}


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """``helped(*args, **env)``: what `python -m bot ARGS` prints on stdout; it must exit 0."""
    for key in [k for k in os.environ if k.startswith("XQ_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(ROOT)

    def run(*args: str, **env: str) -> str:
        with monkeypatch.context() as m, pytest.raises(SystemExit) as done:
            for key, value in env.items():
                m.setenv(key, value)
            cli.main(list(args))
        out = capsys.readouterr().out
        assert done.value.code == 0, out
        return out

    return run


def test_help_follows_the_default_locale_and_lang(helped, tmp_path: Path) -> None:  # noqa: ANN001
    zh = helped("--help")
    assert zh.startswith("用法：python -m bot [-h] [--config CONFIG] [--lang {zh_CN,en}]")
    for text in ("升级数据库并运行机器人", "导入花名册", "个人信息", "显示此帮助并退出", "\n选项：\n"):
        assert text in zh, text
    en = helped("--help", XQ_APP__DEFAULT_LOCALE="en")
    assert en.startswith("usage: python -m bot") and "migrate the database and run the bot" in en
    assert "\noptions:\n" in en and "选项:" not in zh and "位置参数：" in helped("history", "--help")
    assert not CJK.search(en.replace("心桥", "").replace("催办/督办", ""))
    assert helped("--lang", "en", "--help") == en
    # a configuration that cannot be read still has its help, in the language it asks for
    (tmp_path / "broken.toml").write_text('[app]\ndefault_locale = "en"\n[web\n')
    assert helped("--config", str(tmp_path / "broken.toml"), "--help") == zh
    assert helped("--help", XQ_APP__DEFAULT_LOCALE="en", XQ_INBOX__WORKERS="0") == en
    sweep = helped("sweep", "--help")
    assert "立即运行一次定时任务。不加 --now 时按当前时间全部运行" in sweep
    assert "假定现在是这个 ISO 时间" in sweep and "输出语言" in sweep
    assert helped("sweep", "--help", "--lang", "en") == helped("--lang", "en", "sweep", "--help")
    assert "act as if it were this ISO time" in helped("sweep", "--lang", "en", "--help")
    results = helped("survey", "results", "--help")
    assert "把工作簿（汇总、每题一个工作表、原始答卷）写入这个文件" in results
    assert "write the workbook" in helped("survey", "results", "--help", "--lang", "en")
    roster = helped("roster", "import", "--help")
    assert "只新增和更新，不停用、不删除任何内容" in roster and "--allow-mass-deactivation" in roster
    assert "only show the diff" in helped("roster", "import", "--help", "--lang", "en")
    assert "不做任何改动：只输出现在清理会涉及多少" in helped("privacy", "sweep", "--help")


def test_a_wrong_lang_is_refused_by_argparse(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for args in (["--lang", "fr", "status"], ["status", "--lang", "fr"], ["status", "--lang"]):
        with pytest.raises(SystemExit) as done:
            cli.main(args)
        assert done.value.code == 2
        assert "--lang" in capsys.readouterr().err


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as done:
        cli.main(list(args))
    assert done.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_argparse_says_its_refusals_in_the_locale(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """argparse's own words (a missing argument, two options that exclude each other, an
    unknown action) in zh_CN by default and in English with --lang en, which may also sit
    between a command and its action."""
    for key in [k for k in os.environ if k.startswith("XQ_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(ROOT)
    assert _refused(capsys, "roster", "import") == (
        "python -m bot roster import：错误：缺少必需的参数：FILE")
    assert _refused(capsys, "roster", "import", "x.xlsx", "--apply", "--dry-run") == (
        "python -m bot roster import：错误：参数 --dry-run：不能与参数 --apply 同时使用")
    assert _refused(capsys, "roster", "bogus").startswith(
        "python -m bot roster：错误：参数 ACTION：无效的选择：'bogus'（可选：'import', ")
    assert _refused(capsys, "status", "extra") == "python -m bot：错误：无法识别的参数：extra"
    assert _refused(capsys, "roster", "--lang", "en", "import") == (
        "python -m bot roster import: error: the following arguments are required: FILE")
    assert _refused(capsys, "roster", "import", "--lang", "en", "a", "b") == (
        "python -m bot: error: unrecognized arguments: b")


def test_every_argparse_message_id_is_still_argparses() -> None:
    """The ids translated are the ones this Python's argparse uses: a renamed one would
    silently fall back to English."""
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    for message in cli_parser.ARGPARSE:
        assert repr(message) in source or repr(message).replace("'", '"') in source, message
    for locale in ("zh_CN", "en"):
        for key in cli_parser.ARGPARSE.values():
            assert "argparse." + key in CATALOG.texts[locale], (locale, key)
