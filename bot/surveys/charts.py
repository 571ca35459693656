"""Survey charts as PNG bytes (issue 15), drawn with matplotlib from plain data: titles,
labels and numbers that core's figures (``core/surveys/figures.py``) computed.

The module only draws: every word on a chart (title, labels, series names, the text of
an empty chart) comes from the caller, i.e. the locale files. Every text is set in the
Noto Sans CJK SC subset committed in ``fonts/`` (docs/decisions/0022), loaded by its
file path: no chart depends on a machine's fonts, and matplotlib's font manager is never
asked for a family. A character outside the subset draws as the empty box and matplotlib
warns "Glyph ... missing from font(s)"; ``missing_characters`` finds them beforehand.

matplotlib is imported on the first chart (the import takes a second) and draws on its
Agg canvas with a ``Figure`` of its own: no pyplot, no display, no global state; one
chart at a time (matplotlib is not thread-safe). ``_config_dir`` handles an unwritable
home."""
from __future__ import annotations

import io
import os
import stat
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

FONT_PATH = Path(__file__).resolve().with_name("fonts") / "NotoSansCJKsc-Regular-subset.otf"

WIDTH = 8.0           # inches; at DPI that is 960 pixels, fit for a chat photo
DPI = 120
ROW = 0.42            # inches per bar row
LABEL_UNITS = 24      # a label line's width in half-width units (12 Chinese characters)
TITLE_UNITS = 56
ELLIPSIS = "\u2026"
BAR = "#c0392b"
SERIES = ["#c0392b", "#2e86c1", "#f39c12", "#27ae60", "#8e44ad", "#7f8c8d", "#d35400"]
# Ordered series (grades, best first) in a stacked chart: from green to red.
ORDERED = ["#1e8449", "#58d68d", "#f4d03f", "#e67e22", "#c0392b", "#7b241c"]

_lock = threading.Lock()


def bar_chart(title: str, labels: Sequence[str], counts: Sequence[int], *, empty: str,
              percent: bool = True, total: int | None = None) -> bytes:
    """Horizontal bars, one per label in the given order (first on top), each marked
    with its count and, if ``percent``, its share of ``total`` (default: the sum of the
    counts; a multiple choice passes the number who answered). ``empty`` is the chart's
    text when there is nothing to draw (no labels, or no answer at all)."""
    if len(labels) != len(counts):
        raise ValueError("labels and counts differ in length")
    base = sum(counts) if total is None else total
    if not labels or base <= 0:
        return _empty_chart(title, empty)

    def draw(fig: Figure, ax: Axes) -> None:
        rows = range(len(labels))
        ax.barh(rows, counts, height=0.6, color=BAR)
        top = max(max(counts), 1)
        for row, count in zip(rows, counts):
            text = f"{count}  ({count / base:.1%})" if percent else str(count)
            ax.text(count + top * 0.01, row, text, va="center", fontproperties=_font(9))
        ax.set_xlim(0, top * 1.3)
        ax.set_xticks([])
        ax.set_yticks(rows, [_wrap(label, LABEL_UNITS, 2) for label in labels],
                      fontproperties=_font(10))
        ax.invert_yaxis()

    return _render(title, len(labels), draw)


