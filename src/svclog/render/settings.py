"""`svclog config show` as a listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from svclog.core.settings import Key
from svclog.render.view import Cell, Column, Record, Styled, View

Row = tuple[Key, Any, bool]


def shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def view() -> View[Row]:
    def record(row: Row) -> Record:
        key, value, explicit = row
        return {
            "key": key.name,
            "value": value,
            "source": "file" if explicit else "default",
            "help": key.help,
        }

    def cells(row: Row) -> Sequence[Cell]:
        key, value, explicit = row
        source = Styled("file", "bold") if explicit else Styled("default", "dim")
        return [key.name, shown(value), source, key.help]

    def flat(row: Row) -> Sequence[Any]:
        data = record(row)
        return [data["key"], data["value"], data["source"], data["help"]]

    return View(
        title="Settings",
        columns=(
            Column("Key"),
            Column("Value"),
            Column("Source"),
            Column("Meaning", ratio=1, min_width=20, wrap=True),
        ),
        cells=cells,
        record=record,
        flat_header=("key", "value", "source", "help"),
        flat=flat,
    )
