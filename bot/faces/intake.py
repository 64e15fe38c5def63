"""The one way an authenticated body becomes durable events: parse → admits → inbox.accept → learn.

The webhook calls :meth:`Intake.deliver` after ``verify``; ``quntag replay`` calls it for each line of a
local file (which carries no credential, so nothing is verified: the file is the operator's own). What
``parse`` learned is handed back to the adapter and its durable part saved through the adapter's
StateStore only once the delivery is accepted, so a delivery that is refused or fails to be stored
teaches nothing, and a platform retry teaches it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.adapter import MALFORMED, Adapter, Learned, StateStore, WebhookRejected, WebReply
from bot.core.config import Config
from bot.core.inbox import Inbox
from bot.core.metrics import Metrics

log = logging.getLogger("quntag.intake")


@dataclass(frozen=True, slots=True)
class Delivered:
    """What became of one delivery: ``reply`` is the adapter's own answer (handshakes, challenges);
    ``new`` is True when its events were accepted, False for a duplicate, None when nothing was stored."""

    reply: WebReply | None = None
    new: bool | None = None


class Intake:
    """Parses deliveries of the running adapters, keeps their admitted events and what they teach."""

    def __init__(self, config: Config, inbox: Inbox, metrics: Metrics, states: Mapping[str, StateStore]) -> None:
        self.config = config
        self.inbox = inbox
        self.metrics = metrics
        self.states = states

    async def deliver(self, adapter: Adapter, body: bytes) -> Delivered:
        """Parse ``body`` (already authenticated, or trusted) and make its admitted events durable.

        Raises WebhookRejected when ``parse`` refuses the body; an adapter that fails otherwise has a bug
        (logged with its traceback) and the body is refused as malformed, never answered with a 5xx."""
        name = adapter.name
        try:
            parsed = adapter.parse(body)
        except WebhookRejected:
            raise
        except Exception:
            log.exception("adapter failed to parse a delivery", extra={"adapter": name})
            raise WebhookRejected(400, MALFORMED, "malformed payload") from None
        new: bool | None = None
        if parsed.reply is None:
            events = [e for e in parsed.events if self.config.admits(e)]
            if len(events) < len(parsed.events):
                self.metrics.ignored.labels(name, "unlisted_group").inc(len(parsed.events) - len(events))
            if events:
                new = await self.inbox.accept(name, parsed.key, events)
                if new:
                    self.metrics.accepted.labels(name).inc(len(events))
                else:
                    self.metrics.duplicate.labels(name).inc()
            elif parsed.ignored:
                self.metrics.ignored.labels(name, parsed.ignored).inc()
            elif not parsed.events:
                self.metrics.ignored.labels(name, "empty").inc()
        if parsed.learned:
            await self._learn(adapter, parsed.learned)
        return Delivered(parsed.reply, new)

    async def _learn(self, adapter: Adapter, facts: Sequence[Learned]) -> None:
        adapter.learn(facts)
        durable = {f.key: f.value for f in facts if f.durable}
        state = self.states.get(adapter.name)
        if not durable or state is None:
            return
        try:
            await state.save(durable)
        except Exception:  # the delivery is durable already: losing a learned fact must not fail it
            log.exception("could not save what a delivery taught", extra={"adapter": adapter.name})
