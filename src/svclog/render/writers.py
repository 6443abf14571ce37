"""One writer per `--format`. Only the table writer uses Rich; json, ndjson, csv and md are
plain text written straight to the stream, never through a Rich console."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from svclog.render.sanitize import safe, safe_line
from svclog.render.view import Cell, Detail, Format, Record, Styled, View

T = TypeVar("T")


@dataclass(frozen=True)
class Terminal:
    """What the output stream is: a terminal (neutralise text, maybe colour) or a pipe/file."""

    is_terminal: bool = False
    color: bool = False
    width: int | None = None


def _plain(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.text if isinstance(cell, Styled) else cell


def _guard(text: str, terminal: Terminal) -> str:
    """Plain formats are exact in pipes and files; on a terminal, controls are made visible."""
    return safe(text) if terminal.is_terminal else text


def json_text(record: Record, *, indent: int | None = None) -> str:
    return json.dumps(record, ensure_ascii=False, indent=indent)


def csv_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def md_escape(text: str) -> str:
    escaped = safe_line(text).replace("\\", "\\\\")
    for char in "|*_`[]<>#":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def _md_block(text: str) -> str:
    return "\n".join(md_escape(line) for line in safe(text).replace("\r\n", "\n").split("\n"))


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |\n"


def write_many(view: View[T], items: Iterable[T], fmt: Format, out: IO[str], term: Terminal) -> int:
    """Write a listing; returns how many items were written."""
    if fmt is Format.TABLE:
        return _rich_table(view, items, out, term)
    count = 0
    if fmt is Format.JSON:
        out.write("[")
        for item in items:
            out.write(("\n" if count == 0 else ",\n") + _guard(json_text(view.record(item)), term))
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt is Format.NDJSON:
        for item in items:
            out.write(_guard(json_text(view.record(item)), term) + "\n")
            count += 1
    elif fmt is Format.CSV:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(view.flat_header)
        for item in items:
            row = [_guard(csv_value(v), term) for v in view.flat(item)]
            writer.writerow(row)
            count += 1
    elif fmt is Format.MD:
        out.write(_md_row([md_escape(c.header) for c in view.columns]))
        out.write(_md_row(["---:" if c.justify == "right" else "---" for c in view.columns]))
        for item in items:
            out.write(_md_row([md_escape(_plain(cell)) for cell in view.cells(item)]))
            count += 1
    return count


def write_one(detail: Detail[T], item: T, fmt: Format, out: IO[str], term: Terminal) -> None:
    """Write one item on its own (`show`)."""
    if fmt is Format.TABLE:
        _rich_detail(detail, item, out, term)
    elif fmt is Format.JSON:
        out.write(_guard(json_text(detail.record(item), indent=2), term) + "\n")
    elif fmt is Format.NDJSON:
        out.write(_guard(json_text(detail.record(item)), term) + "\n")
    elif fmt is Format.CSV:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(detail.flat_header)
        writer.writerow([_guard(csv_value(v), term) for v in detail.flat(item)])
    elif fmt is Format.MD:
        out.write(f"## {md_escape(detail.title(item))}\n\n")
        out.write(_md_row(["field", "value"]))
        out.write(_md_row(["---", "---"]))
        for label, cell in detail.fields(item):
            out.write(_md_row([md_escape(label), md_escape(_plain(cell))]))
        for heading, body in detail.blocks(item):
            out.write(f"\n### {md_escape(heading)}\n\n{_md_block(body)}\n")


def _text(cell: Cell) -> Any:
    from rich.text import Text

    if cell is None:
        return Text("")
    if isinstance(cell, Styled):
        return Text(safe(cell.text), style=cell.style)
    return Text(safe(cell))


def console_for(out: IO[str], term: Terminal) -> Any:
    """A Rich console made per command: markup, emoji and highlighting off, so user text is
    data; colour only when asked for."""
    from rich.console import Console

    return Console(
        file=out,
        width=term.width,
        force_terminal=term.color,
        no_color=not term.color,
        color_system="auto" if term.color else None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def _rich_table(view: View[T], items: Iterable[T], out: IO[str], term: Terminal) -> int:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, title=Text(safe(view.title)), title_justify="left")
    for column in view.columns:
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=column.no_wrap,
            max_width=column.max_width,
            ratio=column.ratio,
            overflow="fold",
        )
    count = 0
    for item in items:
        table.add_row(*(_text(cell) for cell in view.cells(item)))
        count += 1
    if count:
        console_for(out, term).print(table)
    return count


def _rich_detail(detail: Detail[T], item: T, out: IO[str], term: Terminal) -> None:
    from rich.table import Table
    from rich.text import Text

    console = console_for(out, term)
    console.print(Text(safe_line(detail.title(item)), style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, cell in detail.fields(item):
        grid.add_row(Text(label), _text(cell))
    console.print(grid)
    for heading, body in detail.blocks(item):
        console.print()
        console.print(Text(heading, style="bold"))
        console.print(Text(safe(body)))
