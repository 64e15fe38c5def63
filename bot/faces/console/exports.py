"""The members list's selection as a file: CSV (UTF-8 with a byte-order mark, so Excel opens Chinese right)
or an Excel workbook (openpyxl; the only module that imports it). Times are in the group's local time."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.faces.console.views import Formats

BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELDS = ("name", "member", "lifecycle", "tier", "messages", "active_days", "first_seen", "last_seen", "tags")


def table(rows: Sequence[dict[str, Any]], t: dict[str, Any], fmt: Formats, tz: str) -> list[list[Any]]:
    """Header (in the console's language) and one row per member: names, words, numbers, local times."""
    head = [t["columns"][f] for f in FIELDS]
    out: list[list[Any]] = [head]
    for r in rows:
        out.append([r["name"], r["member"], t["stages"].get(r["lifecycle"], r["lifecycle"]),
                    t["tiers"].get(r["tier"], r["tier"]), r["messages"], r["active_days"],
                    fmt.stamp(r["first_seen"], tz), fmt.stamp(r["last_seen"], tz), " ".join(r["tags"])])
    return out


def as_csv(cells: list[list[Any]]) -> bytes:
    """RFC 4180 CSV with CRLF line ends and a BOM (formulas are neutralised: a cell never starts with = + - @)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for line in cells:
        writer.writerow([_inert(v) for v in line])
    return (BOM + buf.getvalue()).encode("utf-8")


def as_xlsx(cells: list[list[Any]], sheet: str) -> bytes:
    """One sheet, a bold frozen header row, numbers as numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31] or "members"
    for line in cells:
        ws.append([_inert(v) for v in line])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _inert(v: Any) -> Any:
    """A member's name is their own text: one starting like a formula is kept as text, not run by Excel."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v
