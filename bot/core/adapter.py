"""The adapter seam: an adapter type declares its options; an instance verifies, parses and sends.

Platform JSON stops here. ``verify`` authenticates the raw request and returns the authenticated
body (decrypted where the platform encrypts); ``parse`` is pure: it turns that body into normalized
events and returns what the delivery taught the adapter, which the runtime hands back through
``learn`` (and saves) once the delivery is accepted; ``send`` renders an
:class:`~bot.core.outgoing.Outgoing` for the platform's API, and ``decide_join`` answers a join request
where the capabilities say the platform has them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import aiohttp

from bot.core.config.options import AdapterOptions
from bot.core.events import ChatRef, Event, UserRef
from bot.core.outgoing import Outgoing
from bot.core.redact import redact

# Metric reasons for rejected deliveries (contract §6 `quntag_events_rejected_total{reason}`).
MISSING = "missing_credential"
BAD_SIGNATURE = "bad_signature"
STALE = "stale"
MALFORMED = "malformed"
TOO_LARGE = "too_large"


class WebhookRejected(Exception):
    """Raised by verify/parse: the request is answered with ``status`` and nothing is recorded."""

    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.status = status
        self.reason = reason
        self.detail = detail or reason


class SendError(Exception):
    """A failed send. ``permanent`` errors are not retried; ``retry_after`` overrides the backoff.

    ``moved_to`` is set when the platform says the group now lives under another id. ``detail`` is
    redacted here: it is logged and stored, and HTTP errors quote URLs that carry credentials.
    """

    def __init__(self, detail: str, *, permanent: bool = False, retry_after: float | None = None,
                 moved_to: str | None = None) -> None:
        super().__init__(redact(detail))
        self.permanent = permanent
        self.retry_after = retry_after
        self.moved_to = moved_to


@dataclass(frozen=True, slots=True)
class WebReply:
    """A complete HTTP answer chosen by the adapter (acks, handshakes, challenges)."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Learned:
    """One fact a delivery taught an adapter: ``key`` now holds ``value`` (None: forget it).

    ``durable`` facts are saved in the adapter's :class:`StateStore` (they survive restarts); the
    others are caches kept in memory only (Telegram usernames, DingTalk session webhooks).
    """

    key: str
    value: str | None
    durable: bool = True


@dataclass(frozen=True, slots=True)
class Parsed:
    """What one webhook request carried.

    ``key`` is the platform's delivery id used for de-duplication (None: nothing to dedupe, e.g. an
    ignored meta event). ``reply`` replaces the normal ack (handshakes). ``ignored`` names why a
    well-formed payload carried nothing for us (counted in metrics, answered like an accept).
    ``learned`` is what the adapter takes in through ``learn`` once the delivery is accepted.
    """

    key: str | None
    events: tuple[Event, ...] = ()
    reply: WebReply | None = None
    ignored: str | None = None
    learned: tuple[Learned, ...] = ()


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an adapter can see and do; features and reports read these, never the adapter type."""

    visibility: str = "all"  # all | mentions | mixed
    private_messages: bool = False
    membership_events: bool = True
    retries_deliveries: bool = False
    max_text_len: int = 4000
    per_chat_per_minute: int = 20
    per_chat_per_second: float = 1.0
    join_requests: bool = False  # the platform asks before someone joins, and decide_join answers it
    # moderation actions ``moderate`` can carry out (delete, mute, unmute, restrict, kick); empty: none
    moderation: frozenset[str] = frozenset()
    polls: bool = False  # native polls: ``send_poll`` posts them and votes arrive as PollAnswer events
    buttons: bool = False  # ``send`` shows ``out.buttons``, presses arrive as ButtonPress, ``answer_press`` answers


class StateStore(Protocol):
    """Durable key/value facts of one adapter instance (survive restarts)."""

    async def load(self) -> dict[str, str]: ...

    async def save(self, changes: Mapping[str, str | None]) -> None:
        """Set each key to its value (None: delete it); returns once they are durable."""
        ...


@dataclass(frozen=True, slots=True)
class AdapterDeps:
    """Injected services: the shared HTTP client session, the clock (unix seconds), durable state."""

    session: aiohttp.ClientSession | None
    clock: Callable[[], float] = time.time
    state: StateStore | None = None
    # Each listed group's options for this adapter ([groups.adapter]) by full group id, as declared by its type.
    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class Adapter(Protocol):
    """One configured adapter instance (``[adapters.<name>]``)."""

    name: str
    type: str
    capabilities: Capabilities
    ack: WebReply

    async def start(self) -> None:
        """Called once the app runs (load state, fetch bot info); must not fail hard on network errors."""
        ...

    async def close(self) -> None:
        """Called on shutdown."""
        ...

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        """Authenticate a POST; return the authenticated body or raise WebhookRejected."""
        ...

    def parse(self, body: bytes) -> Parsed:
        """Pure: authenticated body → normalized events and what they teach (``Parsed.learned``); the
        adapter does not change. Raises WebhookRejected(400) when malformed."""
        ...

    def learn(self, facts: Sequence[Learned]) -> None:
        """Take in what ``parse`` returned, once the delivery was accepted (the runtime saves the durable
        facts through this adapter's StateStore)."""
        ...

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        """Answer a GET to the webhook (WeCom echostr); others raise WebhookRejected(405)."""
        ...

    async def send(self, out: Outgoing) -> None:
        """Deliver one message through the platform API; raise SendError on failure."""
        ...

    async def decide_join(self, out: Outgoing) -> None:
        """Approve or decline a join request (``out.join``); raise SendError on failure, a permanent one
        where ``capabilities.join_requests`` is False."""
        ...

    def visibility(self, chat: ChatRef | None = None) -> str:
        """``all`` / ``mentions`` / ``mixed`` for one group, or for the adapter overall."""
        ...

    def can_dm(self, user: UserRef) -> bool:
        """Whether a private message to ``user`` can be delivered now (Telegram: user started the bot)."""
        ...

    def health(self) -> dict[str, Any]:
        """Extra facts for /healthz (always includes ``visibility``)."""
        ...

    def secrets(self) -> dict[str, str]:
        """Secret option values by key (removed from everything logged or stored)."""
        ...


@runtime_checkable
class Moderates(Protocol):
    """An adapter that carries out moderation actions (``out.action``) for the kinds its capabilities list."""

    async def moderate(self, out: Outgoing) -> None:
        """Carry out ``out.action`` in ``out.target``; raise SendError on failure (permanent when the kind
        is not supported)."""
        ...


@runtime_checkable
class SendsPolls(Protocol):
    """An adapter that posts native polls (``out.poll``) where ``capabilities.polls`` is True."""

    async def send_poll(self, out: Outgoing) -> str:
        """Post ``out.poll`` in ``out.target``; returns the platform's poll id; raises SendError on failure."""
        ...


@runtime_checkable
class AnswersPresses(Protocol):
    """An adapter that answers button presses (``out.answer``) where ``capabilities.buttons`` is True."""

    async def answer_press(self, out: Outgoing) -> None:
        """Show ``out.answer.text`` to whoever pressed; raise SendError on failure."""
        ...


AdapterFactory = Callable[[str, Mapping[str, Any], AdapterDeps], Adapter]


@dataclass(frozen=True, slots=True)
class AdapterType:
    """What a platform package declares: its ``type`` name, its options (config validates a section against
    them without building anything) and ``build(name, options, deps)``, which makes one instance."""

    name: str
    options: AdapterOptions
    build: AdapterFactory
