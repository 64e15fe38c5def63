"""The listening side of ``quntag serve``: the aiohttp runner and site, and how they log clients' faults."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError


class HttpLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log. A client's malformed HTTP (bad framing, broken chunk sizes, oversized lines)
    is the client's fault and routine on a public port: one INFO line, never an ERROR with a traceback.
    Everything else (our own bugs) keeps aiohttp's ERROR with the traceback."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError) and 400 <= exc_info.code < 500:
            detail = " ".join(str(exc_info.message).split())[:200]
            self.info(f"{msg}: %s", *args, detail, **kwargs)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


async def listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (0: any free port); returns the runner (cleanup stops it) and the port."""
    # No per-request access log: at webhook rates it would dwarf everything else (metrics count requests).
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=10, access_log=None,
                           logger=HttpLog(logging.getLogger("quntag.http")))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, site.port
