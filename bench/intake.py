"""Intake: signed OneBot group messages over loopback, bare aiohttp vs ``quntag serve``, same loop.

Also the RSS run (100,000 distinct members through the webhook) and the profiled run (py-spy)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    ADAPTER,
    BENCH,
    Proc,
    cpu_seconds,
    free_port,
    metrics,
    pending,
    proc_status,
    processed,
    python_cmd,
    tree_cpu_seconds,
    tree_pss,
    tree_status,
    wait_drained,
    write_bodies,
    write_config,
)

MEMBERS, GROUPS = 5000, 50


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def tool() -> str:
    if os.environ.get("BENCH_CLIENT", "") != "python" and shutil.which("wrk"):
        return "wrk"
    return "python"


def load(url: str, bodies: Path, first: int, lines: int, conns: int, seconds: float,
         stop: bool = False) -> dict[str, Any]:
    """One load-generator process against ``url``; returns its WRKJSON dict plus requests/s."""
    if tool() == "wrk":
        threads = 1 if stop else int(os.environ.get("BENCH_WRK_THREADS", "1"))
        argv = ["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds:.0f}s", "--timeout", "30s",
                "-s", str(BENCH / "bodies.lua"), url, "--", str(bodies), str(first), str(lines), str(threads),
                "stop" if stop else "wrap"]
        env = {**os.environ, "BENCH_WRK_STOP": "1" if stop else "0"}
    else:
        argv = [sys.executable, str(BENCH / "loadgen.py"), url, str(bodies), str(first), str(lines), str(conns),
                str(seconds), *(["stop"] if stop else [])]
        env = dict(os.environ)
    res = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds + 600)
    line = next((x for x in res.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"load generator failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    out: dict[str, Any] = json.loads(line[len("WRKJSON "):])
    out["rps"] = out["requests"] / (out["duration_us"] / 1e6)
    out["errors"] = sum(out[k] for k in ("connect", "read", "write", "status", "timeout"))
    return out


def start_bare(port: int) -> Proc:
    return Proc(python_cmd([str(BENCH / "bare_server.py"), str(port)]), "listening on")


def default_processors() -> int:
    from bot.core.config.server import default_processors as configured

    return configured()


def default_workers() -> int:
    from bot.core.config.server import default_workers as configured

    return int(os.environ.get("BENCH_WORKERS", configured()))


def pg_url() -> str | None:
    """A fresh PostgreSQL database for one run (``BENCH_PG_URL``'s server), or None when none answers."""
    base = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    if base in ("", "off"):
        return None
    try:
        import psycopg
    except ImportError:
        return None
    name = f"quntag_bench_{os.getpid()}"
    plain = base.replace("+psycopg", "")
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error:
        return None
    return base.rsplit("/", 1)[0] + "/" + name


def start_quntag(folder: Path, port: int, rules: list[tuple[str, str, list[str]]], workers: int = 1,
                 url: str | None = None, processors: int | None = None) -> tuple[Proc, str]:
    db = folder / "quntag.db"
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    cfg = write_config(folder, db, GROUPS, rules, sync="normal", workers=workers, url=url, processors=processors)
    proc = Proc(python_cmd(["-m", "bot.faces.cli", "serve", "--config", str(cfg), "--port", str(port)]), "listening on")
    return proc, f"http://127.0.0.1:{port}"


def body_count(seconds: float, warmup: float) -> int:
    """Enough bodies that no id repeats: an upper bound on requests/s times the run length."""
    return int(env_float("BENCH_MAX_RPS", 30000) * (seconds + warmup)) + 1000


def run_intake(work: Path, rules: list[tuple[str, str, list[str]]], log: Any) -> dict[str, Any]:
    seconds, warmup = env_float("BENCH_SECONDS", 20), env_float("BENCH_WARMUP", 3)
    conns_list = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "32,128").split(",")]
    lines = body_count(seconds, warmup)
    bodies = work / "bodies.txt"
    t0 = time.perf_counter()
    write_bodies(bodies, lines, MEMBERS, GROUPS)
    log(f"intake: {lines} signed bodies in {time.perf_counter() - t0:.1f}s ({bodies.stat().st_size >> 20} MiB), "
        f"load generator {tool()}")
    results: dict[str, Any] = {"tool": tool(), "seconds": seconds, "warmup": warmup, "bodies": lines, "runs": []}
    for conns in conns_list:
        row: dict[str, Any] = {"connections": conns}
        # (a) bare aiohttp
        port = free_port()
        bare = start_bare(port)
        try:
            url = f"http://127.0.0.1:{port}/webhook/{ADAPTER}"
            w = load(url, bodies, 0, lines, conns, warmup)
            c0 = cpu_seconds(bare.pid)
            row["bare"] = load(url, bodies, w["requests"] + 2 * conns, lines - w["requests"] - 2 * conns,
                               conns, seconds)
            row["bare"]["server_cpu"] = (cpu_seconds(bare.pid) - c0) / (row["bare"]["duration_us"] / 1e6)
        finally:
            bare.stop()
        log(f"  bare    c={conns}: {row['bare']['rps']:.0f} req/s p99 {row['bare']['p99_us'] / 1000:.1f} ms")
        # (b) quntag serve, fresh database: one process, then the default workers; SQLite, then PostgreSQL
        row["variants"] = []
        for backend, workers, processors in variants():
            r = run_quntag(work, rules, bodies, lines, conns, seconds, warmup, backend, workers, processors)
            r["ratio"] = r["rps"] / row["bare"]["rps"] if row["bare"]["rps"] and r.get("rps") else float("nan")
            row["variants"].append(r)
            name = f"{backend} workers={workers}" + (f" processors={processors}" if workers > 1 else "")
            if "error" in r:
                log(f"  quntag  c={conns} {name}: {r['error']}")
                continue
            log(f"  quntag  c={conns} {name}: {r['rps']:.0f} req/s "
                f"({r['ratio']:.1%} of bare) p99 {r['p99_us'] / 1000:.1f} ms, processed {r['events_per_s']:.0f} "
                f"ev/s, pending at end {r['pending_end']} (drained in {r['drain_s']} s), "
                f"peak RSS {r['rss_bytes'] / 2**20:.0f} MiB summed, PSS {r['pss_bytes'] / 2**20:.0f} MiB")
        row["quntag"] = next((v for v in row["variants"] if v["backend"] == "sqlite" and "error" not in v
                              and v["workers"] == default_workers() and v["processors"] == default_processors()),
                             row["variants"][0])
        row["ratio"] = row["quntag"]["ratio"]
        results["runs"].append(row)
    return results


