"""Posting rendered text: mention tokens → ``Mention`` parts, and splitting to the platform's limit.

Templates render plain text; where a member should be @-mentioned, the data carries a token made by
:func:`mention_token` and :func:`post` turns it back into a :class:`~bot.outgoing.Mention`. Long
texts are split on line boundaries (a line longer than the limit is cut between characters), never
truncated, and each piece goes through ``ctx.send`` (the outbox).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.events import ChatRef, UserRef, display_name
from bot.core.outgoing import Mention, Outgoing, Part, Text

if TYPE_CHECKING:
    from bot.core.config import GroupConfig
    from bot.core.context import Context

# Rendered text carries member text too (names, answers, news): a token is at most four digits, so a name
# such as NUL + 5,000 digits + NUL stays text instead of reaching int() (which refuses it and would drop the
# whole message).
_TOKEN = re.compile("\x00(\\d{1,4})\x00")
DEFAULT_MAX = 4000


def mention_token(i: int) -> str:
    return f"\x00{i}\x00"


def to_parts(text: str, mentions: Sequence[Mention] = ()) -> list[Part]:
    parts: list[Part] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(Text(text[pos:m.start()]))
        i = int(m.group(1))
        parts.append(mentions[i] if i < len(mentions) else Text(""))
        pos = m.end()
    if pos < len(text):
        parts.append(Text(text[pos:]))
    return [p for p in parts if not (isinstance(p, Text) and not p.text)]


def _plen(p: Part) -> int:
    return len(p.text) if isinstance(p, Text) else len(p.name or p.user.user_id) + 1


def split_parts(parts: Sequence[Part], max_len: int) -> list[list[Part]]:
    """Split into messages of at most ``max_len`` characters, preferring line breaks."""
    max_len = max(16, max_len)
    # explode text parts into lines (keeping the newline at the end of each line)
    pieces: list[Part] = []
    for p in parts:
        if isinstance(p, Text):
            for line in p.text.splitlines(keepends=True):
                while len(line) > max_len:
                    pieces.append(Text(line[:max_len]))
                    line = line[max_len:]
                if line:
                    pieces.append(Text(line))
        else:
            pieces.append(p)
    chunks: list[list[Part]] = []
    cur: list[Part] = []
    size = 0
    for p in pieces:
        n = _plen(p)
        if cur and size + n > max_len:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(p)
        size += n
    if cur:
        chunks.append(cur)
    out: list[list[Part]] = []
    for ch in chunks:  # drop the trailing newline of each chunk
        if ch and isinstance(ch[-1], Text):
            last = ch[-1].text.rstrip("\n")
            ch = [*ch[:-1], Text(last)] if last else ch[:-1]
        if ch:
            out.append(ch)
    return out


def max_len(ctx: Context, adapter: str) -> int:
    caps = ctx.capabilities.get(adapter)
    return caps.max_text_len if caps else DEFAULT_MAX


async def post(ctx: Context, target: ChatRef | UserRef, text: str, mentions: Sequence[Mention] = (),
               reply_to: str | None = None) -> int:
    """Send ``text`` (with mention tokens) to ``target`` in as many messages as the limit needs."""
    chunks = split_parts(to_parts(text, mentions), max_len(ctx, target.adapter))
    for i, chunk in enumerate(chunks):
        await ctx.send(Outgoing(target=target, parts=tuple(chunk), reply_to=reply_to if i == 0 else None))
    return len(chunks)


def plain(text: str, mentions: Sequence[Mention] = ()) -> str:
    """The text as a person reads it (mentions as ``@name``), for printing."""
    return "".join(p.text if isinstance(p, Text) else f"@{p.name or p.user.user_id}"
                   for p in to_parts(text, mentions))


def mentions_for(members: Sequence[tuple[str, str]]) -> tuple[list[Mention], list[str]]:
    """(member id, name) pairs → Mention parts and the tokens to put in the template."""
    ms: list[Mention] = []
    tokens: list[str] = []
    for i, (mid, name) in enumerate(members):
        ms.append(Mention(UserRef.of(mid), display_name(name, mid)))
        tokens.append(mention_token(i))
    return ms, tokens


async def notify_admins(ctx: Context, group: GroupConfig, text: str) -> int:
    """Post ``text`` privately to every admin of ``group`` who can be reached; returns how many."""
    sent = 0
    for a in group.admins:
        if ":" not in a:
            continue
        user = UserRef.of(a)
        if ctx.can_dm(user):
            await post(ctx, user, text)
            sent += 1
    return sent
