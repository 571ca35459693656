"""Crisis wording (心理危机): find suicide, self-harm and violence wording in any text.

Every text a person sends goes through :meth:`CrisisDetector.detect`: a new concern, a
relay message, an anonymous concern, a photo caption. A match puts the message on the P0
crisis path. The detector errs toward detecting. A false alarm costs a counsellor a
minute; a miss can cost a life.

Terms are matched as substrings of a *skeleton* of the text (see :func:`normalise`). The
skeleton ignores width, case, zero-width characters, spacing, separators, accents, repeated
Latin letters, traditional characters and simple leetspeak. Consequences, chosen on purpose:

* There are no word boundaries. "I want to diet" contains "want to die", and "the skill you
  need" contains "kill you". Both are detected. A boundary check would miss run-together
  or mistyped text ("#iwanttodie", "Iwant to die").
* Chinese has no word segmentation. "来自杀毒软件" contains 自杀, so it is detected.
* Hyperbole built on 死 alone (笑死, 饿死了, 累死了) is not a term. Hyperbole that uses a
  term (这题难到我想死, 跳楼价) is detected.

Only configured ``exceptions`` suppress a match, and only a match that an exception
phrase covers completely. Exceptions match on a light form that keeps the spaces (width,
case and zero-width only), so the exception "want to diet" never hides "want to die
tomorrow".
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_TERMS_ZH: tuple[str, ...] = (
    # suicide and self-harm; traditional forms are listed too, although normalise() folds them
    "自杀", "想自杀", "自殺", "轻生", "輕生", "不想活", "活不下去", "活着没意思", "活著沒意思",
    "活着没意义", "生不如死", "不如死了", "死了算了", "想死", "寻死", "尋死", "求死", "自尽",
    "自盡", "自缢", "割腕", "割脉", "割脈", "跳楼", "跳樓", "跳河", "跳江", "卧轨", "臥軌", "上吊",
    "服毒", "喝农药", "喝農藥", "吞药", "吞安眠药", "烧炭", "燒炭", "遗书", "遺書", "结束生命",
    "結束生命", "结束自己", "了结自己", "了結自己", "了断自己", "自我了断", "自残", "自殘",
    "伤害自己", "傷害自己",
    "紫砂",  # an online euphemism for 自杀 (homophone)
    "zisha", "tiaolou", "buxianghuo",  # pinyin
    # violence
    "杀了他", "杀了她", "杀了你", "殺了他", "杀人", "殺人", "砍死", "捅死", "弄死他", "同归于尽",
    "同歸於盡", "报复社会",
)

DEFAULT_TERMS_EN: tuple[str, ...] = (
    # suicide and self-harm
    "suicide", "suicidal", "sewer slide", "unalive", "kill myself", "killing myself",
    "end my life", "ending my life", "end my own life", "take my own life", "take my life",
    "taking my own life", "end it all", "want to die", "want 2 die", "wanna die",
    "wish i was dead", "wish i were dead", "better off dead", "no reason to live",
    "dont want to live", "do not want to live", "dont want to be alive", "not worth living",
    "self-harm", "self-injury", "cut myself", "cutting myself", "hurt myself", "hurting myself",
    "harm myself", "slit my wrist", "hang myself", "hanging myself", "jump off", "jumping off",
    "overdose", "overdosing",
    # violence ("kill him" also covers "kill himself", "kill them" covers "kill themselves")
    "kill him", "kill her", "kill them", "kill you", "kill everyone", "kill everybody",
    "murder him", "murder her", "murder them", "shoot up the school",
)

# Traditional → simplified, for the characters of the default terms (a full table is not
# needed: a deployment's own traditional terms are folded the same way as the text).
_TRADITIONAL = dict(zip(
    "殺輕著沒義盡縊脈樓臥軌農藥燒遺書結斷殘傷歸於報復會尋",
    "杀轻着没义尽缢脉楼卧轨农药烧遗书结断残伤归于报复会寻", strict=True))
# Latin look-alikes from Cyrillic and Greek ("ѕuicide" with a Cyrillic ѕ).
_HOMOGLYPHS = dict(zip("аеорсухіѕјкмтнвԁһӏαεικορτυν", "aeopcyxisjkmthbdhlaeikoptuv",
                       strict=True))
_FOLD = _TRADITIONAL | _HOMOGLYPHS
# Leetspeak, for the second skeleton only. "l" folds into "i" because "1" and "|" stand for
# either ("su1c1de", "ki11"); the terms fold the same way, so "kill" and "ki11" meet.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
         "!": "i", "|": "i", "l": "i"}
# Hangul fillers are letters (category Lo) that render as nothing; they hide like U+200B.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class CrisisMatch:
    """Where crisis wording was found."""

    term: str  # the configured term that matched
    language: str  # "zh" or "en": which list the term came from
    start: int  # span in the original text, as the sender wrote it
    end: int
    matched_text: str  # text[start:end]


@lru_cache(maxsize=8192)
def _char_skeleton(ch: str) -> tuple[str, str]:
    """What one character contributes to the skeleton: (without leet, with leet)."""
    plain: list[str] = []
    leet: list[str] = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch).casefold()):
        kind = unicodedata.category(c)[0]
        if kind in "MC" or c in _INVISIBLE_LETTERS:  # accents, zero-width/format, controls
            continue
        c = _FOLD.get(c, c)
        alnum = kind in "LN"
        if alnum:
            plain.append(c)
        if c in _LEET:
            leet.append(_LEET[c])
        elif alnum:
            leet.append(c)
    return "".join(plain), "".join(leet)


@dataclass(frozen=True)
class _Mapped:
    """A transformed text, with the original span behind each of its characters."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, pos: int, length: int) -> tuple[int, int]:
        return self.starts[pos], self.ends[pos + length - 1]


