"""``create_app(config)``: the only composition root. Services live in the Runtime under an AppKey."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web

from bot.core.config import Config
from bot.core.metrics import Metrics
from bot.faces import api, api_broadcasts, console, webhook
from bot.faces.appkeys import CONFIG, METRICS, RUNTIME
from bot.faces.bearer import bearer_ok
from bot.faces.console.service import CONSOLE
from bot.faces.runtime import Role, Runtime, parked_after
from bot.faces.settings import send_problems


def _send_problems(config: Config) -> dict[str, str]:
    """Adapter name → why it cannot send at all (a key it needs is not set)."""
    return {name: ", ".join(keys) + " not set" for name, keys in send_problems(config).items()}


async def healthz(request: web.Request) -> web.Response:
    """``{"status": "ok"|"error"}`` for anyone; the details (adapters, failed parts, inbox) name chats,
    the bot's accounts and OneBot self ids, so they need the API token. An adapter that cannot send at
    all fails the check as ``sending:<name>``: its replies would only pile up in the outbox."""
    rt = request.app[RUNTIME]
    unable = _send_problems(rt.config)
    failed = [*await rt.healthy(), *(f"sending:{name}" for name in unable)]
    if not bearer_ok(request, rt.config.server.api_token):
        return web.json_response({"status": "error" if failed else "ok"}, status=503 if failed else 200)
    now = rt.clock()
    db_ok = "database" not in failed
    stats = await rt.repo.delivery.outbox_stats() if db_ok else {}
    parked = await rt.outbox_store.parked_counts(parked_after(now)) if db_ok else {}
    adapters = {}
    for name, a in rt.adapters.items():
        queued, oldest = stats.get(name, (0, None))
        adapters[name] = {**a.health(), "can_send": name not in unable, "outbox_queued": queued,
                          "outbox_parked": parked.get(name, 0),
                          "outbox_lag_seconds": round(now - oldest, 3) if oldest else 0.0}
        if name in unable:
            adapters[name]["send_problem"] = unable[name]
    inbox = {"pending": await rt.repo.intake.pending_count()} if "database" not in failed else {}
    if failed:
        return web.json_response({"status": "error", "failed": failed, "adapters": adapters, "inbox": inbox},
                                 status=503)
    return web.json_response({"status": "ok", "adapters": adapters, "inbox": inbox})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text; behind ``Authorization: Bearer <metrics_token>`` when ``[server] metrics_token`` is set."""
    token = request.app[CONFIG].server.metrics_token
    if token and not bearer_ok(request, token):
        return web.json_response({"error": "missing or wrong bearer token"}, status=401)
    body = request.app[METRICS].render()
    return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})


def create_app(config: Config, *, clock: Callable[[], float] = time.time, schedule: bool = True,
               role: Role = "all") -> web.Application:
    """Build the web application; services start in ``cleanup_ctx`` and stop in reverse order. ``role``
    "web": only what answers requests runs here (a processor process does the rest)."""
    app = web.Application(client_max_size=config.server.max_body_bytes + 1024)
    app[CONFIG] = config
    app[METRICS] = Metrics()
    app[RUNTIME] = Runtime(config, app[METRICS], clock, role)
    app[webhook.IN_FLIGHT] = webhook.InFlight(config.server.max_in_flight)

    async def services(app: web.Application) -> AsyncIterator[None]:
        rt = app[RUNTIME]
        await rt.start(schedule=schedule)
        if rt.role == "all":
            await rt.retry_parked()
        yield
        await rt.stop()

    app.cleanup_ctx.append(services)
    app.router.add_post("/webhook/{name}", webhook.handle_post)
    app.router.add_get("/webhook/{name}", webhook.handle_get)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    api.add_routes(app)
    api_broadcasts.add_routes(app)
    rt = app[RUNTIME]
    console.add_routes(app, config, rt.db, rt.repo, clock)
    rt.context.console_link = app[CONSOLE].logins.issue  # what /console (/后台) in chat hands out
    return app
