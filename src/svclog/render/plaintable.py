"""Tables (and `show`'s view) without colour, drawn directly: the exact text Rich writes.

Rich lays a table out through its general engine (measure every cell, render it into segments,
crop and pad them), about half a millisecond per row: a search matching thousands of encounters
spent seconds there on its way to a pipe. Without colour, a table of plain text that fits the
width is simple enough to draw directly, a column at a time, with Rich's own cell-width and
line-breaking functions (`rich.cells`, `rich._wrap`); `tests/test_plain_table.py` checks the
text against Rich's on arbitrary cells, so a Rich upgrade that changes its layout is caught.
Anything else (colour, cells with newlines or tabs, emoji sequences, charts, a table too wide
for the terminal, a stream that is not UTF-8) is left to Rich.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from typing import IO

from svclog.render.sanitize import safe
from svclog.render.view import Cell, Column, Styled

#: What `safe` would change, what Rich would not keep on one line as it is (newline, tab, line
#: and paragraph separators), and what makes Rich's widths stop adding up (a zero-width joiner
#: takes the character after it, even a padding space; a variation selector can widen the one
#: before it): its absence lets a whole table be checked in one search.
_NOT_PLAIN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
    "\u2028\u2029\u200d\ufe0f]"
)
#: What only Rich draws exactly, once `safe` has run.
_RICH_ONLY = re.compile("[\n\t\u2028\u2029\u200d\ufe0f]")


def console_width(width: int | None) -> int:
    """The width Rich's `Console(width=width)` takes when it writes no colour: `COLUMNS`,
    else the size of the first of stdin, stdout and stderr that is a terminal, else 80."""
    if width is not None:
        return width
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for descriptor in (0, 1, 2):
        try:
            found = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        return found or 80
    return 80


def usable(out: IO[str]) -> bool:
    """Whether Rich would draw on `out` with its Unicode box (a UTF-8 stream, not Windows)."""
    encoding = (getattr(out, "encoding", "utf-8") or "utf-8").lower()
    return encoding.startswith("utf") and os.name != "nt"


class _Unplain(Exception):
    """A cell only Rich can draw."""


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, Styled):
        return cell.text
    raise _Unplain  # Segments: Rich measures each styled piece (and the padding) apart


def column_texts(rows: Sequence[Sequence[Cell]]) -> list[list[str]] | None:
    """The text each cell shows (`safe`), a list per column; None when a cell would not stay
    on one line, holds a joiner or a variation selector (emoji sequences), or is made of
    styled pieces (`Segments`, the bars of a chart)."""
    try:
        columns = [
            [
                cell if type(cell) is str else cell.text if type(cell) is Styled else _text(cell)
                for cell in column
            ]
            for column in zip(*rows, strict=True)
        ]
    except _Unplain:
        return None
    if _NOT_PLAIN.search(" ".join([" ".join(column) for column in columns])) is None:
        return columns
    shown = [[safe(text) for text in column] for column in columns]
    if any(_RICH_ONLY.search(text) for column in shown for text in column):
        return None
    return shown


def natural_widths(columns: Sequence[Column], texts: Sequence[Sequence[str]]) -> list[int]:
    """The width of each column's widest cell (or its header), in cells."""
    from rich.cells import cell_len

    widths = []
    for column, cells in zip(columns, texts, strict=True):
        if all(map(str.isascii, cells)):
            widest = max(map(len, cells), default=0)
        else:
            widest = max(len(text) if text.isascii() else cell_len(text) for text in cells)
        widths.append(max(len(column.header), widest))
    return widths


