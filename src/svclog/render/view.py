"""The neutral shape every listing and record passes through on its way to a format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Styled:
    """A cell with a style for the terminal table (ignored by every other format)."""

    text: str
    style: str


@dataclass(frozen=True)
class Segments:
    """A cell of several styled pieces (a bar chart); plain formats join their text."""

    parts: tuple[Styled, ...]

    @property
    def text(self) -> str:
        return "".join(part.text for part in self.parts)


Cell = str | Styled | Segments | None


@dataclass(frozen=True)
class Column:
    """A table column. Cells stay on one line, cut with an ellipsis, unless `wrap`; an
    `optional` column is left out when the terminal is too narrow for every `min_width`."""

    header: str
    justify: str = "left"
    min_width: int | None = None
    ratio: int | None = None
    wrap: bool = False
    optional: bool = False

    @property
    def least_width(self) -> int:
        return max(self.min_width or 0, len(self.header))


Record = Mapping[str, Any]


@dataclass(frozen=True)
class View(Generic[T]):
    """How one kind of item is shown: as table cells, as a JSON record, as a flat CSV row."""

    title: str
    columns: Sequence[Column]
    cells: Callable[[T], Sequence[Cell]]
    record: Callable[[T], Record]
    flat_header: Sequence[str]
    flat: Callable[[T], Sequence[Any]]
    empty_message: str = "nothing to show"


@dataclass(frozen=True)
class Section:
    """A titled table inside a detail view (an encounter's timeline)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Detail(Generic[T]):
    """How one item is shown on its own (`show`): labelled fields, blocks of long text, then
    titled tables."""

    fields: Callable[[T], Sequence[tuple[str, Cell]]]
    record: Callable[[T], Record]
    flat_header: Sequence[str]
    flat: Callable[[T], Sequence[Any]]
    title: Callable[[T], str]
    blocks: Callable[[T], Sequence[tuple[str, str]]] = lambda item: ()
    sections: Callable[[T], Sequence[Section]] = lambda item: ()
