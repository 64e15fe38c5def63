"""What a group message's text says to us: its mentions (entities) and whom a ``/command@bot`` addresses."""

from __future__ import annotations

import re
from typing import Any

from bot.adapters.shared.support import id_field
from bot.adapters.telegram.fields import string
from bot.adapters.telegram.state import TelegramState
from bot.core.events import UserRef

COMMAND = re.compile(r"^(/[^\s@/]++)@([A-Za-z0-9_]++)(?=\s|$)")  # used with match(); possessive: no backtracking


def _utf16_slice(raw: bytes, offset: int, length: int) -> str:
    """``raw`` is the text encoded once as UTF-16-LE (per entity it would cost the whole text each time)."""
    return raw[2 * offset: 2 * (offset + length)].decode("utf-16-le", errors="ignore")


def mentions_in(st: TelegramState, adapter: str, text: str, entities: Any,
             sender: tuple[str, str] | None = None) -> tuple[tuple[UserRef, ...], bool]:
    """(members mentioned, whether the bot is); ``sender`` is (casefolded username, id) of the author, known
    before the state learns it."""
    found: dict[UserRef, None] = {}  # ordered and de-duplicated in O(1) per mention
    to_bot, raw = False, text.encode("utf-16-le")
    for ent in entities if isinstance(entities, list) else []:
        if not isinstance(ent, dict):
            continue
        kind = ent.get("type")
        if kind == "text_mention" and isinstance(ent.get("user"), dict):
            u = ent["user"]
            uid = id_field(u, "id")
            if st.is_bot(uid, string(u, "username")):
                to_bot = True
            else:
                found.setdefault(UserRef(adapter, uid))
        elif kind == "mention":
            off, length = ent.get("offset"), ent.get("length")
            if not isinstance(off, int) or not isinstance(length, int):
                continue
            username = _utf16_slice(raw, off, length).lstrip("@")
            if st.is_bot("", username):
                to_bot = True
            else:
                cf = username.casefold()
                known = sender[1] if sender is not None and sender[0] == cf else st.usernames.get(cf)
                if known:
                    found.setdefault(UserRef(adapter, known))
    return tuple(found), to_bot


def command_address(st: TelegramState, text: str) -> tuple[str, bool, bool]:
    """(text, addressed to another bot, addressed to us): ``@our_bot`` is stripped from ``/cmd@our_bot``."""
    m = COMMAND.match(text)
    if m is None:
        return text, False, False
    if st.bot_username and m.group(2).casefold() == st.bot_username.casefold():
        return m.group(1) + text[m.end():], False, True
    return text, True, False
