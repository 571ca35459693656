"""Configuration (bot.config.load_settings): what an operator sees when a value is wrong.

Each bad value must stop the start with a message that names the key, the file and the
environment variable that would fix it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own XQ_* variables must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith("XQ_"):
            monkeypatch.delenv(name)


@pytest.fixture
def repo_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.toml", path)
    return path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    return str(info.value)


def test_repo_config_loads_with_safe_defaults(repo_config: Path) -> None:
    s = load_settings(repo_config)
    assert s.database.url.startswith("sqlite+aiosqlite:///")
    assert s.database.url.removeprefix("sqlite+aiosqlite:///").startswith("var/")
    assert s.app.timezone == "Asia/Shanghai"
    assert s.app.default_locale == "zh_CN"
    assert s.telegram.token.get_secret_value() == ""  # secrets never ship in the file
    assert s.telegram.api_base == "https://api.telegram.org"


def test_config_path_can_come_from_xq_config(repo_config: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path / "..")  # no config.toml in the working directory
    monkeypatch.setenv("XQ_CONFIG", str(repo_config))
    assert load_settings().app.timezone == "Asia/Shanghai"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "111:from-the-file"\n'
                           '[database]\nurl = "sqlite+aiosqlite:///var/file.db"\n')
    monkeypatch.setenv("XQ_TELEGRAM__TOKEN", "123456789:AAsecret-from-env")
    monkeypatch.setenv("XQ_DATABASE__URL", "postgresql+asyncpg://xq@db/xinqiao")
    s = load_settings(path)
    assert s.telegram.token.get_secret_value() == "123456789:AAsecret-from-env"
    assert s.database.url == "postgresql+asyncpg://xq@db/xinqiao"
    # The token is a secret: printing the settings must not show it.
    assert "AAsecret-from-env" not in repr(s) and "AAsecret-from-env" not in str(s.telegram)


def test_environment_override_keeps_the_rest_of_the_section(
        repo_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XQ_TELEGRAM__TOKEN", "123456789:AAtoken")
    s = load_settings(repo_config)
    assert s.telegram.poll_timeout == 25
    assert s.telegram.api_base == "https://api.telegram.org"


@pytest.mark.parametrize(
    ("toml", "key", "env"),
    [
        ('[app]\ntimezone = "Mars/Olympus_Mons"\n', "app.timezone", "XQ_APP__TIMEZONE"),
        ('[app]\ndefault_locale = "fr"\n', "app.default_locale", "XQ_APP__DEFAULT_LOCALE"),
        ('[app]\nuniversity_code = "demo-u"\n', "app.university_code",
         "XQ_APP__UNIVERSITY_CODE"),
        ('[database]\nurl = "mysql://root@localhost/xq"\n', "database.url", "XQ_DATABASE__URL"),
        # A sync driver would block the event loop: refused as well.
        ('[database]\nurl = "sqlite:///var/xinqiao.db"\n', "database.url", "XQ_DATABASE__URL"),
        ('[outbox]\nglobal_per_second = -1\n', "outbox.global_per_second",
         "XQ_OUTBOX__GLOBAL_PER_SECOND"),
        ('[outbox]\nper_chat_per_second = 0\n', "outbox.per_chat_per_second",
         "XQ_OUTBOX__PER_CHAT_PER_SECOND"),
        ('[inbox]\nretry_base_seconds = -0.5\n', "inbox.retry_base_seconds",
         "XQ_INBOX__RETRY_BASE_SECONDS"),
        ('[telegram]\ntoken = "changeme"\n', "telegram.token", "XQ_TELEGRAM__TOKEN"),
        ('[telegram]\ntoken = "123:ABC"\n', "telegram.token", "XQ_TELEGRAM__TOKEN"),
        ('[telegram]\napi_base = "api.telegram.org"\n', "telegram.api_base",
         "XQ_TELEGRAM__API_BASE"),
        ('[telegram]\npoll_timeout = "soon"\n', "telegram.poll_timeout",
         "XQ_TELEGRAM__POLL_TIMEOUT"),
        # Unknown keys: a whole section, and a typo inside a known section.
        ('[telegarm]\ntoken = "1:A"\n', "telegarm", "XQ_TELEGARM"),
        ('[telegram]\ntokne = "123456789:AAx"\n', "telegram.tokne", "XQ_TELEGRAM__TOKNE"),
        ('[app]\ntimezon = "Asia/Shanghai"\n', "app.timezon", "XQ_APP__TIMEZON"),
    ],
)
def test_invalid_value_names_key_file_and_env_var(tmp_path: Path, toml: str, key: str,
                                                  env: str) -> None:
    path = write(tmp_path, toml)
    message = config_error(path)
    assert key in message
    assert env in message
    assert str(path) in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, '[app]\ntimezone = "Nowhere/City"\ndefault_locale = "de"\n'
                           '[outbox]\nglobal_per_second = -3\n')
    message = config_error(path)
    for key in ("app.timezone", "app.default_locale", "outbox.global_per_second"):
        assert key in message


def test_placeholder_token_from_the_environment_is_refused(
        repo_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XQ_TELEGRAM__TOKEN", "changeme")
    message = config_error(repo_config)
    assert "telegram.token" in message and "XQ_TELEGRAM__TOKEN" in message


def test_a_refused_token_is_not_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = "s3cr3t-without-colon"\n')
    message = config_error(path)
    assert "telegram.token" in message
    assert "s3cr3t-without-colon" not in message


def test_invalid_environment_value_is_reported_like_a_file_value(
        repo_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XQ_APP__TIMEZONE", "Asia/Nowhere")
    message = config_error(repo_config)
    assert "app.timezone" in message and "XQ_APP__TIMEZONE" in message


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[app]\ntimezone = "Asia/Shanghai"\n[database\nurl = "x"\n')
    message = config_error(path)
    assert str(path) in message
    assert "line 3" in message


def test_missing_file_names_the_path_and_xq_config(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.toml"
    message = config_error(path)
    assert str(path) in message
    assert "XQ_CONFIG" in message
