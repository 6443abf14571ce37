"""The closed vocabularies of product.md §3, and the open ones' suggested values."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from svclog.core.errors import InvalidValueError, UsageError

V = TypeVar("V", bound="Vocabulary")


class Vocabulary(str, Enum):
    """A closed set of values; parsing accepts any case and `-` or space for `_`."""

    @classmethod
    def parse(cls: type[V], value: str, field: str) -> V:
        # Values are lower case with `_` (so a value given exactly is its own key): look
        # it up as given first, then as its key.
        members = cls._value2member_map_
        member = members.get(value)
        if member is None:
            member = members.get(value.strip().casefold().replace("-", "_").replace(" ", "_"))
        if member is not None:
            return member  # type: ignore[return-value]
        allowed = ", ".join(m.value for m in cls)
        raise InvalidValueError(f"{field} {value!r} is not one of: {allowed}")

    def __str__(self) -> str:
        return str(self.value)


class EncounterStatus(Vocabulary):
    OPEN = "open"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


class Dimension(Vocabulary):
    """SERVQUAL's five dimensions of service quality."""

    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"
    TANGIBLES = "tangibles"


class ResponderLevel(Vocabulary):
    FRONTLINE = "frontline"
    MANAGER = "manager"
    SENIOR = "senior"
    OWNER = "owner"
    CORPORATE = "corporate"
    AUTOMATED = "automated"


class Apology(Vocabulary):
    NONE = "none"
    PERFUNCTORY = "perfunctory"
    SINCERE = "sincere"


class RemedyType(Vocabulary):
    REFUND = "refund"
    PARTIAL_REFUND = "partial_refund"
    REPLACEMENT = "replacement"
    REDO = "redo"
    DISCOUNT = "discount"
    VOUCHER = "voucher"
    FREE_ITEM = "free_item"
    CREDIT = "credit"
    WAIVED_FEE = "waived_fee"
    UPGRADE = "upgrade"
    OTHER = "other"


class Direction(Vocabulary):
    ME = "me"
    THEM = "them"


class WordOfMouth(Vocabulary):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NONE = "none"


QUALITY_NAMES = {1: "hostile", 2: "dismissive", 3: "adequate", 4: "good", 5: "exemplary"}

SUGGESTED_CHANNELS = (
    "in_person",
    "phone",
    "email",
    "chat",
    "web",
    "app",
    "social",
    "letter",
    "other",
)

SUGGESTED_CATEGORIES = (
    "restaurant",
    "retail",
    "home services",
    "bank",
    "telecom",
    "airline",
    "healthcare",
)


class RecordKind(Vocabulary):
    """The records of an encounter's timeline, each shown with a one-letter prefix: r3 is
    response 3, m2 remedy 2, f5 follow-up 5, o1 outcome 1."""

    RESPONSE = "response"
    REMEDY = "remedy"
    FOLLOWUP = "followup"
    OUTCOME = "outcome"

    @property
    def prefix(self) -> str:
        return _PREFIXES[self]

    def ref(self, record_id: int) -> str:
        return f"{self.prefix}{record_id}"


_PREFIXES = {
    RecordKind.RESPONSE: "r",
    RecordKind.REMEDY: "m",
    RecordKind.FOLLOWUP: "f",
    RecordKind.OUTCOME: "o",
}


def parse_ref(text: str) -> tuple[RecordKind | None, int]:
    """`12` is encounter 12; `r3`, `m2`, `f5`, `o1` (or `response:3`, …) are timeline records."""
    value = text.strip().casefold()
    kind: RecordKind | None = None
    if ":" in value:
        name, _, number = value.partition(":")
        try:
            kind = RecordKind.parse(name, "record kind")
        except InvalidValueError as error:
            raise UsageError(error.message) from None
    elif value[:1].isalpha():
        by_prefix = {prefix: k for k, prefix in _PREFIXES.items()}
        kind = by_prefix.get(value[:1])
        number = value[1:]
        if kind is None:
            raise UsageError(
                f"{text!r} is not an encounter id or a record such as r3, m2, f5 or o1"
            )
    else:
        number = value
    if not number.isdigit() or int(number) < 1:
        raise UsageError(f"{text!r} is not an encounter id or a record such as r3, m2, f5 or o1")
    return kind, int(number)


class LoyaltyStatus(str, Enum):
    """A business's loyalty status (product.md §4)."""

    KEPT = "kept"
    WON_BACK = "won_back"
    AT_RISK = "at_risk"
    LOST = "lost"
    NEW = "new"

    def __str__(self) -> str:
        return str(self.value)


class SortKey(str, Enum):
    """The columns the loyalty scoreboard can be sorted by (an allow-list)."""

    STATUS = "status"
    BUSINESS = "business"
    ENCOUNTERS = "encounters"
    FAILURES = "failures"
    LAST_SEEN = "last_seen"
    QUALITY = "response_quality"
    RESPONSE_HOURS = "median_response_hours"
    TIMELY = "timely_rate"
    RECOVERY = "recovery_rate"
    NPS = "nps"
    TOLD = "told"
