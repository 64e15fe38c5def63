"""Reports and queries on a big group: 10,000 members and 1,000,000 messages generated straight into a
SQLite file with the real schema (alembic migrations), rows consistent with what the observers write.

Timed: ``handlers.profiles.load_group`` (all members) next to a raw fetch of the same rows, and — once
they exist — the weekly digest and the segment query (see HOOKS). Then the same on PostgreSQL: the file is
moved with ``quntag db copy`` into a database of its own on the server ``BENCH_PG_URL`` names (default: the
test server, ``QUNTAG_TEST_PG_URL``), which is dropped afterwards; skipped when that server is away."""

from __future__ import annotations

import asyncio
import importlib
import os
import random
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from common import ADAPTER, chinese_text, group_id, make_rules, write_config

from bot.core.config import TagRule
from bot.core.textnorm import normalize  # noqa: F401  (warms opencc before timing)
from bot.domain import profiles
from bot.faces.settings import load
from handlers.tagging import Tagger
from storage.db import Database, make_engine, upgrade
from storage.repo import Repo

GROUP = f"{ADAPTER}:{group_id(0)}"
DAY = 86400
TZ_OFFSET = 8 * 3600  # Asia/Shanghai, no DST: local day/hour without a zone lookup per row

# Features from later issues. Each hook is (module, attribute); the attribute is awaited as
# fn(repo, cfg, group_id, t). Absent module or attribute → "n/a (feature not present)".
HOOKS: dict[str, tuple[str, str]] = {
    # the digest reads the group's kept insights run (persona cards); after a day of chat that run is out of
    # date and the digest computes it (and keeps it for the console) — timed both ways
    "weekly digest, insights run out of date": ("", "weekly_digest"),  # "" = defined in this file
    "weekly digest, insights run kept": ("", "weekly_digest"),
    "segment query": ("", "segment_query"),
}


async def drop_insights_run(repo: Any, group_id: str) -> None:
    """What a day of chat does to the group's kept insights run: it is out of date (here: gone)."""
    from storage.repo.personas import drop_run

    await repo.db.write(lambda conn: drop_run(conn, group_id))


# Untimed, before each timing of that hook.
BEFORE: dict[str, Callable[[Any, str], Awaitable[None]]] = {
    "weekly digest, insights run out of date": drop_insights_run,
}


async def weekly_digest(repo: Any, cfg: Any, group_id: str, t: float) -> Any:
    """The weekly digest exactly as ``quntag report weekly`` renders it."""
    from bot.core.render import Renderer
    from bot.domain import reports as report_texts

    return await report_texts.weekly(repo, Renderer(), cfg, cfg.group(group_id), t)


async def segment_query(repo: Any, cfg: Any, group_id: str, t: float) -> Any:
    """A typical operator query: core or high-tier members who carry a keyword tag."""
    from bot.domain import insights

    return await insights.segment(repo, cfg, group_id, "(tier=core | tier=high) & !lifecycle=dormant & 红酒", t)


