"""Start, help, language, cancel, and binding an account with a code."""
from __future__ import annotations

from core.actions import ForgedAction, Verb, decode, encode
from core.people.binding import bind_identity
from core.privacy.notice import privacy_notice as generated_notice
from core.errors import InputError
from core.replies import Button, t
from handlers.context import FlowContext

LOCALE_CHOICES = ("zh_CN", "en")


def main_menu(ctx: FlowContext) -> tuple[tuple[Button, ...], ...]:
    return ((Button("button.new_concern", encode(Verb.NEW, "", ctx.conv.version)),),)


async def start(ctx: FlowContext) -> None:
    code = ctx.inbound.command_arg.strip()
    if code:
        person_id = await bind_identity(ctx.store, ctx.identity, code, now=ctx.now,
                                        limits=ctx.config.binding)
        ctx.identity.person_id = person_id
        card = await ctx.store.person_card(person_id)
        ctx.conv.goto("idle")
        ctx.say("bind.ok", main_menu(ctx), name=card.name if card else "")
        return
    ctx.conv.goto("idle")
    ctx.say("start.welcome", main_menu(ctx), university=ctx.config.university_name)


#: Channels whose people never bind with a code (the web page is opened by its link).
_NO_BINDING = {"web"}


#: Commands that can start a concern: the notice goes before their replies.
_STARTS_CONCERN = {"start", "new"}


def _could_start_concern(ctx: FlowContext) -> bool:
    ib = ctx.inbound
    if ib.kind in ("text", "attachment"):
        return True
    if ib.kind == "command":
        return ib.command in _STARTS_CONCERN
    if ib.kind == "callback":
        try:
            return decode(ib.callback_data or "").verb == Verb.NEW
        except ForgedAction:
            return False
    return False


async def privacy_notice(ctx: FlowContext) -> None:
    """PIPL: every account is told what is kept, who sees it and for how long before
    anything it sends becomes a concern. The router calls this for every message; the
    notice goes out once per account (remembered on it). It comes ahead of the flow's
    replies when the message could start a concern (text, a photo or file, /start, /new,
    the 📝 button); otherwise after them, so it never splits a staff member's action (a
    /tasks, a 我来处理 or a dispatch press) from its answer. Nothing but those messages
    starts a concern, so the notice is still out before the first one."""
    if ctx.identity.privacy_noticed:
        return
    await ctx.store.mark_privacy_noticed(ctx.identity.id, ctx.now)
    ctx.identity.privacy_noticed = True
    notice = generated_notice(ctx.config.privacy)  # generated from [privacy]
    if _could_start_concern(ctx):
        ctx.replies.insert(0, notice)
    else:
        ctx.replies.append(notice)


async def help_(ctx: FlowContext) -> None:
    """Help for the channel it is asked on: the commands of the menu, and who can do what."""
    from handlers.router import MENU  # the menu the channels show; router imports us

    linked = ctx.inbound.channel in _NO_BINDING
    commands = [t("help.command", command=c, description=t(f"commands.{c}"))
                for c in MENU if not (linked and c == "start")]
    ctx.say("help.text_web" if linked else "help.text", commands=commands, roles=t("help.roles"))


async def cancel(ctx: FlowContext) -> None:
    if ctx.conv.flow == "idle":
        ctx.say("cancel.nothing")
    else:
        ctx.conv.goto("idle")
        ctx.say("cancel.done", main_menu(ctx))


LOCALE_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "cn": "zh_CN", "en": "en"}


async def lang(ctx: FlowContext) -> None:
    # "/lang en" sets it at once (the web page's language switch sends this); a bare
    # "/lang", or a code we do not know, shows the choice.
    code = LOCALE_ALIASES.get(ctx.inbound.command_arg.strip().lower())
    if code:
        await ctx.store.set_identity_locale(ctx.identity.id, code)
        ctx.identity.locale = code
        ctx.say("lang.set")
        return
    ctx.conv.goto(ctx.conv.flow, ctx.conv.step)
    ctx.say("lang.choose", (tuple(Button(f"lang.{code}", encode(Verb.LANG, code, ctx.conv.version))
                                  for code in LOCALE_CHOICES),))


async def lang_chosen(ctx: FlowContext, code: str) -> None:
    if code not in LOCALE_CHOICES:
        raise InputError("error.forged")  # the router audits it and says so
    await ctx.store.set_identity_locale(ctx.identity.id, code)
    ctx.identity.locale = code
    ctx.toast()
    ctx.say("lang.set", edit=True)
