"""What an adapter type declares about its configuration: option names, kinds, defaults, secrets and checks.

One declaration serves every reader: config validation (no adapter is built for it), the secrets ``serve``
refuses empty or ``CHANGE-ME``, the environment overrides ``QUNTAG_ADAPTER_<NAME>_<KEY>`` and the adapter
itself, which reads its validated values. Core walks declarations and never names a platform.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.config.schema import ConfigError, unknown_key
from bot.core.config.types import unset_secret

TEXT, FLAG, NUMBER = "text", "flag", "number"


class OptionError(ValueError):
    """Raised by a rule across options: the message becomes ``<where>.<key>: <reason>``."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Option:
    """One declared option. ``default`` None means required. A ``secret`` may come from the environment and
    ``serve`` refuses it empty or ``CHANGE-ME`` — except empty when ``blank_ok`` (leaving it out selects a
    mode of its own). Left empty, an option ``needed_to_send`` means the instance cannot send at all:
    ``serve`` refuses to start and ``/healthz`` says error. ``check`` returns the value normalized or
    raises ValueError with the reason."""

    key: str
    kind: str = TEXT
    default: str | bool | float | None = None
    secret: bool = False
    blank_ok: bool = False
    needed_to_send: bool = False
    low: float = 0.0
    high: float = math.inf
    check: Callable[[Any], Any] | None = None

    def read(self, raw: Mapping[str, Any], where: str) -> Any:
        """This option's value in ``raw`` (or its default), or ConfigError naming ``<where>.<key>``."""
        name = f"{where}.{self.key}"
        value = raw.get(self.key, self.default)
        if value is None:
            raise ConfigError(f"{name}: required")
        if self.kind == TEXT and not isinstance(value, str):
            raise ConfigError(f"{name}: must be a string")
        if self.kind == FLAG and not isinstance(value, bool):
            raise ConfigError(f"{name}: must be true or false")
        if self.kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float) or not self.low <= value <= self.high:
                upper = f" and <= {self.high:g}" if self.high < math.inf else ""
                raise ConfigError(f"{name}: must be a number >= {self.low:g}{upper}")
            value = float(value)
        if self.check is not None:
            try:
                value = self.check(value)
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}") from None
        return value


def text(key: str, default: str | None = None, *, secret: bool = False, blank_ok: bool = False,
         needed_to_send: bool = False, check: Callable[[str], str] | None = None) -> Option:
    """A string option (required unless ``default`` is given)."""
    return Option(key, TEXT, default, secret=secret, blank_ok=blank_ok, needed_to_send=needed_to_send,
                  check=check)


def flag(key: str, default: bool) -> Option:
    """A true/false option."""
    return Option(key, FLAG, default)


def number(key: str, default: float, low: float = 0.0, high: float = math.inf) -> Option:
    """A number in ``[low, high]``, read as a float."""
    return Option(key, NUMBER, default, low=low, high=high)


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL")
    return value.rstrip("/")


def url(key: str, default: str) -> Option:
    """An http(s) base URL; a trailing ``/`` is dropped."""
    return Option(key, TEXT, default, check=_http_url)


class Options(Mapping[str, Any]):
    """The validated options of one adapter instance, defaults filled in."""

    def __init__(self, declared: AdapterOptions, values: dict[str, Any]) -> None:
        self.declared = declared
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def text(self, key: str) -> str:
        value = self._values[key]
        if not isinstance(value, str):
            raise TypeError(f"option {key} is not text")
        return value

    def flag(self, key: str) -> bool:
        value = self._values[key]
        if not isinstance(value, bool):
            raise TypeError(f"option {key} is not a flag")
        return value

    def number(self, key: str) -> float:
        value = self._values[key]
        if not isinstance(value, float):
            raise TypeError(f"option {key} is not a number")
        return value

    def secrets(self) -> dict[str, str]:
        """Secret values by key (what logs and stored errors must never show)."""
        return {key: self.text(key) for key in self.declared.secret_keys()}


@dataclass(frozen=True, slots=True)
class AdapterOptions:
    """Everything one adapter type accepts: ``options`` under ``[adapters.<name>]``, ``group_options`` for
    each of its groups (``[groups.adapter]``), and ``rules`` that relate options to each other (each
    raises OptionError)."""

    options: tuple[Option, ...]
    group_options: tuple[Option, ...] = ()
    rules: tuple[Callable[[Options], None], ...] = ()

    def secret_keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options if o.secret)

    def read(self, where: str, raw: Mapping[str, Any]) -> Options:
        """Validate one instance's table (``type`` aside); ConfigError names the first bad key."""
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: must be a table")
        known = {o.key for o in self.options} | {"type"}
        for key in raw:
            if key not in known:
                raise unknown_key(where, key, known)
        opts = Options(self, {o.key: o.read(raw, where) for o in self.options})
        for rule in self.rules:
            try:
                rule(opts)
            except OptionError as exc:
                raise ConfigError(f"{where}.{exc.key}: {exc.reason}") from None
        return opts

    def unset_secrets(self, options: Mapping[str, Any]) -> list[str]:
        """Keys of secrets left empty or at ``CHANGE-ME`` (``serve`` refuses to start with them)."""
        return [o.key for o in self.options if o.secret and unset_secret(options[o.key])
                and not (o.blank_ok and options[o.key] == "")]

    def unset_for_sending(self, options: Mapping[str, Any]) -> list[str]:
        """Keys ``needed_to_send`` left empty: the instance cannot send anything."""
        return [o.key for o in self.options if o.needed_to_send and not str(options[o.key]).strip()]