def generate(db: Path, members: int, messages: int, rules: list[tuple[str, str, list[str]]],
             days: int = 120, seed: int = 5) -> dict[str, Any]:
    """Fill ``db`` (migrated first) with one group's history; returns row counts and generation time."""
    t0 = time.perf_counter()
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    rng = random.Random(seed)
    now = int(time.time())
    start = now - days * DAY
    tagger = Tagger([TagRule(name=n, keywords=tuple(k), category=c) for n, c, k in rules])
    pool = [chinese_text(rng) for _ in range(5000)]
    pool_hits = [tagger.match(t) for t in pool]
    mids = [f"{ADAPTER}:{30000000 + i}" for i in range(members)]
    weights = [1.0 / (i + 1) ** 0.9 for i in range(members)]  # a few talk a lot, most rarely
    who = rng.choices(range(members), weights=weights, k=messages)
    ats = sorted(rng.randrange(start, now) for _ in range(messages))
    texts = [rng.randrange(len(pool)) for _ in range(messages)]

    msg_rows, hit_rows = [], []
    day_n: Counter[tuple[int, str]] = Counter()
    hour_n: Counter[tuple[int, int]] = Counter()
    group_n: Counter[tuple[str, int]] = Counter()
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    count: Counter[int] = Counter()
    day_str: dict[int, str] = {}
    for i in range(messages):
        m, at = who[i], ats[i]
        lt = at + TZ_OFFSET
        d = lt // DAY
        day = day_str.get(d)
        if day is None:
            day = day_str[d] = time.strftime("%Y-%m-%d", time.gmtime(d * DAY))
        hour = lt % DAY // 3600
        mid = str(1_000_000 + i)
        msg_rows.append((GROUP, mid, mids[m], float(at), day, hour, None, None))
        for tag, kw in pool_hits[texts[i]]:
            hit_rows.append((GROUP, mid, tag, mids[m], float(at), kw))
        day_n[(m, day)] += 1
        hour_n[(m, hour)] += 1
        group_n[(day, hour)] += 1
        first.setdefault(m, at)
        last[m] = at
        count[m] += 1
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    with con:
        con.execute("INSERT INTO groups (id, adapter, name, created_at) VALUES (?, ?, ?, ?)",
                    (GROUP, ADAPTER, "万人大群", float(start)))
        con.executemany(
            "INSERT INTO members (group_id, member_id, name, name_at, messages, first_seen, last_seen, "
            "last_message_at, joined_at, left_at, invited_by, opted_out) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            [(GROUP, mids[m], f"成员{m}", float(last[m]), count[m], float(first[m]), float(last[m]),
              float(last[m]), None, None, None) for m in sorted(count)])
        # members who joined and never wrote: still members of the group
        silent = [m for m in range(members) if m not in count]
        con.executemany(
            "INSERT INTO members (group_id, member_id, name, name_at, messages, first_seen, last_seen, "
            "last_message_at, joined_at, left_at, invited_by, opted_out) VALUES (?,?,?,?,0,?,?,NULL,?,NULL,NULL,0)",
            [(GROUP, mids[m], f"成员{m}", float(start), float(start), float(start), float(start)) for m in silent])
        con.executemany("INSERT INTO messages (group_id, message_id, member_id, at, local_day, local_hour, "
                        "reply_to, text) VALUES (?,?,?,?,?,?,?,?)", msg_rows)
        con.executemany("INSERT INTO member_days (group_id, member_id, day, messages) VALUES (?,?,?,?)",
                        [(GROUP, mids[m], d, n) for (m, d), n in day_n.items()])
        con.executemany("INSERT INTO member_hours (group_id, member_id, hour, messages) VALUES (?,?,?,?)",
                        [(GROUP, mids[m], h, n) for (m, h), n in hour_n.items()])
        con.executemany("INSERT INTO group_day_hours (group_id, day, hour, messages) VALUES (?,?,?,?)",
                        [(GROUP, d, h, n) for (d, h), n in group_n.items()])
        con.executemany("INSERT INTO tag_hits (group_id, message_id, tag, member_id, at, keyword) "
                        "VALUES (?,?,?,?,?,?)", hit_rows)
    con.execute("ANALYZE")
    con.close()
    return {"members": members, "messages": messages, "member_days": len(day_n), "member_hours": len(hour_n),
            "tag_hits": len(hit_rows), "generate_s": time.perf_counter() - t0,
            "db_bytes": db.stat().st_size + Path(str(db) + "-wal").stat().st_size
            if Path(str(db) + "-wal").exists() else db.stat().st_size}


RAW = [
    ("SELECT * FROM members WHERE group_id = ? ORDER BY first_seen, member_id", 1),
    ("SELECT member_id, hour, messages FROM member_hours WHERE group_id = ?", 1),
    ("SELECT member_id, count(*) FROM member_days WHERE group_id = ? GROUP BY member_id", 1),
    ("SELECT member_id, day, messages FROM member_days WHERE group_id = ? AND day >= ?", 2),
    ("SELECT member_id, tag, at, keyword, message_id FROM tag_hits WHERE group_id = ?", 1),
]


def raw_fetch(db: Path, since: str) -> int:
    """Baseline: the rows load_group needs, fetched with plain sqlite3 and no Python objects built."""
    con = sqlite3.connect(db)
    n = sum(len(con.execute(sql, (GROUP, since)[:k]).fetchall()) for sql, k in RAW)
    con.close()
    return n


def raw_fetch_pg(url: str, since: str) -> int:
    """Baseline on PostgreSQL: the same rows with plain psycopg."""
    import psycopg

    from storage.pg_backup import libpq

    uri, _env = libpq(url)
    with psycopg.connect(uri) as con:
        return sum(len(con.execute(sql.replace("?", "%s"), (GROUP, since)[:k]).fetchall()) for sql, k in RAW)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def hook(name: str) -> Callable[..., Awaitable[Any]] | None:
    module, attr = HOOKS[name]
    if not module:
        fn = globals().get(attr)
        return fn if callable(fn) else None
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, attr, None)
    return fn if callable(fn) else None


