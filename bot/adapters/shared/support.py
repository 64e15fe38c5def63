"""Shared plumbing for the signed/encrypted platform adapters (Feishu, DingTalk, WeCom).

Nothing here knows a platform: a case-insensitive header lookup, untrusted JSON and timestamps, an
access-token cache and one JSON-over-HTTP call that maps transport failures to SendError.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp

from bot.core.adapter import MALFORMED, SendError, WebhookRejected

MAX_WINDOW_S = 7 * 86400.0  # replay caches keep every key for the whole window: it must be finite


def header(headers: Mapping[str, str], name: str) -> str:
    """Header value by case-insensitive name ("" when absent); works on plain dicts in tests too."""
    val = headers.get(name)
    if val is None:
        low = name.lower()
        val = next((v for k, v in headers.items() if k.lower() == low), None)
    return val or ""


def bad(detail: str) -> WebhookRejected:
    return WebhookRejected(400, MALFORMED, detail)


MAX_TIME = 1e11  # unix seconds (year 5138); later times, NaN and infinities break date handling downstream
_SURROGATE = re.compile("[\ud800-\udfff]")


def wire(value: str) -> bytes:
    """A header/query/body string as bytes for signing and comparing.

    aiohttp turns undecodable header bytes into lone surrogates and JSON may carry ``"\\ud800"``;
    ``surrogatepass`` keeps every such value encodable, so it fails the comparison instead of raising.
    """
    return value.encode("utf-8", "surrogatepass")


def _clean(s: str) -> str:
    return _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s


def _scrub(value: Any) -> Any:
    """Replace lone surrogates (not Unicode: SQLite refuses them) by U+FFFD in every key and string."""
    box = [value]
    stack: list[Any] = [box]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = [(_clean(k), v) for k, v in node.items()]
            node.clear()
            node.update(items)
            slots: Any = list(node)
        else:
            slots = range(len(node))
        for k in slots:
            v = node[k]
            if isinstance(v, str):
                node[k] = _clean(v)
            elif isinstance(v, dict | list):
                stack.append(v)
    return box[0]


def loads(data: bytes | str) -> Any:
    """JSON from an untrusted body, or WebhookRejected(400) whatever is wrong with it (invalid UTF-8,
    syntax, nesting past the recursion limit, integers past Python's 4300-digit limit)."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise bad("malformed JSON") from None
    return _scrub(value)  # json.loads(bytes) decodes with "surrogatepass": raw ones get here too


def unix_time(value: Any, what: str, scale: float = 1.0, strings: bool = False) -> float:
    """A platform timestamp (``scale`` units per second; digit strings when ``strings``) → unix seconds
    in ``[0, MAX_TIME)``, or WebhookRejected(400)."""
    allowed = (int, float, str) if strings else (int, float)
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise bad(f"{what} must be a unix time")
    try:
        t = float(value) / scale
    except (ValueError, OverflowError):
        raise bad(f"{what} must be a unix time") from None
    if not 0 <= t < MAX_TIME:
        raise bad(f"{what} out of range")
    return t


def load_json_object(body: bytes) -> dict[str, Any]:
    """Parse a JSON object or raise WebhookRejected(400)."""
    data = loads(body)
    if not isinstance(data, dict):
        raise bad("body must be a JSON object")
    return data


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def id_field(d: Mapping[str, Any], key: str) -> str:
    """A required id field (an integer or a non-empty string, never a bool) as a string, else
    WebhookRejected(400) naming it."""
    val = d.get(key)
    if isinstance(val, bool) or not isinstance(val, int | str) or val == "":
        raise bad(f"field {key} must be an id")
    return str(val)


def as_str(value: Any) -> str:
    """Platform ids arrive as strings or numbers; anything else is ''."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, str | int) else ""


class TokenCache:
    """One access token, fetched on demand, refreshed ``margin`` seconds before it expires."""

    def __init__(self, clock: Callable[[], float], margin: float = 600.0) -> None:
        self.clock = clock
        self.margin = margin
        self.token = ""
        self.expires_at = 0.0
        self.fetches = 0
        self._lock = asyncio.Lock()

    async def get(self, fetch: Callable[[], Awaitable[tuple[str, float]]]) -> str:
        """Cached token, or ``fetch()`` → (token, lifetime seconds)."""
        async with self._lock:
            if self.token and self.clock() < self.expires_at:
                return self.token
            token, lifetime = await fetch()
            self.fetches += 1
            self.token = token
            self.expires_at = self.clock() + max(lifetime - self.margin, lifetime / 2)
            return token

    def invalidate(self) -> None:
        self.token = ""
        self.expires_at = 0.0


async def call_json(session: aiohttp.ClientSession | None, method: str, url: str, *,
                    body: Any = None, headers: Mapping[str, str] | None = None,
                    params: Mapping[str, str] | None = None) -> tuple[int, Mapping[str, str], dict[str, Any]]:
    """One HTTP call with a JSON body; returns (status, headers, JSON object or {}).

    Network errors and 5xx answers raise a retryable SendError; 429 raises one with ``Retry-After``.
    Everything else is returned for the caller to judge (platforms put their own codes in the body).
    """
    if session is None:
        raise SendError("no HTTP session", permanent=True)
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    hdrs = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    try:
        async with session.request(method, url, data=data, headers=hdrs, params=params) as resp:
            raw = await resp.read()
            status, rh = resp.status, dict(resp.headers)
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise SendError(f"network: {exc}") from exc
    try:
        parsed = json.loads(raw) if raw else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = {}
    payload = parsed if isinstance(parsed, dict) else {}
    if status >= 500:
        raise SendError(f"HTTP {status}")
    if status == 429:
        raise SendError("HTTP 429", retry_after=retry_after(rh))
    return status, rh, payload


def retry_after(headers: Mapping[str, str], default: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` or Feishu's ``x-ogw-ratelimit-reset``."""
    for name in ("Retry-After", "x-ogw-ratelimit-reset"):
        val = header(headers, name)
        if val:
            try:
                return max(0.0, float(val))
            except ValueError:
                continue
    return default


def truncate_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: max(0, limit - 3)].decode(errors="ignore") + "…"


def ascii_int(value: str, *, negative: bool = False) -> int | None:
    """``value`` as an int when it is plain ASCII digits (with one leading ``-`` if ``negative``), else None.

    ``str.isdigit`` accepts "²" (``int`` then raises) and "٣" (``int`` silently reads 3), so platform
    ids are checked with ``isascii`` first: a wrong id must fail loudly, never reach another chat.
    """
    digits = value[1:] if negative and value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()):
        return None
    return int(value)
