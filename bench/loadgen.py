"""In-repo load generator (used when ``wrk`` is not on PATH): N keep-alive connections, each POSTing the
next pre-signed body as soon as the previous answer arrived; latency recorded per request.

``python bench/loadgen.py URL BODIES FIRST LINES CONNECTIONS SECONDS [stop]`` prints one ``WRKJSON`` line
with the same fields as bench/bodies.lua."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import read_bodies


async def main(url: str, path: Path, first: int, lines: int, conns: int, seconds: float, stop: bool) -> None:
    bodies = read_bodies(path)[first:first + lines]
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    state = {"next": 0, "wraps": 0}
    connector = aiohttp.TCPConnector(limit=conns, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    t0 = time.perf_counter()
    deadline = t0 + seconds

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        async def worker() -> None:
            while time.perf_counter() < deadline:
                i = state["next"]
                if i >= len(bodies):
                    if stop:
                        return
                    i = 0
                    state["wraps"] += 1
                state["next"] = i + 1
                sig, body = bodies[i]
                start = time.perf_counter()
                try:
                    async with http.post(url, data=body, headers={"Content-Type": "application/json",
                                                                  "X-Self-ID": "10001", "X-Signature": sig}) as r:
                        await r.read()
                        if r.status >= 400:
                            errors["status"] += 1
                except (aiohttp.ClientError, OSError):
                    errors["read"] += 1
                    continue
                except TimeoutError:
                    errors["timeout"] += 1
                    continue
                latencies.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(conns)))
    elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> int:
        return int(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6) if latencies else 0

    out = {"requests": len(latencies), "duration_us": int(elapsed * 1e6), "bytes": 0, "p50_us": pct(50),
           "p90_us": pct(90), "p99_us": pct(99), "max_us": pct(100),
           "mean_us": sum(latencies) / max(1, len(latencies)) * 1e6, **errors, "wraps": state["wraps"]}
    print("WRKJSON " + json.dumps(out), flush=True)


if __name__ == "__main__":
    a = sys.argv[1:]
    asyncio.run(main(a[0], Path(a[1]), int(a[2]), int(a[3]), int(a[4]), float(a[5]), a[6:7] == ["stop"]))
