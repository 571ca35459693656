"""Crisis assessment of one message in its conversation: crisis, review or none, and why.

Every text a person sends goes through :meth:`CrisisAssessor.assess`. The lexicon
(``core/crisis/lexicon/``) finds explicit and indirect wording on normalised forms of the
text; topic context and hyperbole change a finding's weight (``lexicon/modifiers.py``).
Then the conversation counts:

* the chat's risk state (``state.py``): a weak signal raises it to 1, possible distress
  to 2. While it is at least 1, a follow-up or preparation (goodbye, settling affairs,
  hoarding means, a height, 我已经想好了) is a crisis; while it is 2, any review finding is.
* the last messages inside ``context_minutes`` are read together with this one, so a
  wish split over two messages is found; only a match reaching into this message counts.

Last, a second-stage classifier may put a message the lexicon let pass into review; it
never lowers a verdict and never makes a crisis on its own. The engine errs toward
review: a review costs a counsellor a minute, a miss can cost a life.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.crisis.findings import RANK, CrisisMatch, Finding, Verdict
from core.crisis.matcher import Hit, Lexicon, Scan
from core.crisis.normalise import light
from core.crisis.ports import CrisisClassifier, TextFolding
from core.crisis.state import MAX_RECENT, MAX_TEXT, RiskState, parse_time, utc

__all__ = ["Assessment", "CrisisAssessor", "Finding", "RiskState", "Verdict"]

#: how much of the earlier messages is read together with the current one
SPLIT_REACH = 60
#: The classifier judges only a message with at least this many letters and digits: on a
#: few characters ("不归我管", "ok bye") its n-grams say more about the corpus's style than
#: about the person, and a short message of distress is the lexicon's to catch.
MIN_CLASSIFIER_CHARS = 6

_TIER = {"crisis": Verdict.CRISIS, "review": Verdict.REVIEW, "weak": Verdict.NONE,
         "cue": Verdict.NONE}


@dataclass(frozen=True)
class Assessment:
    """The verdict on one message, one line of why, the findings, and what to remember."""

    verdict: Verdict
    why: str
    findings: tuple[Finding, ...]
    state: RiskState | None  # what to remember for this chat; None: nothing

    @property
    def match(self) -> CrisisMatch | None:
        """The finding behind the verdict, as a crisis case records it (None for NONE)."""
        if self.verdict is Verdict.NONE:
            return None
        for f in self.findings:
            if f.tier is self.verdict:
                return f.as_match()
        return None


def _as_list(values: Iterable[str], what: str) -> list[str]:
    if isinstance(values, str):  # a bare string would become one term per character
        raise TypeError(f"crisis {what} must be a list of strings, not a string: {values!r}")
    return [str(v) for v in values]


class CrisisAssessor:
    """Assesses messages; built once from config, then shared (it keeps no state per call:
    the chat's state goes in and comes out)."""

    def __init__(self, *, folding: TextFolding, classifier: CrisisClassifier | None,
                 extra_terms_zh: Iterable[str] = (), extra_terms_en: Iterable[str] = (),
                 exceptions: Iterable[str] = (), context_minutes: int = 30,
                 risk_hours: int = 24) -> None:
        """``extra_terms_*`` add clear-intent terms to the lexicon. ``exceptions`` are
        phrases known to be harmless (a course title); each suppresses only a finding it
        covers completely. ``classifier`` None is for tests only.

        Raises TypeError for a bare string instead of a list, ValueError for a term or
        exception without letters or digits.
        """
        self._folding, self._classifier = folding, classifier
        self._window = timedelta(minutes=context_minutes)
        self._risk = timedelta(hours=risk_hours)
        extra: list[tuple[str, str]] = []
        for language, values in (("zh", extra_terms_zh), ("en", extra_terms_en)):
            for term in _as_list(values, f"terms_{language}"):
                if not any(c.isalnum() for c in term):
                    raise ValueError(f"crisis term {term!r} ({language}) has no letters or digits")
                extra.append((folding.simplified(term), language))
        phrases: list[str] = []
        for phrase in _as_list(exceptions, "exceptions"):
            folded = light(folding.simplified(phrase)).text.strip()
            if not any(c.isalnum() for c in folded):
                raise ValueError(f"crisis exception {phrase!r} is empty")
            phrases.append(folded)
        self._lexicon = Lexicon(extra, phrases)
        rules = self._lexicon.rules
        self._labels = {r.family.name: r.family.label for r in rules}
        self._followups = {r.family.name for r in rules if r.family.followup}
        self._amplifiers = {r.family.name for r in rules if r.family.amplifier}
        self._weak = {r.family.name for r in rules if r.tier == "weak"}

    # ------------------------------------------------------------------ the verdict

    def assess(self, text: str, *, now: datetime, state: RiskState | None = None) -> Assessment:
        """The verdict on ``text``, sent at ``now`` in a chat whose remembered state is
        ``state`` (None: nothing remembered). Any length is accepted; the work is linear."""
        now = utc(now)
        prior = state.level_at(now) if state else 0
        recent = self._recent(state, now)
        scan = self._lexicon.scan(text, self._folding)
        findings = [self._finding(hit, scan, text) for hit in scan.hits]
        downgraded = any(h.rule.tier == "crisis" and f.tier is Verdict.REVIEW
                         for h, f in zip(scan.hits, findings, strict=True))
        findings += self._across(recent, text)
        verdict = max((f.tier for f in findings), key=RANK.__getitem__, default=Verdict.NONE)
        why = self._why(findings, verdict, downgraded)
        own_weak = any(h.rule.tier == "weak" for h in scan.hits)
        if verdict is not Verdict.CRISIS and not self._topic_only(scan):
            escalated = self._escalate(findings, prior, own_weak, recent, now, state)
            if escalated is not None:
                findings, why = escalated
                verdict = Verdict.CRISIS
        if verdict is Verdict.NONE and self._classifier is not None and \
                sum(c.isalnum() for c in text) >= MIN_CLASSIFIER_CHARS:
            score = self._classifier.score(text)
            if score >= self._classifier.review_threshold:
                verdict, why = Verdict.REVIEW, f"classifier score {score:.2f}"
                findings.append(Finding("classifier", Verdict.REVIEW, "classifier",
                                        _language(text), 0, len(text), text))
        signal = 0  # the level this message alone speaks for
        if own_weak or verdict is Verdict.REVIEW:
            signal = 1  # a classifier's review is less sure than the lexicon's
        if any(f.tier is Verdict.REVIEW and f.family != "classifier" for f in findings):
            signal = 1 if self._topic_only(scan) else 2
        if verdict is Verdict.CRISIS:
            signal = 2
        findings.sort(key=lambda f: (f.start < 0, f.start, -RANK[f.tier]))
        return Assessment(verdict, why, tuple(findings),
                          self._remember(state, prior, signal, recent, text, now))

    def _finding(self, hit: Hit, scan: Scan, text: str) -> Finding:
        tier = _TIER[hit.rule.tier]
        if tier is Verdict.CRISIS and scan.topic and (
                not hit.first_person or scan.fiction and hit.rule.family.name == "violence"):
            tier = Verdict.REVIEW  # a course, the news, a film, a game: seen, never paged
        return Finding(hit.rule.family.name, tier, hit.rule.term, hit.rule.language,
                       hit.start, hit.end, text[hit.start:hit.end])

    @staticmethod
    def _topic_only(scan: Scan) -> bool:
        """A topic-context message with no first-person finding: it never escalates."""
        return scan.topic and not any(h.first_person for h in scan.hits)

    def _across(self, recent: list[tuple[datetime, str]], text: str) -> list[Finding]:
        """Crisis and review wording that begins in earlier messages and ends in this one."""
        if not recent:
            return []
        # A split wording spans at most a few gaps: the tail of the earlier messages will do.
        before = "\n".join(t for _, t in recent)[-SPLIT_REACH:] + "\n"
        joined = before + text
        # Pinyin wording split over two messages is left out: the pinyin form of the
        # joined text (pypinyin over all of it) would cost more than the rest together.
        scan = self._lexicon.scan(joined, self._folding, ("crisis", "review"), pinyin=False)
        found = []
        for hit in scan.hits:
            if hit.start < len(before) < hit.end and hit.rule.tier in ("crisis", "review"):
                f = self._finding(hit, scan, joined)
                found.append(replace(f, start=-1, end=-1))
        return found

    def _escalate(self, findings: list[Finding], prior: int, own_weak: bool,
                  recent: list[tuple[datetime, str]], now: datetime,
                  state: RiskState | None) -> tuple[list[Finding], str] | None:
        """Findings and why when the conversation makes this message a crisis, else None."""
        followups = {f.family for f in findings if f.family in self._followups}
        serious = [f for f in findings if f.family in self._amplifiers]
        # an amplifier counts for review wording it is not itself part of (决定了，今晚)
        amplified = [f for f in findings if f.tier is Verdict.REVIEW and any(
            s.end <= f.start or f.end <= s.start for s in serious)]
        if followups and (prior >= 1 or own_weak):
            pick = next(f for f in findings if f.family in followups)
            label = "follow-up" if pick.family == "followup" else self._label(pick.family)
            weak = next((f for f in findings if f.family in self._weak), None)
            after = self._earlier(recent, now, state) if prior >= 1 or weak is None else \
                f"{self._label(weak.family)} in the same message"
            why = f"follow-up: {label} '{pick.matched_text}' after {after}"
        elif amplified:
            pick = amplified[0]
            amp = next(s for s in serious if s.end <= pick.start or pick.end <= s.start)
            why = (f"{self._label(amp.family)}: {self._label(pick.family)} '{pick.matched_text}' "
                   f"with '{amp.matched_text}'")
        elif prior >= 2 and any(f.tier is Verdict.REVIEW for f in findings):
            pick = next(f for f in findings if f.tier is Verdict.REVIEW)
            why = (f"repeated distress: {self._label(pick.family)} '{pick.matched_text}' "
                   f"after {self._earlier(recent, now, state)}")
        else:
            return None
        return [replace(f, tier=Verdict.CRISIS) if f is pick else f for f in findings], why

    def _label(self, family: str) -> str:
        return self._labels.get(family, family)

    def _earlier(self, recent: list[tuple[datetime, str]], now: datetime,
                 state: RiskState | None) -> str:
        """What raised the risk, as "hopelessness 12 min earlier"."""
        for at, old in reversed(recent):
            hits = [h for h in self._lexicon.scan(old, self._folding).hits
                    if h.rule.tier != "cue"]
            if hits:
                minutes = int((now - at).total_seconds() // 60)
                return f"{hits[0].rule.family.label} {minutes} min earlier"
        level = state.level if state else 0
        until = f" until {utc(state.until):%Y-%m-%d %H:%M} UTC" if state else ""
        return f"an earlier risk signal (level {level}{until})"

    def _why(self, findings: list[Finding], verdict: Verdict, downgraded: bool) -> str:
        if verdict is Verdict.NONE:
            weak = [f for f in findings if f.start >= 0]
            if weak:
                return f"weak signal: {self._label(weak[0].family)} '{weak[0].matched_text}'"
            return "no crisis wording"
        pick = next(f for f in findings if f.tier is verdict)
        label = self._label(pick.family)
        if pick.start < 0:
            return f"{label} across messages: {' '.join(pick.matched_text.split())}"
        if verdict is Verdict.REVIEW and downgraded:
            return f"{label} in a topic context (course, news, film, game): {pick.matched_text}"
        return f"{label}: {pick.matched_text}"

    # ------------------------------------------------------------------ the state

    def _recent(self, state: RiskState | None, now: datetime) -> list[tuple[datetime, str]]:
        out = []
        for at_text, text in state.recent if state else ():
            at = parse_time(at_text)
            if at is not None and timedelta(0) <= now - at <= self._window:
                out.append((at, text))
        return out[-MAX_RECENT:]

    def _remember(self, state: RiskState | None, prior: int, signal: int,
                  recent: list[tuple[datetime, str]], text: str,
                  now: datetime) -> RiskState | None:
        """The level (raised by this message's signal, refreshed for ``risk_hours``) and the
        recent messages; None when there is nothing to remember."""
        level = max(prior, signal)
        if not text.strip():  # a photo without a caption: the chat's state stays as it was
            return state if state is not None and now < utc(state.until) else None
        if level == 0 and not self._window:
            return None
        until = now + self._window
        if prior and state is not None:
            until = max(until, utc(state.until))
        if signal:
            until = max(until, now + self._risk)
        keep = [(at.isoformat(), old) for at, old in recent]
        keep.append((now.isoformat(), text[:MAX_TEXT]))
        return RiskState(level, until, tuple(keep[-MAX_RECENT:]))


def _language(text: str) -> str:
    return "zh" if any("\u3400" <= c <= "\u9fff" for c in text) else "en"
