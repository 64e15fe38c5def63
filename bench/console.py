"""Every console page and its JSON on a big group: the reports part's generated history (10,000 members,
1,000,000 messages by default), served by the real app on loopback, each URL fetched by a logged-in browser
session (pages) or with the API token (JSON). Server time per request, median of BENCH_REPORT_REPEAT (3)
after one warm-up, next to the login help page as the same-run baseline (same middleware, no data)."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from common import ADAPTER, API_TOKEN, write_config
from reports import GROUP, big_group

from bot.core.timeutil import local_day_hour
from bot.domain import refresh
from bot.faces.console.service import CONSOLE
from bot.faces.listener import listen, settle_heap
from bot.faces.server import create_app
from bot.faces.settings import load
from storage.repo import MessageFacts

ADMIN = f"{ADAPTER}:bench-admin"
BUDGET_S = 0.300


def urls(top_member: str) -> list[tuple[str, str, str]]:
    """(name, console path, JSON path) of every console page."""
    g = f"/console/groups/{quote(GROUP, safe='')}"
    a = f"/api/console/groups/{quote(GROUP, safe='')}"
    m = "/members/" + quote(top_member, safe="")
    q = "?q=" + quote("(tier=core | tier=high) & !lifecycle=dormant")
    return [("overview", "/console/", "/api/overview"),
            ("dashboard", g, a),
            ("members", g + "/members", a + "/members"),
            ("members, segment filter", g + "/members" + q, a + "/members" + q),
            ("members, name search, page 3", g + "/members?name=" + quote("成员1") + "&page=3",
             a + "/members?name=" + quote("成员1") + "&page=3"),
            ("member", g + m, a + m),
            ("segments and personas", g + "/insights", a + "/insights"),
            ("surveys", g + "/surveys", a + "/surveys"),
            ("routine", g + "/routine", a + "/routine"),
            ("tag rules, preview of the last 1,000", g + "/rules?keywords=" + quote("红酒 赤霞珠"),
             a + "/rules?keywords=" + quote("红酒 赤霞珠"))]


async def _time(session: aiohttp.ClientSession, url: str, repeat: int, headers: dict[str, str]) -> tuple[float, int]:
    status = 0
    async with session.get(url, headers=headers) as r:  # warm-up
        await r.read()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        async with session.get(url, headers=headers, allow_redirects=False) as r:
            await r.read()
            status = r.status
        times.append(time.perf_counter() - t0)
    return statistics.median(times), status


async def _live(app: Any, s: aiohttp.ClientSession, pages: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """A group that talks all the time: each page timed on the first view after a new message (the recompute
    and the insights run are then out of date), then the background renewal awaited; median of 3."""
    repo, out = app[CONSOLE].repo, []
    for name, page, _data in pages:
        times, status = [], 0
        for _round in range(3):
            now = time.time()
            day, hour = local_day_hour(now, "Asia/Shanghai")
            await repo.activity.record_message(MessageFacts(
                GROUP, "万人大群", ADAPTER, f"{ADAPTER}:30000001", "成员1", f"live-{name}-{_round}", now, day, hour,
                None, None, late=False))
            t0 = time.perf_counter()
            async with s.get(page, allow_redirects=False) as r:
                await r.read()
                status = r.status
            times.append(time.perf_counter() - t0)
            await refresh.settled()
        out.append({"name": name, "page_s": statistics.median(times), "page_status": status})
    return out


def run_console(work: Path, log: Any) -> dict[str, Any]:
    db, gen, rules, repeat = big_group(work, "console.db")
    log(f"console: generated {gen['messages']:,} messages / {gen['members']:,} members in {gen['generate_s']:.1f}s")
    path = write_config(work, db, 1, rules)
    path.write_text(path.read_text(encoding="utf-8") + f'\n[defaults]\nadmins = ["{ADMIN}"]\n', encoding="utf-8")
    cfg = load(path)
    out: dict[str, Any] = {"data": gen, "pages": [], "budget_s": BUDGET_S}

    async def go() -> None:
        app = create_app(cfg, schedule=False)
        runner, port = await listen(app, "127.0.0.1", 0)
        settle_heap()  # as `quntag serve` does once started
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
                link = await app[CONSOLE].logins.issue(ADMIN)
                assert link is not None
                async with s.get(link[link.index("/console/"):]) as r:
                    assert r.status == 200, r.status
                top = f"{ADAPTER}:30000000"  # the busiest member of the generated history
                auth = {"Authorization": f"Bearer {API_TOKEN}"}
                base_s, _st = await _time(s, "/console/welcome", repeat, {})
                out["baseline_s"] = base_s
                for name, page, data in urls(top):
                    page_s, page_status = await _time(s, page, repeat, {})
                    json_s, json_status = await _time(s, data, repeat, auth)
                    out["pages"].append({"name": name, "page_s": page_s, "page_status": page_status,
                                         "json_s": json_s, "json_status": json_status})
                    log(f"  {name}: page {page_s * 1000:.0f} ms ({page_status}), json {json_s * 1000:.0f} ms "
                        f"({json_status})")
                out["live"] = await _live(app, s, urls(top)[:4])
        finally:
            await runner.cleanup()

    asyncio.run(go())
    return out


def table(res: dict[str, Any]) -> list[str]:
    d = res["data"]
    budget = res["budget_s"] * 1000
    out = ["", f"console — one group, {d['members']:,} members, {d['messages']:,} messages; server time per "
               f"request over loopback (median), budget {budget:.0f} ms; baseline: the login help page "
               f"{res['baseline_s'] * 1000:.1f} ms",
           "| page | page ms | JSON ms | page / baseline | within budget |", "|---|---|---|---|---|"]
    for p in res["pages"]:
        ok = max(p["page_s"], p["json_s"]) <= res["budget_s"] and p["page_status"] == p["json_status"] == 200
        out.append(f"| {p['name']} | {p['page_s'] * 1000:.0f} | {p['json_s'] * 1000:.0f} "
                   f"| x{p['page_s'] / res['baseline_s']:.0f} | {'yes' if ok else '**no**'} |")
    out += ["", "the first view after a new message (the recompute and insights run out of date, renewed in the "
                "background)", "| page | page ms | within budget |", "|---|---|---|"]
    for p in res.get("live", []):
        ok = p["page_s"] <= res["budget_s"] and p["page_status"] == 200
        out.append(f"| {p['name']} | {p['page_s'] * 1000:.0f} | {'yes' if ok else '**no**'} |")
    return out


if __name__ == "__main__":
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="quntag-bench-") as folder:
        result = run_console(Path(folder), lambda m: print(m, file=sys.stderr, flush=True))
        print("\n".join(table(result)))
