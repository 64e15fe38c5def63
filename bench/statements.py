"""Statements per processed message: every SQL statement (BEGIN, COMMIT and SAVEPOINT included) that the web
side and the processor run for 100 realistic generic-webhook messages from 20 members, on SQLite.

Counted, not timed, so the figure holds on a busy machine. A real server (``create_app``, one process, no
scheduler) runs in this process on a temporary SQLite file; the 100 signed messages are POSTed at once; every
connection the engine opens reports its statements (``sqlite3.Connection.set_trace_callback``) from the
first request until the inbox is empty. Prints statements per message and a breakdown by statement shape.

    python bench/statements.py            # the table (each mix run 3 times, the median shown)
    python bench/statements.py --json     # one JSON object
    python bench/statements.py --runs 1   # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from bot.adapters.generic import signed_headers  # noqa: E402

SECRET, TOKEN = "bench-statements-secret", "bench-statements-token"
MESSAGES, MEMBERS = 100, 20

# The mix of a hobby group: wine chatter (tag hits), a question, a link (moderation's link rule), small talk.
WINE = ["这款赤霞珠红酒口感很柔顺", "红酒配牛排真的绝了", "第一次喝黑皮诺干红，果香很明显", "葡萄酒要醒多久"]
QUESTION = ["有人知道附近哪里有宠物医院吗？", "请教一下，醒酒大概需要多长时间？"]
LINK = ["看看这个 https://example.com/wine/2024"]
SMALL = ["早安各位，今天也要加油", "哈哈哈哈笑死我了", "好的收到，谢谢群主", "晚上有空一起打球吗"]

CONFIG = f"""
[server]
api_token = "{TOKEN}"
[storage]
url = "sqlite:///quntag.db"
[adapters.generic]
secret = "{SECRET}"
outbound_url = "http://127.0.0.1:9/send"
[[tags]]
name = "红酒"
keywords = ["红酒", "葡萄酒", "干红", "赤霞珠", "黑皮诺"]
[[tags]]
name = "宠物"
keywords = ["宠物", "猫咪", "狗狗"]
"""


def text_of(i: int) -> str:
    """Message ``i``: two in five about wine, one in ten a question, one in twenty a link, the rest small talk."""
    r = i % 20
    if r in (0, 3, 7, 11, 14, 18, 5, 16):
        return WINE[i % len(WINE)]
    if r in (2, 12):
        return QUESTION[i % len(QUESTION)]
    if r == 9:
        return LINK[0]
    return SMALL[i % len(SMALL)]


def events(now: float, mix: str) -> list[dict[str, Any]]:
    """The last 100 seconds of a group's chat, one message a second. ``varied``: member ``(i + i // 20) % 20``
    writes message ``i``, so each member's messages vary in kind; ``repeats``: member ``i % 20`` does, so each
    member says one line again and again and moderation's repeat rule fires from the third time on."""
    start = now - MESSAGES

    def member(i: int) -> str:
        return str((i + i // MEMBERS) % MEMBERS if mix == "varied" else i % MEMBERS)

    return [{"id": f"m-{i}", "type": "message", "time": start + i, "group": {"id": "wine-club", "name": "红酒爱好者"},
             "user": {"id": f"u-{member(i)}", "name": f"会员{member(i)}"}, "text": text_of(i)}
            for i in range(MESSAGES)]


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|X'[0-9A-Fa-f]*'")
_LISTS = re.compile(r"\((?:\?, )+\?\)")
_SAVEPOINT = re.compile(r"sa_savepoint_\d+")


def shape(sql: str) -> str:
    """A statement without its values (the trace reports them bound), cut to a readable length."""
    s = _LISTS.sub("(?…)", _LITERALS.sub("?", _SAVEPOINT.sub("sa_savepoint_N", " ".join(sql.split()))))
    return s if len(s) <= 110 else s[:107] + "..."


class Trace:
    """Every statement of every connection the engine opens, while ``on``."""

    def __init__(self) -> None:
        self.on = False
        self.shapes: Counter[str] = Counter()
        self.lock = threading.Lock()

    def total(self) -> int:
        return sum(self.shapes.values())

    def __call__(self, sql: str) -> None:
        if self.on:
            with self.lock:
                self.shapes[shape(sql)] += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def inbox_rows(db: Path) -> int:
    """Pending events, read on a connection of our own (not traced, not the server's)."""
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])


async def run(folder: Path, mix: str) -> Trace:
    from bot.faces.server import create_app
    from bot.faces.settings import load

    trace = Trace()

    @event.listens_for(Engine, "connect")
    def _traced(dbapi_conn: Any, _rec: Any) -> None:
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.set_trace_callback(trace)

    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    config = load(folder / "config.toml")
    app = create_app(config, schedule=False)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        url = f"http://127.0.0.1:{port}/webhook/generic"
        bodies = [json.dumps(e, ensure_ascii=False).encode() for e in events(time.time(), mix)]
        async with aiohttp.ClientSession() as http:
            async def post(body: bytes) -> int:
                async with http.post(url, data=body, headers=signed_headers(SECRET, body, time.time())) as r:
                    await r.read()
                    return r.status

            trace.on = True
            statuses = await asyncio.gather(*(post(b) for b in bodies))
            if any(s != 200 for s in statuses):
                raise RuntimeError(f"not all accepted: {Counter(statuses)}")
            deadline = time.monotonic() + 60
            while inbox_rows(folder / "quntag.db"):
                if time.monotonic() > deadline:
                    raise TimeoutError("inbox not drained in 60 s")
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # the last batch's follow-ups (outbox wake-up, lag) settle
            trace.on = False
    finally:
        await runner.cleanup()
        event.remove(Engine, "connect", _traced)
    return trace


MIXES = ("varied", "repeats")


def measure(mix: str, runs: int) -> tuple[Trace, list[int]]:
    """``runs`` runs of one mix: the run with the median total, and every run's total. Totals vary a little
    between runs: how the 100 concurrent requests fall into the processor's batches depends on timing."""
    traces = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="quntag-statements-") as tmp:
            traces.append(asyncio.run(run(Path(tmp), mix)))
    traces.sort(key=Trace.total)
    return traces[len(traces) // 2], [t.total() for t in traces]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs per mix; the median is shown (default 3)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    args = parser.parse_args()
    results = {mix: measure(mix, max(1, args.runs)) for mix in MIXES}
    if args.json:
        print(json.dumps({mix: {"messages": MESSAGES, "statements": t.total(), "per_message": t.total() / MESSAGES,
                                "totals": totals, "shapes": dict(t.shapes.most_common())}
                          for mix, (t, totals) in results.items()}, ensure_ascii=False))
        return
    for mix, (trace, totals) in results.items():
        total = trace.total()
        print(f"\n== {mix}: {MESSAGES} messages from {MEMBERS} members: {total / MESSAGES:.2f} statements per "
              f"message (median of {len(totals)} runs; {min(totals) / MESSAGES:.2f}–{max(totals) / MESSAGES:.2f}) ==")
        print(f"{'per msg':>8}  {'count':>6}  statement")
        for sql, n in trace.shapes.most_common():
            print(f"{n / MESSAGES:8.2f}  {n:6d}  {sql}")


if __name__ == "__main__":
    main()
