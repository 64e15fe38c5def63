"""Profile exports: CSV (UTF-8 with BOM, formula cells neutralized) and JSON (contract §2)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from bot.core.timeutil import iso_utc
from bot.domain.profiles import Profile, Tag, profile_json
from storage.files import write_private

COLUMNS = ["group", "member", "name", "lifecycle", "tier", "messages", "active_days", "first_seen",
           "last_seen", "tags"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text for a spreadsheet cell; a leading = + - @ (or tab/CR) gets a ``'`` so it is never a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def tag_cell(tags: Sequence[Tag]) -> str:
    return ";".join(f"{t.name}:{t.score:.2f}" if t.score is not None else t.name for t in tags)


def to_csv(profiles: Sequence[Profile]) -> str:
    attr_keys = sorted({k for p in profiles for k in p.attributes})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS + [f"attr:{k}" for k in attr_keys])
    for p in profiles:
        st = p.stats
        row = [p.group, p.member, p.name, p.lifecycle, p.tier, st.messages, st.active_days, iso_utc(st.first_seen),
               iso_utc(st.last_seen), tag_cell(p.tags)]
        row += [a.value if (a := p.attributes.get(k)) is not None else "" for k in attr_keys]
        w.writerow([safe_cell(c) for c in row])
    return "\ufeff" + buf.getvalue()


def to_json(profiles: Sequence[Profile]) -> str:
    return json.dumps([profile_json(p) for p in profiles], ensure_ascii=False, indent=2)


def write_file(path: Path, data: str) -> None:
    """Write an export owner-only (it holds member profiles), whatever the process umask."""
    write_private(path, data.encode("utf-8"))
