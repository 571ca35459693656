"""Buttons drawn on task cards and follow-up questions (payloads are checked again in core)."""
from __future__ import annotations

from core.actions import Verb, encode
from core.lifecycle import Action, Actor, allowed_actions
from core.model import ConcernStatus
from core.replies import Button

_MEMBER_BUTTONS = (
    (Action.ACCEPT, Verb.ACCEPT, "button.accept"),
    (Action.FIRST_CONTACT, Verb.CONTACT, "button.contact"),
    (Action.REPLY, Verb.REPLY, "button.reply"),
    (Action.REQUEST_EXTENSION, Verb.EXTEND, "button.extend"),
    (Action.RETURN, Verb.RETURN, "button.return"),
)


def member_buttons(concern_id: int, status: ConcernStatus) -> tuple[tuple[Button, ...], ...]:
    """What the assigned member may do now, as rows of two buttons."""
    allowed = allowed_actions(status, Actor.HANDLER)
    buttons = [Button(label, encode(verb, str(concern_id))) for action, verb, label
               in _MEMBER_BUTTONS if action in allowed]
    # Talking to the requester stays possible after first contact, until the reply.
    if status in (ConcernStatus.IN_PROGRESS, ConcernStatus.EXTENSION_REQUESTED) and not any(
            b.label == "button.contact" for b in buttons):
        buttons.insert(0, Button("button.contact", encode(Verb.CONTACT, str(concern_id))))
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def answer_button(concern_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("button.answer", encode(Verb.ANSWER, str(concern_id))),),)


def revisit_buttons(concern_id: int, question: str) -> tuple[tuple[Button, ...], ...]:
    """Follow-up questions: c(ontacted) y/n, s(olved) y/n, r(ating) s/b/u."""
    options = {"c": ("y", "n"), "s": ("y", "n"), "r": ("s", "b", "u")}[question]
    return (tuple(Button(f"revisit.{question}{o}", encode(Verb.REVISIT, f"{concern_id}.{question}{o}"))
                  for o in options),)
