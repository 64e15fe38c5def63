"""OneBot v11 message forms: CQ-code strings and segment arrays → (type, data) segments."""

from __future__ import annotations

import re
from typing import Any

Segment = tuple[str, dict[str, str]]
CQ = re.compile(r"\[CQ:([A-Za-z0-9_.\-]+)((?:,[^\]]*)?)\]")


def unescape(s: str, param: bool = False) -> str:
    """Undo CQ escaping (``&#44;`` only inside parameters); ``&amp;`` last."""
    s = s.replace("&#91;", "[").replace("&#93;", "]")
    if param:
        s = s.replace("&#44;", ",")
    return s.replace("&amp;", "&")


def parse_cq(message: str) -> list[Segment]:
    """Split a CQ-code string into segments (text unescaped, parameters unescaped)."""
    out: list[Segment] = []
    pos = 0
    for m in CQ.finditer(message):
        if m.start() > pos:
            out.append(("text", {"text": unescape(message[pos:m.start()])}))
        data: dict[str, str] = {}
        for item in m.group(2).split(",")[1:]:
            key, _, value = item.partition("=")
            data[key] = unescape(value, param=True)
        out.append((m.group(1), data))
        pos = m.end()
    if pos < len(message):
        out.append(("text", {"text": unescape(message[pos:])}))
    return out


def segments(message: Any) -> list[Segment] | None:
    """Either message form → segments; None when it is neither (malformed)."""
    if isinstance(message, str):
        return parse_cq(message)
    if isinstance(message, dict):
        message = [message]
    if not isinstance(message, list):
        return None
    out: list[Segment] = []
    for seg in message:
        if not isinstance(seg, dict) or not isinstance(seg.get("type"), str):
            return None
        data = seg.get("data") or {}
        if not isinstance(data, dict):
            return None
        out.append((seg["type"], {str(k): "" if v is None else str(v) for k, v in data.items()}))
    return out
