"""The e2e person (tests.support.chat.ChatUser) is a strict oracle: it fails on a message
no step expected, on a reply sent twice, on a button that is not labelled exactly so, and
on a press that gets no answer or two. Here the "bot" is this test, calling the fake Bot
API over HTTP, so each failure is provoked on purpose."""
from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.support.chat import ChatUser, unanswered_or_twice
from tests.support.fake_bot_api import FakeBotAPI

TOKEN = "123:ABC"
UID = 5001
NOTICE = "<b>隐私说明</b>…"


@pytest.fixture
async def api():  # noqa: ANN201
    async with FakeBotAPI(token=TOKEN) as fake:
        fake.add_chat(UID)
        yield fake


async def _call(api: FakeBotAPI, method: str, **params: Any) -> Any:
    async with aiohttp.ClientSession() as http, http.post(
            f"{api.base_url}/bot{TOKEN}/{method}", json=params) as r:
        return (await r.json()).get("result")


async def _send(api: FakeBotAPI, text: str, *labels: str) -> Any:
    markup = {"inline_keyboard": [[{"text": label, "callback_data": f"x1:b:{i}:0"}
                                   for i, label in enumerate(labels)]]} if labels else None
    return await _call(api, "sendMessage", chat_id=UID, text=text,
                       **({"reply_markup": markup} if markup else {}))


async def test_an_unexpected_message_before_the_awaited_one_fails_and_is_named(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, "您的诉求已由负责的党员签收")
    await _send(api, "请选择诉求类别：")
    with pytest.raises(AssertionError, match="unexpected: '您的诉求已由负责的党员签收'"):
        await u.expect("请选择诉求类别", timeout=1)


async def test_allowed_and_ignored_messages_may_come_first(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, NOTICE)
    await _send(api, "绑定成功")
    assert u.text_of(await u.expect("绑定成功", allow=("隐私说明",))) == "绑定成功"
    u.ignore("隐私说明")
    await _send(api, NOTICE)
    await _send(api, "心桥使用帮助")
    await u.expect("心桥使用帮助")
    await _send(api, "已取消")
    await _send(api, "心桥使用帮助")
    with pytest.raises(AssertionError, match="unexpected: '已取消'"):
        await u.expect("心桥使用帮助", timeout=1)  # ignore() names one notice, not all


async def test_a_reply_merged_twice_into_one_message_fails(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, "已签收\n\n已签收")
    with pytest.raises(AssertionError, match="same text twice in one message"):
        await u.expect("已签收", timeout=1)


async def test_assert_quiet_sees_what_came_after_the_last_step(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, "已答复")
    await u.expect("已答复")
    await u.assert_quiet(wait=0)
    u.ignore("隐私说明")
    await _send(api, NOTICE)
    await u.assert_quiet(wait=0)
    await _send(api, "退回重办")
    with pytest.raises(AssertionError, match="unexpected messages: \\['退回重办'\\]"):
        await u.assert_quiet(wait=0)


async def test_a_button_is_pressed_by_its_whole_label_only(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, "延期申请", "不批准", "批准")
    card = await u.expect("延期申请")
    with pytest.raises(AssertionError, match="no button labelled exactly '签收'"):
        await u.press(card, "签收")
    await _send(api, "新诉求", "✅ 签收", "↩️ 退单")
    card = await u.expect("新诉求")
    with pytest.raises(AssertionError, match="no button labelled exactly '签收'"):
        await u.press(card, "签收")  # a part of the label is not the label
    assert await u.press(card, "↩️ 退单", answered=False) == "x1:b:1:0"
    ask = await _send(api, "延期申请 2", "不批准", "批准")
    call = await u.expect("延期申请 2")
    assert ask["message_id"] == call.result["message_id"]
    assert await u.press(call, "批准", answered=False) == "x1:b:1:0"  # not "不批准"


async def test_a_press_waits_for_its_one_answer(api) -> None:  # noqa: ANN001
    u = ChatUser(api, UID)
    await _send(api, "新诉求", "✅ 签收")
    card = await u.expect("新诉求")
    with pytest.raises(AssertionError, match="no answerCallbackQuery for cbq-"):
        await u.press(card, "✅ 签收", timeout=0.3)  # nobody answers
    assert unanswered_or_twice([u]) == {u.pressed[0]: 0}
    await _call(api, "answerCallbackQuery", callback_query_id=u.pressed[0])
    assert unanswered_or_twice([u]) == {}
    await _call(api, "answerCallbackQuery", callback_query_id=u.pressed[0])  # refused
    assert unanswered_or_twice([u]) == {u.pressed[0]: 2}
    assert unanswered_or_twice([u], ok_only=True) == {}  # the crash tests' count
