"""What one message violates: contact and ads, links to hosts off the allowlist, sensitive words.

Pure and linear: one Aho-Corasick pass for every phrase (shipped taxonomy, ``ad_words``, sensitive words,
with their exceptions), then one left-to-right walk for phone numbers, marked QQ/WeChat ids and hosts. The
findings name *what kind* of thing was seen (``phone``, ``qq``, a configured word), never the member's text,
so they can be stored and shown to admins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.config import ModerationConfig
from bot.core.textnorm import KeywordAutomaton, normalize
from bot.domain.moderation.taxonomy import (
    AD,
    AD_PHRASES,
    CONTACT,
    CONTACT_PHRASES,
    EXCEPTIONS,
    QQ_MARKERS,
    TLDS,
    WECHAT_MARKERS,
)

SENSITIVE = "sensitive"
LINK = "link"
# A run of host characters; each match consumes its whole run, so the scan is linear (possessive).
_HOSTISH = re.compile(r"[a-z0-9.\-]++")
_ID = re.compile(r"[\s:=是号为]{0,3}+([a-z0-9_\-]{5,20}+)")
_SEPARATORS = " -"


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation: ``rule`` (contact | ad | link | sensitive) and what was seen (a configured phrase,
    ``phone``, ``qq``, ``wechat`` or a link's host)."""

    rule: str
    what: str


class Scanner:
    """The scans of one moderation config (built once per config, reused for every message)."""

    def __init__(self, cfg: ModerationConfig) -> None:
        pairs = [(CONTACT, w) for w in CONTACT_PHRASES] + [(AD, w) for w in (*AD_PHRASES, *cfg.ad_words)]
        pairs += [(SENSITIVE, w) for w in cfg.sensitive_words]
        exclusions = [*EXCEPTIONS, *((AD, w) for w in cfg.ad_exceptions),
                      *((CONTACT, w) for w in cfg.ad_exceptions),
                      *((SENSITIVE, w) for w in cfg.sensitive_exceptions)]
        self.phrases = KeywordAutomaton(pairs, exclusions)
        self.allow = cfg.link_allowlist

    def scan(self, text: str) -> list[Finding]:
        norm = normalize(text)
        found = [Finding(rule, word) for rule, word in sorted(self.phrases.first_hits(norm).items())]
        seen = {f.rule for f in found}
        if CONTACT not in seen:
            ident = contact_id(norm)
            if ident:
                found.append(Finding(CONTACT, ident))
        host = foreign_host(norm, self.allow)
        if host:
            found.append(Finding(LINK, host))
        return found


@lru_cache(maxsize=64)
def scanner(cfg: ModerationConfig) -> Scanner:
    """The scanner for ``cfg`` (configs are frozen, so groups sharing settings share one)."""
    return Scanner(cfg)


def _digit_runs(norm: str) -> list[tuple[int, str]]:
    """(start, digits) of each run of ASCII digits, single spaces or hyphens allowed between digits."""
    runs: list[tuple[int, str]] = []
    i, n = 0, len(norm)
    while i < n:
        if not ("0" <= norm[i] <= "9"):
            i += 1
            continue
        start, digits = i, []
        while i < n:
            if "0" <= norm[i] <= "9":
                digits.append(norm[i])
                i += 1
            elif norm[i] in _SEPARATORS and i + 1 < n and "0" <= norm[i + 1] <= "9":
                i += 1
            else:
                break
        runs.append((start, "".join(digits)))
    return runs


def contact_id(norm: str) -> str:
    """``phone`` for a mainland mobile number, ``qq`` / ``wechat`` for an id right after its marker, else ""."""
    for start, digits in _digit_runs(norm):
        if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
            return "phone"
        if 5 <= len(digits) <= 11 and any(m in norm[max(0, start - 6):start] for m in QQ_MARKERS):
            return "qq"
    for marker in WECHAT_MARKERS:
        at = norm.find(marker)
        while at >= 0:
            m = _ID.match(norm, at + len(marker))
            # an id has a digit, or is a longer word (a bare short word after "微信" is just chat)
            if m is not None and (any(c.isdigit() for c in m.group(1)) or len(m.group(1)) >= 6):
                return "wechat"
            at = norm.find(marker, at + 1)
    return ""


def foreign_host(norm: str, allow: tuple[str, ...]) -> str:
    """The first link host in ``norm`` that is not an allowlisted host or a subdomain of one, else ""."""
    for m in _HOSTISH.finditer(norm):
        host = m.group(0).strip(".-")
        labels = host.split(".")
        if len(labels) < 2 or not all(labels):
            continue
        explicit = norm.endswith(("http://", "https://"), 0, m.start()) or host.startswith("www.")
        if not explicit and labels[-1] not in TLDS:
            continue
        if any(host == a or host.endswith("." + a) for a in allow):
            continue
        return host
    return ""
