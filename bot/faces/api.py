"""Read-only JSON API under ``/api`` (contract §6), behind ``Authorization: Bearer <api_token>``."""

from __future__ import annotations

import hmac
import json

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.core.timeutil import parse_iso
from bot.domain import profiles
from bot.domain.insights import segment
from bot.domain.segments import QueryError
from bot.faces.appkeys import CONFIG, RUNTIME


def _error(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


def _authorized(request: web.Request) -> bool:
    token = request.app[CONFIG].server.api_token
    got = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(got.encode(), f"Bearer {token}".encode())


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/api/") and not _authorized(request):
        return _error(401, "missing or wrong bearer token")
    return await handler(request)


def _int(request: web.Request, key: str, default: int, hi: int) -> int:
    raw = request.query.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=json.dumps({"error": f"{key} must be an integer"}),
                                 content_type="application/json") from None
    if value < 0 or value > hi:
        raise web.HTTPBadRequest(text=json.dumps({"error": f"{key} out of range"}), content_type="application/json")
    return value


async def list_groups(request: web.Request) -> web.Response:
    rows = await request.app[RUNTIME].repo.groups()
    return web.json_response([{"id": gid, "name": name, "members": n} for gid, name, n in rows])


async def list_members(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    group = await rt.repo.resolve_group(request.match_info["group"])
    if not await rt.repo.group_exists(group):
        return _error(404, f"unknown group {group}")
    limit = _int(request, "limit", 1000, 100000)
    offset = _int(request, "offset", 0, 10**9)
    found = await profiles.load_group(rt.repo, rt.config, group, rt.clock(), request.query.get("tag"),
                                      limit, offset)
    await rt.repo.audit("api", "list_members", group, f"{len(found)} profiles")
    return web.json_response(found, dumps=_dumps)


async def get_member(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    group = await rt.repo.resolve_group(request.match_info["group"])
    member = request.match_info["member"]
    t = rt.clock()
    if "at" in request.query:
        try:
            t = parse_iso(request.query["at"])
        except ValueError:
            return _error(400, "at must be ISO-8601")
    found = await profiles.load(rt.repo, rt.config, group, [member], t)
    if not found:
        return _error(404, f"unknown member {member} in group {group}")
    await rt.repo.audit("api", "lookup", group, member)
    return web.json_response(found[0], dumps=_dumps)


async def segment_members(request: web.Request) -> web.Response:
    """Member ids matching ``q`` (contract §6, grammar §7); a bad query is 400 naming the position."""
    rt, group = request.app[RUNTIME], request.match_info["group"]
    if not await rt.repo.group_exists(group):
        return _error(404, f"unknown group {group}")
    query = request.query.get("q")
    if query is None:
        return _error(400, "q is required")
    try:
        found = await segment(rt.repo, rt.config, group, query, rt.clock())
    except QueryError as exc:
        return _error(400, str(exc))
    return web.json_response([p["member"] for p in found], dumps=_dumps)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def add_routes(app: web.Application) -> None:
    app.middlewares.append(require_token)
    app.router.add_get("/api/groups", list_groups)
    app.router.add_get("/api/groups/{group}/members", list_members)
    app.router.add_get("/api/groups/{group}/members/{member}", get_member)
    app.router.add_get("/api/groups/{group}/segments", segment_members)
