"""A real headless Chromium for browser tests: Debian's /usr/bin/chromium, driven by Playwright.

Nothing here downloads a browser: Playwright only drives the Chromium it is pointed at
(``XQ_CHROMIUM`` or /usr/bin/chromium); ``playwright install`` is never run. When that
Chromium or the playwright package is missing, the test skips and says why; under
``CI=true`` it fails instead (``.ci/run`` installs ``chromium``, ``fonts-noto-cjk`` and
``fonts-noto-color-emoji``).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

CHROMIUM_ENV = "XQ_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
INSTALL_HINT = ("apt-get install chromium fonts-noto-cjk fonts-noto-color-emoji; "
                "pip install -e '.[test]'")


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (under CI=true) the current test, saying why."""
    if IN_CI:
        pytest.fail(f"browser tests are required in CI but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} ({INSTALL_HINT})")


def chromium_path() -> str:
    """The Chromium to drive; skips or fails (see ``unavailable``) when it cannot be used."""
    missing = None
    try:
        import playwright.async_api  # noqa: F401
    except ImportError as exc:
        missing = f"the playwright package is not installed ({exc})"
    if missing:
        unavailable(missing)
    path = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        unavailable(f"no Chromium at {path} (set {CHROMIUM_ENV} to another executable)")
    return path


@contextlib.asynccontextmanager
async def chromium(env: dict[str, str] | None = None) -> AsyncIterator[Browser]:
    """Headless Chromium for the duration of the block (``env`` replaces its environment)."""
    path = chromium_path()
    from playwright.async_api import async_playwright

    # Belt and braces: nothing in this process may fetch a browser build of its own.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=path, headless=True, args=ARGS,
                                           env=env)
        try:
            yield browser
        finally:
            await browser.close()


# --- Do CJK characters render as glyphs? -------------------------------------------------
#
# Each character is drawn on a canvas in the page's own font stack (that of #log, or the
# body). Without a font that has CJK glyphs, Chromium draws every such character as the
# same .notdef box ("tofu"): then "中" and "文" give identical pixels, and both equal the
# drawing of a code point no font has (U+10FFFD, a private-use character). With a CJK font,
# all three differ. ``no_cjk_fontconfig`` builds the failing case on purpose.
_DRAW_JS = """
(chars) => {
  const el = document.querySelector("#log") || document.body;
  const family = getComputedStyle(el).fontFamily;
  const draw = (ch) => {
    const c = document.createElement("canvas");
    c.width = 64; c.height = 64;
    const g = c.getContext("2d");
    g.fillStyle = "#fff"; g.fillRect(0, 0, 64, 64);
    g.fillStyle = "#000"; g.textBaseline = "top";
    g.font = "48px " + family;
    g.fillText(ch, 4, 4);
    const px = g.getImageData(0, 0, 64, 64).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 128) ink++;
    return { url: c.toDataURL(), ink };
  };
  return { family, drawn: chars.map(draw) };
}
"""
PROBE = ("中", "文", "\U0010FFFD")


async def cjk_rendering(page: Page) -> dict[str, Any]:
    """Draw 中, 文 and an unassigned code point in the page's font; compare the pixels."""
    result = await page.evaluate(_DRAW_JS, list(PROBE))
    zh, wen, none = result["drawn"]
    result["renders"] = (zh["ink"] > 0 and wen["ink"] > 0 and zh["url"] != wen["url"]
                         and zh["url"] != none["url"] and wen["url"] != none["url"])
    result["ink"] = [d["ink"] for d in result["drawn"]]
    return result


def require_glyphs(glyphs: dict[str, Any]) -> None:
    """After a walk that passed: fail if Chinese drew as boxes (``cjk_rendering``), or
    skip saying why when no CJK font is installed outside CI."""
    if glyphs["renders"]:
        return
    fonts = cjk_fonts()
    if fonts == [] and not IN_CI:
        pytest.skip("the walk passed, but no CJK font is installed, so Chinese renders "
                    "as boxes (apt-get install fonts-noto-cjk)")
    pytest.fail(f"Chinese does not render as glyphs in {glyphs['family']}: ink "
                f"{glyphs['ink']} for 中, 文, U+10FFFD; CJK fonts: {fonts}")


def cjk_fonts() -> list[str] | None:
    """Font files fontconfig offers for Chinese, or None when fc-list is not there."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True,
                         check=False).stdout
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def no_cjk_fontconfig(folder: Path) -> dict[str, str]:
    """An environment for Chromium whose fontconfig sees only fonts without CJK glyphs."""
    fc_list = shutil.which("fc-list")
    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    cjk = set(cjk_fonts() or ())
    if fc_list:
        out = subprocess.run([fc_list, ":", "file"], capture_output=True, text=True,
                             check=False).stdout
        files = {line.split(":")[0].strip() for line in out.splitlines() if line.strip()}
        for i, f in enumerate(sorted(files - cjk)):
            (fonts / f"{i}-{Path(f).name}").symlink_to(f)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}
