"""Crisis detection benchmark: recall and false alarms on the corpus's test split, and speed.

    .venv/bin/python bench/crisis.py [--split test] [--config config.toml]

Every message of ``bot/crisis/corpus/<split>.jsonl`` is assessed by the assessor the bot
builds from the shipped configuration (``bot.crisis.factory.build_assessor``: the
lexicon, OpenCC/pypinyin folding and the committed classifier). A message with
``context`` is assessed as the last of a conversation: the earlier messages first, one
minute apart, their state carried, as the bot does in a chat.

Printed per category and language:

* crisis categories: recall = share judged ``crisis`` or ``review`` (and the share judged
  ``crisis``, P0, alone);
* harmless categories: the share put in ``review`` and the share judged ``crisis`` (a P0
  false alarm: a page at night).

Then the targets of the issue (recall ≥ 0.95 explicit, ≥ 0.85 indirect; P0 false alarms
≤ 0.05; at most 25% of harmless messages in review), the time per message (assess() of
each text, median and 95th percentile over the split, with and without the classifier),
and last the line ``crisis recall: X false alarms: Y``: X is the recall over every crisis
message, Y the P0 false-alarm rate over every harmless message.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402 - needs ROOT on sys.path as a script
from bot.crisis.factory import build_assessor  # noqa: E402
from core.crisis.assess import CrisisAssessor, RiskState, Verdict  # noqa: E402

CORPUS = ROOT / "bot" / "crisis" / "corpus"
START = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)  # a weekday, mid-morning


def verdict(assessor: CrisisAssessor, item: dict) -> Verdict:
    """The verdict on the item's text, after its context (if any) as earlier messages."""
    state: RiskState | None = None
    context = item.get("context") or []
    for i, earlier in enumerate(context):
        state = assessor.assess(earlier, now=START + timedelta(minutes=i), state=state).state
    return assessor.assess(item["text"], now=START + timedelta(minutes=len(context)),
                           state=state).verdict


def timing(assessor: CrisisAssessor, texts: list[str]) -> tuple[float, float]:
    """(median, p95) of one assess() call in ms, over the texts (after a warm-up pass)."""
    for t in texts[:50]:
        assessor.assess(t, now=START)
    costs = []
    for t in texts:
        t0 = time.perf_counter()
        assessor.assess(t, now=START)
        costs.append((time.perf_counter() - t0) * 1000)
    costs.sort()
    return statistics.median(costs), costs[int(0.95 * (len(costs) - 1))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--split", default="test", help="corpus split: test (default), train, dev")
    p.add_argument("--config", default=None, help="config file (default: config.toml)")
    args = p.parse_args(argv)
    path = CORPUS / f"{args.split}.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    settings = load_settings(args.config)
    t0 = time.perf_counter()
    assessor = build_assessor(settings.crisis)
    built = time.perf_counter() - t0
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # n, review, crisis
    for item in items:
        v = verdict(assessor, item)
        for key in ((item["label"], item["category"]), (item["label"], f"{item['category']}/"
                                                        f"{item['lang']}")):
            row = counts[key]
            row[0] += 1
            row[1] += v is Verdict.REVIEW
            row[2] += v is Verdict.CRISIS
    print(f"corpus: {path.relative_to(ROOT)} ({len(items)} messages); assessor built in "
          f"{built:.2f} s")
    totals = {"crisis": [0, 0, 0], "harmless": [0, 0, 0]}
    for label in ("crisis", "harmless"):
        print(f"\n{label}: category        n   recall   P0 only" if label == "crisis" else
              f"\n{label}: category        n   review   P0 false alarm")
        for (lab, cat), (n, review, crisis) in sorted(counts.items()):
            if lab != label:
                continue
            if "/" not in cat:
                totals[label] = [a + b for a, b in zip(totals[label], (n, review, crisis))]
            first = (review + crisis) / n if label == "crisis" else review / n
            print(f"  {cat:22} {n:4}   {first:6.3f}   {crisis / n:6.3f}")
    cn, cr, cc = totals["crisis"]
    hn, hr, hc = totals["harmless"]
    recall, p0, review = (cr + cc) / cn, hc / hn, hr / hn

    def rec(cat: str) -> float:
        n, r, c = counts[("crisis", cat)]
        return (r + c) / n if n else 0.0

    print("\ntargets:")
    print(f"  recall explicit   {rec('explicit'):.3f}  (target >= 0.95)")
    print(f"  recall indirect   {rec('indirect'):.3f}  (target >= 0.85)")
    print(f"  P0 false alarms   {p0:.3f}  (target <= 0.05)")
    print(f"  harmless review   {review:.3f}  (target <= 0.25)")
    hard = [counts[("harmless", c)] for c in ("complaint", "help", "hyperbole", "sad", "topic")
            if ("harmless", c) in counts]
    if hard and ("harmless", "neutral") in counts:  # everyday messages dilute the share
        n_hard = sum(r[0] for r in hard)
        print(f"  harmless review without the neutral category "
              f"{sum(r[1] for r in hard) / n_hard:.3f} (of {n_hard})")
    texts = [i["text"] for i in items]
    med, p95 = timing(assessor, texts)
    bare = CrisisAssessor(folding=assessor._folding, classifier=None)  # noqa: SLF001
    bmed, bp95 = timing(bare, texts)
    print(f"\ntime per message: {med:.2f} ms median, {p95:.2f} ms p95 (lexicon alone "
          f"{bmed:.2f} ms median, {bp95:.2f} ms p95)")
    print(f"crisis recall: {recall:.3f} false alarms: {p0:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