def draw(
    title: str,
    columns: Sequence[Column],
    texts: Sequence[Sequence[str]],
    widths: dict[int, int],
    width: int,
) -> str | None:
    """The table as Rich writes it (box SIMPLE_HEAD, a left-justified title, cells padded by
    one space), or None when only Rich can draw it. `texts` are `column_texts`; `widths` maps
    the index of each shown column to its width."""
    shown = list(widths.items())
    table_width = sum(w for _, w in shown) + 3 * len(shown) + 1
    if (
        not shown
        or table_width > width
        or any(w < 1 for _, w in shown)
        or any(columns[i].justify not in ("left", "right") for i, _ in shown)
        or any(columns[i].wrap and columns[i].justify != "left" for i, _ in shown)
    ):
        return None
    title = safe(title)
    if _RICH_ONLY.search(title.replace("\n", " ")):
        return None
    header = [_fit(columns[i].header, w, columns[i].justify) for i, w in shown]
    lines = _wrap(title, table_width, "left") if title else []
    lines.append(" " * table_width)
    lines.append("  " + "   ".join(header) + "  ")
    lines.append(" " + "─" * (table_width - 2) + " ")
    if any(columns[i].wrap for i, _ in shown):
        rows = _wrapped_rows(columns, texts, shown)
    else:
        cells = [_fit_column(texts[i], w, columns[i].justify) for i, w in shown]
        rows = map("   ".join, zip(*cells, strict=True))
    lines.extend([f"  {row}  " for row in rows])
    lines.append(" " * table_width)
    return "\n".join(lines) + "\n"


def _wrapped_rows(
    columns: Sequence[Column], texts: Sequence[Sequence[str]], shown: Sequence[tuple[int, int]]
) -> Iterator[str]:
    """The lines of the rows when some columns wrap, without their edges: a row is as tall as
    its tallest cell, the others are topped up with blank lines (Rich aligns cells at the
    top). Built a column at a time: each column's lines, row after row."""
    wrapped = {
        i: [_wrap(text, w, "left") for text in texts[i]] for i, w in shown if columns[i].wrap
    }
    heights = [
        max(sizes) for sizes in zip(*[map(len, cells) for cells in wrapped.values()], strict=True)
    ]
    tall = any(height > 1 for height in heights)
    lines: list[list[str]] = []
    for i, w in shown:
        blank = " " * w
        column: list[str] = []
        if i in wrapped:
            for cell, height in zip(wrapped[i], heights, strict=True):
                column += cell
                if len(cell) < height:
                    column += [blank] * (height - len(cell))
        else:
            column = _fit_column(texts[i], w, columns[i].justify)
            if tall:
                column = _topped_up(column, heights, blank)
        lines.append(column)
    return map("   ".join, zip(*lines, strict=True))


def _topped_up(cells: list[str], heights: Sequence[int], blank: str) -> list[str]:
    """One-line cells, each followed by the blank lines that make it as tall as its row."""
    column: list[str] = []
    for cell, height in zip(cells, heights, strict=True):
        column.append(cell)
        if height > 1:
            column += [blank] * (height - 1)
    return column


_TRAILING_SPACE = re.compile(r"\s+$")


def _ascii_lines(line: str, width: int, pad: bool) -> list[str] | None:
    """The lines Rich's `Text.wrap` breaks a line of printable ASCII into (one cell per
    character, words parted by spaces), each padded to `width` if `pad`; None when a word is
    longer than a line (Rich folds it; that is left to Rich).

    Rich (`divide_line`) puts a word on the line while its end (without the spaces after it)
    is within the width, spaces at the start of the text counting as the first word's: so
    each line ends before the word that the width cuts through, or after the spaces the
    width ends in. Then it drops the spaces that run past the width."""
    end = len(line)
    lines: list[str] = []
    start = 0
    first = end - len(line.lstrip(" "))  # where the first word's letters begin
    while start + width < end:
        limit = start + width
        if line[limit] == " ":
            if first >= limit:
                return None
            after = end - len(line[limit:].lstrip(" "))
            if after == end:  # only spaces after the width: they stay on this line
                break
        else:
            space = line.rfind(" ", first, limit)
            if space < 0:
                return None
            after = space + 1
        piece = line[start : min(after, limit)]
        lines.append(piece.ljust(width) if pad else piece)
        start = first = after
    piece = line[start : start + width]
    lines.append(piece.ljust(width) if pad else piece)
    return lines


