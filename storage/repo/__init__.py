"""The repo: intent-named async calls; the only way the rest of quntag touches the database.

Write intents go to ``self.writer`` — the database directly (jobs, admin paths) or the unit of work of
the event being processed, so an event's effects commit together with the removal of its inbox row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from storage.db import Database
from storage.repo import activity, groups, intake, intel, member_tags, profiles, settings
from storage.repo.activity import MessageFacts
from storage.repo.base import DirectWriter, UnitOfWork, Writer
from storage.repo.intake import Delivery, OutboxItem, Pending
from storage.repo.intake_api import IntakeMixin
from storage.repo.intel import DerivedState, DerivedTag, Signal, Transition
from storage.repo.member_tags import TagDetail
from storage.repo.moderation import Captcha, ModEntry
from storage.repo.moderation_api import ModerationMixin
from storage.repo.ops import CheckinState
from storage.repo.ops_api import OpsMixin
from storage.repo.ops_reports import Window
from storage.repo.ops_surveys import AnswerWrite
from storage.repo.privacy_api import PrivacyMixin
from storage.repo.profiles import Attribute, MemberFacts, ScoreWant
from storage.repo.scores import Hit, TagScore
from storage.repo.settings import FINGERPRINT, TIER_WEIGHTS

__all__ = [
    "TIER_WEIGHTS",
    "AnswerWrite",
    "Attribute",
    "Captcha",
    "CheckinState",
    "Delivery",
    "DerivedState",
    "DerivedTag",
    "Hit",
    "MemberFacts",
    "MessageFacts",
    "ModEntry",
    "OutboxItem",
    "Pending",
    "Repo",
    "ScoreWant",
    "Signal",
    "TagDetail",
    "TagScore",
    "Transition",
    "UnitOfWork",
    "Window",
]


class Repo(IntakeMixin, OpsMixin, PrivacyMixin, ModerationMixin):
    """Intent-named storage calls over one :class:`Database`."""

    def __init__(self, db: Database, writer: Writer | None = None,
                 clock: Callable[[], float] = time.time, keep_text: bool = True) -> None:
        self.db = db
        self.writer: Writer = writer or DirectWriter(db)
        self.clock = clock
        self.keep_text = keep_text  # [storage] store_text: whether member text may be kept at all

    def bound(self, uow: UnitOfWork) -> Repo:
        """The same repo whose writes are collected in ``uow``."""
        return Repo(self.db, uow, self.clock, self.keep_text)

    # -- activity and tags ------------------------------------------------------------------------
    async def record_message(self, facts: MessageFacts) -> None:
        await self.writer.run(lambda c: activity.record_message(c, facts))

    async def record_sighting(self, group_id: str, adapter: str, group_name: str, member_id: str,
                              member_name: str, at: float) -> None:
        """The member was there without chatting (a command, a check-in): name and first/last sight only."""
        await self.writer.run(lambda c: activity.record_sighting(c, group_id, adapter, group_name, member_id,
                                                                 member_name, at))

    async def record_membership(self, group_id: str, adapter: str, group_name: str, member_id: str,
                                member_name: str, kind: str, at: float, event_id: str,
                                invited_by: str | None) -> None:
        await self.writer.run(lambda c: activity.record_membership(
            c, group_id, adapter, group_name, member_id, member_name, kind, at, event_id, invited_by))

    async def record_tag_hits(self, group_id: str, member_id: str, message_id: str, at: float,
                              hits: Sequence[tuple[str, str]]) -> None:
        await self.writer.run(lambda c: activity.record_tag_hits(c, group_id, member_id, message_id, at, hits))

    async def reject_tag(self, group_id: str, member_id: str, tag: str, at: float) -> None:
        """An admin rejected a keyword tag for a member at ``at``."""
        await self.writer.run(lambda c: member_tags.reject_tag(c, group_id, member_id, tag, at))

    async def move_group(self, old_id: str, new_id: str, adapter: str, at: float) -> None:
        """The group ``old_id`` now lives under ``new_id``: move its rows, keep ``old_id`` as an alias."""
        await self.writer.run(lambda c: groups.move_group(c, old_id, new_id, adapter, at))

    async def resolve_group(self, group_id: str) -> str:
        """The current id of a group (follows aliases left by :meth:`move_group`)."""
        return await self.db.read(lambda c: groups.resolve(c, group_id))
    # -- member intelligence ------------------------------------------------------------------------
    async def record_signal(self, group_id: str, signal: Signal) -> None:
        """Per-message facts (question, link, reply, mentions) for activity tags."""
        await self.writer.run(lambda c: intel.record_signal(c, group_id, signal))

    async def message_signals(self, group_id: str, since: float, until: float) -> list[Signal]:
        return await self.db.read(lambda c: intel.signals(c, group_id, since, until))

    async def intel_fingerprint(self, group_id: str) -> tuple[str, str | None]:
        """(current fingerprint of a recompute's inputs, the one stored by the last recompute)."""
        return await self.db.read(lambda c: (intel.fingerprint(c, group_id),
                                             settings.value(c, group_id, FINGERPRINT)))

    async def save_recompute(self, group_id: str, tags: Sequence[DerivedTag], states: Sequence[DerivedState],
                             now: float, stamp: str) -> list[Transition]:
        """Derived data, written (and committed) directly: it is a cache of stored facts, not an event effect."""
        return await self.db.write(lambda c: intel.save_recompute(c, group_id, tags, states, now, stamp))

    async def lifecycle_transitions(self, group_id: str, since: float) -> list[Transition]:
        """Who moved between lifecycle stages since ``since`` (for digests and alerts)."""
        return await self.db.read(lambda c: intel.transitions(c, group_id, since))

    async def member_states(self, group_id: str) -> dict[str, tuple[str, float, str]]:
        return await self.db.read(lambda c: intel.states(c, group_id))

    async def find_members(self, group_id: str, token: str, limit: int = 10) -> list[tuple[str, str]]:
        return await self.db.read(lambda c: intel.find_members(c, group_id, token, limit))

    async def tag_detail(self, group_id: str, member_id: str, tag: str) -> TagDetail | None:
        return await self.db.read(lambda c: member_tags.tag_detail(c, group_id, member_id, tag))

    async def set_member_tag(self, group_id: str, member_id: str, tag: str, category: str, source: str,
                             evidence: str, at: float, score: float | None = None) -> None:
        await self.writer.run(lambda c: member_tags.set_tag(c, group_id, member_id, tag, category, source, score,
                                                      evidence, at))

    async def remove_member_tag(self, group_id: str, member_id: str, tag: str, at: float) -> None:
        await self.writer.run(lambda c: member_tags.remove_tag(c, group_id, member_id, tag, at))

    async def set_attribute(self, group_id: str, member_id: str, key: str, value: str | None, source: str,
                            at: float) -> None:
        """Set (or with None clear) a static attribute with its provenance."""
        await self.writer.run(lambda c: member_tags.set_attribute(c, group_id, member_id, key, value, source, at))

    async def save_segment(self, group_id: str, name: str, query: str, by: str, at: float) -> None:
        await self.writer.run(lambda c: intel.save_segment(c, group_id, name, query, by, at))

    async def saved_segments(self, group_id: str) -> dict[str, str]:
        return await self.db.read(lambda c: intel.saved_segments(c, group_id))

    # -- outbox -----------------------------------------------------------------------------------
    async def enqueue_outgoing(self, adapter: str, payload: dict[str, Any]) -> None:
        now = self.clock()
        if isinstance(self.writer, UnitOfWork):
            self.writer.sends = True
        await self.writer.run(lambda c: intake.enqueue_outgoing(c, adapter, payload, now))

    async def due_outgoing(self, limit: int, exclude: Sequence[int] = ()) -> list[OutboxItem]:
        now = self.clock()
        return await self.db.read(lambda c: intake.due_outgoing(c, now, limit, exclude))

    async def next_outgoing_at(self) -> float | None:
        return await self.db.read(intake.next_outgoing_at)

    async def outgoing_sent(self, item_id: int) -> None:
        await self.db.write(lambda c: intake.outgoing_sent(c, item_id))

    async def outgoing_failed(self, item_id: int, next_at: float, error: str) -> None:
        await self.db.write(lambda c: intake.outgoing_failed(c, item_id, next_at, error))

    async def outbox_stats(self) -> dict[str, tuple[int, float | None]]:
        return await self.db.read(intake.outbox_stats)

    # -- adapter state ----------------------------------------------------------------------------
    async def adapter_state(self, adapter: str) -> dict[str, str]:
        """Everything an adapter stored with :meth:`set_adapter_state`."""
        return await self.db.read(lambda c: intake.get_state(c, adapter))

    async def set_adapter_state(self, adapter: str, key: str, value: str | None) -> None:
        """Store (or with None delete) one durable fact for an adapter; committed on return."""
        now = self.clock()
        await self.db.write(lambda c: intake.set_state(c, adapter, key, value, now))

    # -- reads ------------------------------------------------------------------------------------
    async def groups(self) -> list[tuple[str, str, int]]:
        return await self.db.read(profiles.groups)

    async def group_exists(self, group_id: str) -> bool:
        return await self.db.read(lambda c: profiles.group_exists(c, group_id))

    async def member_ids(self, group_id: str) -> list[str]:
        return await self.db.read(lambda c: profiles.member_ids(c, group_id))

    async def member_facts(self, group_id: str, ids: Sequence[str] | None, since_day: str,
                           with_text: bool = False, scores: ScoreWant | None = None,
                           lite: bool = False, days: bool = True) -> list[MemberFacts]:
        """Facts of ``ids`` (None: every member, in ``member_ids`` order); keyword scores as ``scores`` asks;
        ``lite``: without hours and active days; ``days`` False: without day counts."""
        return await self.db.read(lambda c: profiles.member_facts(c, group_id, ids, since_day, with_text, scores,
                                                                  lite, days))

    async def rate_sums(self, group_id: str, ids: Sequence[str], recent_from: str, prev_from: str,
                        day: str) -> dict[str, tuple[int, int]]:
        """Per member: messages from ``recent_from`` to ``day``, and from ``prev_from`` to before ``recent_from``."""
        return await self.db.read(lambda c: profiles.rate_sums(c, group_id, ids, recent_from, prev_from, day))

    async def member_stats(self, group_id: str, ids: Sequence[str]) -> dict[str, tuple[int, list[int]]]:
        """Per member: (active days, messages by local hour)."""
        return await self.db.read(lambda c: profiles.member_stats(c, group_id, ids))

    async def last_messages_before(self, group_id: str, ids: Sequence[str], at: float) -> dict[str, float | None]:
        """Each member's latest message at or before ``at`` (one indexed look-up per member)."""
        return await self.db.read(lambda c: profiles.last_messages_before(c, group_id, ids, at))

    async def ping(self) -> bool:
        """True when a trivial read succeeds and the writer's last batch committed."""
        from sqlalchemy import text

        try:
            await self.db.read(lambda c: c.execute(text("SELECT 1")).scalar())
        except Exception:
            return False
        return self.db.healthy
