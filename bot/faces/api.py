"""JSON API under ``/api`` (contract §6; reads, and queueing morning-report news, §9), behind
``Authorization: Bearer <api_token>``."""

from __future__ import annotations

import json
import re

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.core.timeutil import parse_at
from bot.domain import news_queue, people, profiles
from bot.domain.insights import segment
from bot.domain.segments import QueryError
from bot.faces.appkeys import CONFIG, RUNTIME
from bot.faces.bearer import bearer_ok


def _error(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


@web.middleware
async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Everything under ``/api/`` needs the API token; an empty or CHANGE-ME token opens nothing."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    if not bearer_ok(request, request.app[CONFIG].server.api_token):
        return _error(401, "missing or wrong bearer token")
    try:
        return await handler(request)
    except web.HTTPException as exc:  # the router's own 404/405: JSON like every other /api answer
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        return _error(exc.status, exc.reason.lower())


_DIGITS = re.compile(r"[0-9]++")  # ASCII only: int() would also take "١٢", " 5" and "1_0"


def _bad(detail: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": detail}), content_type="application/json")


def _int(request: web.Request, key: str, default: int, hi: int) -> int:
    """A whole-number query parameter in 0..hi; anything else is 400 naming the parameter."""
    raw = request.query.get(key)
    if raw is None:
        return default
    if not _DIGITS.fullmatch(raw) or len(raw.lstrip("0")) > len(str(hi)) or int(raw) > hi:
        raise _bad(f"{key} must be a whole number from 0 to {hi}")
    return int(raw)


async def list_groups(request: web.Request) -> web.Response:
    rows = await request.app[RUNTIME].repo.members.groups()
    return web.json_response([{"id": gid, "name": name, "members": n} for gid, name, n in rows])


async def list_members(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    group = await rt.repo.members.resolve_group(request.match_info["group"])
    if not await rt.repo.members.group_exists(group):
        return _error(404, f"unknown group {group}")
    limit = _int(request, "limit", 1000, 100000)
    offset = _int(request, "offset", 0, 10**9)
    found = await profiles.load_group(rt.repo, rt.config, group, rt.clock(), request.query.get("tag"),
                                      limit, offset)
    await rt.repo.privacy.audit("api", "list_members", group, f"{len(found)} profiles")
    return web.json_response([profiles.profile_json(p) for p in found], dumps=_dumps)


async def get_member(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    group = await rt.repo.members.resolve_group(request.match_info["group"])
    member = request.match_info["member"]
    t = rt.clock()
    if "at" in request.query:
        try:
            t = parse_at(request.query["at"])
        except ValueError as exc:
            return _error(400, f"at {exc}")
    found = await profiles.load(rt.repo, rt.config, group, [member], t)
    if not found:
        return _error(404, f"unknown member {member} in group {group}")
    await rt.repo.privacy.audit("api", "lookup", group, member)
    return web.json_response(profiles.profile_json(found[0]), dumps=_dumps)


async def segment_members(request: web.Request) -> web.Response:
    """Member ids matching ``q`` (contract §6, grammar §7); a bad query is 400 naming the position."""
    rt, group = request.app[RUNTIME], request.match_info["group"]
    if not await rt.repo.members.group_exists(group):
        return _error(404, f"unknown group {group}")
    query = request.query.get("q")
    if query is None:
        return _error(400, "q is required")
    try:
        found = await segment(rt.repo, rt.config, group, query, rt.clock())
    except QueryError as exc:
        return _error(400, str(exc))
    await rt.repo.privacy.audit("api", "segment", group, f"{query[:200]}: {len(found)} members")
    return web.json_response([p.member for p in found], dumps=_dumps)


async def get_person(request: web.Request) -> web.Response:
    """A linked person's merged view (groups, tags per group and combined, lifecycle per group); 404 unknown."""
    rt, person = request.app[RUNTIME], request.match_info["person"]
    view = await people.person_view(rt.repo, rt.config, person, rt.clock())
    if view is None:
        return _error(404, f"unknown person {person}")
    await rt.repo.privacy.audit("api", "person", "", person)
    return web.json_response(view, dumps=_dumps)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def add_routes(app: web.Application) -> None:
    app.middlewares.append(require_token)
    app.router.add_get("/api/groups", list_groups)
    # [^/]+ rather than aiohttp's default [^{}/]+: a platform id may contain braces (percent-encoded)
    app.router.add_get("/api/groups/{group:[^/]+}/members", list_members)
    app.router.add_get("/api/groups/{group:[^/]+}/members/{member:[^/]+}", get_member)
    app.router.add_get("/api/groups/{group:[^/]+}/segments", segment_members)
    app.router.add_post("/api/groups/{group:[^/]+}/news", add_news)
    app.router.add_get("/api/people/{person:[^/]+}", get_person)


async def add_news(request: web.Request) -> web.Response:
    """``POST /api/groups/{group}/news`` ``{"text", "date"?}``: queue an item for the group's morning report
    (contract §9); 201 with how many wait, 400 naming what is wrong, 404 for a group quntag does not serve."""
    rt = request.app[RUNTIME]
    group = await rt.repo.members.resolve_group(request.match_info["group"])
    if group not in rt.config.groups and not (rt.config.group(group) and await rt.repo.members.group_exists(group)):
        return _error(404, f"unknown group {group}")
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        return _error(400, "body must be a JSON object {\"text\": ..., \"date\": \"YYYY-MM-DD\"}")
    if not isinstance(body, dict):
        return _error(400, "body must be a JSON object {\"text\": ..., \"date\": \"YYYY-MM-DD\"}")
    unknown = sorted(set(body) - {"text", "date"})
    if unknown:
        return _error(400, f"unknown field {unknown[0]}")
    try:
        waiting = await news_queue.queue(rt.repo, group, body.get("text"), body.get("date"), "api", "api")
    except news_queue.BadNews as exc:
        return _error(400, str(exc))
    await rt.repo.privacy.audit("api", "news_add", group, f"{len(body['text'])} characters")
    return web.json_response({"group": group, "date": body.get("date"), "pending": waiting}, status=201,
                             dumps=_dumps)
