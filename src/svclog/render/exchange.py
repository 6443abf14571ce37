"""Exports: every encounter with its whole timeline, as JSON, NDJSON or CSV.

The CSV has one row per encounter: the flat fields, summary columns for spreadsheets
(first-response hours, best response quality, remedy types, the outcome's fields), and the
timeline as JSON in its last four columns, so that importing svclog's own CSV loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from svclog.core.models import Encounter
from svclog.render.encounters import FLAT_HEADER, Timing, flat, record
from svclog.render.view import View
from svclog.render.writers import csv_value

#: Version of the export shapes (the encounter record, and these CSV columns).
EXPORT_VERSION = 1

SUMMARY_HEADER = (
    "first_response_hours",
    "best_quality",
    "remedy_types",
    "returned",
    "recommend",
    "word_of_mouth",
    "told",
    "review",
    "switched_to",
)
TIMELINE_HEADER = ("responses", "remedies", "followups", "outcome")
CSV_HEADER = (*FLAT_HEADER, *SUMMARY_HEADER, *TIMELINE_HEADER)

#: Characters that make a spreadsheet read a cell as a formula (OWASP's list).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A leading `'` keeps a spreadsheet from running the cell as a formula; a cell that
    already starts with `'` gets one more, so that `svclog import --safe` can undo it exactly."""
    if cell.startswith(_FORMULA) or cell.startswith("'"):
        return "'" + cell
    return cell


def csv_row(encounter: Encounter, timing: Timing) -> list[Any]:
    data = record(encounter, timing)
    timing_facts = timing.of(encounter)
    outcome = data["outcome"] or {}
    qualities = [r.quality for r in encounter.responses if r.quality is not None]
    summary = [
        timing_facts.first_response_hours,
        max(qualities) if qualities else None,
        ",".join(dict.fromkeys(m.type.value for m in encounter.remedies)),
        outcome.get("returned"),
        outcome.get("recommend"),
        outcome.get("word_of_mouth"),
        outcome.get("told"),
        outcome.get("review"),
        outcome.get("switched_to"),
    ]
    timeline = [
        json.dumps(data["responses"], ensure_ascii=False),
        json.dumps(data["remedies"], ensure_ascii=False),
        json.dumps(data["followups"], ensure_ascii=False),
        json.dumps(data["outcome"], ensure_ascii=False) if data["outcome"] else "",
    ]
    return [*flat(encounter, timing), *summary, *timeline]


def export_view(timing: Timing, safe: bool) -> View[Encounter]:
    """The export as a listing: records for JSON/NDJSON, `CSV_HEADER` rows for CSV."""

    def row(encounter: Encounter) -> Sequence[Any]:
        cells = csv_row(encounter, timing)
        if not safe:
            return cells
        return [spreadsheet_safe(csv_value(cell)) for cell in cells]

    return View(
        title="Export",
        columns=(),
        cells=lambda encounter: (),
        record=lambda encounter: record(encounter, timing),
        flat_header=CSV_HEADER,
        flat=row,
    )


def is_svclog_csv(header: Sequence[str]) -> bool:
    return tuple(header[: len(CSV_HEADER)]) == CSV_HEADER
