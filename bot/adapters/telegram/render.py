"""Outgoing → Telegram ``parse_mode=HTML`` texts of at most 4096 characters each."""

from __future__ import annotations

import html

from bot.adapters.shared.support import ascii_int
from bot.core.outgoing import Mention, Outgoing, Text

MAX_LEN = 4096


def utf16_len(s: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(s.encode("utf-16-le")) // 2


def escape(s: str) -> str:
    """Escape user text for Telegram HTML (``<``, ``>``, ``&``)."""
    return html.escape(s, quote=False)


def _pieces(s: str, limit: int) -> list[str]:
    """Split plain text into pieces of at most ``limit`` units, preferring line breaks."""
    out: list[str] = []
    for line in s.splitlines(keepends=True):
        while utf16_len(line) > limit:
            cut, units = 0, 0
            for ch in line:
                w = utf16_len(ch)
                if units + w > limit:
                    break
                units += w
                cut += 1
            out.append(line[:cut])
            line = line[cut:]
        if line:
            out.append(line)
    return out


def atoms(out: Outgoing, limit: int = MAX_LEN) -> list[tuple[str, int]]:
    """(html fragment, visible length) units that are never split across messages."""
    result: list[tuple[str, int]] = []
    for part in out.parts:
        if isinstance(part, Text):
            result += [(escape(p), utf16_len(p)) for p in _pieces(part.text, limit)]
        elif isinstance(part, Mention):
            label = (part.name or part.user.user_id)[:64]
            uid = part.user.user_id
            if ascii_int(uid) is not None:  # only ASCII digits go into the href
                result.append((f'<a href="tg://user?id={uid}">{escape(label)}</a>', utf16_len(label)))
            else:
                result.append((escape("@" + label), utf16_len(label) + 1))
    return result


def render_chunks(out: Outgoing, limit: int = MAX_LEN) -> list[str]:
    """The HTML texts to send, in order; each shows at most ``limit`` characters."""
    chunks: list[str] = []
    cur: list[str] = []
    used = 0
    for frag, n in atoms(out, limit):
        if cur and used + n > limit:
            chunks.append("".join(cur))
            cur, used = [], 0
        cur.append(frag)
        used += n
    if cur:
        chunks.append("".join(cur))
    chunks = [c for c in chunks if c.strip()]
    return chunks or ["\u200b"]
