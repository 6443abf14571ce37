"""Domain objects: immutable snapshots of what the journal holds.

Named tuples rather than frozen dataclasses: every command imports this module, and a frozen
dataclass takes most of a millisecond to define (its methods are compiled from source at
start-up), a named tuple a tenth of that; they are also three times cheaper to make.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from svclog.core.vocabulary import (
    Apology,
    Dimension,
    Direction,
    EncounterStatus,
    RemedyType,
    ResponderLevel,
    WordOfMouth,
)


class Business(NamedTuple):
    id: int
    uid: str
    name: str
    category: str | None
    location: str | None
    notes: str | None
    aliases: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


class BusinessSummary(NamedTuple):
    """A business with the counts shown in `business list`."""

    business: Business
    encounters: int
    failures: int
    open: int
    last_seen: datetime | None


class BusinessRef(NamedTuple):
    """The part of a business an encounter carries with it."""

    id: int
    name: str
    category: str | None


class Response(NamedTuple):
    """How the business answered: who, how well, with which recovery steps."""

    id: int
    uid: str
    at: datetime
    by: ResponderLevel | None
    quality: int | None
    apology: Apology | None
    listened: bool | None
    fixed: bool | None
    asked_more: bool | None
    prevented: bool | None
    note: str | None
    created_at: datetime
    updated_at: datetime


class Remedy(NamedTuple):
    """What the business offered to make up for it; `delivered` is False while promised."""

    id: int
    uid: str
    at: datetime
    type: RemedyType
    value: str | None
    currency: str | None
    delivered: bool
    note: str | None
    created_at: datetime
    updated_at: datetime


class FollowUp(NamedTuple):
    """A contact after the event (`direction` me or them), or a reminder with a `due` date."""

    id: int
    uid: str
    at: datetime
    direction: Direction | None
    channel: str | None
    note: str | None
    due: datetime | None
    done: bool
    created_at: datetime
    updated_at: datetime


class Outcome(NamedTuple):
    """Whether the customer went back, would recommend, and told others."""

    id: int
    uid: str
    returned: bool | None
    recommend: int | None
    word_of_mouth: WordOfMouth | None
    told: int | None
    review: str | None
    switched_to: str | None
    at: datetime | None
    created_at: datetime
    updated_at: datetime


class Encounter(NamedTuple):
    id: int
    uid: str
    business: BusinessRef
    occurred_at: datetime
    channel: str | None
    summary: str | None
    note: str | None
    failure: bool
    severity: int | None
    issue: str | None
    dimension: Dimension | None
    complained: bool
    complained_at: datetime | None
    client: str | None
    tags: tuple[str, ...]
    status: EncounterStatus
    timely: bool | None
    disputed: bool | None
    created_at: datetime
    updated_at: datetime
    responses: tuple[Response, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    followups: tuple[FollowUp, ...] = ()
    outcome: Outcome | None = None


class EncounterDraft(NamedTuple):
    """What `add` is asked to record, validated, before it has an id."""

    business: str
    occurred_at: datetime
    channel: str | None = None
    summary: str | None = None
    note: str | None = None
    failure: bool = False
    severity: int | None = None
    issue: str | None = None
    dimension: Dimension | None = None
    complained: bool = False
    complained_at: datetime | None = None
    client: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None

    @property
    def status(self) -> EncounterStatus:
        return EncounterStatus.OPEN if self.failure else EncounterStatus.RESOLVED


class EncounterFilter(NamedTuple):
    """The filters `list`, `search` and (later) `export` share."""

    business_id: int | None = None
    client: str | None = None
    tag: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    failures_only: bool = False
    status: EncounterStatus | None = None
    limit: int | None = None
    oldest_first: bool = False


class Reverted(NamedTuple):
    """What `undo` took back."""

    command: str
    description: str
    at: datetime
    changes: int


class NameWarning(NamedTuple):
    """A new business name that closely resembles an existing one."""

    new_name: str
    existing: str


class Stored(NamedTuple):
    """The result of a write: the record and any warnings raised on the way."""

    encounter: Encounter
    created_business: bool = False
    warnings: tuple[NameWarning, ...] = ()


class DueItem(NamedTuple):
    """Something waiting: a follow-up reminder, or an open failure with no response yet."""

    kind: str  # "followup" or "response"
    encounter_id: int
    business: str
    summary: str | None
    due_at: datetime
    followup_id: int | None = None
    note: str | None = None
