"""Who and where: a group or a person on one adapter instance, by the contract's full ids (§1).

Apart from ``bot.core.events`` (which re-exports them) so that event families kept in their own modules
(``bot.core.purchases``) can name them without an import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A group on one adapter instance; ``id`` is the contract's full id ``<adapter>:<platform id>``."""

    adapter: str
    chat_id: str

    @property
    def id(self) -> str:
        return f"{self.adapter}:{self.chat_id}"

    @staticmethod
    def of(full_id: str) -> ChatRef:
        """The ref for a full group id ``<adapter>:<platform id>``."""
        adapter, _, chat_id = full_id.partition(":")
        return ChatRef(adapter, chat_id)


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person on one adapter instance; ``id`` is ``<adapter>:<platform user id>``."""

    adapter: str
    user_id: str

    @property
    def id(self) -> str:
        return f"{self.adapter}:{self.user_id}"

    @staticmethod
    def of(full_id: str) -> UserRef:
        """The ref for a full member id ``<adapter>:<platform id>``."""
        adapter, _, user_id = full_id.partition(":")
        return UserRef(adapter, user_id)


def display_name(name: str | None, member_id: str) -> str:
    """A member's display name, else their platform id (the part after ``<adapter>:``)."""
    return name or member_id.partition(":")[2]
