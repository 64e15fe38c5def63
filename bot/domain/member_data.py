"""A member's own data as one document (``/mydata``): their profile as the group sees it and every stored
row about them, without the value tier (the group's internal ranking of members), and one-time links to
download it.

A link's token leaves the server only in the private message; storage keeps its SHA-256. The document is
built when the link is used, so what a member downloads is current and no copy waits on disk.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from bot.core.config import Config
from bot.domain import profiles
from storage.repo import Repo

LINK_VALID_S = 600.0
DOWNLOAD_PATH = "/mydata/"


def token_hash(token: str) -> str:
    """What storage keeps of a download link's token."""
    return hashlib.sha256(f"quntag-mydata:{token}".encode()).hexdigest()


async def document(repo: Repo, config: Config, group_id: str, member_id: str, now: float,
                   found: list[profiles.Profile] | None = None) -> dict[str, Any]:
    """``{"profile": …, "stored": {table: rows}, "linked": {"person", "accounts"} | None}``: what the member may
    see of everything stored about them, with the accounts they linked to this one. ``found``: the member's
    profile when the caller has loaded it already (else it is loaded here)."""
    if found is None:
        found = await profiles.load(repo, config, group_id, [member_id], now)
    raw = await repo.privacy.member_raw_data(group_id, member_id)
    shown = profiles.profile_json(found[0]) if found else None
    profile = {k: v for k, v in shown.items() if k != "tier"} if shown is not None else None
    raw.pop("member_states", None)  # the stored tier and its breakdown
    person = await repo.people.person_of(member_id)
    linked = {"person": person, "accounts": await repo.people.accounts(person)} if person else None
    return {"profile": profile, "stored": raw, "linked": linked}


def as_file(doc: dict[str, Any]) -> bytes:
    """The document as a readable UTF-8 JSON file (indented: members open it in a text editor)."""
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def issue_link(repo: Repo, config: Config, group_id: str, member_id: str, now: float) -> str | None:
    """A one-time URL ``<server.public_url>/mydata/<token>`` valid ``LINK_VALID_S``; None when the server has
    no public address configured (a link to ``127.0.0.1`` would open nothing on the member's phone)."""
    if not config.server.public_url:
        return None
    token = secrets.token_urlsafe(32)
    await repo.privacy.add_export_link(token_hash(token), group_id, member_id, now + LINK_VALID_S)
    return f"{config.public_url()}{DOWNLOAD_PATH}{token}"
