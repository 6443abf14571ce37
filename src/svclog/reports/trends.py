"""Month by month: encounters, failures, and how those failures ended."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from svclog.core.loyalty import FailureRecord
from svclog.reports.recovery import Fate, fate


@dataclass
class Month:
    month: str
    encounters: int = 0
    failures: int = 0
    recoveries: int = 0
    losses: int = 0


def trends(
    encounters: Mapping[str, int], failures: Iterable[FailureRecord], won_back: int
) -> list[Month]:
    """One row per month from the first to the last with encounters (empty months included),
    failures counted in the month they happened, recoveries and losses by their fate."""
    months: dict[str, Month] = {m: Month(m, encounters=n) for m, n in encounters.items()}
    for record in failures:
        row = months.setdefault(record.month, Month(record.month))
        row.failures += 1
        outcome = fate(record, won_back)
        if outcome is Fate.RETAINED:
            row.recoveries += 1
        elif outcome is Fate.LOST:
            row.losses += 1
    if not months:
        return []
    first, last = min(months), max(months)
    return [months.get(key) or Month(key) for key in _month_range(first, last)]


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    keys = []
    while True:
        key = f"{year:04d}-{month:02d}"
        keys.append(key)
        if key >= last:
            return keys
        month += 1
        if month == 13:
            year, month = year + 1, 1