def variants() -> list[tuple[str, int, int]]:
    """(backend, workers, processors) to measure: one process and the default workers on SQLite, the same on
    PostgreSQL; with the default workers also each of ``BENCH_PROCESSORS`` processors (default 1 and 2)."""
    counts = sorted({1, default_workers()})
    wanted = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
    processors = [int(p) for p in os.environ.get("BENCH_PROCESSORS", "1,2").split(",")]
    return [(b, w, p) for b in ("sqlite", "postgresql") if b in wanted for w in counts
            for p in (processors if w > 1 else [1])]


def run_quntag(work: Path, rules: list[tuple[str, str, list[str]]], bodies: Path, lines: int, conns: int,
               seconds: float, warmup: float, backend: str, workers: int, processors: int = 1) -> dict[str, Any]:
    """One ``quntag serve`` under load: req/s and latency, processing, drain, every process's CPU and RSS,
    and whether each accepted event was processed exactly once."""
    url = None
    if backend == "postgresql":
        url = pg_url()
        if url is None:
            return {"backend": backend, "workers": workers, "processors": processors,
                    "error": "not measured: psycopg not installed or no server at BENCH_PG_URL"}
    port = free_port()
    try:
        q, base = start_quntag(work, port, rules, workers, url, processors)
    except RuntimeError as exc:
        return {"backend": backend, "workers": workers, "processors": processors,
                "error": str(exc).strip().splitlines()[-1][:200]}
    try:
        target = f"{base}/webhook/{ADAPTER}"
        w = load(target, bodies, 0, lines, conns, warmup)
        before, t_before, c0 = processed(base), time.perf_counter(), tree_cpu_seconds(q.pid)
        r = load(target, bodies, w["requests"] + 2 * conns, lines - w["requests"] - 2 * conns, conns, seconds)
        after, t_after = processed(base), time.perf_counter()
        r["server_cpu"] = (tree_cpu_seconds(q.pid) - c0) / (r["duration_us"] / 1e6)
        m = metrics(base)
        r["events_per_s"] = (after - before) / (t_after - t_before)
        r["lag_s_end"] = m.get("quntag_processing_lag_seconds", float("nan"))
        r["pending_end"] = pending(base)
        r["drain_s"] = wait_drained(base, env_float("BENCH_DRAIN_LIMIT", 60))
        m = metrics(base)
        r["accepted_total"] = m.get(f'quntag_events_accepted_total{{adapter="{ADAPTER}"}}', 0.0)
        r["duplicates_total"] = m.get(f'quntag_events_duplicate_total{{adapter="{ADAPTER}"}}', 0.0)
        r["processed_total"] = m.get(f'quntag_events_processed_total{{adapter="{ADAPTER}"}}', 0.0)
        r["rss_bytes"] = tree_status(q.pid, "VmHWM")
        r["pss_bytes"] = tree_pss(q.pid)
    finally:
        q.stop()
    r.update(backend=backend, workers=workers, processors=processors)
    return r


