"""The current time, injectable so that tests can fix it."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment as an aware datetime in the local zone."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone()


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._moment = moment

    def now(self) -> datetime:
        return self._moment.astimezone()


def clock_from_environment() -> Clock:
    """`SVCLOG_NOW` (ISO-8601 with offset) fixes the clock for demos and tests."""
    fixed = os.environ.get("SVCLOG_NOW")
    if fixed:
        return FixedClock(datetime.fromisoformat(fixed))
    return SystemClock()
