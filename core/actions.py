"""Button action payloads: small, versioned, and checked like any other input.

Format: ``x1:<verb>:<arg>:<state version>``. The state version ties a button to the
conversation step that drew it, so a stale button (an older step) is recognised and
refused politely. A payload that does not parse is treated as forged.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from core.replies import MAX_CALLBACK_BYTES

PREFIX = "x1"


class Verb(str, enum.Enum):
    NEW = "new"          # start a new concern
    COLLEGE = "col"      # unverified requester picks a college
    BUILDING = "bld"     # unverified requester picks a dorm building
    CATEGORY = "cat"     # pick a category
    TYPE = "typ"         # pick a concern type
    DONE = "done"        # finished writing the text
    CONFIRM = "ok"       # submit the draft
    CANCEL = "no"        # abandon the current flow
    LANG = "lang"        # switch language
    # Concern handling: the argument is the concern id (stateless buttons; core checks access)
    ACCEPT = "acc"       # member signs for (签收) the concern
    RETURN = "ret"       # member returns (退单) it, a reason follows
    CONTACT = "msg"      # member writes to the requester through the bot
    REPLY = "rep"        # member marks it replied (答复), a summary follows
    EXTEND = "ext"       # member asks the college for more time
    EXT_OK = "exa"       # college approves the extension
    EXT_NO = "exd"       # college denies it
    REDISPATCH = "rd"    # secretary picks a member: "<concern>.<person>"
    ANSWER = "ans"       # requester writes back to the handler
    REVISIT = "rv"       # follow-up answers: "<concern>.<question><answer>", e.g. "12.cy"
    ABOUT = "abm"        # confirm step: the concern is about a Party member (conflict)
    ABOUT_BRANCH = "abb"  # which branch that member is in: an index, or "-" for unknown
    CRISIS_ACK = "cak"   # a paged responder takes a crisis case (argument: the case id)
    CRISIS_CLOSE = "ccl"  # close (结案) a taken crisis case, a note follows (arg: case id)
    # Reception days (stateless but RC_CONFIRM; core re-checks every press)
    RC_BOOK = "rbk"      # book a session (arg: session id), a topic follows
    RC_CONFIRM = "rok"   # confirm the written topic
    RC_TOPICS = "rtp"    # see a session's topics (arg: session id)
    RC_JOIN = "rjn"      # join a topic, 同问 (arg: topic id)
    RC_CANCEL = "rcx"    # cancel one's booking (arg: booking id)
    RA_CONFIRM = "rac"   # an admin confirms /receptions cancel or remove (no arg: the
    #                      conversation holds the command; tied to its step's version)
    RC_FEED_STOP = "rfs"  # a leader revokes their calendar-feed link (no argument)
    # After a session (the leader or an admin; core checks who may record)
    RC_RECORD = "rrc"    # show a session's record card (arg: session id)
    RC_ANSWERED = "ran"  # a topic was answered on the spot (arg: topic id)
    RC_FOLLOW = "rfu"    # a topic needs follow-up: pick the unit (arg: topic id)
    RC_UNIT = "run"      # the follow-up's unit (arg: "<topic id>.<unit id>")
    # Answering a survey (stateless: core checks the person, the survey and the question)
    SV_OPEN = "sop"      # start or resume (arg: survey id)
    SV_PICK = "spk"      # a choice or rating (arg: "<survey>.<question index>.<choice>")
    SV_BACK = "sbk"      # the previous question (arg: "<survey>.<question index>")
    SV_NEXT = "snx"      # on past an optional question or a multiple choice (same arg)
    SV_SUBMIT = "ssb"    # submit (arg: survey id)
    SA_CONFIRM = "sac"   # an admin confirms /survey push, cancel or close (no arg: the
                         # conversation holds the command; tied to its step)
    # Personal information (core/privacy/erasure.py)
    PV_ERASE = "pve"     # a person confirms their erasure request (no arg; tied to its step)
    PV_APPROVE = "pva"   # an admin approves an erasure request (arg: the request's token)
    PV_REFUSE = "pvr"    # an admin refuses it, a reason follows (arg: the request's token)


_ARG = re.compile(r"^[A-Za-z0-9_\-\.]{0,40}\Z")  # \Z: "$" would allow a trailing newline


class ForgedAction(ValueError):
    """The payload is not one this bot could have drawn."""


@dataclass(frozen=True)
class Action:
    verb: Verb
    arg: str
    version: int

    def encode(self) -> str:
        return encode(self.verb, self.arg, self.version)


def encode(verb: Verb, arg: str = "", version: int = 0) -> str:
    if not _ARG.match(arg):
        raise ValueError(f"action argument not encodable: {arg!r}")
    payload = f"{PREFIX}:{verb.value}:{arg}:{version}"
    if len(payload.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"action payload over {MAX_CALLBACK_BYTES} bytes: {payload!r}")
    return payload


def decode(payload: str) -> Action:
    """Parse a payload or raise ForgedAction."""
    if not isinstance(payload, str) or len(payload.encode()) > MAX_CALLBACK_BYTES:
        raise ForgedAction("bad size")
    parts = payload.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise ForgedAction("bad shape")
    _, verb, arg, version = parts
    try:
        v = Verb(verb)
    except ValueError as exc:
        raise ForgedAction("unknown verb") from exc
    # isascii: str.isdigit() accepts '²' and '١', which int() rejects or misreads
    if not _ARG.match(arg) or not (version.isascii() and version.isdigit()):
        raise ForgedAction("bad argument")
    return Action(v, arg, int(version))
