"""Outgoing → a Feishu ``post`` (rich text) body.

Feishu's ``text`` message type parses its content: ``<at user_id="all">`` pings everyone, and style
tags and ``[text](url)`` links are markup, with no documented way to escape them. A ``post`` is a
structure instead: member text goes into ``text`` elements, which are shown as they are (no
``un_escape``), and mentions are ``at`` elements carrying only an open_id (the client shows the real
name). So nothing a member writes can become a mention, a style or a link.
"""

from __future__ import annotations

from typing import Any

from bot.core.outgoing import Mention, Outgoing, Text


def _text(value: str) -> dict[str, Any]:
    return {"tag": "text", "text": value}


def render_post(out: Outgoing) -> dict[str, Any]:
    """``{"zh_cn": {"title": "", "content": [[element, ...], ...]}}``, one list per line of text."""
    lines: list[list[dict[str, Any]]] = [[]]
    for part in out.parts:
        if isinstance(part, Text):
            for i, piece in enumerate(part.text.split("\n")):
                if i:
                    lines.append([])
                if piece:
                    lines[-1].append(_text(piece))
        elif isinstance(part, Mention):
            uid = part.user.user_id
            if uid and uid != "all":  # an id "all" would be @everyone: never from a Mention part
                lines[-1].append({"tag": "at", "user_id": uid})
            else:
                lines[-1].append(_text("@" + (part.name or uid)))
    return {"zh_cn": {"title": "", "content": [line or [_text("")] for line in lines]}}
