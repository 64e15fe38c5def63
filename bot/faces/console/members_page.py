"""The members page (``/console/groups/{group}/members``), its JSON and its CSV / XLSX exports.

A bad segment query is shown where it went wrong: the domain's error names a 1-based position, and the
page repeats the query with that character marked, in the console's language.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.core.timeutil import iso_utc
from bot.domain.segments import QueryError
from bot.faces.console import exports
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.members import COLUMNS, Selection, fresh_now, full, page, row, select
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import Pages, group_url, json_response


def query_error(pages: Pages, query: str, exc: QueryError) -> dict[str, Any]:
    """The error as the page shows it: the chat's wording (``/segment`` says the same) and a caret under the
    character it names (marked in the repeated query)."""
    text = pages.chat("query_error", pages.locale, error=str(exc), code=exc.code, position=exc.position,
                      params=exc.params)
    shown = unicodedata.normalize("NFKC", query)  # positions count characters of the normalized query
    at = max(exc.position - 1, 0)
    return {"text": text, "position": exc.position, "before": shown[:at], "at": shown[at:at + 1] or " ",
            "after": shown[at + 1:]}


def _links(group: GroupView, sel: Selection) -> dict[str, Any]:
    base = group_url(group.id, "/members")

    def url(**change: Any) -> str:
        qs = urlencode(sel.params(**change))
        return f"{base}?{qs}" if qs else base
    sorts = {c: url(sort=c, dir="asc" if sel.sort == c and sel.desc else "desc", page=1) for c in COLUMNS}
    export = urlencode({k: v for k, v in sel.params().items() if k != "page"})
    return {"sort": sorts, "prev": url(page=sel.page - 1), "next": url(page=sel.page + 1),
            "csv": group_url(group.id, "/export.csv") + (f"?{export}" if export else ""),
            "xlsx": group_url(group.id, "/export.xlsx") + (f"?{export}" if export else "")}


async def members_page(request: web.Request) -> web.Response:
    """``GET …/members?name=&q=&sort=&dir=&page=``."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    sel, now, error = Selection.of(request.query), await fresh_now(c.config, c.repo, group.id, c.clock), None
    try:
        data = await page(c.config, c.repo, group.id, sel, now)
    except QueryError as exc:
        error = query_error(c.pages, sel.query, exc)
        data = {"total": 0, "page": 1, "pages": 1, "page_size": 0, "rows": []}
    sel = Selection(sel.name, sel.query, sel.sort, sel.desc, data["page"])
    return c.pages.response("members", status=400 if error else 200, viewer=who, group=group, now=now,
                            tab="members", title=c.pages.t["tabs"]["members"], sel=sel, data=data, error=error,
                            links=_links(group, sel), columns=COLUMNS)


async def members_json(request: web.Request) -> web.Response:
    """``GET /api/groups/{group}/members/list?name=&q=&sort=&dir=&page=``: one page, as on the console."""
    c = request.app[CONSOLE]
    group = await api_group(request)
    try:
        data = await page(c.config, c.repo, group.id, Selection.of(request.query),
                          await fresh_now(c.config, c.repo, group.id, c.clock))
    except QueryError as exc:
        return json_response({"error": str(exc)}, 400)
    for r in data["rows"]:
        r["first_seen"], r["last_seen"] = _iso(r["first_seen"]), _iso(r["last_seen"])
    return json_response(data)


def _iso(ts: float | None) -> str | None:
    return iso_utc(ts) if ts else None


async def _export(c: Console, request: web.Request) -> tuple[GroupView, list[list[Any]]]:
    who, group = await page_group(request)
    sel = Selection.of(request.query)
    now = await fresh_now(c.config, c.repo, group.id, c.clock)
    try:
        chosen = await select(c.config, c.repo, group.id, sel, now)
    except QueryError:
        raise web.HTTPBadRequest() from None
    rows = [row(p) for p in await full(c.config, c.repo, group.id, chosen, now)]
    await c.audit(who.member_id, "console_export", group.id, f"{len(rows)} members; q={sel.query[:200]}")
    return group, exports.table(rows, c.pages.t, c.pages.fmt, group.timezone)


def _download(body: bytes, kind: str, name: str) -> web.Response:
    return web.Response(body=body, content_type=kind, charset="utf-8" if kind.startswith("text/") else None, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


async def export_csv(request: web.Request) -> web.Response:
    """``GET …/export.csv?…``: the whole selection (every page) as CSV with a BOM."""
    c = request.app[CONSOLE]
    _group, cells = await _export(c, request)
    return _download(exports.as_csv(cells), "text/csv", "members.csv")


async def export_xlsx(request: web.Request) -> web.Response:
    """``GET …/export.xlsx?…``: the whole selection as an Excel workbook."""
    c = request.app[CONSOLE]
    group, cells = await _export(c, request)
    return _download(exports.as_xlsx(cells, group.name), exports.XLSX, "members.xlsx")
