"""What filters hand to a handler: a small immutable bag of values under typed keys.

A :class:`Key` names one value and its type, the way aiohttp's ``AppKey`` does, so ``ctx.data[key]`` is typed
for mypy without any injection by parameter name. Command arguments are keys themselves
(:class:`bot.core.arguments.Arg`), so a handler reads its parsed arguments as ``ctx.data[CONTENT]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Key(Generic[T_co]):
    """A typed name for one value in :class:`Data`. Keys compare by identity: two keys with the same name
    are different keys."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class Data:
    """An immutable bag of values under keys; ``data[key]`` and ``data.get(key)`` have the key's type."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[Key[Any], object] | None = None) -> None:
        self._items: dict[Key[Any], object] = dict(items or {})

    @staticmethod
    def of(key: Key[T], value: T) -> Data:
        return Data({key: value})

    def __getitem__(self, key: Key[T]) -> T:
        return cast(T, self._items[key])

    def get(self, key: Key[T]) -> T | None:
        """The value under ``key``, else None."""
        return cast("T | None", self._items.get(key))

    def __contains__(self, key: Key[Any]) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Key[Any]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Data) and other._items == self._items

    def __or__(self, other: Data) -> Data:
        """Both bags; ``other`` wins where both hold a key."""
        if not other._items:
            return self
        if not self._items:
            return other
        return Data({**self._items, **other._items})

    def __repr__(self) -> str:
        return f"Data({', '.join(f'{k.name}={v!r}' for k, v in self._items.items())})"


EMPTY = Data()
