"""Reading a survey file and its list files from disk for ``core.surveys.definition``.

A survey file is UTF-8 (a BOM is fine) and at most 1 MB. An audience's list file is read
beside it: a relative name inside the survey file's folder (subfolders are fine; an
absolute path, ``..`` or a link leading out of the folder is refused), UTF-8, at most
10 MB. A file that cannot be read raises ``SurveyFileError`` with a locale key of
``[survey_file]``; a list file that cannot be read becomes a problem of the survey.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from core.errors import InputError

from core.surveys.definition import MAX_REMINDERS, ListFileError, Problem, parse_survey
from core.surveys.model import Survey

MAX_BYTES = 1024 * 1024
MAX_LIST_BYTES = 10 * 1024 * 1024


class SurveyFileError(Exception):
    """The survey file itself cannot be read; ``key`` says why (a locale key)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_survey_text(path: Path) -> str:
    """The file's text, or ``SurveyFileError``: missing, a folder, over 1 MB, not UTF-8."""
    try:
        if path.is_dir():
            raise SurveyFileError("survey_file.file_folder")
        if not path.exists():
            raise SurveyFileError("survey_file.file_missing")
        if path.stat().st_size > MAX_BYTES:
            raise SurveyFileError("survey_file.file_too_big")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SurveyFileError("survey_file.file_not_utf8") from None
    except OSError:
        raise SurveyFileError("survey_file.file_unreadable") from None


def list_reader(folder: Path) -> Callable[[str], str]:
    """``list_files`` for ``parse_survey``: list files by name, inside ``folder`` only."""
    root = folder.resolve()

    def read(name: str) -> str:
        full = (root / name).resolve()
        if Path(name).is_absolute() or not full.is_relative_to(root):
            raise ListFileError("survey_file.list_outside")
        try:
            if not full.exists():
                raise ListFileError("survey_file.list_missing")
            if not full.is_file():
                raise ListFileError("survey_file.list_unreadable")
            if full.stat().st_size > MAX_LIST_BYTES:
                raise ListFileError("survey_file.list_too_big")
            return full.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ListFileError("survey_file.list_not_utf8") from None
        except OSError:
            raise ListFileError("survey_file.list_unreadable") from None

    return read


def load_survey(path: Path, *, max_reminders: int = MAX_REMINDERS
                ) -> tuple[Survey | None, list[Problem]]:
    """The survey in ``path`` (its list files read beside it), or its problems; raises
    ``SurveyFileError`` when the file itself cannot be read."""
    return parse_survey(read_survey_text(path), list_files=list_reader(path.parent),
                        max_reminders=max_reminders)


def problem_file(survey_path: Path, problem: Problem) -> Path:
    """The file a problem's line belongs to: the survey, or one of its list files."""
    return survey_path if problem.file is None else survey_path.parent / problem.file


#: a survey file's name as an admin types it in chat: one file of the folder, no path
_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,120}\.toml$")
#: at most this many names are listed in chat
MAX_LISTED = 50


class FolderSurveyFiles:
    """``core.surveys.ports.SurveyFiles`` over one folder (``[surveys] folder``): its
    ``*.toml`` files by name; a name with a path, another suffix or a link out of the
    folder is refused like a missing file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def names(self) -> list[str]:
        try:
            found = sorted(p.name for p in self.folder.glob("*.toml") if p.is_file())
        except OSError:
            return []
        return found[:MAX_LISTED]

    def read(self, name: str) -> tuple[str, Callable[[str], str]]:
        root = self.folder.resolve()
        path = (root / name).resolve() if _NAME.match(name) else None
        if path is None or path.parent != root:
            raise InputError("survey_file.not_in_folder", name=name)
        try:
            text = read_survey_text(path)
        except SurveyFileError as exc:
            raise InputError(exc.key) from None
        return text, list_reader(root)
