"""svclog's settings: what they are, their defaults, and how a typed value is checked.

The file that holds them (TOML, in the platform's config directory) is read and written by
`svclog.storage.settings_file`; this module only knows keys, values and rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from svclog.core.errors import InvalidValueError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_JOURNAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class Settings:
    timely_hours: float = 48.0
    won_back_recommend: int = 7
    advocate_recommend: int = 9
    currency: str | None = None
    journal: str | None = None
    #: The keys whose values came from the settings file.
    explicit: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def timely_window(self) -> timedelta:
        return timedelta(hours=self.timely_hours)


def _hours(value: Any) -> float:
    number = _number(value)
    if not 0 < number <= 24 * 365:
        raise ValueError("must be a number of hours above 0 (at most a year)")
    return number


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise ValueError("must be a number") from None


def _recommend(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number from 0 to 10")
    text = str(value).strip()
    if not text.isdigit() or not 0 <= int(text) <= 10:
        raise ValueError("must be a whole number from 0 to 10")
    return int(text)


def _currency(value: Any) -> str:
    text = str(value).strip().upper()
    if not _CURRENCY.match(text):
        raise ValueError("must be a three-letter ISO 4217 code such as EUR or USD")
    return text


def _journal(value: Any) -> str:
    text = str(value).strip()
    if not _JOURNAL.match(text):
        raise ValueError("must be a journal name: letters, digits, '.', '_' or '-'")
    return text


@dataclass(frozen=True)
class Key:
    name: str  # as written in the file and on the command line: `loyalty.won_back_recommend`
    attribute: str
    parse: Callable[[Any], Any]
    help: str


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key(
            "timely_hours",
            "timely_hours",
            _hours,
            "hours within which a first response counts as timely",
        ),
        Key(
            "loyalty.won_back_recommend",
            "won_back_recommend",
            _recommend,
            "a recommend score from which an undecided customer counts as won back",
        ),
        Key(
            "loyalty.advocate_recommend",
            "advocate_recommend",
            _recommend,
            "a recommend score from which a customer counts as an advocate",
        ),
        Key("currency", "currency", _currency, "currency of remedies given without one"),
        Key("journal", "journal", _journal, "the journal used when none is named"),
    )
}


def key(name: str) -> Key:
    found = KEYS.get(name.strip())
    if found is None:
        raise InvalidValueError(f"unknown setting {name!r}; settings are: {', '.join(KEYS)}")
    return found


def with_value(settings: Settings, name: str, value: Any) -> Settings:
    """`settings` with one key set from a typed or file value; errors name the key."""
    spec = key(name)
    try:
        parsed = spec.parse(value)
    except ValueError as error:
        raise InvalidValueError(f"setting {spec.name} {error} (not {value!r})") from None
    return replace(settings, **{spec.attribute: parsed}, explicit=settings.explicit | {spec.name})


def without(settings: Settings, name: str) -> Settings:
    """`settings` with one key back at its default."""
    spec = key(name)
    default = getattr(Settings(), spec.attribute)
    return replace(settings, **{spec.attribute: default}, explicit=settings.explicit - {spec.name})


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def from_mapping(data: Mapping[str, Any]) -> Settings:
    """Settings from a parsed TOML document (tables give the dotted key names)."""
    settings = Settings()
    for name, value in _flatten(data).items():
        settings = with_value(settings, name, value)
    return check(settings)


def check(settings: Settings) -> Settings:
    """Rules across keys."""
    if settings.advocate_recommend < settings.won_back_recommend:
        raise InvalidValueError(
            "setting loyalty.advocate_recommend must not be below loyalty.won_back_recommend"
        )
    return settings


def value_of(settings: Settings, name: str) -> Any:
    return getattr(settings, key(name).attribute)


def to_toml(settings: Settings) -> str:
    """The settings file for the keys set explicitly, top-level keys first, then tables."""
    plain: list[str] = []
    tables: dict[str, list[str]] = {}
    for name in KEYS:
        if name not in settings.explicit:
            continue
        value = value_of(settings, name)
        text = json.dumps(value) if isinstance(value, str) else repr(value)
        table, _, leaf = name.rpartition(".")
        line = f"{leaf} = {text}"
        if table:
            tables.setdefault(table, []).append(line)
        else:
            plain.append(line)
    lines = ["# svclog settings (svclog config set KEY VALUE writes this file)", *plain]
    for table, entries in tables.items():
        lines += ["", f"[{table}]", *entries]
    return "\n".join(lines) + "\n"
