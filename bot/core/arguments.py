"""Typed command arguments: each kind reads words from the text after the command and yields a value.

An argument is also the :class:`~bot.core.data.Key` its value is found under, so a handler reads
``ctx.data[CONTENT]`` with the type the argument declares. Every argument has a short label per locale
for usage lines and /help (``内容`` / ``TEXT``). Parsing is syntax only: a :class:`Member` argument says
which @-mention or word names the member; finding that member in the group is the handler's job.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TypeVar

from bot.core.data import Key
from bot.core.events import Message
from bot.core.scheduler import ScheduleError, parse_hhmm, weekday_index
from bot.core.textnorm import as_written, small_int

T = TypeVar("T")
_WORD = re.compile(r"\S++")


class ArgError(ValueError):
    """The words do not fit the argument (missing or malformed): the command answers with its usage."""


class Words:
    """A cursor over the text after a command: whole words one at a time, or the rest of the text."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def peek(self) -> str | None:
        m = _WORD.search(self.text, self.pos)
        return m.group() if m else None

    def take(self) -> str | None:
        m = _WORD.search(self.text, self.pos)
        if m is None:
            return None
        self.pos = m.end()
        return m.group()

    def rest(self) -> str:
        """Everything left, as written (inner spacing kept), stripped at both ends."""
        out = self.text[self.pos:].strip()
        self.pos = len(self.text)
        return out

    @property
    def done(self) -> bool:
        return self.peek() is None

    def copy(self) -> Words:
        return Words(self.text, self.pos)


class Arg(Key[T], ABC):
    """One argument of a command: its labels and how it reads words."""

    __slots__ = ("label", "label_en")

    def __init__(self, label: str, label_en: str) -> None:
        super().__init__(label_en)
        self.label = label
        self.label_en = label_en

    def label_for(self, locale: str) -> str:
        return self.label if locale == "zh-CN" else self.label_en

    def usage(self, locale: str) -> str:
        return self.label_for(locale)

    @abstractmethod
    def take(self, words: Words, ev: Message) -> T:
        """Read this argument from ``words``; raises :class:`ArgError`."""

    def _word(self, words: Words) -> str:
        w = words.take()
        if w is None:
            raise ArgError(f"missing {self.label_en}")
        return w


class Word(Arg[str]):
    """One word, as written."""

    def take(self, words: Words, ev: Message) -> str:
        return self._word(words)


class Keyword(Arg[str]):
    """A fixed word (any of ``spellings``, case-insensitive) in the middle of a form: ``/segment 名称 notify 文本``."""

    __slots__ = ("spellings",)

    def __init__(self, *spellings: str) -> None:
        super().__init__(spellings[0], spellings[0])
        self.spellings = frozenset(s.casefold() for s in spellings)

    def take(self, words: Words, ev: Message) -> str:
        w = self._word(words)
        if w.casefold() not in self.spellings:
            raise ArgError(f"expected {self.label_en}")
        return w


class Integer(Arg[int]):
    """A small non-negative whole number (at most six ASCII digits after NFKC), e.g. a list position."""

    def take(self, words: Words, ev: Message) -> int:
        n = small_int(self._word(words))
        if n is None:
            raise ArgError(f"{self.label_en} is not a number")
        return n


class TimeOfDay(Arg[str]):
    """``HH:MM`` (full-width colon too), normalized to two digits each."""

    def take(self, words: Words, ev: Message) -> str:
        try:
            h, m = parse_hhmm(self._word(words))
        except ScheduleError as exc:
            raise ArgError(str(exc)) from exc
        return f"{h:02d}:{m:02d}"


class Weekday(Arg[int]):
    """A day of the week (``mon``, ``周三``, ``星期三`` …) as 0 = Monday … 6 = Sunday."""

    def take(self, words: Words, ev: Message) -> int:
        day = weekday_index(self._word(words))
        if day is None:
            raise ArgError(f"{self.label_en} is not a weekday")
        return day


class Text(Arg[str]):
    """The rest of the text, as written (full-width punctuation kept, not normalized); must not be empty."""

    def take(self, words: Words, ev: Message) -> str:
        rest = words.rest()
        if not rest:
            raise ArgError(f"missing {self.label_en}")
        return as_written(ev.text, rest)


@dataclass(frozen=True, slots=True)
class MemberRef:
    """Who a command names: an @-mentioned member id, else the word that should identify them (a full or
    platform id, or a display name)."""

    mentioned: str | None
    token: str


class Member(Arg[MemberRef]):
    """A member: the first @-mention (others than the sender first, and the ``@name`` word is skipped),
    else the next word."""

    def take(self, words: Words, ev: Message) -> MemberRef:
        mentioned = [m.id for m in ev.mentions if m.id != ev.user.id] or [m.id for m in ev.mentions]
        if mentioned:
            first = words.peek()
            if first is not None and first.startswith("@"):
                words.take()
            return MemberRef(mentioned[0], "")
        return MemberRef(None, self._word(words))


class Maybe(Arg[T | None]):
    """``inner``, or None when the text has run out and ``inner`` finds nothing (a mention still counts)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Arg[T]) -> None:
        super().__init__(inner.label, inner.label_en)
        self.inner = inner

    def usage(self, locale: str) -> str:
        return f"[{self.inner.usage(locale)}]"

    def take(self, words: Words, ev: Message) -> T | None:
        if not words.done:
            return self.inner.take(words, ev)
        try:
            return self.inner.take(words, ev)
        except ArgError:
            return None
