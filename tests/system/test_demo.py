"""`quntag demo` runs offline with no config and shows the whole path working."""

from __future__ import annotations

import re
import subprocess
import sys


def test_demo_end_to_end(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot.cli", "demo"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    profiles, summary = text.split("== summary ==")
    assert "== profiles ==" in profiles
    rows = [line for line in profiles.splitlines() if "generic:u-" in line]
    assert len(rows) >= 20
    assert re.search(r"accepted: (\d+)  duplicates: 10  processed: \1", summary)
    assert "members: 24" in summary
    # lifecycle variety from the sample: new, active, declining and left members
    for stage in ("new 1", "left 2"):
        assert stage in summary
    assert re.search(r"active [1-9]", summary) and re.search(r"declining [1-9]", summary)
    assert "红酒" in summary and "bot replies delivered: 4 (signature checked: ok)" in summary
    assert "Traditional" not in text  # nothing leaks but profiles
    # Traditional / full-width variants were folded: no tag names in Traditional characters
    assert "紅酒" not in text
