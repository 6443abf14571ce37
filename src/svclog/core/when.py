"""Dates and times typed by people: ISO-8601 verbatim, natural phrases preferring the past.

Every result is an aware datetime: the offset the user gave, else the local offset at that
moment. Natural phrases go to dateparser, imported only when a phrase needs it.
"""

from __future__ import annotations

import re
import time as _clock
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum

from svclog.core.errors import InvalidValueError

EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
FUTURE_TOLERANCE = timedelta(minutes=5)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
_DATE_PERIODS = {"day", "week", "month", "year"}


class Bound(Enum):
    """Where a date-only value falls within its day."""

    START = "start"
    END = "end"


def local(moment: datetime) -> datetime:
    """An aware moment in the machine's local zone (the zone from `TZ`)."""
    return moment.astimezone()


def localize(naive: datetime) -> datetime:
    """A naive wall-clock time read as local time, with the offset in force at that moment."""
    return naive.astimezone()


def _day_bound(day: date, bound: Bound) -> datetime:
    if bound is Bound.END:
        return localize(datetime.combine(day, time(23, 59, 59)))
    return localize(datetime.combine(day, time(0, 0)))


def _parse_iso(text: str, bound: Bound) -> datetime | None:
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidValueError(f"{text!r} is not a real date") from None
        return _day_bound(day, bound)
    if not _ISO_LIKE.match(text):
        return None
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        raise InvalidValueError(f"{text!r} is not a valid ISO-8601 date and time") from None
    if parsed.tzinfo is None:
        return localize(parsed)
    return parsed


def _parse_natural(text: str, now: datetime, prefer_future: bool, bound: Bound) -> datetime:
    import dateparser

    settings = {
        "RELATIVE_BASE": local(now).replace(tzinfo=None),
        "PREFER_DATES_FROM": "future" if prefer_future else "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    parser = dateparser.DateDataParser(languages=["en"], settings=settings)
    data = parser.get_date_data(text)
    if data.date_obj is None:
        raise InvalidValueError(f"cannot understand the date {text!r}")
    if data.period in _DATE_PERIODS and not _mentions_time(text):
        return _day_bound(data.date_obj.date(), bound)
    return localize(data.date_obj)


def _mentions_time(text: str) -> bool:
    lowered = text.casefold()
    return bool(
        re.search(
            r"\d\s*(am|pm)\b|\d:\d\d|\b(noon|midnight|morning|evening|tonight|ago)\b", lowered
        )
        and not re.search(r"\b(day|days|week|weeks|month|months|year|years)\s+ago\b", lowered)
    ) or bool(re.search(r"\b(hour|hours|minute|minutes)\s+ago\b", lowered))


def parse_when(
    text: str,
    now: datetime,
    *,
    allow_future: bool = False,
    prefer_future: bool = False,
    bound: Bound = Bound.START,
) -> datetime:
    """Parse a date typed by a person; `now` is the reference for relative phrases.

    A date-only value is that local day (its start, or its end for `Bound.END`). A moment
    in the future is refused unless `allow_future`.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidValueError("the date is empty")
    if "\x00" in stripped:
        raise InvalidValueError("the date contains a NUL byte")
    if stripped.casefold() == "now":
        return now.replace(microsecond=0)
    try:
        moment = _parse_iso(stripped, bound)
        if moment is None:
            moment = _parse_natural(stripped, now, prefer_future, bound)
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise InvalidValueError(f"{text!r} is outside the dates svclog can record") from None
    if moment < EARLIEST:
        raise InvalidValueError(f"{text!r} is before 1970; svclog cannot record it")
    if moment >= LATEST:
        raise InvalidValueError(f"{text!r} is after the year 9000; svclog cannot record it")
    if not allow_future and moment > now + FUTURE_TOLERANCE:
        shown = local(moment).strftime("%Y-%m-%d %H:%M")
        raise InvalidValueError(
            f"{text!r} is in the future ({shown}); use --allow-future if that is right"
        )
    return moment.replace(microsecond=0)


def iso(moment: datetime) -> str:
    """ISO-8601 with its own offset, to the second: `2026-11-21T19:00:00+01:00`."""
    return moment.replace(microsecond=0).isoformat()


def shown(moment: datetime) -> str:
    """How a moment is shown to a person: local time, to the minute."""
    # What `local(moment).strftime(...)` gives (datetime.strftime ends in time.strftime too),
    # at a third of the cost: a search can show thousands of moments.
    return _clock.strftime("%Y-%m-%d %H:%M", _clock.localtime(moment.timestamp()))


def shown_day(moment: datetime) -> str:
    """The local day of a moment: `2026-11-21` (as `shown`, for reports' thousands of rows)."""
    return _clock.strftime("%Y-%m-%d", _clock.localtime(moment.timestamp()))
