"""Encounters as JSON records (the output contract of product.md §6), CSV rows and tables."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from svclog.core.models import Encounter
from svclog.core.timeliness import Timeliness, describe_hours, timeliness
from svclog.core.vocabulary import EncounterStatus
from svclog.core.when import iso, shown
from svclog.render import timeline
from svclog.render.formats import Format
from svclog.render.view import Cell, Column, Detail, Record, Section, Styled, View

if TYPE_CHECKING:
    from svclog.core.listing import EncounterLine

#: Version of the encounter record shape; a change is called out in the changelog.
ENCOUNTER_SHAPE_VERSION = 1

STATUS_STYLES = {
    EncounterStatus.OPEN: "bold yellow",
    EncounterStatus.RESOLVED: "green",
    EncounterStatus.ABANDONED: "dim",
}
#: The status cell of each status, made once: a listing may have thousands of rows.
_STATUS_CELLS = {status: Styled(status.value, style) for status, style in STATUS_STYLES.items()}


@dataclass(frozen=True)
class Timing:
    """What `timely` is judged against: the configured window, and now."""

    window: timedelta
    now: datetime

    def of(self, encounter: Encounter) -> Timeliness:
        return timeliness(encounter, self.window, self.now)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def record(encounter: Encounter, timing: Timing) -> Record:
    """The encounter record of product.md §6; `timely` is the explicit value or the derived one."""
    return {
        "id": encounter.id,
        "uid": encounter.uid,
        "business": {"name": encounter.business.name, "category": encounter.business.category},
        "occurred_at": iso(encounter.occurred_at),
        "channel": encounter.channel,
        "summary": encounter.summary,
        "note": encounter.note,
        "failure": encounter.failure,
        "severity": encounter.severity,
        "issue": encounter.issue,
        "dimension": encounter.dimension.value if encounter.dimension else None,
        "complained": encounter.complained,
        "complained_at": _iso(encounter.complained_at),
        "client": encounter.client,
        "tags": list(encounter.tags),
        "status": encounter.status.value,
        "timely": timing.of(encounter).timely,
        "disputed": encounter.disputed,
        "responses": [timeline.response_record(r) for r in encounter.responses],
        "remedies": [timeline.remedy_record(m) for m in encounter.remedies],
        "followups": [timeline.followup_record(f) for f in encounter.followups],
        "outcome": timeline.outcome_record(encounter.outcome) if encounter.outcome else None,
        "created_at": iso(encounter.created_at),
        "updated_at": iso(encounter.updated_at),
    }


FLAT_HEADER = (
    "id",
    "uid",
    "business",
    "category",
    "occurred_at",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "client",
    "tags",
    "status",
    "timely",
    "disputed",
    "created_at",
    "updated_at",
)


def flat(encounter: Encounter, timing: Timing) -> Sequence[Any]:
    data = record(encounter, timing)
    return [
        data["id"],
        data["uid"],
        encounter.business.name,
        encounter.business.category,
        data["occurred_at"],
        data["channel"],
        data["summary"],
        data["note"],
        data["failure"],
        data["severity"],
        data["issue"],
        data["dimension"],
        data["complained"],
        data["complained_at"],
        data["client"],
        ",".join(encounter.tags),
        data["status"],
        data["timely"],
        data["disputed"],
        data["created_at"],
        data["updated_at"],
    ]


def _failure(encounter: Encounter | EncounterLine) -> Cell:
    if not encounter.failure:
        return "—"
    return _failure_cell(encounter.severity, encounter.issue)


@functools.lru_cache(maxsize=1024)
def _failure_cell(severity: int | None, issue: str | None) -> Cell:
    """The failure cell for a severity and an issue (the same few pairs recur in a listing)."""
    parts = [f"sev {severity}" if severity else "failure"]
    if issue:
        parts.append(issue)
    return Styled(" · ".join(parts), "red")


def _status(encounter: Encounter | EncounterLine) -> Cell:
    return _STATUS_CELLS[encounter.status]


def cells(encounter: Encounter | EncounterLine) -> Sequence[Cell]:
    """One table row; an encounter and its line give the same row."""
    return [
        str(encounter.id),
        shown(encounter.occurred_at),
        encounter.business.name,
        encounter.channel,
        encounter.summary,
        _failure(encounter),
        _status(encounter),
    ]


COLUMNS = (
    Column("ID", justify="right"),
    Column("When", min_width=16),
    Column("Business", ratio=2, min_width=10),
    Column("Channel", optional=True),
    Column("Summary", ratio=4, min_width=12),
    Column("Failure", ratio=2, min_width=8, optional=True),
    Column("Status"),
)


def listing(title: str, timing: Timing) -> View[Encounter]:
    return View(
        title=title,
        columns=COLUMNS,
        cells=cells,
        record=lambda encounter: record(encounter, timing),
        flat_header=FLAT_HEADER,
        flat=lambda encounter: flat(encounter, timing),
        empty_message="no encounters match",
    )


def _no_record(line: EncounterLine) -> Record:
    raise TypeError("an encounter line has no record; read whole encounters for json and csv")


def _no_flat(line: EncounterLine) -> Sequence[Any]:
    raise TypeError("an encounter line has no flat row; read whole encounters for csv")


#: The formats a listing of `EncounterLine`s can be written in (they need only `cells`).
LINE_FORMATS = frozenset({Format.TABLE, Format.MD})


def line_listing(title: str) -> View[EncounterLine]:
    """`listing` for encounter lines: the same table, for the formats in `LINE_FORMATS`."""
    return View(
        title=title,
        columns=COLUMNS,
        cells=cells,
        record=_no_record,
        flat_header=FLAT_HEADER,
        flat=_no_flat,
        empty_message="no encounters match",
    )


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _when(moment: datetime) -> str:
    local = shown(moment)
    original = moment.strftime("%Y-%m-%d %H:%M %z")
    return (
        local
        if moment.utcoffset() == moment.astimezone().utcoffset()
        else (f"{local} (entered as {original})")
    )


def _response_time(encounter: Encounter, timing: Timing) -> Cell:
    """`3.5 h after the complaint · timely`, or how long it has been waiting."""
    facts = timing.of(encounter)
    since = "the complaint" if encounter.complained_at else "the encounter"
    verdict = {True: "timely", False: "late", None: None}[facts.timely]
    if not facts.derived and verdict:
        verdict += " (set)"
    hours = facts.first_response_hours
    if hours is not None:
        text = f"{describe_hours(hours)} after {since}"
    elif encounter.status is EncounterStatus.OPEN and (encounter.failure or encounter.complained):
        waited = (timing.now - facts.started_at) / timedelta(hours=1)
        text = f"none yet ({describe_hours(waited)} since {since})"
    elif verdict is None:
        return None
    else:
        text = "no response"
    text = f"{text} · {verdict}" if verdict else text
    return Styled(text, {"timely": "green", "late": "red"}.get(verdict or "", ""))


def fields(encounter: Encounter, timing: Timing) -> Sequence[tuple[str, Cell]]:
    rows: list[tuple[str, Cell]] = [
        ("Business", encounter.business.name),
        ("Category", encounter.business.category),
        ("When", _when(encounter.occurred_at)),
        ("Channel", encounter.channel),
        ("Summary", encounter.summary),
        ("Failure", _failure(encounter)),
        ("Dimension", encounter.dimension.value if encounter.dimension else None),
        ("Complained", _yes_no(encounter.complained)),
        ("Complained at", _when(encounter.complained_at) if encounter.complained_at else None),
        ("Client", encounter.client),
        ("Tags", ", ".join(encounter.tags) or None),
        ("Status", _status(encounter)),
        ("First response", _response_time(encounter, timing)),
        ("Disputed", _yes_no(encounter.disputed)),
        ("Recorded", f"{shown(encounter.created_at)} (updated {shown(encounter.updated_at)})"),
        ("uid", encounter.uid),
    ]
    return [(label, value) for label, value in rows if value is not None]


def _title(encounter: Encounter) -> str:
    return f"#{encounter.id} · {encounter.business.name} · {shown(encounter.occurred_at)}"


def _blocks(encounter: Encounter) -> Sequence[tuple[str, str]]:
    return [("Note", encounter.note)] if encounter.note else []


def _sections(encounter: Encounter) -> Sequence[Section]:
    return [Section("Timeline", timeline.EVENT_COLUMNS, timeline.events(encounter))]


def detail(timing: Timing) -> Detail[Encounter]:
    return Detail(
        fields=lambda encounter: fields(encounter, timing),
        record=lambda encounter: record(encounter, timing),
        flat_header=FLAT_HEADER,
        flat=lambda encounter: flat(encounter, timing),
        title=_title,
        blocks=_blocks,
        sections=_sections,
    )
