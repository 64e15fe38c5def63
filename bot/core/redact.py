"""Credentials out of every error text and URL that is logged or stored.

Platform URLs carry credentials: the Telegram bot token is a path segment (``/bot<token>/``), WeCom,
DingTalk and Feishu put ``access_token`` (and WeCom webhooks ``key``) in the query, DingTalk's
``sessionWebhook`` and WeCom's ``response_url`` are themselves bearer URLs, OneBot may be given
``?access_token=`` or an ``Authorization: Bearer`` header. HTTP client errors quote the URL they
failed on (a redirect loop names every hop), so any error text may carry one. :func:`redact` is the
one function that removes them; it runs where an error becomes text we keep — ``SendError`` (so every
adapter log line and the outbox's ``last_error`` are clean) and the outbox's own log and store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "<redacted>"
MIN_SECRET = 6  # shorter configured values are not replaced verbatim (they would mask ordinary words)
# Possessive quantifiers only: error texts may quote member-controlled URLs.
_TELEGRAM_TOKEN = re.compile(r"(?<![A-Za-z0-9_])bot[0-9]++:[A-Za-z0-9_-]++")
_QUERY_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9_])(access_token|accesstoken|key|token|secret|app_secret|appsecret|corpsecret|sign"
    r"|signature|msg_signature|session|response_code|code)=[^&#\s\"'<>,;)\]]++")
_BEARER = re.compile(r"(?i)\b(Bearer|x-acs-dingtalk-access-token:)(\s*+)[^\s\"',;)\]]++")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with credentials replaced by ``<redacted>``: URL tokens and query parameters by pattern,
    and every configured ``secrets`` value verbatim."""
    for value in secrets:
        if len(value) >= MIN_SECRET:
            text = text.replace(value, MASK)
    text = _TELEGRAM_TOKEN.sub("bot" + MASK, text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
