"""Checks for single values typed by a user or read from a file."""

from __future__ import annotations

from svclog.core.errors import InvalidValueError
from svclog.core.vocabulary import QUALITY_NAMES

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def severity(value: int, field: str = "severity") -> int:
    if not 1 <= value <= 5:
        raise InvalidValueError(f"{field} must be from 1 to 5, not {value}")
    return value


def quality(value: str | int, field: str = "quality") -> int:
    """1-5 or its name (hostile, dismissive, adequate, good, exemplary)."""
    if isinstance(value, int):
        number = value
    else:
        text = value.strip().casefold()
        by_name = {name: number for number, name in QUALITY_NAMES.items()}
        if text in by_name:
            return by_name[text]
        if not (text.isascii() and text.isdigit()) or len(text) > 3:
            names = ", ".join(f"{n} {name}" for n, name in QUALITY_NAMES.items())
            raise InvalidValueError(f"{field} {value!r} is not one of: {names}")
        number = int(text)
    if not 1 <= number <= 5:
        raise InvalidValueError(f"{field} must be from 1 to 5, not {number}")
    return number


def boolean(value: str, field: str) -> bool | None:
    """yes/no/true/false/1/0; blank is None (unknown)."""
    text = value.strip().casefold()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidValueError(f"{field} {value!r} is not a yes/no value")


def positive_id(value: int, what: str = "id") -> int:
    if value > 2**63 - 1:
        raise InvalidValueError(f"{what} {value} is too large")
    if value < 1:
        raise InvalidValueError(f"{what} must be a positive number, not {value}")
    return value


def recommend(value: int, field: str = "recommend") -> int:
    """The NPS question: how likely to recommend, 0-10."""
    if not 0 <= value <= 10:
        raise InvalidValueError(f"{field} must be from 0 to 10, not {value}")
    return value


def count(value: int, field: str) -> int:
    if value < 0:
        raise InvalidValueError(f"{field} must not be negative, not {value}")
    if value > 10**12:
        raise InvalidValueError(f"{field} {value} is too large")
    return value


def money(value: str, field: str = "value") -> str:
    """A non-negative decimal amount, kept exactly as a canonical string (`12.50`)."""
    from decimal import Decimal, InvalidOperation

    text = value.strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidValueError(f"{field} {value!r} is not an amount such as 25 or 12.50") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidValueError(f"{field} {value!r} must be a non-negative amount")
    if amount >= 10**12:
        raise InvalidValueError(f"{field} {value!r} is too large for an amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise InvalidValueError(f"{field} {value!r} has more than 6 decimal places")
    return format(abs(amount) if amount == 0 else amount, "f")  # "-0" is "0"


def currency(value: str, field: str = "currency") -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidValueError(
            f"{field} {value!r} is not a three-letter currency code such as EUR or USD"
        )
    return code
