"""`svclog due` as a listing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from svclog.core.models import DueItem
from svclog.core.timeliness import describe_hours
from svclog.core.vocabulary import RecordKind
from svclog.core.when import iso, shown
from svclog.render.view import Cell, Column, Record, Styled, View


def _overdue_hours(item: DueItem, now: datetime) -> float:
    return round((now - item.due_at) / timedelta(hours=1), 2)


def _what(item: DueItem) -> str:
    if item.kind == "followup":
        return item.note or "follow-up"
    return "no response from the business yet"


def view(now: datetime) -> View[DueItem]:
    def record(item: DueItem) -> Record:
        return {
            "kind": item.kind,
            "encounter_id": item.encounter_id,
            "followup_id": item.followup_id,
            "business": item.business,
            "summary": item.summary,
            "note": item.note,
            "due_at": iso(item.due_at),
            "overdue_hours": _overdue_hours(item, now),
        }

    def cells(item: DueItem) -> Sequence[Cell]:
        hours = _overdue_hours(item, now)
        when: Cell = (
            Styled(f"{describe_hours(hours)} overdue", "bold red")
            if hours > 0
            else Styled(f"in {describe_hours(hours)}", "yellow")
        )
        ref = RecordKind.FOLLOWUP.ref(item.followup_id) if item.followup_id else ""
        return [
            shown(item.due_at),
            when,
            f"#{item.encounter_id}",
            ref,
            item.business,
            _what(item),
            item.summary,
        ]

    def flat(item: DueItem) -> Sequence[Any]:
        data = record(item)
        return [data[key] for key in FLAT_HEADER]

    return View(
        title="Due",
        columns=(
            Column("Due", min_width=16),
            Column("Overdue"),
            Column("Enc."),
            Column("Ref", optional=True),
            Column("Business", ratio=2, min_width=10),
            Column("What", ratio=3, min_width=12),
            Column("Summary", ratio=3, min_width=10, optional=True),
        ),
        cells=cells,
        record=record,
        flat_header=FLAT_HEADER,
        flat=flat,
        empty_message="nothing is due",
    )


FLAT_HEADER = (
    "kind",
    "encounter_id",
    "followup_id",
    "business",
    "summary",
    "note",
    "due_at",
    "overdue_hours",
)
