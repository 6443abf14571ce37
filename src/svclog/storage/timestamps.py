"""Moments as stored: UTC ISO-8601 text (sortable) plus the original offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def split(moment: datetime | None) -> tuple[str | None, str | None]:
    if moment is None:
        return None, None
    return utc_text(moment), offset_text(moment)


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)


def join(utc: str | None, offset: str | None) -> datetime | None:
    """The stored moment in its original offset."""
    if utc is None:
        return None
    moment = from_utc_text(utc)
    if not offset:
        return moment
    sign = -1 if offset.startswith("-") else 1
    hours, mins = offset.lstrip("+-").split(":")
    return moment.astimezone(timezone(sign * timedelta(hours=int(hours), minutes=int(mins))))
