"""The console's data for scripts, under ``/api`` (Bearer ``api_token``, like the rest of ``/api``):
``GET /api/overview`` answers ``{"generated_at": ISO-8601 UTC, "groups": [overview rows, ranked]}``."""

from __future__ import annotations

import json

from aiohttp import web

from bot.core.timeutil import iso_utc
from bot.faces.console.access import all_groups
from bot.faces.console.overview import overview
from bot.faces.console.service import CONSOLE


async def overview_json(request: web.Request) -> web.Response:
    """Every group, as on the overview page (the API token sees every group, like ``[defaults] admins``)."""
    c = request.app[CONSOLE]
    now = c.clock()
    groups = await all_groups(c.config, c.repo)
    rows = await overview(c.config, c.repo, c.store, groups, now)
    return web.json_response({"generated_at": iso_utc(now), "groups": rows},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))
