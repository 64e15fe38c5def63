"""``make bench``: every benchmark, each next to its baseline from the same run; prints a table and writes
bench/results.json. Ratios, never pass/fail: absolute figures drift on shared machines.

Environment: BENCH_ONLY=intake,tagging,reports,console,rss,text,taxonomy,faq (default: all), BENCH_SECONDS (20),
BENCH_WARMUP (3),
BENCH_CONNECTIONS (32,128), BENCH_CLIENT=python (skip wrk), BENCH_PROFILE=1 (also py-spy the intake),
BENCH_RSS_MEMBERS (100000), BENCH_REPORT_MEMBERS (10000), BENCH_REPORT_MESSAGES (1000000),
BENCH_TEXT_ROUND_S (0.05).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH, loop_name, make_rules


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1]) * 1024
    return {"nproc": os.cpu_count(), "cpu": model, "memory_bytes": mem, "python": platform.python_version(),
            "loop": loop_name(), "kernel": platform.release()}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def table(res: dict[str, Any]) -> str:
    m = res["machine"]
    out = [f"machine: {m['nproc']} CPU ({m['cpu']}), {m['memory_bytes'] / 2**30:.0f} GiB, Python {m['python']}, "
           f"event loop {m['loop']}"]
    if "intake" in res:
        it = res["intake"]
        out += ["", f"intake — OneBot v11 signed group messages, 5,000 members / 50 groups / 200 rules, "
                    f"{it['seconds']:.0f} s per run after {it['warmup']:.0f} s warm-up, load from {it['tool']}",
                "| conns | server | req/s | p50 ms | p99 ms | errors | CPU (all processes) | events/s processed "
                "| lag s at end | inbox pending at end | drained in s | accepted = processed | peak RSS MiB (summed) "
                "| PSS MiB (all, at end) "
                "| quntag/bare req/s |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for row in it["runs"]:
            b = row["bare"]
            out.append(f"| {row['connections']} | bare aiohttp | {b['rps']:,.0f} | {ms(b['p50_us'])} "
                       f"| {ms(b['p99_us'])} | {b['errors']} | {b['server_cpu']:.0%} | – | – | – | – | – | – | – | |")
            for q in row.get("variants", [row["quntag"]]):
                name = f"quntag {q.get('backend', 'sqlite')}, {q.get('workers', 1)} web"
                if q.get("workers", 1) > 1:
                    name += f" + {q.get('processors', 1)} processor" + ("s" if q.get("processors", 1) > 1 else "")
                if "error" in q:
                    out.append(f"| {row['connections']} | {name} | {q['error']} | | | | | | | | | | | | |")
                    continue
                drained = f"{q['drain_s']:.1f}" if q["drain_s"] is not None else "not within limit"
                exact = "yes" if q.get("accepted_total") == q.get("processed_total") else (
                    f"no ({q.get('accepted_total', 0):,.0f} / {q.get('processed_total', 0):,.0f})")
                out.append(f"| {row['connections']} | {name} | {q['rps']:,.0f} | {ms(q['p50_us'])} "
                           f"| {ms(q['p99_us'])} | {q['errors']} | {q['server_cpu']:.0%} | {q['events_per_s']:,.0f} "
                           f"| {q['lag_s_end']:.2f} | {q['pending_end']} | {drained} | {exact} "
                           f"| {q.get('rss_bytes', 0) / 2**20:.0f} | {q.get('pss_bytes', 0) / 2**20:.0f} "
                           f"| **{q.get('ratio', row['ratio']):.1%}** |")
                if b["wraps"] or q["wraps"]:
                    out.append(f"|  | (warning: bodies wrapped, ids repeated: bare {b['wraps']}, quntag {q['wraps']}; "
                               f"raise BENCH_MAX_RPS) | | | | | | | | | | | | | |")
    if "tagging" in res:
        tg = res["tagging"]
        out += ["", f"tagging — {tg['texts']} chat lines, {tg['avg_chars']:.0f} chars on average; "
                    f"normalization alone {tg['normalize_per_s']:,.0f} msg/s",
                "| rules | keywords | tags/msg | Tagger.match msg/s | naive loop msg/s | Tagger/naive |",
                "|---|---|---|---|---|---|"]
        for r in tg["rules"]:
            out.append(f"| {r['rules']:,} | {r['keywords']:,} | {r['hits_per_msg']:.2f} | {r['tagger_per_s']:,.0f} "
                       f"| {r['naive_per_s']:,.0f} | x{r['ratio']:.1f} |")
    if "reports" in res:
        rp = res["reports"]
        d = rp["data"]
        out += ["", f"reports and queries — one group, {d['members']:,} members, {d['messages']:,} messages, "
                    f"{d['tag_hits']:,} tag hits (generated in {d['generate_s']:.0f} s"
                    + (f", copied to PostgreSQL in {d['pg_copy_s']:.0f} s)" if "pg_copy_s" in d else ")"),
                "| query | wall s | baseline | baseline s | ratio |", "|---|---|---|---|---|"]
        for q in rp["queries"]:
            if q["seconds"] is None:
                out.append(f"| {q['name']} | {q['result']} | | | |")
            elif "baseline_s" in q:
                out.append(f"| {q['name']} ({q['result']}) | {q['seconds']:.3f} | {q['baseline']} "
                           f"({q['baseline_result']}) | {q['baseline_s']:.3f} | x{q['ratio']:.1f} |")
            else:
                out.append(f"| {q['name']} | {q['seconds']:.3f} | | | |")
    if "rss" in res:
        r = res["rss"]
        mib = 2**20
        drained = f"{r['drain_s']:.1f} s" if r["drain_s"] is not None else "not within limit"
        out += ["", f"memory — {r['members']:,} distinct members through the webhook "
                    f"(ingested in {r['ingest_s']:.0f} s, inbox drained {drained} later)",
                "| process | peak RSS (VmHWM) MiB |", "|---|---|",
                f"| quntag serve ({r.get('workers', 1)} web processes, {r.get('processors', 1)} "
                f"processor{'s' if r.get('processors', 1) != 1 else ''}, "
                f"all processes summed) after {r['members']:,} members | {r['quntag_hwm_bytes'] / mib:.0f} |",
                f"| quntag serve at start (all processes) | {r['quntag_start_rss_bytes'] / mib:.0f} |",
                f"| quntag serve after {r['members']:,} members, PSS of all processes (shared pages once) "
                f"| {r.get('quntag_pss_bytes', 0) / mib:.0f} |",
                f"| bare aiohttp after the same requests | {r['bare_hwm_bytes'] / mib:.0f} |"]
    if "text" in res:
        from text_scans import table as text_table
        out += text_table(res["text"])
    if "taxonomy" in res:
        out += ["", *res["taxonomy"]["table"]]
    if "faq" in res:
        from faq import table as faq_table
        out += faq_table(res["faq"])
    if "console" in res:
        from console import table as console_table
        out += console_table(res["console"])
    return "\n".join(out)


def main() -> None:
    parts = os.environ.get("BENCH_ONLY", "intake,tagging,reports,console,rss,text,taxonomy,faq")
    only = set(filter(None, parts.split(",")))
    res: dict[str, Any] = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    rules = make_rules(200)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="quntag-bench-") as d:
        work = Path(d)
        def save() -> None:  # after each part, so an interrupted run keeps what it measured
            (BENCH / "results.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")

        if "tagging" in only:
            from tagging import run_tagging
            res["tagging"] = run_tagging(log)
            save()
        if "text" in only:
            from text_scans import run_text
            res["text"] = run_text(log)
            save()
        if "taxonomy" in only:
            from taxonomy import run_taxonomy
            res["taxonomy"] = run_taxonomy(log)
            save()
        if "faq" in only:
            from faq import run_faq
            res["faq"] = run_faq(log)
            save()
        if "intake" in only:
            from intake import run_intake
            res["intake"] = run_intake(work, rules, log)
            save()
        if "rss" in only:
            from intake import run_rss
            res["rss"] = run_rss(work, rules, log)
            save()
        if "reports" in only:
            from reports import run_reports
            res["reports"] = run_reports(work, log)
            save()
        if "console" in only:
            from console import run_console
            res["console"] = run_console(work, log)
            save()
        if os.environ.get("BENCH_PROFILE") == "1":
            from intake import run_profile
            from profile_summary import summarize
            raw = run_profile(work, rules, log, float(os.environ.get("BENCH_PROFILE_SECONDS", "15")))
            res["profile"] = {"raw": str(raw), "summary": summarize(raw)}
    res["total_s"] = time.perf_counter() - t0
    text = table(res)
    res["table"] = text
    (BENCH / "results.json").write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(text)
    if "profile" in res:
        print("\nprofile of quntag serve under load (py-spy; raw stacks in bench/profile.txt):")
        print(res["profile"]["summary"])
    print(f"\nwrote {BENCH / 'results.json'} ({res['total_s']:.0f} s)")


if __name__ == "__main__":
    main()
