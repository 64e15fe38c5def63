"""``quntag demo``: the whole product end to end, offline, on a temporary SQLite file.

It starts ``quntag``'s real web app on a free loopback port plus a small receiver standing in for the
generic adapter's ``outbound_url``, posts the bundled sample chat through the signed webhook (with a
few re-deliveries), waits until everything is processed and every reply delivered, then reads the
profiles back through the HTTP API and prints them.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import tempfile
import time
import tomllib
from collections import Counter
from importlib.resources import files
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.generic import signed_headers
from bot.core.config import Config
from bot.core.events import ChatRef
from bot.core.i18n import N_, gettext
from bot.core.labels import label
from bot.domain.profiles import ProfileJSON
from bot.faces.appkeys import RUNTIME
from bot.faces.cli_table import table
from bot.faces.demo.purchases import purchase_section, sample_purchases
from bot.faces.demo.receiver import Receiver, start_site
from bot.faces.server import create_app
from bot.faces.settings import parse

GROUP = "g-1"
REDELIVERED = 10


def sample_events(now: float) -> list[dict[str, Any]]:
    """The bundled chat, shifted by whole days so its last event happened 1–25 hours ago (local hours
    of day stay as written, so night owls stay night owls)."""
    events, _shift = _sample_chat(now)
    return events


def _sample_chat(now: float) -> tuple[list[dict[str, Any]], int]:
    """The bundled chat shifted as :func:`sample_events` says, and the shift (the purchases move with it)."""
    lines = files("bot.faces.demo").joinpath("chat.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    shift = int((now - 3600 - max(e["time"] for e in events)) // 86400) * 86400
    for e in events:
        e["time"] += shift
    return events, shift


def demo_config(db_path: Path, outbound_url: str) -> Config:
    data = tomllib.loads(files("bot.faces.demo").joinpath("config.example.toml").read_text(encoding="utf-8"))
    data["storage"] = {"url": f"sqlite:///{db_path}", "sync": "normal", "store_text": False}
    # a demo group of two dozen members: personas of three are still shown (min_cell 5 would allow two)
    data["insights"] = {**data.get("insights", {}), "min_cell": 3}
    data["server"] = {"host": "127.0.0.1", "port": 0, "api_token": secrets.token_hex(16)}
    data["adapters"] = {"generic": {"secret": secrets.token_hex(16), "outbound_url": outbound_url}}
    # Reports are printed in their own sections (not posted), so the replies counted stay the chat's own.
    data["groups"] = [{"id": f"generic:{GROUP}", "name": "红酒爱好者·杭州", "admins": ["generic:u-01"],
                       "morning_report": "off", "weekly_digest": "off", "welcome": False}]
    return parse(data, db_path.parent, env={})


async def _post_all(http: aiohttp.ClientSession, url: str, secret: str, events: list[dict[str, Any]],
                    concurrency: int) -> list[int]:
    sem = asyncio.Semaphore(concurrency)

    async def post(ev: dict[str, Any]) -> int:
        body = json.dumps(ev, ensure_ascii=False).encode()
        async with sem, http.post(url, data=body, headers=signed_headers(secret, body, time.time())) as r:
            return r.status

    return list(await asyncio.gather(*(post(e) for e in events)))


def _metric(text: str, name: str) -> int:
    return int(sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name + "{") or line.startswith(name + " ")))


class DemoFailed(Exception):
    """The demo could not show the product working (the message says what went wrong)."""


async def run_demo(keep: str | None = None) -> str:
    """Run the demo; returns its printable report (sections ``== 成员画像 ==`` … ``== 周报 ==``, in the group's
    language)."""
    tmp = tempfile.TemporaryDirectory(prefix="quntag-demo-")
    folder = Path(keep) if keep else Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    receiver = Receiver()
    recv_runner, recv_url = await start_site(receiver.app())
    cfg = demo_config(folder / "demo.db", recv_url + "/send")
    receiver.secret = cfg.adapters["generic"].options["secret"]
    app = create_app(cfg)
    runner, base = await start_site(app)
    try:
        return await _drive(app, cfg, base, receiver)
    finally:
        await runner.cleanup()
        await recv_runner.cleanup()
        tmp.cleanup()


async def _drive(app: web.Application, cfg: Config, base: str, receiver: Receiver) -> str:
    secret = cfg.adapters["generic"].options["secret"]
    events, shift = _sample_chat(time.time())
    purchases = sample_purchases(shift)
    commands = [e for e in events if e["type"] == "message" and e["text"].startswith("/")]
    chat = [e for e in events if e not in commands]
    url = f"{base}/webhook/generic"
    auth = {"Authorization": f"Bearer {cfg.server.api_token}"}
    async with aiohttp.ClientSession() as http:
        statuses = await _post_all(http, url, secret, chat, concurrency=16)
        statuses += await _post_all(http, url, secret, chat[:REDELIVERED], concurrency=4)
        statuses += await _post_all(http, url, secret, purchases, concurrency=4)
        rt = app[RUNTIME]
        await rt.inbox.drained()
        statuses += await _post_all(http, url, secret, commands, concurrency=1)
        await rt.inbox.drained()
        await rt.outbox.drained()
        if any(s != 200 for s in statuses):
            raise DemoFailed(f"unexpected webhook answers: {Counter(statuses)}")
        async with http.get(f"{base}/api/groups/generic:{GROUP}/members", headers=auth) as r:
            profiles: list[ProfileJSON] = await r.json()
        async with http.get(f"{base}/metrics") as r:
            metrics = await r.text()
    morning, weekly = await _reports(app, cfg)
    locale = cfg.groups[f"generic:{GROUP}"].locale
    lines = _sections(profiles, metrics, len(events) + len(purchases), receiver, locale)
    lines += ["", gettext(locale, N_("== 早报 ==")), morning, "", gettext(locale, N_("== 周报 ==")), weekly]
    lines += ["", *purchase_section(profiles, locale)]
    lines += ["", gettext(locale, N_("== 人群画像 ==")), await _personas(app, cfg, locale)]
    return "\n".join(lines)


async def _personas(app: web.Application, cfg: Config, locale: str) -> str:
    """The persona cards as ``/persona NAME`` shows them, one after another."""
    from bot.domain.personas import personas

    rt = app[RUNTIME]
    cards = await personas(rt.repo, cfg, f"generic:{GROUP}", rt.clock(), locale)
    return "\n\n".join(rt.context.render("persona", locale, c=c).strip() for c in cards)


async def _reports(app: web.Application, cfg: Config) -> tuple[str, str]:
    """Both reports rendered now from the demo database (what the scheduler would post)."""
    from bot.domain import reports as report_texts

    rt = app[RUNTIME]
    group = cfg.groups[f"generic:{GROUP}"]
    now = rt.clock()
    morning = await report_texts.morning(rt.repo, rt.context.render, group, now, rt.config)
    weekly = await report_texts.weekly(rt.repo, rt.context.render, cfg, group, now,
                                  visibility=rt.context.visibility(ChatRef("generic", GROUP)))
    return morning.plain(), weekly.plain()


def _sections(profiles: list[ProfileJSON], metrics: str, posted: int, receiver: Receiver, locale: str) -> list[str]:
    """The profiles table and the summary, line by line, in the demo group's language."""
    def t(text: str, **values: object) -> str:
        return gettext(locale, text) % values if values else gettext(locale, text)

    rows = []
    for p in sorted(profiles, key=lambda p: (-p["stats"]["messages"], p["member"])):
        # every tag the member carries, once, as the summary counts them; a number only for keyword intensities
        shown: dict[str, str] = {}
        for tag in p["tags"]:
            shown.setdefault(tag["name"], f"{tag['name']} {tag['score']:.2f}" if tag["source"] == "keyword"
                             else tag["name"])
        st = p["stats"]
        rows.append([p["name"] or "—", p["member"], label("stage", p["lifecycle"], locale), str(st["messages"]),
                     str(st["active_days"]), t("、").join(shown.values()) or "—"])
    header = [t(N_("昵称")), t(N_("成员编号")), t(N_("阶段")), t(N_("消息")), t(N_("活跃天数")), t(N_("标签"))]
    out = [t(N_("== 成员画像 ==")), table(header, rows), "", t(N_("== 汇总 =="))]
    out.append(t(N_("收到事件 %(posted)s 个（另重复投递 %(again)s 个）：接收 %(accepted)s · 去重 %(duplicates)s · "
                    "已处理 %(processed)s"), posted=posted, again=REDELIVERED,
                 accepted=_metric(metrics, "quntag_events_accepted_total"),
                 duplicates=_metric(metrics, "quntag_events_duplicate_total"),
                 processed=_metric(metrics, "quntag_events_processed_total")))
    out.append(t(N_("成员 %(members)s 人 · 消息 %(messages)s 条"), members=len(profiles),
                 messages=sum(p["stats"]["messages"] for p in profiles)))
    stages = Counter(p["lifecycle"] for p in profiles)
    out.append(t(N_("生命周期：")) + " · ".join(f"{label('stage', k, locale)} {stages[k]}"
                                            for k in ("new", "active", "declining", "dormant", "left")))
    carried = Counter(name for p in profiles for name in {tag["name"] for tag in p["tags"]})
    out.append(t(N_("热门标签（带此标签的人数）：")) + " · ".join(f"{k} {n}" for k, n in carried.most_common(8)))
    out.append(t(N_("机器人发出回复 %(n)s 条（签名校验：%(check)s）"), n=len(receiver.received),
                 check=t(N_("通过")) if receiver.all_signed else t(N_("失败"))))
    for msg in receiver.received:
        first = msg.get("text", "").splitlines()[0] if msg.get("text") else ""
        out.append(f"  → {first}")
    return out