def grouped_chart(title: str, groups: Sequence[str],
                  series: Mapping[str, Sequence[float | None]], *, empty: str,
                  stacked: bool = False, limit: float | None = None) -> bytes:
    """Horizontal bars per group (e.g. per college or per evaluated person), one value
    per group from each series. Side by side by default (e.g. a rating's mean per
    college, with ``limit=5`` for its scale); with ``stacked`` the series add up along
    one bar (e.g. counts of each grade, the series in order best first, coloured from
    green to red). A series' name is its legend entry; None is no bar. ``empty`` is the
    chart's text when there is no group, no series, or no value above 0."""
    names = list(series)
    if any(len(series[name]) != len(groups) for name in names):
        raise ValueError("every series needs one value per group")
    values = [[v or 0.0 for v in series[name]] for name in names]
    if not groups or not names or not any(v > 0 for row in values for v in row):
        return _empty_chart(title, empty)
    colours = _colours(len(names), ordered=stacked)

    def draw(fig: Figure, ax: Axes) -> None:
        rows = range(len(groups))
        if stacked:
            top = max(sum(column) for column in zip(*values))
            left = [0.0] * len(groups)
            for name, row_values, colour in zip(names, values, colours):
                ax.barh(rows, row_values, left=left, height=0.6, color=colour, label=name)
                for row, (start, value) in enumerate(zip(left, row_values)):
                    if value >= top * 0.03:   # a narrower segment has no room for it
                        ax.text(start + value / 2, row, _number(value), ha="center",
                                va="center", color=_ink(colour), fontproperties=_font(8))
                left = [a + b for a, b in zip(left, row_values)]
        else:
            height = 0.8 / len(names)
            for i, (name, colour) in enumerate(zip(names, colours)):
                shift = [r - 0.4 + height * (i + 0.5) for r in rows]
                ax.barh(shift, values[i], height=height * 0.9, color=colour, label=name)
                for y, raw in zip(shift, series[name]):
                    if raw is not None:
                        ax.text(raw, y, " " + _number(raw), va="center",
                                fontproperties=_font(8))
            top = max(v for row in values for v in row)
        _value_axis(ax, limit if limit is not None else top, room=1.0 if stacked else 1.12,
                    integer=stacked)
        ax.set_yticks(rows, [_wrap(group, LABEL_UNITS, 2) for group in groups],
                      fontproperties=_font(10))
        ax.invert_yaxis()
        fig.legend(loc="outside lower center", ncols=min(len(names), 4),
                   prop=_font(9), frameon=False)

    return _render(title, len(groups) * (1 if stacked else max(1, len(names) // 2)), draw,
                   legend=True)


def missing_characters(texts: Iterable[str]) -> str:
    """The characters of ``texts`` the chart font has no glyph for, each once, in
    order (line breaks and other control characters aside)."""
    charmap = _charmap()
    seen: dict[str, None] = {}
    for text in texts:
        for ch in text:
            if ord(ch) not in charmap and unicodedata.category(ch) != "Cc":
                seen.setdefault(ch, None)
    return "".join(seen)


def _render(title: str, rows: int, draw: Callable[[Figure, Axes], None],
            legend: bool = False) -> bytes:
    with _drawing() as figure:
        fig = figure(title, 1.0 + ROW * rows + (0.4 if legend else 0.0))
        ax = fig.add_subplot()
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        draw(fig, ax)
        return _png(fig)


def _empty_chart(title: str, empty: str) -> bytes:
    with _drawing() as figure:
        fig = figure(title, 2.0)
        fig.text(0.5, 0.4, empty, ha="center", va="center", color="#7f8c8d",
                 fontproperties=_font(14))
        return _png(fig)


@contextmanager
def _drawing() -> Iterator[Callable[[str, float], Figure]]:
    """One chart at a time, with texts taken literally (a ``$`` in a label is no maths)."""
    _config_dir()
    import matplotlib
    from matplotlib.figure import Figure

    def figure(title: str, height: float) -> Figure:
        heading = _wrap(title, TITLE_UNITS, 3)
        fig = Figure(figsize=(WIDTH, height + 0.3 * (heading.count("\n") + 1)), dpi=DPI,
                     layout="constrained")
        fig.suptitle(heading, x=0.02, ha="left", fontproperties=_font(13))
        return fig

    with _lock, matplotlib.rc_context({"text.parse_math": False,
                                       "axes.unicode_minus": False}):
        yield figure


def _png(fig: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def _value_axis(ax: Axes, top: float, *, room: float, integer: bool) -> None:
    """Fixed ticks from 0 to ``top`` with labels in the chart font (generated tick labels
    would ask the font manager for the default family); the axis runs ``room`` times
    further, for the values written after the bars."""
    from matplotlib.ticker import MaxNLocator

    top = top if top > 0 else 1.0
    ticks = [t for t in MaxNLocator(nbins=5, integer=integer).tick_values(0, top)
             if 0 <= t <= top]
    ax.set_xlim(0, top * room)
    ax.set_xticks(ticks, [_number(t) for t in ticks], fontproperties=_font(8))


def _font(size: float) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=FONT_PATH, size=size)


@cache
def _charmap() -> frozenset[int]:
    _config_dir()
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(FONT_PATH)).get_charmap())


def _colours(n: int, *, ordered: bool) -> list[str]:
    palette = ORDERED if ordered else SERIES
    if ordered and n <= len(palette):
        # Spread over the whole range, so the last grade is red even with few grades.
        return [palette[round(i * (len(palette) - 1) / max(n - 1, 1))] for i in range(n)]
    return [palette[i % len(palette)] for i in range(n)]


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour`` (#rrggbb)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "white"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wrap(text: str, units: int, lines: int) -> str:
    """``text`` in lines of at most ``units`` half-width units (a Chinese character is
    two), breaking at a space when one is near; at most ``lines`` lines, the last one
    ending in an ellipsis when the text is cut."""
    words = " ".join(text.split())
    out: list[str] = []
    while words and len(out) < lines:
        width, cut = 0, len(words)
        for i, ch in enumerate(words):
            width += _width(ch)
            if width > units:
                cut = i
                break
        if cut < len(words):
            space = words.rfind(" ", 0, cut + 1)
            if space >= cut // 2 > 0:
                cut = space
        out.append(words[:cut].rstrip())
        words = words[cut:].lstrip()
    if words:
        last = out[-1]
        while last and sum(map(_width, last)) + _width(ELLIPSIS) > units:
            last = last[:-1]
        out[-1] = last + ELLIPSIS
    return "\n".join(out)


@cache
def _config_dir() -> None:
    """Before matplotlib's import: if its default folders (settings and font cache) cannot
    be written (no home, a read-only one), ``MPLCONFIGDIR`` becomes a private folder in
    the temporary directory, kept between runs (matplotlib's own fallback warns and
    makes a new one, with a new font scan, in each process)."""
    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        home = Path.home()
        bases = [os.environ.get("XDG_CONFIG_HOME") or home / ".config",
                 os.environ.get("XDG_CACHE_HOME") or home / ".cache"]
        if all(_usable(Path(base) / "matplotlib") for base in bases):
            return
    except (RuntimeError, KeyError):   # no home at all
        pass
    own = Path(tempfile.gettempdir()) / f"xinqiao-matplotlib-{os.getuid()}"
    try:
        own.mkdir(mode=0o700, exist_ok=True)
        info = own.lstat()
        private = (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
                   and not info.st_mode & 0o077)
    except OSError:
        private = False
    os.environ["MPLCONFIGDIR"] = (str(own) if private
                                  else tempfile.mkdtemp(prefix="xinqiao-matplotlib-"))


def _usable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path.is_dir() and os.access(path, os.W_OK)
    except OSError:
        return False
