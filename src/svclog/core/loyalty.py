"""The facts svclog's loyalty rules read, per business and per failure.

Storage computes these with SQL (so that a million encounters never pass through Python);
`svclog.reports` turns them into statuses, reasons and rates.

A report makes one of each per business or failure, tens or hundreds of thousands: they are
named tuples, immutable like a frozen dataclass but made at a third of the cost (a frozen
dataclass sets each field through `object.__setattr__`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from svclog.core.vocabulary import WordOfMouth


class FailureFacts(NamedTuple):
    """The most recent failure at a business, and what followed it."""

    encounter_id: int
    occurred_at: datetime
    disputed: bool
    returned: bool | None  # from its outcome
    switched_to: str | None
    recommend: int | None
    has_response: bool
    later_encounter_id: int | None  # the first encounter after it at the same business
    later_encounter_at: datetime | None


class OutcomeFacts(NamedTuple):
    """A business's latest outcome (by its date, else its encounter's)."""

    encounter_id: int
    occurred_at: datetime  # of its encounter
    returned: bool | None
    recommend: int | None
    word_of_mouth: WordOfMouth | None
    later_encounter: bool  # an encounter at the same business came after its encounter


class BusinessFacts(NamedTuple):
    business_id: int
    name: str
    category: str | None
    encounters: int
    failures: int
    open: int
    first_encounter_id: int
    first_seen: datetime
    latest_encounter_id: int
    last_seen: datetime  # in the offset the latest encounter was entered in
    latest_failure: FailureFacts | None
    latest_outcome: OutcomeFacts | None
    quality_sum: int
    quality_count: int
    median_response_hours: float | None
    timely: int  # encounters answered (or judged) in time
    timely_known: int  # encounters whose timeliness is known
    disputed: int  # failures the customer disputed
    failures_returned: int  # failures followed by a return (outcome or a later encounter)
    failures_lost: int  # failures not returned after, with a lost signal
    undecided_recommends: tuple[int | None, ...]  # the rest: their outcome's recommend score
    promoters: int
    detractors: int
    respondents: int
    told: int


@dataclass(frozen=True)
class ReportFilter:
    """Which encounters a report reads."""

    client: str | None = None
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    business_id: int | None = None


class FailureRecord(NamedTuple):
    """One failure and what followed, for the recovery and trends reports."""

    encounter_id: int
    month: str  # YYYY-MM, in the offset the encounter was entered in
    returned_after: bool  # its outcome says so, or a later encounter exists
    lost_signal: bool  # not returned after, and did not go back, switched, or disputed
    recommend: int | None
    responded: bool
    highest_level: str | None  # the highest responder level that answered
    best_quality: int | None
    best_apology: str | None
    listened: bool
    fixed: bool
    asked_more: bool
    prevented: bool
    first_response_hours: float | None
    remedies: tuple[str, ...]
