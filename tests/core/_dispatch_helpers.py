"""Contexts for dispatch unit tests: a real config, no database, and a recording outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.commands import parse_command
from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef
from bot.core.outgoing import Outgoing, Text
from bot.core.render import Renderer
from tests.conftest import make_config

NOW = 1_800_000_000.0
ADMIN = "u-9"


@dataclass(slots=True)
class Recording(Context[Any]):
    """A context whose ``send`` records instead of queueing (copies made by the dispatcher share the list)."""

    sent: list[Outgoing] = field(default_factory=list)

    async def send(self, out: Outgoing) -> None:
        self.sent.append(out)

    @property
    def texts(self) -> list[str]:
        return ["".join(p.text for p in o.parts if isinstance(p, Text)) for o in self.sent]


def base(tmp_path: Path, locale: str = "zh-CN", clock: Any = None, **sections: Any) -> Recording:
    groups = [{"id": "generic:g-1", "admins": [f"generic:{ADMIN}"], "locale": locale}]
    cfg = make_config(tmp_path, groups=groups, **sections)
    return Recording(config=cfg, repo=None, render=Renderer(), clock=clock or (lambda: NOW))  # type: ignore[arg-type]


def msg(text: str, user: str = "u-1", *, private: bool = False, mentions: tuple[str, ...] = (),
        eid: str = "e-1", **extra: Any) -> Message:
    chat = ChatRef("generic", user if private else "g-1")
    refs = tuple(UserRef("generic", m) for m in mentions)
    return Message(eid, chat, UserRef("generic", user), NOW, text, mentions=refs, **extra)


def for_message(ctx: Recording, ev: Message) -> Recording:
    """``ctx`` bound to ``ev``, as the inbox binds it (the command parsed from the text)."""
    bound = ctx.for_event(ctx.repo, ev, parse_command(ev.text))
    assert isinstance(bound, Recording)
    return bound
