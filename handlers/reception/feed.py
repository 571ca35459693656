"""/feed: a leader's calendar-feed link for their reception days, with a button to stop it.

Each /feed gives a new link (the earlier ones stop working: only a token's hash is kept,
so a link cannot be shown twice). The button stops every link of the leader and replaces
the message that showed one. Thin: who may, and the audit, are in core.reception.feed.
"""
from __future__ import annotations

from core.actions import Verb, encode
from core.reception.feed import feed_url, renew_feed, revoke_feed
from core.replies import Button
from handlers.context import FlowContext

SOURCE = "chat"


async def feed_command(ctx: FlowContext) -> None:
    me = ctx.identity.person_id
    base = ctx.config.feed_base_url
    token = await renew_feed(ctx.store, me, ctx.now, actor_id=me, source=SOURCE,
                             served=base is not None)
    assert base is not None  # renew_feed refused it otherwise
    ctx.say("feed.link", ((Button("feed.stop_button", encode(Verb.RC_FEED_STOP)),),),
            url=feed_url(base, token))


async def stop_pressed(ctx: FlowContext) -> None:
    me = ctx.identity.person_id
    await revoke_feed(ctx.store, me, ctx.now, actor_id=me, source=SOURCE)
    ctx.toast()
    ctx.say("feed.revoked", edit=True)
