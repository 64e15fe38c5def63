"""``python bench/run_loop.py -m module args…`` or ``… script.py args…``: run under uvloop when it is
installed (else the default asyncio loop), so every server in one benchmark uses the same loop."""

from __future__ import annotations

import runpy
import sys

try:
    import uvloop
except ImportError:
    uvloop = None

if __name__ == "__main__":
    if uvloop is not None:
        uvloop.install()  # asyncio.run() below then uses uvloop
    args = sys.argv[1:]
    if args[:1] == ["-m"]:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
