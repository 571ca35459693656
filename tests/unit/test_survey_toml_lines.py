"""core/surveys/toml_lines.py: the line of every key of a valid TOML document, which the
survey file's problems are reported on."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.surveys.toml_lines import key_lines, line_of

ROOT = Path(__file__).resolve().parents[2]

TRICKY = '''\
a = """
[not_a_table]
b = "not a key" # nor a comment
"""
'c.d' = 'C:\\path\\'
e.f = 1979-05-27 07:32:00Z
g = [ # comment with ] and "
  "x",
  """y""",
  { h = 1, i = [2,
    3] },
]
j = "say \\"k = 1\\""
[[questions]]
id = "q1"
[questions.show_if]
question = "q0"
[[questions]]
l = """ends with quotes"""""
m = 1
'''


def paths(value: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += paths(v, path + (i,))
    return out


def test_tricky_document() -> None:
    lines = key_lines(TRICKY)
    assert lines[("a",)] == 1 and lines[("c.d",)] == 5 and lines[("e", "f")] == 6
    assert lines[("g",)] == 7 and lines[("g", 0)] == 8 and lines[("g", 1)] == 9
    assert lines[("g", 2, "h")] == 10 and lines[("g", 2, "i", 1)] == 11
    assert lines[("j",)] == 13
    assert lines[("questions", 0)] == 14 and lines[("questions", 0, "id")] == 15
    assert lines[("questions", 0, "show_if")] == 16
    assert lines[("questions", 0, "show_if", "question")] == 17
    assert lines[("questions", 1)] == 18 and lines[("questions", 1, "m")] == 20
    assert ("not_a_table",) not in lines and ("b",) not in lines and ("k",) not in lines
    assert set(paths(tomllib.loads(TRICKY))) <= set(lines)


def test_crlf_counts_the_same_lines() -> None:
    assert key_lines(TRICKY.replace("\n", "\r\n")) == key_lines(TRICKY)


@pytest.mark.parametrize("name", ["satisfaction.toml", "consultation.toml"])
def test_every_path_of_the_examples_has_the_line_that_names_it(name: str) -> None:
    text = (ROOT / "examples/surveys" / name).read_text(encoding="utf-8")
    lines, rows = key_lines(text), text.splitlines()
    for path in paths(tomllib.loads(text)):
        assert path in lines, path
        if isinstance(path[-1], str) and path[-1] != "intro":
            assert path[-1] in rows[lines[path] - 1], (path, lines[path])


def test_line_of_falls_back_to_the_enclosing_path() -> None:
    lines = key_lines(TRICKY)
    assert line_of(lines, ("questions", 1, "options")) == 18
    assert line_of(lines, ("nowhere",)) is None
