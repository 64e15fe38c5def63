"""A chat command as typed: ``/名字 args`` → name (case-folded) and the rest of the text."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.textnorm import analysis_text


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed chat command: ``/名字 args`` → name (case-folded) and the rest of the text."""

    name: str
    args: str


def parse_command(text: str) -> Command | None:
    """``/名字 args`` from a message's analysed head (so args of a huge message are cut; see textnorm)."""
    s = analysis_text(text).strip()
    if not s.startswith("/") or len(s) < 2:
        return None
    head, _, rest = s[1:].partition(" ")
    head = head.split("\n", 1)[0]
    if not head:
        return None
    return Command(head.casefold(), rest.strip())
