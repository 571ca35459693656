"""Buttons drawn on task cards and follow-up questions (payloads are checked again in core)."""
from __future__ import annotations

from core.actions import Verb, encode
from core.concerns.lifecycle import Action, Actor, allowed_actions
from core.model import ConcernStatus
from core.replies import Button

#: The handler's buttons: verb, the lifecycle step whose permission the button needs,
#: and its label. The one table both for drawing a button and for accepting its press
#: (handlers.concerns.tasks checks a press against ``STEP_OF``), so the two cannot drift apart.
#: Contacting the requester is possible exactly while a reply is (accepted, in progress,
#: extension pending); the first message is the 响应 (first_contact).
TASK_BUTTONS: tuple[tuple[Verb, Action, str], ...] = (
    (Verb.ACCEPT, Action.ACCEPT, "button.accept"),
    (Verb.CONTACT, Action.REPLY, "button.contact"),
    (Verb.REPLY, Action.REPLY, "button.reply"),
    (Verb.EXTEND, Action.REQUEST_EXTENSION, "button.extend"),
    (Verb.RETURN, Action.RETURN, "button.return"),
)
STEP_OF: dict[Verb, Action] = {verb: action for verb, action, _ in TASK_BUTTONS}


def handler_verbs(status: ConcernStatus) -> list[Verb]:
    """The task-card buttons the assigned member may press on a concern in ``status``."""
    allowed = allowed_actions(status, Actor.HANDLER)
    return [verb for verb, action, _ in TASK_BUTTONS if action in allowed]


def member_buttons(concern_id: int, status: ConcernStatus) -> tuple[tuple[Button, ...], ...]:
    """What the assigned member may do now, as rows of two buttons."""
    verbs = set(handler_verbs(status))
    buttons = [Button(label, encode(verb, str(concern_id))) for verb, _, label
               in TASK_BUTTONS if verb in verbs]
    return tuple(tuple(buttons[i:i + 2]) for i in range(0, len(buttons), 2))


def answer_button(concern_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button("button.answer", encode(Verb.ANSWER, str(concern_id))),),)


def revisit_buttons(concern_id: int, question: str) -> tuple[tuple[Button, ...], ...]:
    """Follow-up questions: c(ontacted) y/n, s(olved) y/n, r(ating) s/b/u."""
    options = {"c": ("y", "n"), "s": ("y", "n"), "r": ("s", "b", "u")}[question]
    return (tuple(Button(f"revisit.{question}{o}", encode(Verb.REVISIT, f"{concern_id}.{question}{o}"))
                  for o in options),)
