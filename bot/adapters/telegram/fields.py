"""Reading Telegram Bot API objects: each field checked, or WebhookRejected(400) naming it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.shared.support import bad, unix_time


def optional(d: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    """An object field, None when absent."""
    val = d.get(key)
    if isinstance(val, dict):
        return val
    if val is None:
        return None
    raise bad(f"field {key} must be an object")


def obj(d: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A required object field."""
    val = d.get(key)
    if not isinstance(val, dict):
        raise bad(f"field {key} must be an object")
    return val


def date(d: Mapping[str, Any]) -> float:
    return unix_time(d.get("date"), "field date")


def string(d: Mapping[str, Any], key: str) -> str:
    """A string field, "" when absent or not a string."""
    val = d.get(key)
    return val if isinstance(val, str) else ""


def user_name(user: Mapping[str, Any]) -> str:
    """Telegram display name: first name + last name (contract §5)."""
    return " ".join(p for p in (string(user, "first_name"), string(user, "last_name")) if p)