def _wrap(text: str, width: int, justify: str) -> list[str]:
    """Rich's `Text.wrap` of plain text, folding words longer than a line: its lines, each
    padded to `width` when `justify` is "left" (as in a table), as they are for "default"."""
    if len(text) <= width and text.isascii() and text.isprintable():  # one line, as it is
        return [text.ljust(width) if justify == "left" else text]
    lines: list[str] = []
    pad = justify == "left"
    for line in text.split("\n"):
        # The usual text: one cell per character.
        ascii_lines = (
            _ascii_lines(line, width, pad) if line.isascii() and line.isprintable() else None
        )
        lines.extend(_rich_wrap(line, width, justify) if ascii_lines is None else ascii_lines)
    return lines


def _rich_wrap(line: str, width: int, justify: str) -> list[str]:
    """`_wrap` of one line with Rich's functions: any text, words too long for a line."""
    from rich._wrap import divide_line
    from rich.cells import cell_len, set_cell_size

    lines: list[str] = []
    bounds = [0, *divide_line(line, width, fold=True), len(line)]
    for start, end in itertools.pairwise(bounds):
        piece = line[start:end]
        if len(piece) > width:  # Text.rstrip_end: spaces beyond the width go
            trailing = _TRAILING_SPACE.search(piece)
            if trailing is not None:
                piece = piece[: len(piece) - min(len(trailing.group(0)), len(piece) - width)]
        size = cell_len(piece)
        if size > width:  # Text.truncate, overflow "fold"
            piece = set_cell_size(piece, width)
        elif justify == "left" and size < width:
            piece += " " * (width - size)
        lines.append(piece)
    return lines


def _fit_column(texts: Sequence[str], width: int, justify: str) -> list[str]:
    """Each text of a column as `_fit` makes it, ASCII (the usual case) in bulk."""
    cut = width - 1
    if justify == "right":
        return [
            (text.rstrip().rjust(width) if len(text) <= width else _fit(text, width, justify))
            if text.isascii()
            else _fit(text, width, justify)
            for text in texts
        ]
    return [
        (text.ljust(width) if len(text) <= width else text[:cut] + "…")
        if text.isascii()
        else _fit(text, width, justify)
        for text in texts
    ]


def _fit(text: str, width: int, justify: str) -> str:
    """A cell's text as Rich shows it in `width` cells (the padding of one space each side
    comes on top). `column_texts` made sure that its widths add up."""
    if justify == "right":
        text = text.rstrip()
    if text.isascii():  # one cell per character
        if len(text) > width:
            text = text[: width - 1] + "…"
        return text.ljust(width) if justify == "left" else text.rjust(width)
    from rich.cells import cell_len, set_cell_size

    size = cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - size)
    return text + padding if justify == "left" else padding + text


def fields(title: str, rows: Sequence[tuple[str, str]], width: int) -> str | None:
    """A bold title line, then labels and values in two columns two spaces apart (a Rich
    grid), as Rich writes them; None when a value would wrap or only Rich can draw it."""
    from rich.cells import cell_len

    labels = [label for label, _ in rows]
    values = [safe(value) for _, value in rows]
    if not rows or _RICH_ONLY.search(" ".join([title, *labels, *values])):
        return None
    label_width = max(cell_len(label) for label in labels)
    value_width = max(cell_len(value) for value in values) or 1  # Rich: a width of 0 is 1
    if label_width + 2 + value_width > width:  # Rich would share out the width and wrap
        return None
    lines = _wrap(title, width, "default")
    for label, value in zip(labels, values, strict=True):
        shown = _wrap(value, value_width, "left")  # the value column wraps (it fits, though)
        if len(shown) != 1:
            return None
        lines.append(_fit(label, label_width, "left") + "  " + shown[0])
    return "\n".join(lines) + "\n"


def block(heading: str, body: str, width: int) -> str | None:
    """A bold heading, then text broken into lines as Rich breaks it (`body` is `safe`)."""
    if _RICH_ONLY.search((heading + " " + body).replace("\n", " ")):
        return None
    return "\n".join(_wrap(heading, width, "default") + _wrap(body, width, "default")) + "\n"
