"""How fast the business answered: first-response time and whether it was timely.

The clock starts at the complaint (`complained_at`), or at the encounter itself when there is
no complaint time. `timely` is the value set explicitly on the encounter if there is one;
otherwise it is derived against the window (48 h unless configured): a first response within
it is timely, one after it is not; with no response yet, the answer is "not timely" once the
window has passed and unknown before. Encounters that went fine and drew no complaint have
nothing to answer, so their `timely` is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from svclog.core.models import Encounter


@dataclass(frozen=True)
class Timeliness:
    started_at: datetime
    first_response_at: datetime | None
    timely: bool | None
    derived: bool

    @property
    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return response_hours(self.first_response_at - self.started_at)


def response_hours(waited: timedelta) -> float:
    """How long the first response took, in hours to two decimals."""
    return round(waited / timedelta(hours=1), 2)


def needs_response(encounter: Encounter) -> bool:
    return encounter.failure or encounter.complained


def derived_timely(
    needs_answer: bool,
    started: datetime,
    first_response: datetime | None,
    window: timedelta,
    now: datetime,
) -> bool | None:
    """The rule, on its own: what `timely` is when nobody has set it."""
    if not needs_answer:
        return None
    if first_response is not None:
        return first_response - started <= window
    if now - started > window:
        return False
    return None


def timeliness(encounter: Encounter, window: timedelta, now: datetime) -> Timeliness:
    started = encounter.complained_at or encounter.occurred_at
    first = min((r.at for r in encounter.responses), default=None)
    if encounter.timely is not None:
        return Timeliness(started, first, encounter.timely, derived=False)
    derived = derived_timely(needs_response(encounter), started, first, window, now)
    return Timeliness(started, first, derived, derived=True)


def describe_hours(hours: float) -> str:
    """A duration for people: `45 min`, `3 h`, `2 days`."""
    minutes = abs(hours) * 60
    if minutes < 60:
        return f"{round(minutes)} min"
    if abs(hours) < 48:
        whole = round(abs(hours), 1)
        return f"{whole:g} h"
    return f"{round(abs(hours) / 24, 1):g} days"
