"""Member profiles (contract §5): typed values (``model``), built from stored facts (``build``), read from a
group (``load``) and turned into the contract's JSON in one place (``serialize``)."""

from __future__ import annotations

from bot.domain.profiles.build import build, score_want
from bot.domain.profiles.load import declining_at, last_before, lifecycles, load, load_group
from bot.domain.profiles.model import Attribute, Evidence, MemberStage, Profile, Stats, Tag
from bot.domain.profiles.serialize import ProfileJSON, evidence_json, profile_json

__all__ = ["Attribute", "Evidence", "MemberStage", "Profile", "ProfileJSON", "Stats", "Tag", "build", "declining_at",
           "evidence_json", "last_before", "lifecycles", "load", "load_group", "profile_json",
           "score_want"]
