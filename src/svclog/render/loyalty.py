"""The loyalty scoreboard: one row per business."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svclog.core.vocabulary import LoyaltyStatus
from svclog.core.when import iso, shown_day
from svclog.render.view import Cell, Column, Record, Styled, View
from svclog.reports.loyalty import LoyaltyRow

STATUS_STYLES = {
    LoyaltyStatus.KEPT: "bold green",
    LoyaltyStatus.WON_BACK: "bold cyan",
    LoyaltyStatus.AT_RISK: "bold yellow",
    LoyaltyStatus.LOST: "bold red",
    LoyaltyStatus.NEW: "dim",
}

LEGEND = (
    ("kept", "no failure, and you keep going back"),
    ("won_back", "something failed, and the response brought you back"),
    ("at_risk", "the latest failure is open, unanswered or undecided"),
    ("lost", "you did not go back, switched, or disputed their resolution"),
    ("new", "one encounter so far"),
    ("★", "advocate: went back and would recommend them, or spread the word"),
)

#: Loyalty rows as JSON, NDJSON and CSV: these keys, in this order (shape version 1).
FIELDS = (
    "business",
    "status",
    "reason",
    "advocate",
    "encounters",
    "failures",
    "open",
    "last_seen",
    "response_quality",
    "median_response_hours",
    "timely_rate",
    "disputed_rate",
    "recovery_rate",
    "nps",
    "told",
)


def record(row: LoyaltyRow) -> Record:
    return {
        "business": row.business,
        "status": row.status.value,
        "reason": row.reason,
        "advocate": row.advocate,
        "encounters": row.encounters,
        "failures": row.failures,
        "open": row.open,
        "last_seen": iso(row.last_seen),
        "response_quality": row.response_quality,
        "median_response_hours": row.median_response_hours,
        "timely_rate": row.timely_rate,
        "disputed_rate": row.disputed_rate,
        "recovery_rate": row.recovery_rate,
        "nps": row.nps,
        "told": row.told,
    }


def percent(rate: float | None) -> str | None:
    return None if rate is None else f"{round(rate * 100)}%"


def _number(value: float | int | None) -> str | None:
    if value is None:
        return None
    return f"{value:g}" if isinstance(value, float) else str(value)


#: The status and advocate cells (made once: a report can have tens of thousands of rows).
_STATUS_CELLS = {status: Styled(status.value, style) for status, style in STATUS_STYLES.items()}
_ADVOCATE = Styled("★", "bold magenta")


def status_cell(row: LoyaltyRow) -> Cell:
    return _STATUS_CELLS[row.status]


def cells(row: LoyaltyRow) -> Sequence[Cell]:
    """Table cells, most important first: narrow terminals drop columns from the right."""
    return [
        row.business,
        _STATUS_CELLS[row.status],
        _ADVOCATE if row.advocate else None,
        row.reason,
        str(row.encounters),
        str(row.failures),
        percent(row.recovery_rate),
        _number(row.nps),
        percent(row.timely_rate),
        _number(row.response_quality),
        _number(row.median_response_hours),
        str(row.open),
        percent(row.disputed_rate),
        str(row.told),
        shown_day(row.last_seen),
    ]


def flat(row: LoyaltyRow) -> Sequence[Any]:
    data = record(row)
    return [data[key] for key in FIELDS]


def scoreboard(title: str = "Loyalty") -> View[LoyaltyRow]:
    return View(
        title=title,
        columns=(
            Column("Business", ratio=2, min_width=12, wrap=True),
            Column("Status"),
            Column("★"),
            Column("Reason", ratio=4, min_width=16, wrap=True),
            Column("Enc.", justify="right"),
            Column("Fail.", justify="right", optional=True),
            Column("Recov.", justify="right", optional=True),
            Column("NPS", justify="right", optional=True),
            Column("Timely", justify="right", optional=True),
            Column("Quality", justify="right", optional=True),
            Column("Resp. h", justify="right", optional=True),
            Column("Open", justify="right", optional=True),
            Column("Disp.", justify="right", optional=True),
            Column("Told", justify="right", optional=True),
            Column("Last seen", optional=True),
        ),
        cells=cells,
        record=record,
        flat_header=FIELDS,
        flat=flat,
        empty_message="no businesses match",
    )
