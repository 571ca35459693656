"""Files the operator's commands write (binding codes, a roster diff report).

The target is checked before any database work: its folder must exist and a temporary
file must be creatable beside it. The content goes to that temporary file, which is then
renamed over the target, so nobody sees half a file and a failure leaves none.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class OutputProblem(Exception):
    """The file cannot be written; ``reason`` is a locale key with ``params``."""

    def __init__(self, path: Path, reason: str, **params: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.params = path, reason, params


class OutputFile:
    """A target file reserved by a temporary file in its folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.published = False
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputProblem(path, "roster_cli.out_no_folder", folder=str(folder))
        if path.is_dir():
            raise OutputProblem(path, "roster_cli.out_is_folder")
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        except PermissionError:
            raise OutputProblem(path, "roster_cli.out_denied", folder=str(folder)) from None
        except OSError as exc:
            raise OutputProblem(path, "roster_cli.out_error",
                                error=exc.strerror or str(exc)) from None
        os.close(fd)
        self.tmp = Path(tmp)

    def publish(self, write: Callable[[Path], None]) -> None:
        """Write the content to the temporary file, then rename it over the target. A
        failure (a full disk, say) removes the temporary file and raises OutputProblem."""
        try:
            write(self.tmp)
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.tmp.unlink(missing_ok=True)
            raise OutputProblem(self.path, "roster_cli.out_error",
                                error=exc.strerror or str(exc)) from exc
        self.published = True

    def abandon(self) -> None:
        """Remove the temporary file, and the target if it was published (the change it
        records was not committed after all)."""
        self.tmp.unlink(missing_ok=True)
        if self.published:
            self.path.unlink(missing_ok=True)
            self.published = False


def reserve(path: str | Path) -> OutputFile:
    return OutputFile(Path(path))
