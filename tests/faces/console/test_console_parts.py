"""The console's pure parts: SVG charts, the attention ranking, date formats, its config keys, the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from bot.core.config import ConfigError
from bot.faces.cli import main
from bot.faces.console import charts
from bot.faces.console.access import GroupView
from bot.faces.console.auth import one_way
from bot.faces.console.overview import GroupActivity, build_row, members_by_day, rank
from bot.faces.console.views import Formats
from tests.conftest import make_config
from tests.faces.console._community import ADMIN_A, NOBODY, ROOT, sections

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_charts_are_well_formed_svg_with_escaped_labels() -> None:
    label = '<b>"红酒" & 摄影</b>'
    for svg in (charts.sparkline([3, 1, 4, 1, 5], label), charts.sparkline([], label),
                charts.bar_chart(["11月1日", "11月2日"], [2, 7], label), charts.bar_chart([], [], label),
                charts.line_chart(["a", "b", "c"], [("成员", [1, 2, 3]), ("退群", [0, 1, 0])], label),
                charts.share_bar([("stage-new", "新人", 2), ("stage-left", "已退群", 0)], label),
                charts.share_bar([], label)):
        root = parse(svg)
        assert root.get("role") == "img" and root.get("aria-label") == label
        assert root.find(f"{SVG}title").text == label  # type: ignore[union-attr]
        assert "<b>" not in svg


def test_bars_scale_to_the_largest_value_and_say_their_value() -> None:
    root = parse(charts.bar_chart(["一", "二", "三"], [0, 5, 10], "消息"))
    bars = root.findall(f"{SVG}rect")
    heights = [float(b.get("height", "0")) for b in bars]
    assert heights[0] == 0 and heights[2] == pytest.approx(2 * heights[1])
    assert [b.find(f"{SVG}title").text for b in bars] == ["一: 0", "二: 5", "三: 10"]  # type: ignore[union-attr]


def test_share_bar_splits_its_width_by_share() -> None:
    root = parse(charts.share_bar([("stage-active", "活跃", 3), ("stage-dormant", "沉睡", 1)], "分布", width=200))
    assert [float(r.get("width", "0")) for r in root.findall(f"{SVG}rect")] == [150.0, 50.0]


def activity(messages: list[int], joins: list[int] | None = None, leaves: list[int] | None = None,
             members: int = 10, name: str = "群", lifecycle: dict[str, int] | None = None) -> GroupActivity:
    days = [f"2026-11-{d:02d}" for d in range(1, 31)]
    mix = {"new": 0, "active": members, "declining": 0, "dormant": 0, "left": 0, **(lifecycle or {})}
    return GroupActivity(GroupView(f"generic:{name}", name, "Asia/Shanghai", "zh-CN"), 1_795_000_000.0, days,
                         messages, joins or [0] * 30, leaves or [0] * 30, members, mix)


def test_attention_ranks_silent_then_falling_then_shrinking_then_fine() -> None:
    steady = build_row(activity([10] * 30, name="平稳"))
    silent = build_row(activity([10] * 23 + [0] * 7, name="沉默"))
    falling = build_row(activity([10] * 23 + [2] * 7, name="下降"))
    shrinking = build_row(activity([10] * 30, leaves=[0] * 29 + [2], name="流失"))
    fading = build_row(activity([10] * 30, name="沉睡", lifecycle={"active": 4, "dormant": 6}))
    order = [r["name"] for r in rank([steady, fading, shrinking, falling, silent])]
    assert order == ["沉默", "下降", "流失", "沉睡", "平稳"]
    assert silent["attention"]["reasons"] == [{"code": "quiet", "value": 7}]
    assert falling["week"]["messages_change"] == -80.0
    assert steady["attention"] == {"score": 0, "reasons": []}


def test_a_new_group_has_no_change_to_report() -> None:
    row = build_row(activity([0] * 29 + [5]))
    assert row["week"]["messages_change"] is None and row["attention"]["score"] == 0


def test_members_by_day_walks_back_from_todays_count() -> None:
    assert members_by_day(10, [0, 2, 0, 1], [0, 0, 1, 0]) == [8, 10, 9, 10]
    assert members_by_day(0, [0, 0], [0, 5]) == [5, 0]


def test_dates_read_like_chinese_operators_write_them() -> None:
    zh, en = Formats("zh-CN"), Formats("en")
    t = 1_795_896_180.0  # 2026-11-28T20:03:00Z
    assert zh.when(t, "Asia/Shanghai") == "11月29日 04:03"
    assert en.when(t, "Europe/London") == "Nov 28, 20:03"
    assert zh.day("2026-11-09") == "11月9日"
    assert (zh.change(None), zh.change(12.4), zh.change(-30.0), zh.change(0.2)) == ("—", "+12%", "-30%", "±0%")


def test_public_url_and_session_hours_are_checked(tmp_path: Path) -> None:
    cfg = make_config(tmp_path, server={"public_url": "https://bot.example.com/"}, console={"session_hours": 2})
    assert cfg.public_url() == "https://bot.example.com" and cfg.console.session_hours == 2
    assert make_config(tmp_path).public_url() == "http://127.0.0.1:8080"
    for sections_, key in (({"server": {"public_url": "ftp://x"}}, "server.public_url"),
                           ({"server": {"public_url": "https://x/?a=1"}}, "server.public_url"),
                           ({"console": {"session_hours": 0}}, "console.session_hours"),
                           ({"console": {"timeout": 3}}, "console.timeout")):
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            make_config(tmp_path, **sections_)


def write_config(tmp_path: Path) -> str:
    s = sections()
    lines = ['[server]', 'api_token = "t"', 'public_url = "https://bot.example.com"', '[storage]',
             f'url = "sqlite:///{tmp_path}/q.db"', '[defaults]', f'admins = ["{ROOT}"]', '[adapters.generic]',
             'secret = "s"']
    for g in s["groups"]:
        lines += ["[[groups]]", f'id = "{g["id"]}"', f'name = "{g["name"]}"', f'admins = ["{g["admins"][0]}"]']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_console_link_prints_a_one_time_link_for_admins_only(tmp_path: Path, capsys: Any) -> None:
    import sqlite3

    cfg = write_config(tmp_path)
    for member in (ADMIN_A, ROOT):
        assert main(["console-link", member, "--config", cfg]) == 0
        url = capsys.readouterr().out.strip()
        assert url.startswith("https://bot.example.com/console/login?t=") and "\n" not in url
        with sqlite3.connect(tmp_path / "q.db") as db:
            (owner,) = db.execute("SELECT member_id FROM console_login_tokens WHERE token_hash = ?",
                                  (one_way("link", url.split("t=", 1)[1]),)).fetchone()
        assert owner == member
    assert main(["console-link", ADMIN_A, "--json", "--config", cfg]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["member"] == ADMIN_A and out["valid_seconds"] == 600 and "/console/login?t=" in out["url"]
    assert main(["console-link", NOBODY, "--config", cfg]) == 1
    out = capsys.readouterr()
    assert out.out == "" and len(out.err.strip().splitlines()) == 1 and NOBODY in out.err


def test_every_console_word_exists_in_both_languages() -> None:
    from bot.faces.console.views import labels

    def keys(table: dict[str, Any], prefix: str = "") -> set[str]:
        out = set()
        for k, v in table.items():
            out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
        return out

    zh, en = labels("zh-CN"), labels("en")
    assert keys(zh) == keys(en)
    assert labels("fr") == zh  # an unknown locale reads Chinese
