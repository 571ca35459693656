"""A person's own data (PIPL 查阅、复制; docs/decisions/0027): everything held about them,
for ``/mydata`` (only ever the asker's own: the flow takes no argument) and for officers'
``python -m bot privacy export PERSON``. Every export is audited: who, for whom, how.

An officer's export leaves out the person's anonymous concerns (a 举报 among them): it
would tell the officer who wrote them, which only the identity supervisor may learn, and
only with ``/reveal`` (audited, the person told; docs/decisions/0008). It says how many
were left out and that the person gets them with /mydata, which keeps them.

What an export does not include is listed under ``not_included`` as stable codes
(``NOT_INCLUDED``) with a count; the bot adds each code's words in the reader's language
(bot/privacy_summary.py ``localised``)."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.errors import InputError
from core.ports import MessageStore
from core.privacy.ports import PrivacyStore
from core.types import JSON

#: how an export was asked for (the audit row says)
VIA_CHAT, VIA_CLI = "chat", "cli"
#: what an export may leave out: anonymous survey answers (linked to nobody), and in an
#: officer's export the anonymous concerns
ANONYMOUS_ANSWERS, ANONYMOUS_CONCERNS = "anonymous_survey_answers", "anonymous_concerns"
NOT_INCLUDED = (ANONYMOUS_ANSWERS, ANONYMOUS_CONCERNS)


class MyDataStore(PrivacyStore, MessageStore, Protocol):
    """What an export needs."""


async def my_data(store: MyDataStore, *, person_id: int | None, now: datetime,
                  via: str = VIA_CHAT, actor_id: int | None = None) -> dict[str, JSON]:
    """Everything held about ``person_id`` as JSON; audited as ``privacy_export``.

    ``actor_id``: who asked (the person themselves in chat; None from the CLI, which only
    an operator with the server can run). An account bound to nobody holds nothing but
    itself: refused with ``privacy.mydata_unbound``."""
    data = None if person_id is None else await store.person_data(person_id)
    if person_id is None or data is None:
        raise InputError("privacy.mydata_unbound")
    await store.audit("privacy_export", actor_id if via == VIA_CHAT else None,
                      {"person_id": person_id, "via": via}, now)
    surveys = data.get("surveys")
    took_part = surveys.get("took_part") if isinstance(surveys, dict) else None
    anonymous = sum(1 for s in took_part or [] if isinstance(s, dict) and s.get("anonymous"))
    not_included: list[JSON] = [{"code": ANONYMOUS_ANSWERS, "count": anonymous}]
    if via != VIA_CHAT:  # an officer's: the escrow keeps who wrote an anonymous concern
        concerns = data.get("concerns")
        listed = concerns if isinstance(concerns, list) else []
        shown = [c for c in listed if not (isinstance(c, dict) and c.get("anonymous"))]
        data = {**data, "concerns": shown}
        not_included.append({"code": ANONYMOUS_CONCERNS, "count": len(listed) - len(shown)})
    return {"generated_at": now.isoformat(), **data,
            "anonymous_surveys": anonymous, "not_included": not_included}


async def export_by_number(store: MyDataStore, number: str, *,
                           now: datetime) -> dict[str, JSON] | None:
    """An officer's export of the person with this roster number (None: unknown)."""
    person_id = await store.person_id_by_number(number.strip())
    if person_id is None:
        return None
    return await my_data(store, person_id=person_id, now=now, via=VIA_CLI)
