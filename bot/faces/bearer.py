"""The credentials the server itself checks (``/api``, ``/healthz`` details, ``/metrics``): bearer tokens.

A token that is empty or still the ``CHANGE-ME`` placeholder opens nothing, whatever the flags
(``serve --insecure-dev`` only lets the server start): every request is then refused.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from bot.core.config.types import unset_secret


def bearer_ok(request: web.Request, token: str) -> bool:
    """The request carries ``Authorization: Bearer <token>`` and ``token`` is a real secret."""
    if unset_secret(token):
        return False
    got = request.headers.get("Authorization", "")
    # surrogateescape: undecodable bytes (in a header, or a token from the environment) compare, never raise
    return hmac.compare_digest(got.encode("utf-8", "surrogateescape"),
                               f"Bearer {token}".encode("utf-8", "surrogateescape"))
