"""Exports: every encounter with its whole timeline, as JSON, NDJSON or CSV.

The CSV has one row per encounter: the flat fields, summary columns for spreadsheets
(first-response hours, best response quality, remedy types, the outcome's fields), and the
timeline as JSON in its last four columns, so that importing svclog's own CSV loses nothing.
"""

from __future__ import annotations

import codecs
import json
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import IO, Any, cast

from svclog.core.export_row import ExportRow, RecordLines
from svclog.core.models import Encounter
from svclog.core.timeliness import response_hours
from svclog.render.encounters import FLAT_HEADER, Timing, flat, record
from svclog.render.formats import Format
from svclog.render.sanitize import json_escape_unsafe
from svclog.render.sanitize import safe as neutralised
from svclog.render.view import View
from svclog.render.writers import Terminal, csv_value, csv_writer

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


# ----------------------------------------------------------------------------- records read whole
#
# The export's fast path: storage/export_records.py reads each record as its JSON text (and
# each CSV row as an `ExportRow`) straight from SQLite. What is written is byte for byte what
# `write_many` writes of `export_view`.


def _byte_writer(out: IO[str], terminal: bool) -> Callable[[bytes], object]:
    """How UTF-8 JSON text goes to `out`: into its byte buffer when that takes the very same
    bytes (no decoding and encoding again), else as text; for a terminal, with the characters
    `safe` neutralises written as JSON escapes (as `json_text` does)."""
    if terminal:
        return lambda data: out.write(json_escape_unsafe(data.decode("utf-8")))
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    utf8 = bool(encoding) and codecs.lookup(str(encoding)).name == "utf-8"
    if buffer is not None and utf8 and os.linesep == "\n":  # no newline translation to skip
        out.flush()
        return cast("Callable[[bytes], object]", buffer.write)
    return lambda data: out.write(data.decode("utf-8"))


def write_records(chunks: Iterable[RecordLines], fmt: Format, out: IO[str], term: Terminal) -> int:
    """JSON (one array) or NDJSON of records read as JSON text, exactly as `write_many` writes
    their `record`s; returns how many."""
    if fmt not in (Format.JSON, Format.NDJSON):
        raise ValueError(f"records are written as json or ndjson, not {fmt.value}")
    write = _byte_writer(out, term.is_terminal)
    array = fmt is Format.JSON
    count = 0
    if array:
        write(b"[")
    for chunk in chunks:
        if not chunk.size:
            continue
        if array:
            write((b"\n" if count == 0 else b",\n") + chunk.text.replace(b"\n", b",\n"))
        else:
            write(chunk.text + b"\n")
        count += chunk.size
    if array:
        write(b"\n]\n" if count else b"]\n")
    return count


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def export_cells(row: ExportRow) -> list[Any]:
    """`csv_row` of an `ExportRow`: the values of the `CSV_HEADER` columns."""
    seconds = row.first_response_seconds
    return [
        row.id,
        row.uid,
        row.business,
        row.category,
        row.occurred_at,
        row.channel,
        row.summary,
        row.note,
        bool(row.failure),
        row.severity,
        row.issue,
        row.dimension,
        bool(row.complained),
        row.complained_at,
        row.client,
        row.tags,
        row.status,
        _flag(row.timely),
        _flag(row.disputed),
        row.created_at,
        row.updated_at,
        None if seconds is None else response_hours(timedelta(seconds=seconds)),
        row.best_quality,
        ",".join(dict.fromkeys(row.remedy_types.split(","))) if row.remedy_types else "",
        _flag(row.returned),
        row.recommend,
        row.word_of_mouth,
        row.told,
        row.review,
        row.switched_to,
        row.responses,
        row.remedies,
        row.followups,
        row.outcome or "",
    ]


def write_csv_rows(
    chunks: Iterable[Sequence[ExportRow]], safe: bool, out: IO[str], term: Terminal
) -> int:
    """The CSV export of `ExportRow`s (`--safe`: spreadsheet-safe); returns how many."""
    writer = csv_writer(out)
    writer.writerow(CSV_HEADER)
    count = 0
    for chunk in chunks:
        for row in chunk:
            cells = [csv_value(cell) for cell in export_cells(row)]
            if safe:
                cells = [spreadsheet_safe(cell) for cell in cells]
            if term.is_terminal:
                cells = [neutralised(cell) for cell in cells]
            writer.writerow(cells)
        count += len(chunk)
    return count
