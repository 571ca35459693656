"""The intake wizard: (profile for unverified users) -> category -> type -> text -> confirm."""
from __future__ import annotations

from core.actions import Verb, encode
from core.people.binding import bind_unverified
from core.concerns.categories import CATEGORY_CODES
from core.errors import InputError
from core.concerns.intake import about_branch_choices, check_addition, check_draft, submit_concern
from core.model import ConcernType, Draft
from core.replies import Button, t
from core.types import JSON, is_object, is_object_list, is_str_list, opt_str
from handlers.context import FlowContext
from handlers.people.start import main_menu

#: 举报 is a concern type routed to the discipline office, not a category to pick.
PICKABLE_CATEGORIES = tuple(c for c in CATEGORY_CODES if c != "report")
FLOW = "intake"
#: the confirm button's argument for "submit anonymously" (the handler does not see who)
ANONYMOUS = "a"


def _draft(ctx: FlowContext) -> Draft:
    """The draft as ``_keep`` left it in the conversation (a new one if there is none)."""
    kept = ctx.conv.data.get("draft", {})
    d = kept if is_object(kept) else {}
    texts, attachments = d.get("texts", []), d.get("attachments", [])
    return Draft(category=opt_str(d.get("category")), type=opt_str(d.get("type")),
                 texts=texts if is_str_list(texts) else [],
                 attachments=attachments if is_object_list(attachments) else [],
                 about_member=bool(d.get("about_member", False)),
                 about_branch_code=opt_str(d.get("about_branch_code")),
                 anonymous=bool(d.get("anonymous", False)))


def _choices(ctx: FlowContext, key: str) -> list[str]:
    """What the current step's numbered buttons stand for (codes or names, in order)."""
    kept = ctx.conv.data.get(key, [])
    return kept if is_str_list(kept) else []


def _keep(ctx: FlowContext, draft: Draft) -> None:
    ctx.conv.data["draft"] = {"category": draft.category, "type": draft.type,
                              "texts": draft.texts, "attachments": draft.attachments,
                              "about_member": draft.about_member,
                              "about_branch_code": draft.about_branch_code}


def _rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))


def _cancel_row(ctx: FlowContext) -> tuple[Button, ...]:
    return (Button("button.cancel", encode(Verb.CANCEL, "", ctx.conv.version)),)


async def begin(ctx: FlowContext, *, text: str | None = None,
                attachment: dict[str, JSON] | None = None, edit: bool = False) -> None:
    draft = Draft()
    if text:
        check_addition(draft, text, ctx.config.rules)
        draft.texts.append(text)
    if attachment:
        draft.attachments.append(attachment)
    ctx.conv.goto(FLOW, "start")
    _keep(ctx, draft)
    if ctx.identity.person_id is None or await _unplaced(ctx, ctx.identity.person_id):
        await _ask_college(ctx, edit=edit)
    else:
        _ask_category(ctx, edit=edit)


async def _unplaced(ctx: FlowContext, person_id: int) -> bool:
    """An unverified profile with no college yet: the one the crisis path made on the
    spot for an unbound writer. The intake asks its college and building as for anyone
    unbound (core.people.binding.bind_unverified then places that same profile)."""
    card = await ctx.store.person_card(person_id)
    return card is not None and not card.verified and card.college_name is None


async def _ask_college(ctx: FlowContext, *, edit: bool) -> None:
    colleges = await ctx.store.colleges()
    ctx.conv.goto(FLOW, "college", colleges=[c for c, _ in colleges])
    buttons = [Button("button.plain", encode(Verb.COLLEGE, str(i), ctx.conv.version),
                      {"label": name}) for i, (_, name) in enumerate(colleges)]
    ctx.say("profile.ask_college", _rows(buttons, 2) + (_cancel_row(ctx),), edit=edit)


