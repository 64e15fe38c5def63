"""What a command spec says to members: usage lines (for a usage error) and the /help listing.

Usage lines follow the member's own spelling: ``/资讯 添加`` without its text answers ``用法：/资讯 添加 内容``,
``/news add`` answers ``用法：/news add 内容``. /help lists only what the asker may run: members see member
commands and member subcommands; admins also see admin commands, every subcommand with its aliases. In a
private chat it lists only the commands that work there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.arguments import Integer
from bot.core.commands import ANYWHERE, INVOCATION, PRIVATE, CommandSpec, Invocation, Sub
from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Line:
    """One form of a command: how to write it, what it does, whether only admins may run it."""

    usage: str
    help: str = ""
    admin: bool = False


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One command in /help: its spellings, one-line help, and the forms the asker may run."""

    name: str
    aliases: tuple[str, ...]
    help: str
    forms: tuple[Line, ...]

    @property
    def spellings(self) -> str:
        """``/资讯 /新闻 /news``: every way to type the command."""
        return " ".join(f"/{n}" for n in (*self.aliases, self.name))


def _spelling(sub: Sub, typed: str) -> str:
    """The subcommand in the script the member typed the command in (``/资讯`` → ``添加``)."""
    if typed.isascii():
        return sub.name
    return next((a for a in sub.aliases if not a.isascii()), sub.name)


def _native(spec: CommandSpec, locale: str) -> str:
    """The command as a member of ``locale`` types it: its first Chinese alias in zh-CN, its name otherwise."""
    if locale == "zh-CN":
        return next((a for a in spec.aliases if not a.isascii()), spec.name)
    return spec.name


def form_usage(spec: CommandSpec, sub: Sub | None, locale: str, typed: str = "", typed_sub: str = "") -> str:
    """``/资讯 添加 内容`` / ``/news add TEXT``: the command (as typed, else in the locale's spelling), the
    subcommand's keyword, the arguments."""
    typed = typed or _native(spec, locale)
    words = [f"/{typed}"]
    if sub is not None and sub.keyword:
        words.append(typed_sub or _spelling(sub, typed))
    words += [a.usage(locale) for a in (sub.args if sub is not None else spec.args)]
    return " ".join(words)


def usage_lines(inv: Invocation, locale: str, admin: bool) -> list[Line]:
    """The forms to show after a usage error: the one the member chose, else every form they may run."""
    spec = inv.spec
    if inv.sub is not None:
        return [Line(form_usage(spec, inv.sub, locale, inv.typed, inv.typed_sub), inv.sub.help)]
    if not spec.subs:
        return [Line(form_usage(spec, None, locale, inv.typed), spec.help)]
    return [Line(form_usage(spec, s, locale, inv.typed), s.help) for s in spec.subs
            if admin or not spec.admin_only(s)]


async def reply_usage(ctx: Context[Message], problem: str = "") -> None:
    """Answer the current command with its usage (``problem``, if given, says first what was wrong)."""
    inv = ctx.data[INVOCATION]
    await ctx.reply(ctx.render("usage", ctx.locale, lines=usage_lines(inv, ctx.locale, is_admin(ctx)),
                               problem=problem))


def help_entries(specs: Sequence[CommandSpec], locale: str, admin: bool,
                 private: bool = False) -> tuple[list[HelpEntry], list[HelpEntry]]:
    """(commands for everyone, admin commands) as the asker may run them — here: in a private chat only
    what works there, in a group only what works there. The second list is empty for members."""
    everyone: list[HelpEntry] = []
    admins: list[HelpEntry] = []
    for spec in specs:
        if spec.chat != ANYWHERE and (spec.chat == PRIVATE) != private:
            continue
        subs = [s for s in spec.subs if admin or not spec.admin_only(s)]
        if (spec.subs and not subs) or (not spec.subs and spec.admin and not admin):
            continue
        forms = [Line(form_usage(spec, s, locale), s.help, spec.admin_only(s)) for s in subs]
        if not spec.subs and spec.args:
            forms.append(Line(form_usage(spec, None, locale)))
        only_admins = all(f.admin for f in forms) if spec.subs else spec.admin
        entry = HelpEntry(spec.name, spec.aliases, spec.help,
                          tuple(Line(f.usage, f.help, f.admin and not only_admins) for f in forms))
        (admins if only_admins else everyone).append(entry)
    return everyone, admins


async def numbered(ctx: Context[Message], index: Integer, items: Sequence[T]) -> T | None:
    """The item at the position ``index`` names (1 = first), else None after answering with the usage."""
    n = ctx.data[index]
    if 1 <= n <= len(items):
        return items[n - 1]
    await reply_usage(ctx)
    return None
