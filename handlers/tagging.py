"""Keyword tagger: normalize → one automaton pass → one hit per tag per message, with evidence.

Scores are not stored: they are computed from the hits at read time (contract §5), so a change of
weight or half-life applies to the past, events may arrive in any order, and ``--at`` is exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.config import RuleBook, TagRule
from bot.core.context import Context
from bot.core.events import Message
from bot.core.routing import Router
from bot.core.textnorm import KeywordAutomaton, normalize
from bot.domain.chat import is_chat


class Tagger:
    """Matches every ``[[tags]]`` rule against a message in one pass."""

    def __init__(self, rules: Sequence[TagRule]) -> None:
        self.rules = {r.name: r for r in rules}
        self.automaton = KeywordAutomaton(((r.name, kw) for r in rules for kw in r.keywords),
                                          ((r.name, phrase) for r in rules for phrase in r.exclude))

    def match(self, text: str) -> list[tuple[str, str]]:
        """(tag, first keyword that hit outside the tag's ``exclude`` phrases), one per tag."""
        return sorted(self.automaton.first_hits(normalize(text)).items())

    async def tag_message(self, ctx: Context[Message]) -> None:
        """Observer: record this message's hits as evidence for its sender."""
        ev = ctx.event
        if not is_chat(ctx):
            return  # "/segment 红酒" is a question to the bot, not evidence about the admin
        hits = self.match(ev.text)
        if hits:
            await ctx.repo.activity.record_tag_hits(ev.chat.id, ev.user.id, ev.event_id, ev.time, hits)


class LiveTagger:
    """The tagger of the rules in effect: rebuilt (a few ms) when the rule book changes, so a rule added in
    the console tags the next message."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.version = book.version
        self.tagger = Tagger(book.current())

    async def tag_message(self, ctx: Context[Message]) -> None:
        if self.book.version != self.version:
            self.version = self.book.version
            self.tagger = Tagger(self.book.current())
        await self.tagger.tag_message(ctx)


def router(book: RuleBook) -> Router:
    """The tagger is built from the tag rules in effect, so this router is the one that needs them."""
    r = Router("tagging")
    r.observe(Message, LiveTagger(book).tag_message)
    return r
