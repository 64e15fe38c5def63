"""The console's stylesheet and script, shipped inside the package (no CDN, no network)."""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


async def asset(request: web.Request) -> web.Response:
    """``GET /console/static/NAME``: only plain names of files that ship with the console."""
    name = request.match_info["name"]
    kind = next((v for k, v in TYPES.items() if name.endswith(k)), None)
    if kind is None or "/" in name or "\\" in name or name.startswith("."):
        raise web.HTTPNotFound()
    path = files("bot.faces.console").joinpath("static", name)
    try:
        body = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise web.HTTPNotFound() from None
    return web.Response(body=body, content_type=kind, charset="utf-8" if kind != "image/svg+xml" else None,
                        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})
