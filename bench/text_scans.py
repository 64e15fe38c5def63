"""Text scans: the time of every analysis of member text and every platform scan on the worst inputs we know
at 64k characters, next to the same scan on a 4k input measured in the same run. The inputs are the tests'
(``tests/core/adversarial_text.py``, ``tests/adapters/adversarial_scans.py``), which check that each one is
handled without error; this only times them.

The ratio tells the shape: ×16 is linear, ×256 quadratic. Analyses that read only the first
``ANALYSIS_CHARS`` (4096) characters of a message show about ×1. Each time is the best of three rounds,
each round repeating the call until it ran for ``BENCH_TEXT_ROUND_S`` seconds (0.05).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from common import ROOT

sys.path.insert(0, str(ROOT))  # the worst inputs are test data
from tests.adapters.adversarial_scans import SCANS, Call
from tests.core.adversarial_text import ANALYSES, TEXTS, N, question_strip, uncapped_text

BASELINE_N = N // 16


def per_call(call: Call, round_s: float) -> float:
    """Seconds per call of ``call``: best of three rounds of at least ``round_s`` each."""
    best = float("inf")
    for _ in range(3):
        loops, elapsed = 1, 0.0
        while True:
            start = time.perf_counter()
            for _ in range(loops):
                call()
            elapsed = time.perf_counter() - start
            if elapsed >= round_s:
                break
            loops *= 2
        best = min(best, elapsed / loops)
    return best


def _inputs() -> dict[str, dict[str, Callable[[int], Call]]]:
    """Input name → scan name → the call to time for size n."""
    def analysis(fn: Callable[[str], object], text: Callable[[int], str]) -> Callable[[int], Call]:
        def make(n: int) -> Call:
            built = text(n)
            return lambda: fn(built)
        return make

    out = {name: {scan: analysis(fn, text) for scan, fn in ANALYSES.items()} for name, text in TEXTS.items()}
    out["question strip on 17 n uncapped characters"] = {"question strip": analysis(question_strip, uncapped_text)}
    out.update({name: {name: make} for name, make in SCANS.items()})
    return out


def run_text(log: Any) -> dict[str, Any]:
    round_s = float(os.environ.get("BENCH_TEXT_ROUND_S", "0.05"))
    rows = []
    for name, scans in _inputs().items():
        measured = []
        for scan, make in scans.items():
            seconds, baseline = per_call(make(N), round_s), per_call(make(BASELINE_N), round_s)
            measured.append({"scan": scan, "seconds": seconds, "baseline_s": baseline, "ratio": seconds / baseline})
        total, base = sum(m["seconds"] for m in measured), sum(m["baseline_s"] for m in measured)
        worst = max(measured, key=lambda m: m["ratio"])
        rows.append({"input": name, "scans": measured, "seconds": total, "baseline_s": base, "ratio": total / base,
                     "highest": worst["scan"], "highest_ratio": worst["ratio"]})
        log(f"text {name}: {total * 1000:.2f} ms at {N:,} chars, {base * 1000:.2f} ms at {BASELINE_N:,} "
            f"(x{total / base:.1f}; highest x{worst['ratio']:.1f} {worst['scan']})")
    return {"n": N, "baseline_n": BASELINE_N, "round_s": round_s, "inputs": rows}


def table(res: dict[str, Any]) -> list[str]:
    out = ["", f"text scans — adversarial member text at {res['n']:,} characters against the same scan at "
               f"{res['baseline_n']:,} in the same run (x16 linear, x256 quadratic, ~x1 head only)",
           "| input | scans | ms | baseline ms | ratio | highest ratio (scan) |", "|---|---|---|---|---|---|"]
    for r in res["inputs"]:
        highest = f"x{r['highest_ratio']:.1f} ({r['highest']})" if len(r["scans"]) > 1 else ""
        out.append(f"| {r['input']} | {len(r['scans'])} | {r['seconds'] * 1000:.3f} | {r['baseline_s'] * 1000:.3f} "
                   f"| x{r['ratio']:.1f} | {highest} |")
    return out


if __name__ == "__main__":
    print("\n".join(table(run_text(print))))
