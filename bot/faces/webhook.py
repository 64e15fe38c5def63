"""``POST /webhook/<name>``: verify on the raw bytes, then the runtime's intake (parse, make durable, learn),
then ack — in that order."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.core.adapter import MALFORMED, TOO_LARGE, Adapter, WebhookRejected, WebReply
from bot.faces.appkeys import CONFIG, METRICS, RUNTIME

OVERLOADED = "overloaded"
TIMEOUT = "timeout"
CLIENT_DISCONNECTED = "client_disconnected"

log = logging.getLogger("quntag.webhook")


def _reply(r: WebReply) -> web.Response:
    return web.Response(status=r.status, body=r.body, content_type=r.content_type)


def _error(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


async def _read_body(request: web.Request, limit: int, timeout: float) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise WebhookRejected(413, TOO_LARGE, "body too large")
    try:
        return await asyncio.wait_for(_read_all(request, limit), timeout)
    except TimeoutError:
        raise WebhookRejected(408, TIMEOUT, "request body not received in time") from None
    except ConnectionError:  # the client went away mid-body: nobody is left to answer
        raise WebhookRejected(400, CLIENT_DISCONNECTED, "client disconnected before the body ended") from None
    except web.RequestPayloadError:  # broken chunked/compressed encoding: the client's fault, not ours
        raise WebhookRejected(400, MALFORMED, "malformed request body encoding") from None


async def _read_all(request: web.Request, limit: int) -> bytes:
    """The whole body (it may arrive in many chunks), refusing more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(65536):
        size += len(chunk)
        if size > limit:
            raise WebhookRejected(413, TOO_LARGE, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


class InFlight:
    """Bounds the verified deliveries parsed and made durable at once (no unbounded pile-up under a burst).

    Platforms that retry get 503 + Retry-After at once when full; platforms that deliver only once wait
    up to ``overload_wait_s`` for a slot, and what still finds none is counted as dropped.
    """

    def __init__(self, limit: int) -> None:
        self.sem = asyncio.Semaphore(limit)

    async def acquire(self, wait: float) -> bool:
        if wait <= 0:
            if self.sem.locked():
                return False
            await self.sem.acquire()
            return True
        try:
            await asyncio.wait_for(self.sem.acquire(), wait)
        except TimeoutError:
            return False
        return True

    def release(self) -> None:
        self.sem.release()


IN_FLIGHT = web.AppKey("in_flight", InFlight)


async def handle_post(request: web.Request) -> web.StreamResponse:
    """Read and verify first; only a verified delivery competes for an in-flight slot, so clients that
    are slow, idle or unauthenticated never delay or crowd out a real delivery."""
    app = request.app
    name = request.match_info["name"]
    adapter: Adapter | None = app[RUNTIME].adapters.get(name)
    if adapter is None:
        return _error(404, f"no adapter named {name!r}")
    metrics, config = app[METRICS], app[CONFIG]
    try:
        body = await _read_body(request, config.server.max_body_bytes, config.server.request_timeout_s)
        authed = adapter.verify(request.headers, request.query, body)
    except WebhookRejected as rej:
        return _rejected(request, name, rej)
    except Exception:  # platform junk must never become a 5xx
        return _adapter_failed(request, name, "verify")
    slots = app[IN_FLIGHT]
    retries = adapter.capabilities.retries_deliveries
    if not await slots.acquire(0.0 if retries else config.server.overload_wait_s):
        if retries:
            metrics.rejected.labels(name, OVERLOADED).inc()
        else:
            metrics.dropped.labels(name).inc()
            log.error("overloaded: a delivery that will not be retried was refused", extra={"adapter": name})
        return web.json_response({"error": "overloaded"}, status=503, headers={"Retry-After": "1"})
    try:
        return await _accept(request, adapter, name, authed)
    finally:
        slots.release()


def _rejected(request: web.Request, name: str, rej: WebhookRejected) -> web.Response:
    request.app[METRICS].rejected.labels(name, rej.reason).inc()
    if rej.reason == CLIENT_DISCONNECTED:  # routine on flaky networks: one line, no traceback
        log.info("client %s disconnected before sending the whole body", request.remote, extra={"adapter": name})
    return _error(rej.status, rej.detail)


def _adapter_failed(request: web.Request, name: str, step: str) -> web.Response:
    """An adapter raised something other than WebhookRejected: its bug (logged with the traceback), but
    the platform still gets a 400, never a 5xx."""
    log.exception("adapter failed to %s a delivery", step, extra={"adapter": name})
    request.app[METRICS].rejected.labels(name, MALFORMED).inc()
    return _error(400, "malformed payload")


async def _accept(request: web.Request, adapter: Adapter, name: str, authed: bytes) -> web.StreamResponse:
    """Parse a verified delivery and make its events durable (holding an in-flight slot)."""
    try:
        done = await request.app[RUNTIME].intake.deliver(adapter, authed)
    except WebhookRejected as rej:
        return _rejected(request, name, rej)
    return _reply(done.reply or adapter.ack)


async def handle_get(request: web.Request) -> web.StreamResponse:
    adapter = request.app[RUNTIME].adapters.get(request.match_info["name"])
    if adapter is None:
        return _error(404, "no such adapter")
    try:
        return _reply(adapter.handshake(request.query))
    except WebhookRejected as rej:
        request.app[METRICS].rejected.labels(adapter.name, rej.reason).inc()
        return _error(rej.status, rej.detail)
    except Exception:  # a handshake query is platform input: junk is a 400, never a 5xx
        log.exception("adapter failed to answer a handshake", extra={"adapter": adapter.name})
        request.app[METRICS].rejected.labels(adapter.name, MALFORMED).inc()
        return _error(400, "malformed handshake")
