"""The adapter seam: three methods (verify, parse, send) plus declared capabilities.

Platform JSON stops here. ``verify`` authenticates the raw request and returns the authenticated
body (decrypted where the platform encrypts); ``parse`` is pure and turns that body into normalized
events; ``send`` renders an :class:`~bot.outgoing.Outgoing` for the platform's API.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

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
class Parsed:
    """What one webhook request carried.

    ``key`` is the platform's delivery id used for de-duplication (None: nothing to dedupe, e.g. an
    ignored meta event). ``reply`` replaces the normal ack (handshakes). ``ignored`` names why a
    well-formed payload carried nothing for us (counted in metrics, answered like an accept).
    """

    key: str | None
    events: tuple[Event, ...] = ()
    reply: WebReply | None = None
    ignored: str | None = None


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


class StateStore(Protocol):
    """Durable key/value facts of one adapter instance (survive restarts)."""

    async def load(self) -> dict[str, str]: ...

    async def save(self, key: str, value: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class AdapterDeps:
    """Injected services: the shared HTTP client session, the clock (unix seconds), durable state."""

    session: aiohttp.ClientSession | None
    clock: Callable[[], float] = time.time
    state: StateStore | None = None
    # Per-group settings adapters may need, by full group id, e.g. {"generic:g-1": {"wecom_webhook_key": ...}}.
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
        """Pure: authenticated body → normalized events. Raises WebhookRejected(400) when malformed."""
        ...

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        """Answer a GET to the webhook (WeCom echostr); others raise WebhookRejected(405)."""
        ...

    async def send(self, out: Outgoing) -> None:
        """Deliver one message through the platform API; raise SendError on failure."""
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
        """Secret option values by key, checked by ``serve`` for empty / CHANGE-ME."""
        ...


AdapterFactory = Callable[[str, Mapping[str, Any], AdapterDeps], Adapter]


class ConfigError(Exception):
    """A configuration problem; the message is one line naming the key."""


def opt_str(options: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    """Read a string option or raise ConfigError naming ``where.key``."""
    val = options.get(key, default)
    if val is None:
        raise ConfigError(f"{where}.{key}: required")
    if not isinstance(val, str):
        raise ConfigError(f"{where}.{key}: must be a string")
    return val


def check_keys(options: Mapping[str, Any], allowed: set[str], where: str) -> None:
    """Reject unknown option keys, naming the first one."""
    for key in options:
        if key not in allowed and key != "type":
            raise ConfigError(f"{where}.{key}: unknown key")
