"""``/mydata/<token>``: a member downloads their own data through the one-time link ``/mydata`` sent them.

Opening the link shows a page with a download button; only pressing it (a POST) spends the link. Chat apps
fetch a posted URL to draw its preview, and such a fetch must neither spend the link nor receive the data.
No console session is involved: the token is the credential, and it names one member in one group.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from aiohttp import web

from bot.domain import member_data
from bot.faces.console.service import CONSOLE
from bot.faces.console.views import HEADERS

PATH = member_data.DOWNLOAD_PATH + "{token}"


def _token(request: web.Request) -> str:
    token = request.match_info.get("token", "")
    return token if 0 < len(token) <= 200 else ""


async def download_page(request: web.Request) -> web.Response:
    """``GET /mydata/<token>``: what the link is and a button that downloads the file."""
    c = request.app[CONSOLE]
    t = c.pages.t
    if not _token(request):
        return c.pages.message(404, t["mydata_failed_title"], [t["mydata_unknown"]])
    return c.pages.response("download", title=t["mydata_title"], lines=[t["mydata_intro"], t["mydata_once"]],
                            button=t["mydata_button"])


async def download(request: web.Request) -> web.Response:
    """``POST /mydata/<token>``: spend the link and send the member's data as a JSON file."""
    c = request.app[CONSOLE]
    t = c.pages.t
    outcome, group, member = await c.repo.privacy.redeem_export_link(member_data.token_hash(_token(request)))
    if outcome != "ok" or group is None or member is None:
        return c.pages.message(410 if outcome in ("used", "expired") else 404, t["mydata_failed_title"],
                               [t[f"mydata_{outcome}"], t["mydata_again"]])
    now = c.clock()
    doc = await member_data.document(c.repo, c.config, group, member, now)
    await c.repo.privacy.audit(f"member:{member}", "mydata_download", group)
    name = f"{t['mydata_file']}-{time.strftime('%Y%m%d', time.gmtime(now))}.json"
    disposition = f"attachment; filename=\"mydata.json\"; filename*=UTF-8''{quote(name)}"
    return web.Response(body=member_data.as_file(doc), content_type="application/json", charset="utf-8",
                        headers={**HEADERS, "Content-Disposition": disposition})


def add_routes(app: web.Application) -> None:
    # No HEAD: a link preview that only peeks at the URL gets nothing.
    app.router.add_get(PATH, download_page, allow_head=False)
    app.router.add_post(PATH, download)
