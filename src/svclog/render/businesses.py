"""Businesses as JSON records, CSV rows and tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svclog.core.models import BusinessSummary
from svclog.core.when import iso, shown
from svclog.render import loyalty as loyalty_view
from svclog.render.view import Cell, Column, Detail, Record, Styled, View
from svclog.reports.loyalty import LoyaltyRow


def record(item: BusinessSummary) -> Record:
    business = item.business
    return {
        "id": business.id,
        "uid": business.uid,
        "name": business.name,
        "category": business.category,
        "location": business.location,
        "notes": business.notes,
        "aliases": list(business.aliases),
        "encounters": item.encounters,
        "failures": item.failures,
        "open": item.open,
        "last_seen": iso(item.last_seen) if item.last_seen else None,
        "created_at": iso(business.created_at),
        "updated_at": iso(business.updated_at),
    }


FLAT_HEADER = (
    "id",
    "uid",
    "name",
    "category",
    "location",
    "notes",
    "aliases",
    "encounters",
    "failures",
    "open",
    "last_seen",
    "created_at",
    "updated_at",
)


def flat(item: BusinessSummary) -> Sequence[Any]:
    data = dict(record(item))
    data["aliases"] = "; ".join(item.business.aliases)
    return [data[key] for key in FLAT_HEADER]


def cells(item: BusinessSummary) -> Sequence[Cell]:
    return [
        str(item.business.id),
        item.business.name,
        item.business.category,
        item.business.location,
        str(item.encounters),
        str(item.failures),
        str(item.open),
        shown(item.last_seen) if item.last_seen else None,
        ", ".join(item.business.aliases) or None,
    ]


LISTING: View[BusinessSummary] = View(
    title="Businesses",
    columns=(
        Column("ID", justify="right"),
        Column("Name", ratio=3, min_width=12),
        Column("Category", ratio=2, optional=True),
        Column("Location", ratio=2, optional=True),
        Column("Enc.", justify="right"),
        Column("Fail.", justify="right"),
        Column("Open", justify="right"),
        Column("Last seen", min_width=16, optional=True),
        Column("Aliases", ratio=2, optional=True),
    ),
    cells=cells,
    record=record,
    flat_header=FLAT_HEADER,
    flat=flat,
    empty_message="no businesses yet",
)


def fields(item: BusinessSummary) -> Sequence[tuple[str, Cell]]:
    business = item.business
    rows: list[tuple[str, Cell]] = [
        ("Category", business.category),
        ("Location", business.location),
        ("Also known as", ", ".join(business.aliases) or None),
        ("Encounters", str(item.encounters)),
        ("Failures", str(item.failures)),
        ("Open", str(item.open)),
        ("Last seen", shown(item.last_seen) if item.last_seen else None),
        ("uid", business.uid),
    ]
    return [(label, value) for label, value in rows if value is not None]


DETAIL: Detail[BusinessSummary] = Detail(
    fields=fields,
    record=record,
    flat_header=FLAT_HEADER,
    flat=flat,
    title=lambda item: item.business.name,
    blocks=lambda item: [("Notes", item.business.notes)] if item.business.notes else [],
)


def _loyalty_fields(row: LoyaltyRow) -> list[tuple[str, Cell]]:
    fields: list[tuple[str, Cell]] = [
        ("Status", loyalty_view.status_cell(row)),
        ("Why", row.reason),
        ("Advocate", Styled("yes ★", "bold magenta") if row.advocate else "no"),
        ("Recovery rate", loyalty_view.percent(row.recovery_rate)),
        ("Timely rate", loyalty_view.percent(row.timely_rate)),
        ("Disputed rate", loyalty_view.percent(row.disputed_rate)),
        ("Response quality", f"{row.response_quality:g} of 5" if row.response_quality else None),
        (
            "Median response",
            f"{row.median_response_hours:g} h" if row.median_response_hours is not None else None,
        ),
        ("NPS", str(row.nps) if row.nps is not None else None),
        ("People told", str(row.told) if row.told else None),
    ]
    return [(label, value) for label, value in fields if value is not None]


def profile(loyalty: LoyaltyRow | None) -> Detail[BusinessSummary]:
    """`business show`: the business, its loyalty status with the reason, and its metrics."""

    def fields_with_loyalty(item: BusinessSummary) -> Sequence[tuple[str, Cell]]:
        extra = _loyalty_fields(loyalty) if loyalty is not None else []
        return [*fields(item)[:3], *extra, *fields(item)[3:]]

    def record_with_loyalty(item: BusinessSummary) -> Record:
        data = dict(record(item))
        data["loyalty"] = loyalty_view.record(loyalty) if loyalty is not None else None
        return data

    return Detail(
        fields=fields_with_loyalty,
        record=record_with_loyalty,
        flat_header=FLAT_HEADER,
        flat=flat,
        title=DETAIL.title,
        blocks=DETAIL.blocks,
    )