async def college_chosen(ctx: FlowContext, arg: str) -> None:
    codes = _choices(ctx, "colleges")
    if ctx.conv.step != "college" or not arg.isdigit() or int(arg) >= len(codes):
        raise InputError("error.stale")
    ctx.toast()
    buildings = await ctx.store.dorm_buildings()
    ctx.conv.goto(FLOW, "building", college=codes[int(arg)], buildings=buildings)
    buttons = [Button("button.plain", encode(Verb.BUILDING, str(i), ctx.conv.version),
                      {"label": b}) for i, b in enumerate(buildings)]
    ctx.say("profile.ask_building", _rows(buttons, 3) + (_cancel_row(ctx),), edit=True)


async def building_chosen(ctx: FlowContext, building: str) -> None:
    building = building.strip()
    if not building or len(building) > 60:
        raise InputError("profile.bad_building")
    ctx.identity.person_id = await bind_unverified(
        ctx.store, ctx.identity, name=ctx.inbound.display_name or ctx.inbound.username or "—",
        college_code=str(ctx.conv.data["college"]), dorm_building=building, now=ctx.now,
        audit={"college": ctx.conv.data["college"], "building": building})
    ctx.toast()
    _ask_category(ctx, edit=ctx.inbound.kind == "callback")


async def building_button(ctx: FlowContext, arg: str) -> None:
    names = _choices(ctx, "buildings")
    if ctx.conv.step != "building" or not arg.isdigit() or int(arg) >= len(names):
        raise InputError("error.stale")
    await building_chosen(ctx, names[int(arg)])


def _ask_category(ctx: FlowContext, *, edit: bool) -> None:
    ctx.conv.goto(FLOW, "category")
    buttons = [Button(f"category.{c}", encode(Verb.CATEGORY, c, ctx.conv.version))
               for c in PICKABLE_CATEGORIES]
    ctx.say("intake.ask_category", _rows(buttons, 2) + (_cancel_row(ctx),), edit=edit)


async def category_chosen(ctx: FlowContext, code: str) -> None:
    if ctx.conv.step != "category" or code not in PICKABLE_CATEGORIES:
        raise InputError("error.stale")
    draft = _draft(ctx)
    draft.category = code
    ctx.conv.goto(FLOW, "type")
    _keep(ctx, draft)
    ctx.toast()
    buttons = [Button(f"type.{t.value}", encode(Verb.TYPE, t.value, ctx.conv.version))
               for t in ConcernType]
    ctx.say("intake.ask_type", _rows(buttons, 3) + (_cancel_row(ctx),), edit=True,
            category={"t": f"category.{code}"})


async def type_chosen(ctx: FlowContext, code: str) -> None:
    if ctx.conv.step != "type" or code not in {t.value for t in ConcernType}:
        raise InputError("error.stale")
    draft = _draft(ctx)
    draft.type = code
    ctx.toast()
    if draft.texts or draft.attachments:
        _ask_confirm(ctx, draft, edit=True)
        return
    ctx.conv.goto(FLOW, "text")
    _keep(ctx, draft)
    ctx.say("intake.ask_text", (_cancel_row(ctx),), edit=True,
            limit=t("unit.chars", count=ctx.config.rules.max_text_chars))


async def add_text(ctx: FlowContext, text: str) -> None:
    draft = _draft(ctx)
    check_addition(draft, text, ctx.config.rules)
    draft.texts.append(text)
    _after_addition(ctx, draft)


async def add_attachment(ctx: FlowContext, attachment: dict[str, JSON]) -> None:
    draft = _draft(ctx)
    if len(draft.attachments) >= ctx.config.rules.max_attachments:
        raise InputError("intake.too_many_files", count=ctx.config.rules.max_attachments)
    caption = ctx.inbound.text
    if caption:
        check_addition(draft, caption, ctx.config.rules)
        draft.texts.append(caption)
    draft.attachments.append(attachment)
    _after_addition(ctx, draft)


