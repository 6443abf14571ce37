"""The recovery and trends reports as listings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svclog.render.loyalty import percent
from svclog.render.view import Cell, Column, Record, Segments, Styled, View
from svclog.reports.recovery import Group
from svclog.reports.trends import Month

RECOVERY_FIELDS = ("factor", "value", "failures", "retained", "lost", "undecided", "retention")


def _bar(fraction: float | None, width: int = 10) -> Cell:
    if fraction is None:
        return None
    filled = round(fraction * width)
    return Segments((Styled("█" * filled, "green"), Styled("░" * (width - filled), "red")))


def recovery_view() -> View[Group]:
    def record(group: Group) -> Record:
        return {
            "factor": group.factor,
            "value": group.value,
            "failures": group.failures,
            "retained": group.retained,
            "lost": group.lost,
            "undecided": group.undecided,
            "retention": group.retention,
        }

    def cells(group: Group) -> Sequence[Cell]:
        faded = group.failures == 0
        return [
            Styled(group.factor, "dim") if faded else group.factor,
            Styled(group.value, "dim") if faded else group.value,
            str(group.failures),
            str(group.retained),
            str(group.lost),
            str(group.undecided),
            percent(group.retention),
            _bar(group.retention),
        ]

    def flat(group: Group) -> Sequence[Any]:
        data = record(group)
        return [data[key] for key in RECOVERY_FIELDS]

    return View(
        title="Retention after failure",
        columns=(
            Column("Factor"),
            Column("Value"),
            Column("Failures", justify="right"),
            Column("Retained", justify="right"),
            Column("Lost", justify="right"),
            Column("Undecided", justify="right", optional=True),
            Column("Retention", justify="right"),
            Column("", optional=True),
        ),
        cells=cells,
        record=record,
        flat_header=RECOVERY_FIELDS,
        flat=flat,
        empty_message="no failures recorded",
    )


TRENDS_FIELDS = ("month", "encounters", "failures", "recoveries", "losses")


def trends_view(scale: int) -> View[Month]:
    """`scale`: the largest monthly encounter count, so bars compare across months."""

    def record(month: Month) -> Record:
        return {
            "month": month.month,
            "encounters": month.encounters,
            "failures": month.failures,
            "recoveries": month.recoveries,
            "losses": month.losses,
        }

    def chart(month: Month) -> Cell:
        width = 30
        if not scale:
            return None

        def size(count: int) -> int:
            return max(1, round(count * width / scale)) if count else 0

        fine = max(month.encounters - month.failures, 0)
        unsettled = month.failures - month.recoveries - month.losses
        return Segments(
            (
                Styled("█" * size(fine), "blue"),
                Styled("▓" * size(month.recoveries), "green"),
                Styled("▒" * size(unsettled), "yellow"),
                Styled("░" * size(month.losses), "red"),
            )
        )

    def cells(month: Month) -> Sequence[Cell]:
        return [
            month.month,
            str(month.encounters),
            str(month.failures),
            str(month.recoveries),
            str(month.losses),
            chart(month),
        ]

    def flat(month: Month) -> Sequence[Any]:
        data = record(month)
        return [data[key] for key in TRENDS_FIELDS]

    return View(
        title="Month by month",
        columns=(
            Column("Month"),
            Column("Encounters", justify="right"),
            Column("Failures", justify="right"),
            Column("Recovered", justify="right"),
            Column("Lost", justify="right"),
            Column("", optional=True),
        ),
        cells=cells,
        record=record,
        flat_header=TRENDS_FIELDS,
        flat=flat,
        empty_message="no encounters recorded",
    )


TRENDS_LEGEND = (
    ("█", "blue", "went fine"),
    ("▓", "green", "failed, recovered"),
    ("▒", "yellow", "failed, undecided"),
    ("░", "red", "failed, lost"),
)
