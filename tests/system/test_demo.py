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
    profiles, summary = text.split("== 汇总 ==")
    assert "== 成员画像 ==" in profiles
    rows = [line for line in profiles.splitlines() if "generic:u-" in line]
    assert len(rows) >= 20
    assert re.search(r"接收 (\d+) · 去重 10 · 已处理 \1", summary)
    assert "成员 24 人" in summary
    # lifecycle variety from the sample: new, active, declining and left members, with Chinese stage names
    for stage in ("新人 1", "已退群 2"):
        assert stage in summary
    assert re.search(r"活跃 [1-9]", summary) and re.search(r"活跃下降 [1-9]", summary)
    # 4 command replies plus one per bare 签到/打卡 in the sample chat
    replies = re.search(r"机器人发出回复 (\d+) 条（签名校验：通过）", summary)
    assert "红酒" in summary and replies and int(replies.group(1)) > 4
    assert "签到成功" in summary
    assert "Traditional" not in text  # nothing leaks but profiles
    # Traditional / full-width variants were folded: no tag names in Traditional characters
    assert "紅酒" not in text
    morning, weekly = summary.split("== 早报 ==")[1].split("== 周报 ==")
    weekly, personas = weekly.split("== 人群画像 ==")
    # clustered personas that differ from each other and each say what to do
    cards = [c for c in personas.strip().split("\n\n") if c]
    names = re.findall(r"^【(.+?)】", personas, re.M)
    assert len(names) >= 3 and len(set(names)) == len(names) == len(cards)
    assert all("运营建议" in c for c in cards) and not any("好评" in n or "话痨" in n for n in names)
    assert all(f"· {n} " in weekly for n in names)  # the digest lists the same personas
    assert "早报" in morning and "昨日数据" in morning
    assert "周报" in weekly and "下周建议" in weekly and "\n3. " in weekly
    # the summary counts exactly the tags the profile lines show, each member once
    top = re.search(r"热门标签（带此标签的人数）：(.+)", summary)
    assert top
    shown = [{t.rsplit(" ", 1)[0] if re.search(r" \d+\.\d\d$", t) else t
              for t in [c for c in row.split("  ") if c][-1].strip().split("、")} for row in rows]
    for item in top.group(1).split(" · "):
        name, n = item.rsplit(" ", 1)
        assert sum(name in tags for tags in shown) == int(n), (name, n)


def test_the_demo_reads_as_chinese_with_aligned_columns(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot.faces.cli", "demo"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    from wcwidth import wcswidth

    table = out.stdout.split("== 汇总 ==")[0].splitlines()[1:]
    rows = [line for line in table if "generic:u-" in line]
    starts = {wcswidth(line[:line.index("generic:u-")]) for line in rows}
    assert len(starts) == 1  # the id column starts at the same terminal column after Chinese and Latin names
    names = r"generic:[\w-]+|Amy王|唐Tina|Kevin李"  # the sample's ids and Latin names
    leaks = re.findall(r"(?<![/\w:-])[A-Za-z]{2,}(?![\w:-])", re.sub(names, "", out.stdout))
    assert leaks == [], leaks
