"""Credential values exactly as the platforms send them, or a 403.

Every platform sends its signature in one canonical spelling (lowercase hex, standard padded Base64,
``sha1=``/``v1=`` prefixes in lowercase) and its timestamps and nonces as plain ASCII. A value that only
*decodes* to the right thing (``<sig>\\xa0``, upper-case hex, Base64 without padding, ``+1767225600``,
Arabic-Indic digits) is not what the platform sent: it is refused before it can become a second key
for one request in a replay cache. Comparisons are byte-exact and constant-time.
"""

from __future__ import annotations

import hmac

from bot.adapters.shared.support import wire
from bot.core.adapter import BAD_SIGNATURE, STALE, WebhookRejected

MAX_TIMESTAMP_DIGITS = 16  # unix milliseconds have 13 digits; more is never a real timestamp
MAX_NONCE_LEN = 128


def same(got: str, expected: str) -> bool:
    """``got`` is byte-for-byte ``expected`` (no trimming, no case folding), compared in constant time."""
    return hmac.compare_digest(wire(got), expected.encode())


def require_same(got: str, expected: str, what: str, status: int = 403) -> None:
    """WebhookRejected(``status``) unless ``got`` is exactly ``expected``."""
    if not same(got, expected):
        raise WebhookRejected(status, BAD_SIGNATURE, f"wrong {what}")


def timestamp(value: str, what: str = "timestamp", status: int = 403) -> int:
    """A timestamp header/query value: ASCII digits, no sign, no padding, no leading zero."""
    ok = (0 < len(value) <= MAX_TIMESTAMP_DIGITS and value.isascii() and value.isdigit()
          and (value == "0" or value[0] != "0"))
    if not ok:
        raise WebhookRejected(status, STALE, f"bad {what}")
    return int(value)


def nonce(value: str, what: str = "nonce") -> str:
    """A nonce: 1-128 printable ASCII characters without spaces (what platforms generate)."""
    if not (0 < len(value) <= MAX_NONCE_LEN and value.isascii() and value.isprintable() and " " not in value):
        raise WebhookRejected(403, BAD_SIGNATURE, f"bad {what}")
    return value
