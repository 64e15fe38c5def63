"""A stand-in for a generic bridge's ``outbound_url``: checks quntag's signature and keeps what it got.

Used by ``quntag demo`` and by the tests as the fake platform for the generic adapter.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from aiohttp import web

from bot.adapters.generic import sign


class Receiver:
    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.all_signed = True
        self.fail_next: list[int] = []  # statuses to answer before succeeding (tests)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        ts = request.headers.get("X-Quntag-Timestamp", "")
        sig = request.headers.get("X-Quntag-Signature", "")
        if not hmac.compare_digest(sign(self.secret, ts, body), sig):
            self.all_signed = False
            return web.json_response({"error": "bad signature"}, status=401)
        if self.fail_next:
            status = self.fail_next.pop(0)
            return web.json_response({"error": "try later"}, status=status, headers={"Retry-After": "0"})
        self.received.append(json.loads(body))
        return web.json_response({"ok": True})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/send", self.handle)
        return app


async def start_site(app: web.Application, host: str = "127.0.0.1") -> tuple[web.AppRunner, str]:
    """Serve ``app`` on a free loopback port; returns the runner and its base URL."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    server: Any = site._server
    port = server.sockets[0].getsockname()[1]
    return runner, f"http://{host}:{port}"
