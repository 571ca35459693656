"""Reading a survey file and its list files from disk for ``core.surveys.definition``.

A survey file is UTF-8 (a BOM is fine) and at most 1 MB. An audience's list file is read
beside it: a relative name inside the survey file's folder (subfolders are fine; an
absolute path, ``..`` or a link leading out of the folder is refused), UTF-8, at most
10 MB. A file that cannot be read raises ``SurveyFileError`` with a locale key of
``[survey_file]``; a list file that cannot be read becomes a problem of the survey.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
