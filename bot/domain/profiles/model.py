"""The member profile (contract §5) as typed values: what every interface shows about one member.

Times are unix seconds here; :func:`bot.domain.profiles.serialize.profile_json` is the one place that turns a
profile into the contract's JSON (ISO-8601 ``Z`` times, key order). Scores are kept as shown — rounded to two
decimals — because segments, personas and replies all work on the shown value (the ``min_score`` test runs on
the full-precision score before a tag gets here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.commerce import Commerce
from storage.repo import Attribute

__all__ = ["Attribute", "Commerce", "Evidence", "MemberStage", "Profile", "Stats", "Tag"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One keyword hit shown as evidence: when, which keyword, in which message (with its text where the
    group keeps text)."""

    at: float
    keyword: str
    message: str
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag the member carries. ``source`` is ``keyword``, ``activity``, ``survey:<id>`` or ``manual``;
    ``score`` may be None for non-keyword tags. Keyword tags alone have ``hits`` (live hits) and evidence."""

    name: str
    category: str
    source: str
    score: float | None
    evidence: tuple[Evidence, ...] = ()
    hits: int | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    """Distinct messages, all-time active local days, first and last sight (membership events included)
    and messages by the group's local hour (24 counts)."""

    messages: int
    active_days: int
    first_seen: float
    last_seen: float
    hours: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """One member of one group. ``lifecycle`` is empty only in the partial profiles built to rule members out
    before their stage is known (never shown); ``tags`` are keyword tags highest first, then the others by name."""

    group: str
    member: str
    name: str
    opted_out: bool
    lifecycle: str
    tier: str
    stats: Stats
    attributes: Mapping[str, Attribute]
    tags: tuple[Tag, ...]
    commerce: Commerce | None = None  # None: never bought (or hidden: opted out)
    person: str | None = None  # the person id once the member linked accounts

    def with_stats(self, active_days: int, hours: tuple[int, ...]) -> Profile:
        """This profile with all-time active days and hours filled in (``dataclasses.replace`` without its
        field-by-field introspection: a segment fills thousands)."""
        s = self.stats
        return Profile(self.group, self.member, self.name, self.opted_out, self.lifecycle, self.tier,
                       Stats(s.messages, active_days, s.first_seen, s.last_seen, hours), self.attributes, self.tags,
                       self.commerce, self.person)

    def with_lifecycle(self, lifecycle: str) -> Profile:
        """This profile in ``lifecycle`` (as :meth:`with_stats`, for the thousands a segment evaluates)."""
        return Profile(self.group, self.member, self.name, self.opted_out, lifecycle, self.tier, self.stats,
                       self.attributes, self.tags, self.commerce, self.person)

    def carries(self, tag: str) -> bool:
        """A member carries a tag exactly when it is in the profile's tag list (contract §5)."""
        return any(t.name == tag for t in self.tags)

    def tag(self, name: str) -> Tag | None:
        """The carried tag called ``name``, if any."""
        return next((t for t in self.tags if t.name == name), None)


@dataclass(frozen=True, slots=True)
class MemberStage:
    """The profile fields the weekly digest compares between two times: who, and in which stage (None: not
    yet seen then)."""

    member: str
    name: str
    lifecycle: str | None
