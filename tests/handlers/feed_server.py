"""A local feed server over loopback for the morning-report source tests: fixture RSS and Atom files with
ETag / Last-Modified (answering 304 to a matching conditional GET), a feed that hangs, and one that answers junk."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"
FILES = {"/industry.rss": ("industry.rss", "application/rss+xml"),
         "/photo.atom": ("photo.atom", "application/atom+xml")}
LAST_MODIFIED = "Tue, 24 Nov 2026 12:00:00 GMT"


@dataclass
class FeedServer:
    """What the server was asked: (path, If-None-Match, If-Modified-Since) per request."""

    base: str = ""
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    hang_s: float = 30.0

    def url(self, path: str) -> str:
        return self.base + path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, request.headers.get("If-None-Match", ""),
                              request.headers.get("If-Modified-Since", "")))
        if path == "/hang":
            await asyncio.sleep(self.hang_s)
            return web.Response(text="too late")
        if path == "/junk":
            return web.Response(body=b"\x00\xff<html><body>502 Bad Gateway</body>", content_type="text/html")
        if path not in FILES:
            return web.Response(status=404)
        name, kind = FILES[path]
        etag = f'"{name}-v1"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=(FIXTURES / name).read_bytes(), content_type=kind,
                            headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/{tail:.*}", self.handle)
        return app
