"""``quntag import purchases FILE.csv`` and ``quntag replay`` with purchases: what an operator sees printed, what
the profiles show afterwards, idempotency on the order id, and every bad line named with its reason."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.faces.cli import main
from tests.commerce.helpers import purchase, refund
from tests.conftest import message

NOW = float(int(time.time()))
DAY = 86400.0
HEADER = "order,time,member,group,amount,currency,channel,sku,name,category,qty,price\n"


def toml(tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[server]\napi_token = "t"\n[storage]\nurl = "sqlite:///{tmp_path}/q.db"\n'
                    '[adapters.generic]\nsecret = "s"\n[[groups]]\nid = "generic:g-1"\ntimezone = "Asia/Shanghai"\n',
                    encoding="utf-8")
    return str(path)


def replay(tmp_path: Path, cfg: str, lines: list[dict[str, Any]], name: str = "e.jsonl") -> int:
    path = tmp_path / name
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return main(["replay", str(path), "--config", cfg])


def commerce(cfg: str, capsys: Any, member: str = "generic:u-1") -> dict[str, Any] | None:
    capsys.readouterr()
    assert main(["profile", "generic:g-1", member, "--json", "--config", cfg]) == 0
    found: dict[str, Any] | None = json.loads(capsys.readouterr().out).get("commerce")
    return found


def test_import_reads_items_orders_and_a_bom_and_is_idempotent(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    assert replay(tmp_path, cfg, [message("m1", "u-1", "你好", NOW - 40 * DAY),
                                  message("m2", "u-2", "你好", NOW - 40 * DAY)]) == 0
    csv = ("\ufeff" + HEADER
           + "o-1,2026-01-02T10:00:00+08:00,generic:u-1,generic:g-1,250,CNY,小程序,w-1,干红,红酒,2,100\n"
           + "o-1,2026-01-02T10:00:00+08:00,generic:u-1,generic:g-1,250,CNY,小程序,c-1,开瓶器,酒具,1,50\n"
           + f"o-2,{int(NOW - 3 * DAY)},generic:u-1,,,CNY,门店,w-2,桃红,红酒,1,80\n"
           + f"o-3,{int(NOW - DAY)},generic:u-2,generic:g-1,60,CNY,门店,,,,,\n")
    path = tmp_path / "orders.csv"
    path.write_bytes(csv.encode("utf-8"))
    capsys.readouterr()
    assert main(["import", "purchases", str(path), "--config", cfg]) == 0
    assert capsys.readouterr().out.strip() == "imported 3 skipped 0 rejected 0"
    c = commerce(cfg, capsys)
    assert c is not None and c["orders"] == 2 and c["spend"] == 330.0 and c["avg_order_value"] == 165.0
    assert c["first_purchase"] == "2026-01-02T02:00:00Z" and c["categories"] == ["红酒", "酒具"]
    other = commerce(cfg, capsys, "generic:u-2")
    assert other is not None and other["orders"] == 1 and other["categories"] == []
    assert main(["import", "purchases", str(path), "--config", cfg]) == 0  # again: nothing counts twice
    assert capsys.readouterr().out.strip() == "imported 0 skipped 3 rejected 0"
    again = commerce(cfg, capsys)
    assert again is not None and again["spend"] == 330.0


def test_bad_lines_are_reported_one_by_one_and_their_order_is_left_out(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    assert replay(tmp_path, cfg, [message("m1", "u-1", "你好", NOW - 40 * DAY)]) == 0
    rows = [
        f"o-1,{int(NOW - DAY)},generic:u-1,generic:g-1,100,CNY,小程序,w-1,干红,红酒,1,100",  # 2: good
        "o-2,yesterday,generic:u-1,generic:g-1,10,CNY,,,,,,",  # 3: bad time
        f"o-3,{int(NOW)},u-1,generic:g-1,10,CNY,,,,,,",  # 4: member not a full id
        f"o-4,{int(NOW)},generic:u-1,generic:g-1,-5,CNY,,,,,,",  # 5: negative amount
        f"o-5,{int(NOW)},generic:u-1,generic:g-1,30,CNY,,a,甲,红酒,1,10",  # 6: good line of a bad order
        f"o-5,{int(NOW)},generic:u-1,generic:g-1,30,CNY,,b,乙,红酒,two,10",  # 7: qty not a number
        f"o-6,{int(NOW)},generic:u-1,generic:g-1,30,CNY,,a,甲,红酒,1,10",  # 8
        f"o-6,{int(NOW)},generic:u-9,generic:g-1,30,CNY,,b,乙,红酒,1,20",  # 9: another member in one order
        f",{int(NOW)},generic:u-1,generic:g-1,30,CNY,,,,,,",  # 10: no order id
    ]
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "purchases", str(path), "--config", cfg]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "imported 1 skipped 0 rejected 8"
    reasons = dict(line.split(": ", 1) for line in out[1:])
    assert sorted(reasons, key=int) == [str(n) for n in range(3, 11)] and len(out) == 9
    assert "time" in reasons["3"] and "full id" in reasons["4"] and "amount" in reasons["5"]
    assert "qty" in reasons["7"] and "rejected line (7)" in reasons["6"]
    assert "member differ from line 8" in reasons["9"] and "rejected line (9)" in reasons["8"]
    assert "order is empty" in reasons["10"]
    c = commerce(cfg, capsys)
    assert c is not None and c["orders"] == 1 and c["spend"] == 100.0


def test_a_file_that_cannot_be_read_is_refused_whole(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    bad_header = tmp_path / "a.csv"
    bad_header.write_text("order,time,member\no-1,1,generic:u-1\n", encoding="utf-8")
    assert main(["import", "purchases", str(bad_header), "--config", cfg]) == 1
    assert "missing columns: group, amount" in capsys.readouterr().err
    not_utf8 = tmp_path / "b.csv"
    not_utf8.write_bytes(HEADER.encode() + "o-1,1,generic:u-1,,1,CNY,门店,,,,,\n".encode("gbk"))
    assert main(["import", "purchases", str(not_utf8), "--config", cfg]) == 1
    assert "line 2: not UTF-8" in capsys.readouterr().err
    assert main(["import", "purchases", str(tmp_path / "none.csv"), "--config", cfg]) == 1


def test_replay_carries_purchases_and_refunds(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    lines = [message("m1", "u-1", "你好", NOW - 40 * DAY),
             purchase("p-1", "u-1", "o-1", 200.0, NOW - 10 * DAY),
             purchase("p-2", "u-1", "o-2", 100.0, NOW - 5 * DAY, group=None),
             refund("r-1", "u-1", "o-2", NOW - 4 * DAY, amount=30.0)]
    assert replay(tmp_path, cfg, lines) == 0
    assert capsys.readouterr().out.strip() == "accepted 4 duplicate 0 rejected 0"
    assert replay(tmp_path, cfg, [*lines, refund("r-2", "u-1", "o-1", NOW - DAY), {"id": "bad", "type": "purchase",
                                                                                   "time": NOW, "user": {"id": "u"}}],
                  "f.jsonl") == 1
    out = capsys.readouterr()
    assert out.out.strip() == "accepted 1 duplicate 4 rejected 1"
    assert "f.jsonl:6: rejected: missing field: order" in out.err
    c = commerce(cfg, capsys)
    assert c is not None and c["orders"] == 1 and c["spend"] == 70.0  # o-1 refunded in full, o-2 in part
