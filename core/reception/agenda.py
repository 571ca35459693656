"""A session's agenda (议程): its topics with who brings them and their related open
concerns, its hosts (the leader, the accompanying heads, a visit's contact unit), and the
card that asks the leader to record each topic's outcome after the session.

Related concerns shown to a leader are the bookers' own open, named concerns only: an
anonymous concern, a 举报, a crisis case and a concern about mental or physical health
(categories psych, health) are never listed: the agenda names the person, and those
channels promised not to show them to a leader or an accompanying head.
"""
from __future__ import annotations

from collections.abc import Sequence

from core.actions import Verb, encode
from core.reception.ports import AgendaPerson, AgendaTopic, Hosts, ReceptionStore, \
    RelatedConcern
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


#: what one message's topic lines may take (Telegram shows at most 4096 characters)
PART_CHARS = 3000
#: related open concerns shown per topic, at most
MAX_RELATED = 5
#: topics with record buttons on one card (two buttons each)
RECORD_BUTTONS = 8


def _lines(n: int, topic: AgendaTopic, related: Sequence[RelatedConcern]) -> list[JSON]:
    lines: list[JSON] = [t("reception.agenda_line", n=n, text=clip(topic.text),
                           people="、".join(_person(p) for p in topic.people),
                           files=t("unit.files", count=topic.files) if topic.files else "")]
    if related:
        lines.append(t("reception.agenda_related", items=[
            t("reception.related_item", number=c.number, category=t(f"category.{c.category}"),
              status=t(f"status.{c.status}")) for c in related[:MAX_RELATED]]))
    return lines


def _cost(topic: AgendaTopic, related: Sequence[RelatedConcern]) -> int:
    """A generous estimate of the characters a topic's lines take."""
    return (len(clip(topic.text)) + 60 + sum(len(p.name) + len(p.unit) + 3 for p in topic.people)
            + 40 * min(len(related), MAX_RELATED))


async def agenda_messages(store: ReceptionStore, agenda: Sequence[AgendaTopic], key: str,
                          params: dict[str, JSON]) -> list[Reply]:
    """The agenda as ``key`` with every topic: its text (the first 300 characters), who
    brings it, and their related open concerns. A long agenda continues in further
    messages ("reception.agenda_more"), so nothing is cut at Telegram's limit."""
    if not agenda:
        return [Reply(key, {**params, "lines": [t("reception.agenda_empty")]})]
    related = await store.related_open_concerns(
        sorted({p.id for topic in agenda for p in topic.people}))
    parts: list[list[JSON]] = [[]]
    size = 0
    for n, topic in enumerate(agenda, 1):
        mine = [c for p in topic.people for c in related.get(p.id, [])]
        cost = _cost(topic, mine)
        if parts[-1] and size + cost > PART_CHARS:
            parts.append([])
            size = 0
        parts[-1].extend(_lines(n, topic, mine))
        size += cost
    return [Reply(key, {**params, "lines": parts[0]})] + [
        Reply("reception.agenda_more", {"day": params.get("day", ""), "part": i,
                                        "parts": len(parts), "lines": lines})
        for i, lines in enumerate(parts[1:], 2)]


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
    # A full session of 50 topics still fits one message: shorter lines, and buttons for
    # the first open topics only (the card comes again after each record).
    short = 60 if len(agenda) <= 20 else 20
    lines = [t("reception.record_line", n=n, text=clip(topic.text, short),
               people="、".join(p.name for p in topic.people), outcome=outcome_word(topic))
             for n, topic in enumerate(agenda, 1)]
    todo = [(n, tp) for n, tp in enumerate(agenda, 1) if tp.outcome is None]
    buttons = tuple((Button("reception.answered_button", encode(Verb.RC_ANSWERED, str(tp.id)),
                            {"n": n}),
                     Button("reception.follow_button", encode(Verb.RC_FOLLOW, str(tp.id)),
                            {"n": n}))
                    for n, tp in todo[:RECORD_BUTTONS])
    return Reply("reception.record", {**params, "lines": lines,
                                        "open": t("unit.topics", count=len(todo))}, buttons)