def big_group(work: Path, name: str) -> tuple[Path, dict[str, Any], list[tuple[str, str, list[str]]], int]:
    """A fresh ``name`` in ``work`` holding the generated group (sizes from the environment): the file, what
    ``generate`` said, the rules and how often to repeat each timing."""
    members = int(os.environ.get("BENCH_REPORT_MEMBERS", "10000"))
    messages = int(os.environ.get("BENCH_REPORT_MESSAGES", "1000000"))
    rules = make_rules(200)
    db = work / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db, generate(db, members, messages, rules), rules, int(os.environ.get("BENCH_REPORT_REPEAT", "3"))


def run_reports(work: Path, log: Any) -> dict[str, Any]:
    db, gen, rules, repeat = big_group(work, "reports.db")
    log(f"reports: generated {gen['messages']:,} messages / {gen['members']:,} members / {gen['tag_hits']:,} "
        f"tag hits in {gen['generate_s']:.1f}s")
    cfg_path = write_config(work, db, 1, rules)
    out: dict[str, Any] = {"data": gen, "queries": []}
    from bot.core.timeutil import day_minus, local
    from bot.domain.lifecycle import HISTORY_DAYS

    since = day_minus(local(time.time(), "Asia/Shanghai").date().isoformat(), HISTORY_DAYS)
    out["queries"] += asyncio.run(time_queries(load(cfg_path), lambda: raw_fetch(db, since), "raw sqlite3", repeat))
    pg = postgres_copy(db, log)
    if pg is not None:
        url, copy_s, drop = pg
        out["data"]["pg_copy_s"] = copy_s
        try:
            cfg = load(cfg_path, env={**os.environ, "QUNTAG_STORAGE_URL": url})
            queries = asyncio.run(time_queries(cfg, lambda: raw_fetch_pg(url, since), "raw psycopg", repeat))
            out["queries"] += [{**q, "name": f"{q['name']} [PostgreSQL]"} for q in queries]
        finally:
            drop()
    for q in out["queries"]:
        log(f"  {q['name']}: " + (f"{q['seconds']:.3f}s" if q["seconds"] is not None else q["result"]))
    return out


async def time_queries(cfg: Any, baseline: Callable[[], int], baseline_name: str, repeat: int) -> list[dict[str, Any]]:
    """Median wall time of load_group (next to ``baseline``) and of every hook, on ``cfg``'s database."""
    queries: list[dict[str, Any]] = []
    database = Database(cfg.database_url(), "normal")
    database.start()
    repo = Repo(database)
    loop = asyncio.get_running_loop()
    try:
        times = []
        found: list[dict[str, Any]] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            found = await profiles.load_group(repo, cfg, GROUP, time.time())
            times.append(time.perf_counter() - t0)
        base_s, rows = await loop.run_in_executor(None, timed, baseline, repeat)
        queries.append({"name": "load_group (all members)", "seconds": statistics.median(times),
                        "baseline": f"{baseline_name} fetch of the same rows", "baseline_s": base_s,
                        "ratio": statistics.median(times) / base_s, "result": f"{len(found)} profiles",
                        "baseline_result": f"{rows} rows"})
        for name in HOOKS:
            fn = hook(name)
            if fn is None:
                queries.append({"name": name, "seconds": None, "result": "n/a (feature not present)"})
                continue
            ts = []
            before = BEFORE.get(name)
            for _ in range(repeat):
                if before is not None:
                    await before(repo, GROUP)
                t0 = time.perf_counter()
                await fn(repo, cfg, GROUP, time.time())
                ts.append(time.perf_counter() - t0)
            queries.append({"name": name, "seconds": statistics.median(ts), "result": "ok"})
    finally:
        await database.close()
    return queries


def postgres_copy(db: Path, log: Any) -> tuple[str, float, Callable[[], None]] | None:
    """A new database on the bench's PostgreSQL server holding a copy of ``db`` (quntag db copy); its URL, the
    copy's seconds and how to drop it. None (with a log line) when the server is away."""
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import OperationalError

    from storage.copy import copy

    server = make_url(os.environ.get("BENCH_PG_URL") or os.environ.get("QUNTAG_TEST_PG_URL")
                      or "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"quntag_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:  # a database of an earlier run that was killed may carry the same pid
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        log(f"reports: PostgreSQL skipped (server away: {str(exc.orig).splitlines()[0] if exc.orig else exc})")
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = server.set(database=name).render_as_string(hide_password=False)
    t0 = time.perf_counter()
    try:
        copy(f"sqlite:///{db}", url)
        with create_engine(url).connect() as conn:  # fresh planner statistics, as autovacuum would make
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    except Exception:
        drop()
        raise
    copy_s = time.perf_counter() - t0
    log(f"reports: copied to PostgreSQL in {copy_s:.0f}s")
    return url, copy_s, drop


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="quntag-bench-") as d:
        run_reports(Path(d), print)
