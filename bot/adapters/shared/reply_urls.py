"""Reply URLs a platform hands us inside a delivery (DingTalk ``sessionWebhook``, WeCom AI bot
``response_url``): whatever posts there reaches the group as the bot, so they are trusted narrowly.

A URL is taken only from a body that passed ``verify`` (the adapter calls :meth:`ReplyUrls.verified`
with it; ``parse`` asks :meth:`ReplyUrls.expiry`, which changes nothing), only under the configured
prefix (scheme, host and port exactly, path by prefix; the platform's documented host by default,
configurable so tests can use a loopback server), and for at most :data:`MAX_TTL_S` seconds whatever
expiry the body claims.
"""

from __future__ import annotations

import collections
import hashlib
from collections.abc import Callable

from yarl import URL

MAX_TTL_S = 7200.0  # DingTalk documents ~90 min, WeCom 1 h: a claimed far-future expiry is capped here
_REMEMBERED = 1024  # verified bodies not parsed yet (verify and parse run back to back per request)


def _parts(url: str) -> tuple[str, str, int | None, str] | None:
    """(scheme, host, port, normalized path) of an absolute http(s) URL without credentials, else None."""
    if not url.isascii() or not url.isprintable() or " " in url or "\\" in url:
        return None
    try:
        parsed = URL(url)  # the parser aiohttp itself uses when it posts there
    except ValueError:
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host or parsed.user is not None \
            or parsed.password is not None or parsed.fragment:
        return None
    return parsed.scheme, parsed.host.lower(), parsed.port, parsed.path


def url_prefix(value: str) -> str:
    """Check of a ``*_prefix`` option (an http(s) URL prefix such as ``https://oapi.dingtalk.com/``)."""
    if _parts(value) is None:
        raise ValueError("must be an http(s) URL prefix without credentials")
    return value


class ReplyUrls:
    """Decides which reply URLs to keep, and until when."""

    def __init__(self, prefix: str, clock: Callable[[], float], max_ttl: float = MAX_TTL_S) -> None:
        allowed = _parts(prefix)
        if allowed is None:
            raise ValueError(f"not an http(s) URL prefix: {prefix!r}")
        self.allowed = allowed
        self.clock = clock
        self.max_ttl = max_ttl
        self._verified: collections.OrderedDict[bytes, None] = collections.OrderedDict()

    def verified(self, body: bytes) -> None:
        """``body`` passed verification: a reply URL inside it may be used."""
        self._verified[hashlib.sha256(body).digest()] = None
        while len(self._verified) > _REMEMBERED:
            self._verified.popitem(last=False)

    def allows(self, url: str) -> bool:
        """``url`` is under the configured prefix (same scheme, host and port; path below the prefix's)."""
        got = _parts(url)
        scheme, host, port, path = self.allowed
        return got is not None and got[:3] == (scheme, host, port) and got[3].startswith(path)

    def expiry(self, body: bytes, url: str, expires: float) -> float | None:
        """The expiry (unix seconds, capped) to keep ``url`` until, or None when it must not be used:
        ``body`` was not verified, the URL is elsewhere, or it has expired already."""
        if hashlib.sha256(body).digest() not in self._verified:
            return None
        now = self.clock()
        if not self.allows(url) or not expires > now:  # "not >": NaN too
            return None
        return min(expires, now + self.max_ttl)
