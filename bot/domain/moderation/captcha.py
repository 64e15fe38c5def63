"""The newcomer check's question as buttons (pure): the candidate answers and what each button carries.

Four buttons, one of them the sum, in random order: a bot that presses whatever button it sees is right one
time in four, and a wrong press removes it (one attempt). Each button's data names the newcomer it is for, so
a press by anyone else is refused without touching that newcomer's check.
"""

from __future__ import annotations

import secrets

PREFIX = "captcha"
CHOICES = 4
LOWEST, HIGHEST = 2, 18  # the sum of two numbers 1–9: wrong candidates stay in the same range


def candidates(answer: int, count: int = CHOICES) -> list[int]:
    """``count`` distinct numbers in [LOWEST, HIGHEST], ``answer`` among them, shuffled."""
    pool = [n for n in range(LOWEST, HIGHEST + 1) if n != answer]
    picked = [answer]
    while len(picked) < count:
        picked.append(pool.pop(secrets.randbelow(len(pool))))
    out: list[int] = []
    while picked:
        out.append(picked.pop(secrets.randbelow(len(picked))))
    return out


def press_data(member_ref: str, value: int) -> str:
    """The button's data: ``captcha:<platform user id>:<number>`` (well under Telegram's 64 bytes)."""
    return f"{PREFIX}:{member_ref}:{value}"


def read_press(data: str) -> tuple[str, str] | None:
    """(platform user id, number) from a newcomer-check button's data; None for any other data."""
    prefix, sep, rest = data.partition(":")
    member_ref, sep2, value = rest.rpartition(":")
    if prefix != PREFIX or not sep or not sep2 or not member_ref or not (value.isascii() and value.isdigit()):
        return None
    return member_ref, value
