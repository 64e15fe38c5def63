"""Summarize py-spy ``--format raw --threads`` output: samples per thread, then per thread the functions
with the most inclusive and self samples. ``python bench/profile_summary.py bench/profile.txt [top]``"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    m = FRAME.match(frame)
    if not m:
        return frame
    fn, path = m.groups()
    parts = path.split("/")
    short = "/".join(parts[-2:]) if len(parts) > 1 else path
    return f"{fn} ({short})"


def thread_label(first: str) -> str:
    # "thread (12345): quntag-db-writer" or "thread (0x7f..)"; name the event loop thread
    name = first.split(":", 1)[1].strip() if ":" in first else first
    return name or "main"


def summarize(path: Path, top: int = 15) -> str:
    per_thread: Counter[str] = Counter()
    incl: dict[str, Counter[str]] = defaultdict(Counter)
    self_: dict[str, Counter[str]] = defaultdict(Counter)
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        count = int(n)
        frames = stack.split(";")
        thread = thread_label(frames[0]) if frames[0].startswith("thread") else "?"
        names = [frame_name(f) for f in frames[1:]]
        per_thread[thread] += count
        for name in set(names):
            incl[thread][name] += count
        if names:
            self_[thread][names[-1]] += count
    total = sum(per_thread.values()) or 1
    out = [f"{total} samples (non-idle) — share per thread:"]
    for t, c in per_thread.most_common():
        out.append(f"  {c / total:6.1%}  {t}")
    for t, c in per_thread.most_common(3):
        out.append(f"\n== {t}: top inclusive (share of this thread's samples)")
        out += [f"  {n / c:6.1%}  {name}" for name, n in incl[t].most_common(top)]
        out.append(f"== {t}: top self")
        out += [f"  {n / c:6.1%}  {name}" for name, n in self_[t].most_common(top)]
    return "\n".join(out)


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 15))