def run_rss(work: Path, rules: list[tuple[str, str, list[str]]], log: Any) -> dict[str, Any]:
    """Peak RSS of ``quntag serve`` after ingesting N distinct members (default 100,000) via the webhook,
    next to its RSS at start and the bare server's peak after the same requests."""
    n = int(os.environ.get("BENCH_RSS_MEMBERS", "100000"))
    conns = 32
    bodies = work / "rss-bodies.txt"
    write_bodies(bodies, n, n, GROUPS, seed=2, distinct_members=True)
    out: dict[str, Any] = {"members": n}
    port = free_port()
    bare = start_bare(port)
    try:
        load(f"http://127.0.0.1:{port}/webhook/{ADAPTER}", bodies, 0, n, conns, 600, stop=True)
        out["bare_hwm_bytes"] = proc_status(bare.pid, "VmHWM")
    finally:
        bare.stop()
    port = free_port()
    workers = int(os.environ.get("BENCH_RSS_WORKERS") or default_workers())
    q, base = start_quntag(work, port, rules, workers)
    out["workers"], out["processors"] = workers, default_processors() if workers > 1 else 0
    try:
        out["quntag_start_rss_bytes"] = tree_status(q.pid, "VmRSS")
        t0 = time.perf_counter()
        r = load(f"{base}/webhook/{ADAPTER}", bodies, 0, n, conns, 600, stop=True)
        out["ingest_s"] = time.perf_counter() - t0
        out["drain_s"] = wait_drained(base, env_float("BENCH_DRAIN_LIMIT", 120))
        out["requests"] = r["requests"]
        out["errors"] = r["errors"]
        out["quntag_hwm_bytes"] = tree_status(q.pid, "VmHWM")
        out["quntag_rss_bytes"] = tree_status(q.pid, "VmRSS")
        out["quntag_pss_bytes"] = tree_pss(q.pid)
    finally:
        q.stop()
    log(f"rss: quntag peak {out['quntag_hwm_bytes'] / 2**20:.0f} MiB after {n} members "
        f"(start {out['quntag_start_rss_bytes'] / 2**20:.0f} MiB, bare peak {out['bare_hwm_bytes'] / 2**20:.0f} MiB)")
    return out


def run_profile(work: Path, rules: list[tuple[str, str, list[str]]], log: Any, seconds: float,
                conns: int = 32) -> Path:
    """py-spy (collapsed stacks, per thread) of ``quntag serve`` under load; returns the raw file."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    lines = body_count(seconds, 3)
    bodies = work / "bodies.txt"
    if not bodies.exists() or sum(1 for _ in bodies.open("rb")) < lines:
        write_bodies(bodies, lines, MEMBERS, GROUPS)
    port = free_port()
    q, base = start_quntag(work, port, rules)
    raw = BENCH / "profile.txt"
    try:
        w = load(f"{base}/webhook/{ADAPTER}", bodies, 0, lines, conns, 3)
        skip = w["requests"] + 2 * conns
        rec = subprocess.Popen([spy, "record", "--pid", str(q.pid), "--threads", "--rate", "200", "--format", "raw",
                                "--duration", str(int(seconds)), "--output", str(raw), "--nonblocking"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(0.5)
        r = load(f"{base}/webhook/{ADAPTER}", bodies, skip, lines - skip, conns, seconds)
        out, _ = rec.communicate(timeout=seconds + 60)
        log(f"profile: {r['rps']:.0f} req/s while sampling; py-spy: {out.strip().splitlines()[-1] if out else ''}")
    finally:
        q.stop()
    return raw


if __name__ == "__main__":
    from common import make_rules

    with tempfile.TemporaryDirectory(prefix="quntag-bench-") as d:
        print(json.dumps(run_intake(Path(d), make_rules(200), print), indent=2, ensure_ascii=False))
