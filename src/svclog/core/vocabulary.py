"""The closed vocabularies of product.md §3, and the open ones' suggested values."""

from __future__ import annotations

from enum import Enum

from svclog.core.errors import InvalidValueError


class Vocabulary(str, Enum):
    """A closed set of values; parsing accepts any case and `-` or space for `_`."""

    @classmethod
    def parse(cls, value: str, field: str) -> Vocabulary:
        key = value.strip().casefold().replace("-", "_").replace(" ", "_")
        for member in cls:
            if member.value == key:
                return member
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
