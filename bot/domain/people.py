"""One person across the matrix: a member links their accounts on several platforms with a one-time code,
and then is seen — and erased, and opted out — as one person.

A code is 8 digits (typed on any phone keyboard, and no Latin letters in a Chinese reply), valid
:data:`CODE_TTL` seconds and once; only its SHA-256 is stored. A person id is ``person-`` and 12 random
hex digits, made when two accounts that had none are linked; linking accounts of two persons merges them
into the first one's.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from typing import Any

from bot.core.config import Config
from bot.domain import commerce, profiles
from bot.domain.profiles.serialize import commerce_json
from storage.repo import OrderFacts, Repo

CODE_TTL = 600.0
ALPHABET = "0123456789"
CODE_LENGTH = 8


def code_hash(code: str) -> str:
    """The stored form of a code: typed codes are compared without case or surrounding spaces."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_person_id() -> str:
    return "person-" + secrets.token_hex(6)


async def issue_code(repo: Repo, member_id: str, now: float) -> str:
    """A fresh one-time code for the member (their earlier unused code stops working)."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    await repo.people.issue_code(member_id, code_hash(code), now + CODE_TTL)
    return code


async def redeem_code(repo: Repo, code: str, member_id: str) -> tuple[str, str | None]:
    """``("linked", person)`` or ``("unknown" | "used" | "expired" | "self", None)``."""
    status, person = await repo.people.redeem(code_hash(code), member_id, new_person_id())
    if person is not None:
        await carry_opt_out(repo, person)
    return status, person


async def carry_opt_out(repo: Repo, person: str) -> None:
    """A person who opted out on any account, in any group, is opted out on all of them (a link made after
    the opt-out must not start profiling the other account)."""
    places = [(g, a) for a in await repo.people.accounts(person) for g in await repo.people.member_groups(a)]
    refused = [await repo.privacy.profiling_refused(g, a) for g, a in places]
    if any(refused):
        for (g, a), was in zip(places, refused, strict=True):
            if not was:
                await repo.privacy.set_opt_out(g, a, True)


async def admin_link(repo: Repo, a: str, b: str, reason: str, actor: str) -> str:
    """Link two accounts on an admin's word; the reason is kept with the link and in the audit log."""
    if not reason.strip():
        raise ValueError("a reason is required")
    person = await repo.people.link(a, b, "admin", reason.strip(), new_person_id())
    await repo.privacy.audit(actor, "people_link", "", f"{a} + {b} → {person}: {reason.strip()}")
    await carry_opt_out(repo, person)
    return person


async def accounts_of(repo: Repo, member_id: str) -> list[str]:
    """The member's linked accounts (just the member when not linked)."""
    person = await repo.people.person_of(member_id)
    return await repo.people.accounts(person) if person else [member_id]


async def set_opt_out_everywhere(repo: Repo, member_id: str, opted_out: bool) -> None:
    """Opting out (or back in) on one account applies to every linked account in every group it is in."""
    for account in await accounts_of(repo, member_id):
        if account == member_id:
            continue
        for group in await repo.people.member_groups(account):
            await repo.privacy.set_opt_out(group, account, opted_out)


async def forget_everywhere(repo: Repo, member_id: str, actor: str) -> int:
    """``/forget 全部``: every linked account's data in every group, then the links themselves. Returns rows."""
    accounts = await accounts_of(repo, member_id)
    removed = 0
    for account in accounts:
        for group in await repo.people.member_groups(account):
            removed += sum((await repo.privacy.forget_member(group, account, actor)).values())
    await repo.people.forget_person(accounts)
    return removed


async def person_view(repo: Repo, cfg: Config, person: str, now: float) -> dict[str, Any] | None:
    """The merged view: ``{"person", "accounts", "groups": [{"group", "member", "lifecycle", "tags",
    "commerce"?}], "tags": [{"name", "groups"}], "purchases"?}`` (None for an unknown person). ``purchases`` is
    the profile's ``commerce`` object over every order of every account, each order once (one that named no
    group counts in each of the member's groups). Opted-out accounts show no tags and no purchases."""
    accounts = await repo.people.accounts(person)
    if not accounts:
        return None
    groups: list[dict[str, Any]] = []
    combined: Counter[str] = Counter()
    orders: dict[str, OrderFacts] = {}
    for account in accounts:
        for group in await repo.people.member_groups(account):
            found = await profiles.load(repo, cfg, group, [account], now, evidence=False)
            if not found:
                continue
            p = found[0]
            tags = [] if p.opted_out else [t.name for t in p.tags]
            combined.update(tags)
            row: dict[str, Any] = {"group": group, "member": account, "lifecycle": p.lifecycle, "tags": tags}
            if p.commerce is not None and not p.opted_out:
                row["commerce"] = commerce_json(p.commerce)
                for o in (await repo.commerce.group_orders(group, [account], until=now)).get(account, []):
                    orders[o.order_id] = o
            groups.append(row)
    out: dict[str, Any] = {"person": person, "accounts": accounts, "groups": groups,
                           "tags": [{"name": n, "groups": c}
                                    for n, c in sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))]}
    everything = commerce.summarize(sorted(orders.values(), key=lambda o: o.at), now)
    if everything is not None:
        out["purchases"] = commerce_json(everything)
    return out


async def segment_everywhere(repo: Repo, cfg: Config, query: str, now: float) -> list[str]:
    """Who matches ``query`` in any group, each once: a linked person by its person id, anyone else by their
    member id; sorted. Raises :class:`bot.domain.segments.QueryError` on a malformed query."""
    from bot.domain import insights  # the segment language over one group's profiles

    found: set[str] = set()
    for group, _name, _n in await repo.members.groups():
        members = [p.member for p in await insights.segment(repo, cfg, group, query, now)]
        persons = await repo.people.persons_of(members)
        found.update(persons.get(m, m) for m in members)
    return sorted(found)
