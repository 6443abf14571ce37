"""One writer per `--format`. Only the table writer uses Rich; json, ndjson, csv and md are
plain text written straight to the stream, never through a Rich console."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from svclog.render.formats import Format
from svclog.render.sanitize import json_escape_unsafe, safe, safe_line
from svclog.render.view import Cell, Column, Detail, Record, Segments, Styled, View

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
    return cell if isinstance(cell, str) else cell.text


def _guard(text: str, terminal: Terminal) -> str:
    """Plain formats are exact in pipes and files; on a terminal, controls are made visible."""
    return safe(text) if terminal.is_terminal else text


def json_text(record: Record, *, indent: int | None = None, terminal: bool = False) -> str:
    """JSON, exact; for a terminal, the characters `safe` neutralises are written as JSON
    `\\uXXXX` escapes, so what is shown is both harmless and still valid JSON."""
    text = json.dumps(record, ensure_ascii=False, indent=indent)
    return json_escape_unsafe(text) if terminal else text


def csv_writer(out: IO[str]) -> Any:
    """RFC 4180 CSV with `\\n` line ends; every cell holding a quote, comma, CR or LF is quoted
    (Python's default dialect leaves a lone CR unquoted when the line end is `\\n`)."""

    class Dialect(csv.excel):
        lineterminator = "\r\n"

    class Writer:
        def __init__(self) -> None:
            self._buffer = io.StringIO()
            self._csv = csv.writer(self._buffer, dialect=Dialect)

        def writerow(self, row: Sequence[Any]) -> None:
            self._csv.writerow(row)
            line = self._buffer.getvalue()
            self._buffer.seek(0)
            self._buffer.truncate()
            out.write(line[:-2] + "\n")

    return Writer()


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
    return "\n".join(md_escape(line) for line in text.replace("\r\n", "\n").split("\n"))


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
            text = json_text(view.record(item), terminal=term.is_terminal)
            out.write(("\n" if count == 0 else ",\n") + text)
            count += 1
        out.write("\n]\n" if count else "]\n")
    elif fmt is Format.NDJSON:
        for item in items:
            out.write(json_text(view.record(item), terminal=term.is_terminal) + "\n")
            count += 1
    elif fmt is Format.CSV:
        writer = csv_writer(out)
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
        if term.color or not _plain_detail(detail, item, out, term):
            _rich_detail(detail, item, out, term)
    elif fmt is Format.JSON:
        out.write(json_text(detail.record(item), indent=2, terminal=term.is_terminal) + "\n")
    elif fmt is Format.NDJSON:
        out.write(json_text(detail.record(item), terminal=term.is_terminal) + "\n")
    elif fmt is Format.CSV:
        writer = csv_writer(out)
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
        for section in detail.sections(item):
            out.write(f"\n### {md_escape(section.title)}\n\n")
            out.write(_md_row([md_escape(c.header) for c in section.columns]))
            out.write(_md_row(["---" for _ in section.columns]))
            for row in section.rows:
                out.write(_md_row([md_escape(_plain(cell)) for cell in row]))


def _text(cell: Cell) -> Any:
    from rich.text import Text

    if cell is None:
        return Text("")
    if isinstance(cell, Styled):
        return Text(safe(cell.text), style=cell.style)
    if isinstance(cell, Segments):
        text = Text()
        for part in cell.parts:
            text.append(safe(part.text), style=part.style)
        return text
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


def _widths(columns: Sequence[Column], rows: list[list[Cell]], width: int) -> dict[int, int]:
    """Which columns to show, and how wide: natural widths while they fit; then the flexible
    (`ratio`) columns shrink towards their `min_width`; then optional columns are left out,
    right to left."""
    from rich.cells import cell_len

    natural = [
        max([len(column.header)] + [cell_len(safe_line(_plain(row[i]))) for row in rows])
        for i, column in enumerate(columns)
    ]
    filled = [any(_plain(r[i]) for r in rows) for i in range(len(columns))]
    return fit_widths(columns, natural, filled, width)


def fit_widths(
    columns: Sequence[Column], natural: Sequence[int], filled: Sequence[bool], width: int
) -> dict[int, int]:
    """`_widths` from each column's natural width and whether any of its cells has text."""
    shown = [i for i, column in enumerate(columns) if not column.optional or filled[i]]
    while True:
        room = width - 3 * len(shown) - 1  # one space of padding each side, one between, edges
        widths = {i: natural[i] for i in shown}
        flexible = [i for i in shown if columns[i].ratio]
        excess = sum(widths.values()) - room
        if excess > 0 and flexible:
            fixed = sum(widths[i] for i in shown if i not in flexible)
            share = max(room - fixed, 0)
            total_ratio = sum(columns[i].ratio or 0 for i in flexible)
            for i in flexible:
                fair = share * (columns[i].ratio or 0) // total_ratio
                widths[i] = min(natural[i], max(fair, columns[i].least_width))
            spare = room - sum(widths.values())
            for i in flexible:  # hand what rounding and short cells left to those that want it
                extra = min(spare, natural[i] - widths[i])
                if extra > 0:
                    widths[i] += extra
                    spare -= extra
        if sum(widths.values()) <= room:
            return widths
        optional = [i for i in shown if columns[i].optional]
        if not optional:
            return widths
        shown.remove(optional[-1])


def _rich_table(view: View[T], items: Iterable[T], out: IO[str], term: Terminal) -> int:
    rows = [list(view.cells(item)) for item in items]
    if rows and not (not term.color and _plain_table(view.title, view.columns, rows, out, term)):
        _print_table(console_for(out, term), view.title, view.columns, rows)
    return len(rows)


def _plain_table(
    title: str, columns: Sequence[Column], rows: list[list[Cell]], out: IO[str], term: Terminal
) -> bool:
    """Write the table as Rich would without colour, but directly (`plaintable`); False when
    only Rich can draw it."""
    from svclog.render import plaintable

    if not plaintable.usable(out):
        return False
    drawn = _plain_table_text(title, columns, rows, plaintable.console_width(term.width))
    if drawn is None:
        return False
    out.write(drawn)
    return True


def _plain_table_text(
    title: str, columns: Sequence[Column], rows: list[list[Cell]], width: int
) -> str | None:
    from svclog.render import plaintable

    texts = plaintable.column_texts(rows) if rows else [[] for _ in columns]
    if texts is None:
        return None
    natural = plaintable.natural_widths(columns, texts)
    filled = [any(cells) for cells in texts]
    return plaintable.draw(
        title, columns, texts, fit_widths(columns, natural, filled, width), width
    )


def _plain_detail(detail: Detail[T], item: T, out: IO[str], term: Terminal) -> bool:
    """Write `show`'s view as Rich would without colour, but directly (`plaintable`); False
    when only Rich can draw it."""
    from svclog.render import plaintable

    if not plaintable.usable(out):
        return False
    width = plaintable.console_width(term.width)
    fields = [(label, _plain(cell)) for label, cell in detail.fields(item)]
    head = plaintable.fields(safe_line(detail.title(item)), fields, width)
    if head is None:
        return False
    parts = [head]
    for heading, body in detail.blocks(item):
        block = plaintable.block(heading, safe(body), width)
        if block is None:
            return False
        parts.append("\n" + block)
    for section in detail.sections(item):
        rows = [list(row) for row in section.rows]
        table = _plain_table_text(section.title, section.columns, rows, width)
        if table is None:
            return False
        parts.append("\n" + table)
    out.write("".join(parts))
    return True


def _print_table(
    console: Any, title: str, columns: Sequence[Column], rows: list[list[Cell]]
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    widths = _widths(columns, rows, console.width)
    table = Table(box=box.SIMPLE_HEAD, title=Text(safe(title)), title_justify="left")
    for index, width in widths.items():
        column = columns[index]
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            width=width,
            no_wrap=not column.wrap,
            overflow="fold" if column.wrap else "ellipsis",
        )
    for row in rows:
        table.add_row(*(_text(row[index]) for index in widths))
    console.print(table)


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
    for section in detail.sections(item):
        console.print()
        _print_table(console, section.title, section.columns, [list(r) for r in section.rows])
