"""The one thing handlers and scheduled jobs receive: ``Context[EventT]``, generic over the event it carries.

A handler registered with ``router.message(...)`` receives ``Context[Message]``, one registered with
``router.join_request(...)`` a ``Context[JoinRequest]``: ``ctx.event`` has that type, so handlers need no
``isinstance`` checks. Scheduled jobs get a context without an event (``Context`` alone means
``Context[Event | None]``). ``ctx.data`` holds what the handler's filters found (parsed command arguments).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, cast

from typing_extensions import TypeVar

from bot.core.adapter import Capabilities
from bot.core.commands import Command
from bot.core.config import Config, GroupConfig
from bot.core.data import Data
from bot.core.events import ChatRef, Event, Message, UserRef
from bot.core.outgoing import Outgoing, Part, Text, outgoing_to_dict
from bot.core.render import Renderer
from storage.repo import Repo

# Covariant, so a ``Context[Message]`` goes wherever a plain ``Context`` is expected (posting, jobs, the
# domain); the default keeps a bare ``Context`` meaning "any event, or none".
EventT = TypeVar("EventT", bound=Event | None, default=Event | None, covariant=True)
E = TypeVar("E", bound=Event)


@dataclass(slots=True)
class Context(Generic[EventT]):
    """Config, repo, renderer, clock and ``send``; plus the event being handled, if any.

    ``send`` stores the message in the outbox through the repo, so during event processing it commits
    together with the event's other effects and is delivered after the commit.
    """

    config: Config
    repo: Repo
    render: Renderer
    clock: Callable[[], float] = time.time
    capabilities: Mapping[str, Capabilities] = field(default_factory=dict)
    # A job's context has no event; mypy cannot see that None is a valid EventT for every instantiation.
    event: EventT = None  # type: ignore[assignment]
    command: Command | None = None
    group: GroupConfig | None = None
    data: Data = field(default_factory=Data)
    muted: bool = False
    dm_allowed: Callable[[UserRef], bool] = lambda _user: False
    visibility_of: Callable[[ChatRef], str] = lambda _chat: ""  # the running adapter's answer per group
    # a one-time console login URL for an admin member id (None: no admin anywhere); None when no console runs
    console_link: Callable[[str], Awaitable[str | None]] | None = None

    def for_event(self, repo: Repo, event: E, command: Command | None) -> Context[E]:
        """This context bound to one event (and the unit of work ``repo`` of its processing)."""
        base = cast("Context[Any]", self)
        return replace(base, repo=repo, event=event, command=command, group=self.config.group(event.chat.id),
                       data=Data())

    async def send(self, out: Outgoing) -> None:
        if self.muted:  # replaying history: record, never talk
            return
        await self.repo.delivery.enqueue_outgoing(out.adapter, outgoing_to_dict(out))

    async def reply(self, *parts: Part | str) -> None:
        """Answer the current message where it was written: in its group as a reply to it, or privately
        when it came in a private chat."""
        ev = self.event
        if ev is None:
            raise RuntimeError("reply() needs an event")
        items = tuple(Text(p) if isinstance(p, str) else p for p in parts)
        if isinstance(ev, Message):
            target: ChatRef | UserRef = ev.user if ev.is_private else ev.chat
            await self.send(Outgoing(target=target, parts=items, reply_to=ev.event_id))
            return
        await self.send(Outgoing(target=ev.chat, parts=items))

    async def reply_private(self, *parts: Part | str, notice: str = "") -> bool:
        """Send to the sender privately where the platform allows; else post ``notice`` in the group
        (never the private content). Returns True when the private message was queued."""
        ev = self.event
        if ev is None:
            raise RuntimeError("reply_private() needs an event")
        items = tuple(Text(p) if isinstance(p, str) else p for p in parts)
        if self.can_dm(ev.user):
            await self.send(Outgoing(target=ev.user, parts=items))
            return True
        if notice:
            await self.reply(notice)
        return False

    @property
    def locale(self) -> str:
        return self.group.locale if self.group else self.config.defaults.locale

    @property
    def timezone(self) -> str:
        return self.group.timezone if self.group else self.config.defaults.timezone

    def can_dm(self, user: UserRef) -> bool:
        """Whether a private message to ``user`` can be delivered (else post in the group)."""
        return self.dm_allowed(user)

    def visibility(self, chat: ChatRef) -> str:
        """What the bot sees in ``chat``: ``all``, ``mentions`` or ``mixed`` (adapter-wide fallback)."""
        vis = self.visibility_of(chat)
        if vis:
            return vis
        caps = self.capabilities.get(chat.adapter)
        return caps.visibility if caps else "all"