def _skeleton(text: str, leet: bool) -> _Mapped:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    form = 1 if leet else 0
    for i, ch in enumerate(text):
        for c in _char_skeleton(ch)[form]:
            # "suiiicide" → "suicide": runs of one Latin letter collapse, across separators too.
            if chars and c == chars[-1] and c in _LATIN:
                ends[-1] = i + 1
                continue
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    return _Mapped("".join(chars), starts, ends)


def normalise(text: str, *, leet: bool = False) -> str:
    """The matching skeleton of ``text``.

    NFKC (full-width → half-width, ideographic space → space, ⾃ → 自, 𝐬 → s), casefold,
    accents stripped (ï → i), zero-width and other format characters and Hangul fillers
    removed, Cyrillic/Greek look-alikes and traditional characters of the default terms
    folded (殺 → 杀), then everything that is not a letter or digit dropped (spaces,
    punctuation, separators, emoji), and runs of one Latin letter collapsed ("kill" → "kil").
    Chinese repeats are kept. With ``leet=True`` the leetspeak characters 0 1 3 4 5 7 @ $ ! |
    become letters before the drop, and "l" folds into "i". The detector matches both forms,
    so "自!杀" (``!`` as a separator) and "su!c!de" (``!`` as a letter) are both caught.
    """
    return _skeleton(text, leet).text


def _light(text: str) -> _Mapped:
    """Width, case and zero-width normalised; whitespace runs become one space (exceptions)."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if c.isspace():
                if chars and chars[-1] == " ":
                    ends[-1] = i + 1
                    continue
                c = " "
            elif unicodedata.category(c) == "Cf" or c in _INVISIBLE_LETTERS:
                continue
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    return _Mapped("".join(chars), starts, ends)


@dataclass(frozen=True)
class _Term:
    text: str
    language: str
    forms: tuple[str, str]  # skeleton without and with leet


def _as_list(values: Iterable[str], what: str) -> list[str]:
    if isinstance(values, str):  # a bare string would become one term per character
        raise TypeError(f"crisis {what} must be a list of strings, not a string: {values!r}")
    return [str(v) for v in values]


class _Cover:
    """The spans of exception phrases in one text; answers "is this span inside one?"."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []  # the furthest end among spans starting at or before
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start)
        return i > 0 and self._reach[i - 1] >= end


class CrisisDetector:
    """Finds crisis wording; built once from config, then shared (it holds no state per call)."""

    def __init__(self, terms_zh: Iterable[str] = DEFAULT_TERMS_ZH,
                 terms_en: Iterable[str] = DEFAULT_TERMS_EN,
                 exceptions: Iterable[str] = ()) -> None:
        """``terms_zh``/``terms_en`` replace the defaults. ``exceptions`` are phrases known to
        be harmless (a course title); they suppress only a match they cover completely.

        Raises ValueError when no term is configured, or a term or exception is nothing
        but spaces and punctuation (it would match everywhere or nowhere).
        """
        self._terms: list[_Term] = []
        seen: set[tuple[str, str]] = set()
        for language, values in zip(LANGUAGES, (terms_zh, terms_en), strict=True):
            for term in _as_list(values, f"terms_{language}"):
                forms = (normalise(term), normalise(term, leet=True))
                if not all(forms):
                    raise ValueError(f"crisis term {term!r} ({language}) has no letters or digits")
                if forms not in seen:
                    seen.add(forms)
                    self._terms.append(_Term(term, language, forms))
        if not self._terms:
            raise ValueError("no crisis terms configured: both terms_zh and terms_en are empty")
        self._exceptions: list[str] = []
        for phrase in _as_list(exceptions, "exceptions"):
            light = _light(phrase).text.strip()
            if not light:
                raise ValueError(f"crisis exception {phrase!r} is empty")
            self._exceptions.append(light)

    def detect(self, text: str) -> CrisisMatch | None:
        """The earliest crisis wording in ``text`` that no exception covers, or None.

        Ties at the same start go to the longer match. Any length is accepted: the work is
        linear in the text, so a 100 KB message is checked in full, not truncated.
        """
        if not text:
            return None
        cover = self._cover(text)
        best: CrisisMatch | None = None
        for form in (0, 1):
            skeleton = _skeleton(text, leet=bool(form))
            for term in self._terms:
                needle = term.forms[form]
                pos = skeleton.text.find(needle)
                while pos != -1:
                    start, end = skeleton.span(pos, len(needle))
                    if best is not None and start > best.start:
                        break
                    if not cover.covers(start, end):
                        if best is None or (start, -end) < (best.start, -best.end):
                            best = CrisisMatch(term.text, term.language, start, end,
                                               text[start:end])
                        break
                    pos = skeleton.text.find(needle, pos + 1)
        return best

    def _cover(self, text: str) -> _Cover:
        spans: list[tuple[int, int]] = []
        if self._exceptions:
            light = _light(text)
            for phrase in self._exceptions:
                pos = light.text.find(phrase)
                while pos != -1:
                    spans.append(light.span(pos, len(phrase)))
                    pos = light.text.find(phrase, pos + 1)
        return _Cover(spans)
