"""The dict fast path of ``to_inbound`` gives exactly what the pydantic path gives."""
from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update

from bot.telegram.convert import _from_model, _plain, to_inbound

USER = {"id": 7001, "is_bot": False, "first_name": "同学", "last_name": "王",
        "username": "wang"}
PRIVATE = {"id": 7001, "type": "private", "first_name": "同学"}
GROUP = {"id": -100123, "type": "supergroup", "title": "g"}


def _msg(chat: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"message_id": 5, "date": 1764000000, "chat": chat, "from": USER, **fields}


def _stored(update: dict[str, Any]) -> dict[str, Any]:
    """What the poller stores: aiogram's parsed update dumped back."""
    return Update.model_validate(update).model_dump(mode="json", by_alias=True,
                                                    exclude_none=True, exclude_unset=True)


CASES = [
    {"update_id": 1, "message": _msg(PRIVATE, text="宿舍热水器坏了")},
    {"update_id": 2, "message": _msg(PRIVATE, text="/cancel")},
    {"update_id": 3, "message": _msg(PRIVATE, text="/start  CODE123 ")},
    {"update_id": 4, "message": _msg(PRIVATE, text="/Help@XinqiaoBot")},
    {"update_id": 5, "message": _msg(PRIVATE, text="/help@OtherBot")},
    {"update_id": 6, "message": _msg(GROUP, text="hello")},
    {"update_id": 7, "message": {**_msg(PRIVATE, text=""), "from": {"id": 9, "is_bot": False,
                                                                      "first_name": "A"}}},
    {"update_id": 8, "message": {k: v for k, v in _msg(PRIVATE, text="x").items()
                                 if k != "from"}},
    {"update_id": 9, "callback_query": {"id": "cb1", "from": USER, "chat_instance": "1",
                                        "data": "n:1:0", "message": _msg(PRIVATE, text="q")}},
    {"update_id": 10, "callback_query": {"id": "cb2", "from": USER, "chat_instance": "1",
                                         "message": {"message_id": 3, "date": 0,
                                                     "chat": PRIVATE}}},
    {"update_id": 11, "callback_query": {"id": "cb3", "from": USER, "chat_instance": "1",
                                         "inline_message_id": "x", "data": "n:1:0"}},
]


@pytest.mark.parametrize("update", CASES, ids=lambda u: str(u["update_id"]))
@pytest.mark.parametrize("username", ["XinqiaoBot", ""])
def test_fast_path_matches_the_model_path(update: dict[str, Any], username: str) -> None:
    payload = _stored(update)
    fast = _plain(payload, "telegram:1:1", username)
    assert fast is not None
    assert fast == _from_model(payload, "telegram:1:1", username)


@pytest.mark.parametrize("update", [
    {"update_id": 20, "message": _msg(PRIVATE, photo=[{"file_id": "f", "file_unique_id": "u",
                                                       "width": 10, "height": 10}])},
    {"update_id": 21, "edited_message": {**_msg(PRIVATE, text="x"), "edit_date": 1}},
    {"update_id": 22, "message": _msg(PRIVATE, sticker={
        "file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1,
        "is_animated": False, "is_video": False})},
], ids=lambda u: str(u["update_id"]))
def test_other_updates_take_the_model_path(update: dict[str, Any]) -> None:
    payload = _stored(update)
    assert _plain(payload, "k", "XinqiaoBot") is None
    assert to_inbound(payload, "k", "XinqiaoBot") == _from_model(payload, "k", "XinqiaoBot")
