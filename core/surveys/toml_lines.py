"""Where each key and value of a TOML document is: its line, for the survey file's problems.

``tomllib`` gives values without positions, so this reads the same (already valid) text
again and records the line of every table header, key, array element and inline-table
key, by path: ``("questions", 2, "options", 1)`` is the second option of the third
question. It follows TOML's structure only as far as a valid document needs (strings,
comments, arrays, inline tables, dotted keys, ``[table]`` and ``[[array of tables]]``).
"""
from __future__ import annotations

Path = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[Path, int] = {}
        self.tables: dict[Path, int] = {}  # array-of-tables path -> its current index

    # --- characters --------------------------------------------------------------------
    def peek(self, n: int = 1) -> str:
        return self.s[self.i:self.i + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.s.count("\n", self.i, self.i + n)
        self.i += n

    def skip_blank(self, *, newlines: bool) -> None:
        """Spaces and comments, and line ends too when ``newlines``."""
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                end = self.s.find("\n", self.i)
                self.advance((len(self.s) if end < 0 else end) - self.i)
            else:
                return

    def note(self, path: Path) -> None:
        for n in range(1, len(path) + 1):
            self.lines.setdefault(path[:n], self.line)

    # --- pieces ------------------------------------------------------------------------
    def key(self) -> list[str]:
        """A (dotted) key; leaves the scanner after it."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            if self.peek() in ('"', "'"):
                start = self.i
                self.string()
                parts.append(self.s[start + 1:self.i - 1])
            else:
                start = self.i
                while self.i < len(self.s) and self.s[self.i] in _BARE:
                    self.advance()
                parts.append(self.s[start:self.i])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def string(self) -> None:
        quote = self.peek()
        triple = self.peek(3) == quote * 3
        self.advance(3 if triple else 1)
        while self.i < len(self.s):
            if quote == '"' and self.s[self.i] == "\\":
                self.advance(2)
            elif triple and self.peek(3) == quote * 3:
                n = 3
                while n < 5 and self.s[self.i + n:self.i + n + 1] == quote:
                    n += 1  # a closing run of up to five quotes: content ends with two
                self.advance(n)
                return
            elif not triple and self.s[self.i] == quote:
                self.advance()
                return
            else:
                self.advance()

    def value(self, path: Path) -> None:
        c = self.peek()
        if c in ('"', "'"):
            self.string()
        elif c == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                self.note(path + (index,))
                self.value(path + (index,))
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
                index += 1
        elif c == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                self.pair(path)
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
        else:  # a number, boolean or date-time (which may hold one space)
            while self.i < len(self.s) and self.s[self.i] not in ",]}\n#":
                self.advance()

    def pair(self, table: Path) -> None:
        path = table + tuple(self.key())
        self.note(path)
        self.skip_blank(newlines=False)
        self.advance()  # "="
        self.skip_blank(newlines=False)
        self.value(path)

    def resolve(self, keys: list[str]) -> Path:
        """A header's keys as a path: an array of tables stands for its last element."""
        out: Path = ()
        for k in keys:
            out += (k,)
            if out in self.tables:
                out += (self.tables[out],)
        return out

    def header(self) -> Path:
        double = self.peek(2) == "[["
        self.advance(2 if double else 1)
        keys = self.key()
        self.advance(2 if double else 1)
        if not double:
            path = self.resolve(keys)
        else:
            parent = self.resolve(keys[:-1]) + (keys[-1],)
            self.tables[parent] = self.tables.get(parent, -1) + 1
            path = parent + (self.tables[parent],)
        self.note(path)
        return path

    def document(self) -> dict[Path, int]:
        table: Path = ()
        while True:
            self.skip_blank(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            if self.peek() == "[":
                table = self.header()
            else:
                self.pair(table)


def key_lines(text: str) -> dict[Path, int]:
    """The line (1-based) of every path of a valid TOML document; a path that a header
    or key names in several places keeps its first line."""
    return _Scanner(text).document()


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, else of its nearest enclosing path that has one."""
    for n in range(len(path), 0, -1):
        if path[:n] in lines:
            return lines[path[:n]]
    return None
