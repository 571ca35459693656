"""A session's agenda (议程): its topics with who brings them and their related open
concerns, its hosts (the leader, the accompanying heads, a visit's contact unit), and the
card that asks the leader to record each topic's outcome after the session.

Related concerns shown to a leader are the bookers' own open, named concerns only: an
anonymous concern, a 举报 and a crisis case are never listed (the leader sees the name,
and those promised not to show it).
"""
from __future__ import annotations

from collections.abc import Sequence

from core.actions import Verb, encode
from core.reception.ports import AgendaPerson, AgendaTopic, Hosts, ReceptionStore
from core.replies import Button, Reply, t
from core.types import JSON

#: how much of a topic the agenda shows (a message stays under Telegram's 4096 characters
#: with a full session of 6 topics)
AGENDA_CHARS = 300
ANSWERED = "answered"
FOLLOW_UP = "follow_up"


def clip(text: str, limit: int = AGENDA_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def hosts_of(hosts: Hosts) -> JSON:
    if not hosts.accompany_names:
        return t("reception.accompany_none")
    return t("reception.accompany", names="、".join(hosts.accompany_names))


def _person(p: AgendaPerson) -> str:
    return f"{p.name}（{p.unit}）" if p.unit else p.name


async def agenda_lines(store: ReceptionStore, agenda: Sequence[AgendaTopic]) -> list[JSON]:
    """One entry per topic: its text, who comes, and their related open concerns."""
    if not agenda:
        return [t("reception.agenda_empty")]
    related = await store.related_open_concerns(
        sorted({p.id for topic in agenda for p in topic.people}))
    lines: list[JSON] = []
    for n, topic in enumerate(agenda, 1):
        lines.append(t("reception.agenda_line", n=n, text=clip(topic.text),
                       people="、".join(_person(p) for p in topic.people),
                       files=t("unit.files", count=topic.files) if topic.files else ""))
        mine = [c for p in topic.people for c in related.get(p.id, [])]
        if mine:
            lines.append(t("reception.agenda_related", items=[
                t("reception.related_item", number=c.number, category=t(f"category.{c.category}"),
                  status=t(f"status.{c.status}")) for c in mine]))
    return lines


def outcome_word(topic: AgendaTopic) -> JSON:
    if topic.outcome == ANSWERED:
        return t("reception.outcome_answered")
    if topic.outcome == FOLLOW_UP:
        return t("reception.outcome_follow_up", number=topic.concern_number or "",
                 unit=topic.unit or "")
    return t("reception.outcome_open")


async def record_card(store: ReceptionStore, session_id: int,
                      params: dict[str, JSON]) -> Reply | None:
    """The after-session card: each topic with its outcome so far and, for the open ones,
    buttons "answered on the spot" and "follow up"; None when the session had no topic."""
    agenda = await store.session_agenda(session_id)
    if not agenda:
        return None
    lines = [t("reception.record_line", n=n, text=clip(topic.text, 60),
               people="、".join(p.name for p in topic.people), outcome=outcome_word(topic))
             for n, topic in enumerate(agenda, 1)]
    buttons = tuple((Button("reception.answered_button", encode(Verb.RC_ANSWERED, str(tp.id)),
                            {"n": n}),
                     Button("reception.follow_button", encode(Verb.RC_FOLLOW, str(tp.id)),
                            {"n": n}))
                    for n, tp in enumerate(agenda, 1) if tp.outcome is None)
    open_topics = sum(1 for tp in agenda if tp.outcome is None)
    return Reply("reception.record", {**params, "lines": lines,
                                        "open": t("unit.topics", count=open_topics)}, buttons)