def _after_addition(ctx: FlowContext, draft: Draft) -> None:
    if ctx.conv.step in ("text", "more", "confirm"):
        ctx.conv.goto(FLOW, "more")
        _keep(ctx, draft)
        ctx.say("intake.added", ((Button("button.done", encode(Verb.DONE, "", ctx.conv.version)),
                                  *_cancel_row(ctx)),),
                texts=t("unit.text_parts", count=len(draft.texts)),
                files=t("unit.files", count=len(draft.attachments)))
    else:  # text sent while a button choice is awaited: keep it, repeat the question
        _keep(ctx, draft)
        ctx.say("intake.kept_waiting_choice")


async def done(ctx: FlowContext) -> None:
    if ctx.conv.step not in ("more", "text"):
        raise InputError("error.stale")
    ctx.toast()
    _ask_confirm(ctx, _draft(ctx), edit=True)


def _ask_confirm(ctx: FlowContext, draft: Draft, *, edit: bool) -> None:
    check_draft(draft, ctx.config.rules)
    ctx.conv.goto(FLOW, "confirm")
    _keep(ctx, draft)
    rows: tuple[tuple[Button, ...], ...] = (
        (Button("button.submit", encode(Verb.CONFIRM, "", ctx.conv.version)),
         Button("button.submit_anonymous", encode(Verb.CONFIRM, ANONYMOUS, ctx.conv.version))),
        _cancel_row(ctx))
    if not draft.about_member:  # conflict of interest: routed above the member's branch
        rows += ((Button("button.about_member", encode(Verb.ABOUT, "", ctx.conv.version)),),)
    ctx.say("intake.confirm", rows, edit=edit,
            category={"t": f"category.{draft.category}"}, type={"t": f"type.{draft.type}"},
            text=draft.text or "—", files=len(draft.attachments))
    if draft.about_member:
        ctx.say("intake.about_member_note", branch=draft.about_branch_code or "—")


async def about_member(ctx: FlowContext) -> None:
    """"涉及党员" on the confirm step: ask which branch (optional)."""
    if ctx.conv.step != "confirm" or ctx.identity.person_id is None:
        raise InputError("error.stale")
    branches = await about_branch_choices(ctx.store, ctx.identity.person_id)
    ctx.conv.goto(FLOW, "about_branch", branches=[c for c, _ in branches])
    buttons = [Button("button.plain", encode(Verb.ABOUT_BRANCH, str(i), ctx.conv.version),
                      {"label": name}) for i, (_, name) in enumerate(branches)]
    buttons.append(Button("button.about_unknown", encode(Verb.ABOUT_BRANCH, "-",
                                                         ctx.conv.version)))
    ctx.toast()
    ctx.say("intake.ask_about_branch", _rows(buttons, 1) + (_cancel_row(ctx),), edit=True)


async def about_branch_chosen(ctx: FlowContext, arg: str) -> None:
    codes = _choices(ctx, "branches")
    if ctx.conv.step != "about_branch" or not (
            arg == "-" or (arg.isdigit() and int(arg) < len(codes))):
        raise InputError("error.stale")
    draft = _draft(ctx)
    draft.about_member = True
    draft.about_branch_code = None if arg == "-" else codes[int(arg)]
    ctx.toast()
    _ask_confirm(ctx, draft, edit=True)


async def confirm(ctx: FlowContext, arg: str = "") -> None:
    """Submit the draft; the argument ``a`` submits it anonymously (core.concerns.anonymity)."""
    if (ctx.conv.step != "confirm" or ctx.identity.person_id is None
            or arg not in ("", ANONYMOUS)):
        raise InputError("error.stale")
    draft = _draft(ctx)
    draft.anonymous = arg == ANONYMOUS
    new = await submit_concern(ctx.store, now=ctx.now, rules=ctx.config.rules,
                               requester_id=ctx.identity.person_id, draft=draft,
                               channel=ctx.inbound.channel, source_key=ctx.inbound.source_key)
    ctx.conv.goto("idle")
    ctx.toast()
    ctx.say("intake.submitted", main_menu(ctx), edit=True, number=new.number,
            routed={"t": "intake.routed_member" if new.member_id else "intake.routed_queue"})
