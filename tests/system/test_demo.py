"""`quntag demo` runs offline with no config and shows the whole path working."""

from __future__ import annotations

import re
import subprocess
import sys


def test_demo_end_to_end(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot.faces.cli", "demo"], cwd=tmp_path, capture_output=True, text=True,
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
    # 4 command replies plus one per bare 签到/打卡 in the sample chat (check-ins, issue 6)
    replies = re.search(r"bot replies delivered: (\d+) \(signature checked: ok\)", summary)
    assert "红酒" in summary and replies and int(replies.group(1)) > 4
    assert "签到成功" in summary
    assert "Traditional" not in text  # nothing leaks but profiles
    # Traditional / full-width variants were folded: no tag names in Traditional characters
    assert "紅酒" not in text
    morning, weekly = summary.split("== morning report ==")[1].split("== weekly digest ==")
    assert "早报" in morning and "昨日数据" in morning
    assert "周报" in weekly and "下周建议" in weekly and "\n3. " in weekly
    # the summary counts exactly the tags the profile lines show, each member once
    top = re.search(r"top tags \(members carrying\): (.+)", summary)
    assert top
    shown = [{t.rsplit(" ", 1)[0] if re.search(r" \d+\.\d\d$", t) else t for t in row.split("tags: ", 1)[1].split(", ")}
             for row in rows]
    for item in top.group(1).split(" · "):
        name, n = item.rsplit(" ", 1)
        assert sum(name in tags for tags in shown) == int(n), (name, n)
