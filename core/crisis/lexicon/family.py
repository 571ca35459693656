"""One family of crisis wording: its name, what it is, and its patterns by tier."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """A named kind of crisis wording, with its patterns by tier.

    A pattern is Chinese when it contains a Chinese character, pinyin when it starts with
    ``py:`` (matched on the pinyin form, so "zi sha" also meets 紫砂 and "zisha"), English
    otherwise. Tiers:

    * ``crisis``: clear intent, a method with the first person, a plan, preparations made.
      The P0 path.
    * ``review``: possible distress (indirect wording without clear intent, a bare topic
      word). A caring reply and a review item for the crisis team.
    * ``weak``: no verdict on its own; raises the chat's risk level to 1 for a while.
    * ``cue``: no verdict on its own and no risk; counts only as a follow-up.

    ``followup`` marks the families that say preparations are made: while the chat's risk
    level is at least 1, any of their patterns (cue included) makes the message a crisis.
    ``amplifier`` marks a family whose cues (saying one is serious) make review wording in
    the same message a crisis; they count in a message of any length.
    ``gap`` is the size of a ``…`` gap in Chinese characters (English: four times as many
    skeleton characters, about three words; pinyin: five times).
    """

    name: str
    label: str  # for the operator's one line of "why"
    about: str  # what this family is, with examples, for the counsellor who reviews it
    crisis: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    cue: tuple[str, ...] = ()
    followup: bool = False
    amplifier: bool = False
    gap: int = 4
