"""The baseline: an aiohttp handler that only ``json.loads`` the body and answers 204."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    json.loads(await request.read())
    return web.Response(status=204)


async def main(port: int) -> None:
    app = web.Application(client_max_size=1 << 20)
    app.router.add_post("/webhook/{name}", handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"bare listening on http://127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
