"""The local web chat: a small page and a JSON + SSE API in front of the same inbox and outbox.

Web tokens are channel identities (no extra table): ``channel="web"``, ``external_id`` =
sha256 of the token, ``chat_id = "web:<person id>"``, linked to the person when issued.
"""
from bot.channels import WEB

CHANNEL = WEB
BOT_ID = "web"


def chat_id_of(person_id: int) -> str:
    return f"{CHANNEL}:{person_id}"


def chat_key_of(person_id: int) -> str:
    # The inbox's ordering key must equal Inbound.chat_key ("<channel>:<chat_id>").
    return f"{CHANNEL}:{chat_id_of(person_id)}"
