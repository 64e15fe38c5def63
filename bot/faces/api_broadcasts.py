"""``POST /api/broadcasts`` (token): preview a broadcast, or queue it with ``"confirm": true``."""

from __future__ import annotations

import json

from aiohttp import web

from bot.domain.broadcasts import SpecError
from bot.faces import broadcast_requests as requests
from bot.faces.appkeys import RUNTIME


def _error(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


async def post_broadcast(request: web.Request) -> web.Response:
    """Body ``{"groups"?, "segment"?, "text"?, "variants"?: [{"segment", "text"}], "at"?, "confirm"?}``.
    Without ``confirm`` (200): the preview. With it (201): the preview and the queued rows."""
    rt = request.app[RUNTIME]
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return _error(400, "body must be JSON")
    now = rt.clock()
    try:
        req = requests.request_from(data, rt.context, now)
        confirm = data.get("confirm", False)
        if not isinstance(confirm, bool):
            raise SpecError("confirm must be true or false")
        missing = await requests.unknown_groups(rt.context, req.groups)
        if missing:
            return _error(404, f"unknown group {missing[0]}")
        shown = await requests.preview(rt.context, req, now)
    except SpecError as exc:
        return _error(400, str(exc))
    if not confirm:
        return web.json_response({"confirmed": False, "preview": shown}, dumps=_dumps)
    queued = await requests.queue(rt.context, req, "api")
    return web.json_response({"confirmed": True, "preview": shown, "queued": queued}, status=201, dumps=_dumps)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/broadcasts", post_broadcast)
