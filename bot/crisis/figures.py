"""The classifier's figures, in plain Python: the review threshold and recall / false alarms
per category. Used by ``bot/crisis/train.py``; no scikit-learn here."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("crisis", "harmless")


@dataclass(frozen=True)
class Item:
    """One corpus line. ``context`` (earlier messages of a follow-up) is kept for the record
    but the classifier is trained and scored on ``text`` alone: the engine weighs context."""

    text: str
    label: str
    category: str
    lang: str
    context: tuple[str, ...] = field(default=())

    @property
    def is_crisis(self) -> bool:
        return self.label == "crisis"


def read_corpus(path: Path) -> list[Item]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("label") not in LABELS or not isinstance(row.get("text"), str):
            raise ValueError(f"{path}:{n}: needs a text and a label crisis or harmless")
        items.append(Item(text=row["text"], label=row["label"],
                          category=str(row.get("category", "")), lang=str(row.get("lang", "")),
                          context=tuple(row.get("context") or ())))
    return items


#: The harmless categories in the two groups the review threshold caps separately: everyday
#: messages, which make up most of a real channel and must almost never open a review, and
#: the hard cases written to look like crisis wording, of which more may be flagged.
HARMLESS_GROUPS: dict[str, tuple[str, ...]] = {
    "neutral": ("neutral",),
    "hard": ("complaint", "hyperbole", "topic", "sad", "help"),
}


def harmless_group(category: str) -> str:
    for name, categories in HARMLESS_GROUPS.items():
        if category in categories:
            return name
    raise ValueError(f"harmless category {category!r} is in no group of HARMLESS_GROUPS")


def choose_threshold(crisis: Sequence[float], harmless: Sequence[float],
                     max_harmless: float) -> float:
    """The lowest threshold (review when score ≥ threshold) that puts at most ``max_harmless``
    of the harmless scores at or above it: the most crisis recall the false-alarm budget
    allows, a missed crisis costing more than a review. It sits halfway between the highest
    harmless score left below it and the next score of either class above that one."""
    return choose_threshold_capped(crisis, [(harmless, max_harmless)])


def choose_threshold_capped(crisis: Sequence[float],
                            capped: Sequence[tuple[Sequence[float], float]]) -> float:
    """The lowest threshold that meets every cap at once: for each ``(scores, cap)`` at most
    ``cap`` of those scores are at or above it. Each cap alone allows every threshold above
    some score, so the lowest meeting all is set by the strictest of those scores; like
    ``choose_threshold`` it sits halfway between that score and the next score above it."""
    belows = []
    for scores, cap in capped:
        ranked = sorted(scores, reverse=True)
        allowed = int(cap * len(ranked) + 1e-9)
        if allowed < len(ranked):
            belows.append(ranked[allowed])  # the highest score of the group that must stay under
    if not belows:
        return 0.0
    below = max(belows)
    above = [s for s in (*crisis, *(x for scores, _ in capped for x in scores)) if s > below]
    return (below + min(above)) / 2 if above else min(1.0, below + 1e-12)


def choose_review_threshold(items: Sequence[Item], scores: Sequence[float],
                            caps: Mapping[str, float]) -> float:
    """The review threshold: the lowest one that puts at most ``caps[group]`` of each
    harmless group (``HARMLESS_GROUPS``: "neutral", "hard") at or above it. A group without
    messages sets no limit; a harmless category outside the groups is an error."""
    by_group: dict[str, list[float]] = {name: [] for name in caps}
    crisis = []
    for it, s in zip(items, scores, strict=True):
        if it.is_crisis:
            crisis.append(s)
        else:
            group = harmless_group(it.category)
            if group in by_group:
                by_group[group].append(s)
    return choose_threshold_capped(crisis, [(by_group[g], cap) for g, cap in caps.items()])


def share_at_or_above(scores: Iterable[float], threshold: float) -> tuple[int, int]:
    s = list(scores)
    return sum(x >= threshold for x in s), len(s)


@dataclass(frozen=True)
class Figures:
    recall: float
    harmless_above: float
    crisis_by_category: dict[str, tuple[int, int]]  # category → (caught, all)
    harmless_by_category: dict[str, tuple[int, int]]  # category → (above, all)
    harmless_by_group: dict[str, tuple[int, int]]  # HARMLESS_GROUPS name → (above, all)
    by_lang: dict[str, tuple[float, float]]  # lang → (recall, harmless above)

    def as_json(self) -> dict[str, object]:
        return {"recall": round(self.recall, 4), "harmless_above": round(self.harmless_above, 4),
                "crisis_recall_by_category": _fractions(self.crisis_by_category),
                "harmless_above_by_category": _fractions(self.harmless_by_category),
                "harmless_above_by_group": _fractions(self.harmless_by_group),
                "by_lang": {k: {"recall": round(r, 4), "harmless_above": round(h, 4)}
                            for k, (r, h) in sorted(self.by_lang.items())}}


def figures(items: Sequence[Item], scores: Sequence[float], threshold: float) -> Figures:
    def tally(label: str, key: str) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for it, s in zip(items, scores):
            if it.label == label:
                k = getattr(it, key)
                hit, n = out.get(k, (0, 0))
                out[k] = (hit + (s >= threshold), n + 1)
        return dict(sorted(out.items()))

    def rate(d: dict[str, tuple[int, int]]) -> float:
        hit, n = map(sum, zip(*d.values())) if d else (0, 0)
        return hit / n if n else 0.0

    crisis_lang, harmless_lang = tally("crisis", "lang"), tally("harmless", "lang")
    groups: dict[str, tuple[int, int]] = {}
    for category, (hit, n) in tally("harmless", "category").items():
        g = harmless_group(category)
        groups[g] = (groups.get(g, (0, 0))[0] + hit, groups.get(g, (0, 0))[1] + n)
    langs = sorted(set(crisis_lang) | set(harmless_lang))
    return Figures(recall=rate(tally("crisis", "label")),
                   harmless_above=rate(tally("harmless", "label")),
                   crisis_by_category=tally("crisis", "category"),
                   harmless_by_category=tally("harmless", "category"),
                   harmless_by_group=dict(sorted(groups.items())),
                   by_lang={k: (rate({k: crisis_lang.get(k, (0, 0))}),
                                rate({k: harmless_lang.get(k, (0, 0))})) for k in langs})


def report(title: str, f: Figures) -> str:
    lines = [f"{title}: crisis recall {f.recall:.3f}, harmless at or above the threshold "
             f"{f.harmless_above:.3f}"]
    lines.append("  harmless above the threshold by group: " + ", ".join(
        f"{g} {hit / n:.3f} ({hit}/{n})" for g, (hit, n) in f.harmless_by_group.items()))
    for lang, (r, h) in sorted(f.by_lang.items()):
        lines.append(f"  {lang}: recall {r:.3f}, harmless above {h:.3f}")
    lines.append("  crisis recall by category:")
    lines += [f"    {k:<24} {hit / n:.3f}  ({hit}/{n})"
              for k, (hit, n) in f.crisis_by_category.items()]
    lines.append("  harmless above the threshold by category:")
    lines += [f"    {k:<24} {hit / n:.3f}  ({hit}/{n})"
              for k, (hit, n) in f.harmless_by_category.items()]
    return "\n".join(lines)


def _fractions(d: dict[str, tuple[int, int]]) -> dict[str, object]:
    return {k: {"rate": round(hit / n, 4), "n": n} for k, (hit, n) in d.items()}
