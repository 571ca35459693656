"""``/mydata``: the asker's own data as two files, a readable summary and the complete JSON
(core/privacy/mydata.py; written by ``FlowConfig.data_exports`` into the upload folder,
from which each channel sends them as documents). The command takes no argument: nobody
can ask for another person's data here (officers use ``python -m bot privacy export``)."""
from __future__ import annotations

from core.errors import InputError
from core.privacy.mydata import my_data
from core.replies import Reply, t
from handlers.context import FlowContext


async def mydata_command(ctx: FlowContext) -> None:
    if ctx.inbound.command_arg.strip():
        raise InputError("privacy.mydata_arg")
    if ctx.config.data_exports is None:
        raise InputError("privacy.mydata_unavailable")
    data = await my_data(ctx.store, person_id=ctx.identity.person_id, now=ctx.now,
                         actor_id=ctx.identity.person_id)
    files = await ctx.config.data_exports.export(
        data, ctx.identity.locale or ctx.config.rules.default_locale)
    hours = t("privacy.n_hours", count=ctx.config.privacy.export_hours)
    summary, complete = files
    ctx.replies.append(Reply("privacy.mydata_ready", {"hours": hours}, attachments=(summary,)))
    ctx.replies.append(Reply("privacy.mydata_json", attachments=(complete,)))
