"""Chat commands: what was typed (``/名字 args`` → :class:`Command`) and what a command is (:class:`CommandSpec`).

A spec is data — name, Chinese aliases, one-line Chinese help, who may run it, in which chat, subcommands
with their own aliases, typed arguments — and :meth:`CommandSpec.invoke` reads a typed command with it::

    NEWS = CommandSpec("news", ("资讯", "新闻"), "早报资讯", admin=True, default="list", subs=(
        Sub("add", ("添加", "加"), "加一条资讯", args=(CONTENT,)),
        Sub("list", ("列表", "ls"), "列出待发资讯"),
        Sub("rm", ("del", "删除", "移除"), "删除第几条", args=(INDEX,)),
    ))

Reading rules: the first word picks a keyword subcommand (by name or alias); the bare command runs
``default``; otherwise the subcommands without a keyword (:func:`bare`) are tried in order and the first
whose arguments use up every word wins. Words after a keyword form's (or a plain command's) arguments are
ignored, as they always were. When nothing fits, the invocation is not ``ok`` and the command answers with
its usage (``bot.core.usage``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.arguments import Arg, ArgError, Words
from bot.core.data import Data, Key
from bot.core.events import Message
from bot.core.textnorm import analysis_text

GROUP, PRIVATE, ANYWHERE = "group", "private", "anywhere"


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


def _folded(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n.casefold() for n in names)


@dataclass(frozen=True, slots=True)
class Sub:
    """One subcommand (a form of a command): a keyword with aliases, or none (:func:`bare`); its typed
    arguments, one-line Chinese help, and who may run it (``admin``; None: as the command says)."""

    name: str
    aliases: tuple[str, ...] = ()
    help: str = ""
    args: tuple[Arg[Any], ...] = ()
    admin: bool | None = None
    keyword: bool = True
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _folded((self.name, *self.aliases)) if self.keyword else frozenset())


def bare(name: str, help: str, *args: Arg[Any], admin: bool | None = None) -> Sub:
    """A form of a command without a keyword, told apart by its arguments (``/tier`` vs ``/tier @成员``);
    ``name`` only identifies it for the handler table."""
    return Sub(name, (), help, args, admin, keyword=False)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A chat command: ``/name`` or ``/alias``, listed in /help. ``admin``: only admins may run it (a sub
    may say otherwise); ``chat``: where it makes sense — ``group`` (default), ``private`` or ``anywhere``."""

    name: str
    aliases: tuple[str, ...]
    help: str
    admin: bool = False
    subs: tuple[Sub, ...] = ()
    args: tuple[Arg[Any], ...] = ()
    default: str = ""
    chat: str = GROUP
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", _folded((self.name, *self.aliases)))
        if self.chat not in (GROUP, PRIVATE, ANYWHERE):
            raise ValueError(f"/{self.name}: chat must be {GROUP}, {PRIVATE} or {ANYWHERE}")
        if self.subs and self.args:
            raise ValueError(f"/{self.name}: arguments belong to its subcommands")
        keys = [s.name for s in self.subs]
        if len(set(keys)) != len(keys):
            raise ValueError(f"/{self.name}: two subcommands named alike")
        if self.default and self.sub(self.default).args:
            raise ValueError(f"/{self.name}: the default subcommand takes no arguments")

    def sub(self, name: str) -> Sub:
        """The subcommand named ``name`` (a KeyError names a typo in a handler table)."""
        for s in self.subs:
            if s.name == name:
                return s
        raise KeyError(f"/{self.name} has no subcommand {name!r}")

    def admin_only(self, sub: Sub | None) -> bool:
        return self.admin if sub is None or sub.admin is None else sub.admin

    def invoke(self, command: Command, ev: Message) -> Invocation | None:
        """How ``command`` runs this spec; None when it is another command."""
        if command.name not in self.names:
            return None
        words = Words(command.args)
        if not self.subs:
            return Invocation(self, None, command.name, "", _bind(self.args, words, ev, exact=False))
        first = words.peek()
        if first is None and self.default:
            return Invocation(self, self.sub(self.default), command.name, "", Data())
        if first is not None:
            folded = first.casefold()
            for s in self.subs:
                if folded in s.names:
                    words.take()
                    return Invocation(self, s, command.name, first, _bind(s.args, words, ev, exact=False))
        for s in self.subs:
            if not s.keyword and (values := _bind(s.args, words.copy(), ev, exact=True)) is not None:
                return Invocation(self, s, command.name, "", values)
        return Invocation(self, None, command.name, "", None)


def _bind(args: tuple[Arg[Any], ...], words: Words, ev: Message, exact: bool) -> Data | None:
    """Each argument's value under its key; None when one does not fit (or, ``exact``, words are left)."""
    values: dict[Key[Any], object] = {}
    try:
        for arg in args:
            values[arg] = arg.take(words, ev)
    except ArgError:
        return None
    if exact and not words.done:
        return None
    return Data(values)


@dataclass(frozen=True, slots=True)
class Invocation:
    """One typed command read with its spec: which subcommand (None: not known, or a plain command), the
    words as typed (for usage lines in the member's own spelling), and the argument values — None when the
    arguments did not fit."""

    spec: CommandSpec
    sub: Sub | None
    typed: str
    typed_sub: str
    values: Data | None

    @property
    def ok(self) -> bool:
        return self.values is not None

    @property
    def admin_only(self) -> bool:
        return self.spec.admin_only(self.sub)


INVOCATION: Key[Invocation] = Key("invocation")
"""Where the command filter puts the :class:`Invocation` (middlewares read who may run it)."""
CATALOGUE: Key[tuple[CommandSpec, ...]] = Key("catalogue")
"""Every command the dispatcher knows, in /help order (the dispatcher adds it for every handler)."""
