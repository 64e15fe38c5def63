"""OneBot v11 message forms: CQ-code strings and segment arrays → (type, data) segments."""

from __future__ import annotations

import re
from typing import Any

Segment = tuple[str, dict[str, str]]
OPEN = "[CQ:"
NAME = re.compile(r"[A-Za-z0-9_.\-]++")  # a code's type; possessive, matched at one position only


def unescape(s: str, param: bool = False) -> str:
    """Undo CQ escaping (``&#44;`` only inside parameters); ``&amp;`` last."""
    s = s.replace("&#91;", "[").replace("&#93;", "]")
    if param:
        s = s.replace("&#44;", ",")
    return s.replace("&amp;", "&")


def parse_cq(message: str) -> list[Segment]:
    """Split a CQ-code string into segments (text unescaped, parameters unescaped).

    A code is ``[CQ:type]`` or ``[CQ:type,k=v,...]`` ending at the first ``]``. The scan is linear by
    construction: every ``find`` starts where the previous one stopped, and the first ``]`` after a
    candidate is looked up once and reused by every candidate before it (a regex search here took
    quadratic time on ``[CQ:a,`` repeated without a ``]``).
    """
    out: list[Segment] = []
    pos, close = 0, -1
    start = message.find(OPEN)
    while start != -1:
        if close < start:
            close = message.find("]", start)
            if close == -1:
                break  # no "]" from here on: the rest is text
        name = NAME.match(message, start + len(OPEN), close)
        if name is None or (name.end() < close and message[name.end()] != ","):
            start = message.find(OPEN, start + 1)
            continue
        if start > pos:
            out.append(("text", {"text": unescape(message[pos:start])}))
        data: dict[str, str] = {}
        for item in message[name.end():close].split(",")[1:]:
            key, _, value = item.partition("=")
            data[key] = unescape(value, param=True)
        out.append((name.group(), data))
        pos = close + 1
        start = message.find(OPEN, pos)
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
