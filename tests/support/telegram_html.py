"""What Telegram accepts under ``parse_mode=HTML``, as a checker tests (and the fake Bot
API) can share.

After https://core.telegram.org/bots/api#html-style: only the tags below; every tag
closed and properly nested; ``<`` only starting a tag; ``&`` only as ``&amp;`` ``&lt;``
``&gt;`` ``&quot;`` or a numeric entity; ``>`` outside a tag escaped as ``&gt;``. A
message is 1-4096 characters after entity parsing (counted in UTF-16 code units), a
caption at most 1024. ``problems`` names every violation, as Telegram's "Bad Request:
can't parse entities" would.
"""
from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

#: tag -> the attributes it may carry (name -> allowed value pattern)
ALLOWED: dict[str, dict[str, str]] = {
    "b": {}, "strong": {}, "i": {}, "em": {}, "u": {}, "ins": {}, "s": {}, "strike": {},
    "del": {}, "tg-spoiler": {}, "pre": {}, "blockquote": {"expandable": ""},
    "span": {"class": r"tg-spoiler"},
    "a": {"href": r".+"},
    "code": {"class": r"language-[\w+#.-]+"},
    "tg-emoji": {"emoji-id": r"\d+"},
}
#: attributes a tag must carry
REQUIRED = {"span": {"class"}, "a": {"href"}, "tg-emoji": {"emoji-id"}}

_VALUE = r"""(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=]+)"""
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z-]+(?:\s*=\s*" + _VALUE
                  + r")?)*)\s*>")
_ATTR = re.compile(r"([A-Za-z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>=]+)))?")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def problems(text: str) -> list[str]:
    """Every reason Telegram would refuse ``text`` as HTML; empty when it is valid."""
    found: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m is None:
                found.append(f"a bare '<' at {i}: {text[i:i + 20]!r}")
                i += 1
                continue
            closing, name, attrs = m.group(1) == "/", m.group(2).lower(), m.group(3)
            if name not in ALLOWED:
                found.append(f"unsupported tag <{m.group(1)}{name}> at {i}")
            elif closing:
                if attrs.strip():
                    found.append(f"attributes on the end tag </{name}> at {i}")
                if not stack:
                    found.append(f"end tag </{name}> at {i} closes nothing")
                elif stack[-1] != name:
                    found.append(f"end tag </{name}> at {i} does not match <{stack[-1]}>")
                    if name in stack:
                        del stack[stack.index(name):]
                else:
                    stack.pop()
            else:
                found += _attr_problems(name, attrs, i)
                if stack and stack[-1] in ("code", "pre") and not (
                        stack[-1] == "pre" and name == "code"):
                    found.append(f"<{name}> at {i} inside <{stack[-1]}>")
                if name == "blockquote" and "blockquote" in stack:
                    found.append(f"<blockquote> at {i} inside another blockquote")
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                found.append(f"a bare '&' at {i}: {text[i:i + 12]!r}")
                i += 1
            else:
                i = m.end()
        elif ch == ">":
            found.append(f"a bare '>' at {i}")
            i += 1
        else:
            i += 1
    found += [f"<{name}> is never closed" for name in stack]
    return found


def _attr_problems(name: str, attrs: str, at: int) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for m in _ATTR.finditer(attrs):
        attr = m.group(1).lower()
        value = next((g for g in m.groups()[1:] if g is not None), "")
        allowed = ALLOWED[name]
        if attr not in allowed:
            found.append(f"attribute {attr!r} not allowed on <{name}> at {at}")
        elif allowed[attr] and not re.fullmatch(allowed[attr], value):
            found.append(f"bad value {value!r} of {attr!r} on <{name}> at {at}")
        seen.add(attr)
    found += [f"<{name}> at {at} lacks {a!r}" for a in sorted(REQUIRED.get(name, set()) - seen)]
    return found


def visible_text(text: str) -> str:
    """What the reader sees: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def utf16_length(text: str) -> int:
    """Telegram's length: UTF-16 code units of the visible text."""
    return len(visible_text(text).encode("utf-16-le")) // 2


def check_message(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``problems`` plus Telegram's length rule for a message (or a caption: pass
    ``CAPTION_LIMIT``)."""
    found = problems(text)
    length = utf16_length(text)
    if not visible_text(text).strip():
        found.append("the message is empty")
    if length > limit:
        found.append(f"{length} characters, over Telegram's {limit}")
    return found
