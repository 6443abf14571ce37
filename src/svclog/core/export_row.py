"""Encounters as the export reads them in one go (see storage/export_records.py)."""

from __future__ import annotations

from typing import NamedTuple


class ExportRow(NamedTuple):
    """The flat fields of an encounter, the facts behind the CSV summary columns, and its
    timeline as JSON text, in the order of the export's CSV columns.

    Moments are ISO-8601 text in their own offset, as in the JSON record. Flags are 0 or 1
    (None where the field may be unknown); what a CSV cell shows is render's business.
    """

    id: int
    uid: str
    business: str
    category: str | None
    occurred_at: str
    channel: str | None
    summary: str | None
    note: str | None
    failure: int
    severity: int | None
    issue: str | None
    dimension: str | None
    complained: int
    complained_at: str | None
    client: str | None
    tags: str  # the tags joined by commas, in the order they were added
    status: str
    timely: int | None  # set explicitly, else derived (core/timeliness.py)
    disputed: int | None
    created_at: str
    updated_at: str
    first_response_seconds: int | None  # from the complaint (or the encounter) to it
    best_quality: int | None
    remedy_types: str | None  # every remedy's type in time order, joined by commas
    returned: int | None
    recommend: int | None
    word_of_mouth: str | None
    told: int | None
    review: str | None
    switched_to: str | None
    responses: str  # JSON arrays and object, as in the record
    remedies: str
    followups: str
    outcome: str | None  # None without an outcome


class RecordLines(NamedTuple):
    """Encounter records as the JSON export writes them: `size` of them in `text`, UTF-8
    JSON, one record a line (JSON text has no raw newline; the last line has no end)."""

    size: int
    text: bytes
