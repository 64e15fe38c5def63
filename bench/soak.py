"""Soak: mixed traffic against a real `quntag serve` for SOAK_SECONDS (default 600) with random restarts.

Kills (SIGKILL) or stops (SIGTERM) the server at random moments, restarts it, keeps sending, then
re-sends everything not acknowledged (as a platform would) and checks every count. Prints events sent /
acknowledged / counted / lost / counted twice and the server's peak memory. Run: `make soak`.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.system.serve import Server, free_port, members, post, wait_processed, write_config

WORDS = ["红酒", "赤霞珠", "摄影", "旅行", "健身", "你好", "哈哈", "早上好", "有没有人推荐餐厅？", "签到"]


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))
    folder = Path(tempfile.mkdtemp(prefix="quntag-soak-"))
    server = Server(write_config(folder), free_port())
    server.start()
    sent: dict[str, dict] = {}
    acked: set[str] = set()
    restarts = {"kill": 0, "term": 0}
    peak = 0
    deadline = time.time() + seconds
    next_restart = time.time() + rng.uniform(20, 60)
    seq = 0
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        async def send(ev: dict) -> None:
            try:
                if await post(http, server.base, ev) == 200:
                    acked.add(ev["id"])
            except (TimeoutError, aiohttp.ClientError, OSError):
                pass

        while time.time() < deadline:
            batch = []
            for _ in range(64):
                seq += 1
                user = f"u{rng.randrange(2000)}"
                group = f"g{rng.randrange(20)}"
                if rng.random() < 0.03:
                    ev = {"id": f"j{seq}", "type": "member_joined", "time": time.time(), "group": {"id": group},
                          "user": {"id": user, "name": user}}
                else:
                    text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4)))
                    if rng.random() < 0.01:
                        text = "/me"
                    ev = {"id": f"m{seq}", "type": "message", "time": time.time(), "group": {"id": group},
                          "user": {"id": user, "name": user}, "text": text}
                sent[ev["id"]] = ev
                batch.append(ev)
                if rng.random() < 0.05 and sent:  # a platform re-delivery of something older
                    batch.append(sent[rng.choice(list(sent)[-500:])])
            await asyncio.gather(*(send(e) for e in batch))
            if server.proc is not None:
                peak = max(peak, peak_rss_kb(server.proc.pid))
            if time.time() >= next_restart:
                if rng.random() < 0.5:
                    server.kill()
                    restarts["kill"] += 1
                else:
                    server.terminate()
                    restarts["term"] += 1
                server.start()
                next_restart = time.time() + rng.uniform(20, 60)
        missing = [e for i, e in sent.items() if i not in acked]
        for start in range(0, len(missing), 200):
            await asyncio.gather(*(send(e) for e in missing[start:start + 200]))
        await wait_processed(http, server.base, timeout=300)
        groups = sorted({e["group"]["id"] for e in sent.values()})
        counted: dict[tuple[str, str], int] = {}
        for g in groups:
            for p in await members(http, server.base, f"generic:{g}"):
                counted[(g, p["member"])] = p["stats"]["messages"]
        peak = max(peak, peak_rss_kb(server.proc.pid if server.proc else 0))
    server.terminate()
    expected: dict[tuple[str, str], int] = {}
    for e in sent.values():
        if e["type"] == "message":
            key = (e["group"]["id"], "generic:" + e["user"]["id"])
            expected[key] = expected.get(key, 0) + 1
    lost = sum(max(0, n - counted.get(k, 0)) for k, n in expected.items())
    twice = sum(max(0, counted.get(k, 0) - n) for k, n in expected.items())
    messages = sum(expected.values())
    print(f"soak {seconds:.0f}s: events sent {len(sent)} (messages {messages}), acknowledged {len(acked)}, "
          f"counted {sum(counted.values())}, lost {lost}, counted twice {twice}, "
          f"restarts {restarts['kill']} SIGKILL + {restarts['term']} SIGTERM, peak RSS {peak / 1024:.1f} MB")
    return 0 if lost == 0 and twice == 0 and len(acked) == len(sent) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
