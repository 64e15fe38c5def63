"""``POST /webhook/<name>``: verify on the raw bytes, parse, make durable, ack — in that order."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.adapters.base import MALFORMED, TOO_LARGE, Adapter, WebhookRejected, WebReply
from bot.appkeys import CONFIG, METRICS, RUNTIME

log = logging.getLogger("quntag.webhook")


def _reply(r: WebReply) -> web.Response:
    return web.Response(status=r.status, body=r.body, content_type=r.content_type)


def _error(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


async def _read_body(request: web.Request, limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise WebhookRejected(413, TOO_LARGE, "body too large")
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        raise WebhookRejected(413, TOO_LARGE, "body too large")
    return body


async def handle_post(request: web.Request) -> web.StreamResponse:
    app = request.app
    name = request.match_info["name"]
    adapter: Adapter | None = app[RUNTIME].adapters.get(name)
    if adapter is None:
        return _error(404, f"no adapter named {name!r}")
    metrics, config = app[METRICS], app[CONFIG]
    try:
        body = await _read_body(request, config.server.max_body_bytes)
        authed = adapter.verify(request.headers, request.query, body)
        parsed = adapter.parse(authed)
    except WebhookRejected as rej:
        metrics.rejected.labels(name, rej.reason).inc()
        return _error(rej.status, rej.detail)
    except Exception:  # platform junk must never become a 5xx
        log.exception("adapter %s failed to parse a delivery", name)
        metrics.rejected.labels(name, MALFORMED).inc()
        return _error(400, "malformed payload")
    if parsed.reply is not None:
        return _reply(parsed.reply)
    events = [e for e in parsed.events if config.group(e.chat.id) is not None]
    if len(events) < len(parsed.events):
        metrics.ignored.labels(name, "unlisted_group").inc(len(parsed.events) - len(events))
    if not events:
        if parsed.ignored:
            metrics.ignored.labels(name, parsed.ignored).inc()
        if not parsed.events and not parsed.ignored:
            metrics.ignored.labels(name, "empty").inc()
        return _reply(adapter.ack)
    new = await app[RUNTIME].inbox.accept(name, parsed.key, events)
    if new:
        metrics.accepted.labels(name).inc(len(events))
    else:
        metrics.duplicate.labels(name).inc()
    return _reply(adapter.ack)


async def handle_get(request: web.Request) -> web.StreamResponse:
    adapter = request.app[RUNTIME].adapters.get(request.match_info["name"])
    if adapter is None:
        return _error(404, "no such adapter")
    try:
        return _reply(adapter.handshake(request.query))
    except WebhookRejected as rej:
        request.app[METRICS].rejected.labels(adapter.name, rej.reason).inc()
        return _error(rej.status, rej.detail)
