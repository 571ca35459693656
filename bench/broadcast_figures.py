"""bench/broadcast.py's figures: one run's result, rates, percentiles, the printed lines."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Result:
    recipients: int
    setup: float  # seconds, untimed work before the bot starts
    span: float  # first -> last invitation, s
    bulk_rate: float  # invitations / s over the span
    all_rate: float  # every message / s over the span
    mid_rate: float  # invitations / s between the 10th and the 90th percentile
    ratio: float  # all_rate / limit
    peak_second: int  # most messages in any 1 s window
    refused: int  # 429s
    replies: list[float]  # interactive latencies during the push, s
    rss_mib: float  # the bot process's peak RSS
    bot_cpu: float  # the bot's CPU seconds per message sent, from the push to the last one
    fake_cpu: float  # this process's (the fake's, mostly), the same way
    #: every message's arrival at the fake, sorted (not printed: for looking at clumps)
    sends: list[float] = field(default_factory=list, repr=False)


def per_second(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and \
        times[-1] > times[0] else 0.0


def peak_second(times: list[float]) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def show(r: Result, rate: float) -> str:
    lat = r.replies
    return (f"{r.recipients:6d} recipients: setup {r.setup:5.1f} s (untimed)  push "
            f"{r.span:7.1f} s  invitations {r.bulk_rate:7.2f}/s (middle 80% "
            f"{r.mid_rate:7.2f}/s)  all messages {r.all_rate:7.2f}/s = {r.ratio:.3f} x "
            f"{rate:g}/s  busiest second {r.peak_second}  429s {r.refused}  replies during "
            f"the push {len(lat)}: p50 {percentile(lat, 50) * 1000:6.1f} ms p99 "
            f"{percentile(lat, 99) * 1000:6.1f} ms max {max(lat, default=0) * 1000:6.1f} ms  "
            f"peak RSS {r.rss_mib:6.1f} MiB  CPU per message: bot {r.bot_cpu * 1000:.2f} ms, "
            f"fake and driver {r.fake_cpu * 1000:.2f} ms")
