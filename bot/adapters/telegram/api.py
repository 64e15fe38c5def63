"""The Bot API on the wire: one call and how its answer is classified, and ids as its parameters take them."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.adapters.shared.support import ascii_int
from bot.core.adapter import SendError

USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")  # a public chat's @username, also a valid chat_id


def chat_id_param(value: str) -> int | str:
    """A Bot API ``chat_id``: an ASCII integer (negative for groups) or ``@username``; else SendError."""
    num = ascii_int(value, negative=True)
    if num is not None:
        return num
    if USERNAME.fullmatch(value):
        return value
    raise SendError(f"not a Telegram chat id: {value!r}", permanent=True)


def user_id_param(value: str) -> int:
    num = ascii_int(value)
    if num is None:
        raise SendError(f"not a Telegram user id: {value!r}", permanent=True)
    return num


async def call_api(session: aiohttp.ClientSession | None, url: str, params: Mapping[str, Any]) -> Any:
    """POST ``params`` to one method's ``url``; returns ``result`` or raises SendError classified for the
    outbox (migration → ``moved_to``, 429 → ``retry_after``, 5xx retried, other failures permanent)."""
    if session is None:
        raise SendError("no HTTP session", permanent=True)
    try:
        async with session.post(url, json=params) as resp:
            status = resp.status
            try:
                data = json.loads(await resp.read())
            except (json.JSONDecodeError, UnicodeDecodeError):
                data = None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise SendError(f"network: {exc}") from exc
    if isinstance(data, dict) and data.get("ok") is True:
        return data.get("result")
    desc = f"HTTP {status}"
    answer: dict[str, Any] = {}
    code = status
    if isinstance(data, dict):
        desc = f"{data.get('error_code', status)} {data.get('description', '')}".strip()
        raw_params, raw_code = data.get("parameters"), data.get("error_code")
        answer = raw_params if isinstance(raw_params, dict) else {}
        code = raw_code if isinstance(raw_code, int) else status
    moved = answer.get("migrate_to_chat_id")
    if moved is not None:
        raise SendError(desc, moved_to=str(moved))
    retry_after = answer.get("retry_after")
    if code == 429 or status == 429:
        wait = float(retry_after) if isinstance(retry_after, int | float) else 5.0
        raise SendError(desc, retry_after=wait)
    if status >= 500 or code >= 500 or (data is None and status < 400):
        raise SendError(desc)
    raise SendError(desc, permanent=True)
