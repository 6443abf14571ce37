"""What a listing shows of an encounter: one line, without its tags or timeline."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from svclog.core.models import BusinessRef
from svclog.core.vocabulary import EncounterStatus


class EncounterLine(NamedTuple):
    """The columns of an encounter that `list` and `search` tables show.

    Its fields are those of `Encounter` of the same name (`occurred_at` is the same moment, in
    UTC rather than in the offset it was entered with), so a table row comes out the same from
    either. Reading one costs a fraction of a whole encounter (no tags, responses, remedies,
    follow-ups or outcome), which matters when a search matches thousands.
    """

    id: int
    occurred_at: datetime
    business: BusinessRef
    channel: str | None
    summary: str | None
    failure: bool
    severity: int | None
    issue: str | None
    status: EncounterStatus
