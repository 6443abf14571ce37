"""Moments as stored: UTC ISO-8601 text (sortable) plus the original offset."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

#: The offset text of each UTC offset seen (there are few): `offset_text` runs for every
#: moment an import writes.
_OFFSETS: dict[timedelta | None, str] = {}


#: `f"{n:02d}"` for 0-99: an import writes several moments per record, and building the
#: text from these is four times faster than strftime.
_TWO_DIGITS = tuple(f"{n:02d}" for n in range(100))


def utc_text(moment: datetime) -> str:
    utc = moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)
    if utc.year < 1000:  # `%Y` does not pad such years; keep exactly what strftime writes
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    d = _TWO_DIGITS
    return f"{utc.year}-{d[utc.month]}-{d[utc.day]}T{d[utc.hour]}:{d[utc.minute]}:{d[utc.second]}Z"


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset()
    known = _OFFSETS.get(offset)
    if known is not None:
        return known
    minutes = int((offset or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    text = f"{sign}{hours:02d}:{mins:02d}"
    if len(_OFFSETS) < 4096:
        _OFFSETS[offset] = text
    return text


def epoch_seconds(moment: str) -> str:
    """SQL for the Unix time, in whole seconds, of the stored moment that the SQL `moment`
    gives: `unixepoch` where SQLite has it (3.38), twice as fast as parsing the text that
    `strftime('%s')` writes."""
    import sqlite3  # here: what imports this module may come before SQLite's configuration

    if sqlite3.sqlite_version_info >= (3, 38, 0):
        return f"unixepoch({moment})"
    return f"CAST(strftime('%s', {moment}) AS INTEGER)"


def split(moment: datetime | None) -> tuple[str | None, str | None]:
    if moment is None:
        return None, None
    return utc_text(moment), offset_text(moment)


def from_utc_text(text: str) -> datetime:
    # "+00:00" gives the `timezone.utc` object itself, five times faster than `.replace()`.
    return datetime.fromisoformat(text[:-1] + "+00:00")


def join(utc: str | None, offset: str | None) -> datetime | None:
    """The stored moment in its original offset."""
    if utc is None:
        return None
    moment = from_utc_text(utc)
    if not offset:
        return moment
    return moment.astimezone(_zone(offset))


@functools.lru_cache(maxsize=512)
def _zone(offset: str) -> timezone:
    """The fixed zone of an offset text such as `-04:00` (a journal holds few of them)."""
    sign = -1 if offset.startswith("-") else 1
    hours, mins = offset.lstrip("+-").split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(mins)))
