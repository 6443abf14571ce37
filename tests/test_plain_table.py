"""The plain table writer draws exactly what Rich draws without colour (or hands the table back
to Rich), on arbitrary cells, columns and widths."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclog.render import plaintable
from svclog.render.view import Cell, Column, Detail, Section, Segments, Styled
from svclog.render.writers import (
    Terminal,
    _plain_detail,
    _plain_table,
    _print_table,
    _rich_detail,
    console_for,
)

#: Characters that make cell widths interesting: wide (CJK, emoji), zero-width (combining
#: marks), ambiguous, controls, markup; and, rarer, what Rich does not keep on one line (tabs,
#: newlines, separators) or measures in context (joiners, variation selectors).
TRICKY = [
    *["a", "Z", "0", "~", "·", "—", "…", "é", "e\u0301", "\u00a0", "漢", "字", "ｗ", "😀"],
    *["👍🏽", "\u200b", "\u3000", "\r", "\x1b", "\x07", "\x9b", "\u202e", "[b]", ":smile:"],
    *["abc", "Lighthouse", " ", "  "],
]
BREAKING = ["\t", "\n", "\u2028", "\u2029", "👩\u200d💻", "\u2764\ufe0f", "\u200d", "\ufe0f"]

one_line = st.lists(
    st.one_of(
        st.sampled_from(TRICKY),
        st.characters(codec="utf-8", exclude_characters="\t\n\u2028\u2029\u200d\ufe0f"),
    ),
    max_size=12,
).map("".join)
breaking = st.lists(st.sampled_from(TRICKY + BREAKING), min_size=1, max_size=6).map("".join)
texts = st.integers(0, 19).flatmap(lambda n: breaking if n == 19 else one_line)
styled = st.builds(Styled, texts, st.sampled_from(["red", "bold yellow", "dim"]))
bars = st.builds(
    lambda parts: Segments(tuple(Styled(p, "green") for p in parts)), st.lists(texts, max_size=2)
)
#: Mostly plain text and styled text; now and then nothing, or a chart's bar (left to Rich).
cells: st.SearchStrategy[Cell] = st.integers(0, 39).flatmap(
    lambda n: st.none() if n < 6 else bars if n == 39 else styled if n < 18 else texts
)
columns = st.builds(
    Column,
    header=st.sampled_from(["ID", "When", "Business", "Summary", "Status", "Enc.", "★"]),
    justify=st.sampled_from(["left", "right"]),
    min_width=st.one_of(st.none(), st.integers(1, 20)),
    ratio=st.one_of(st.none(), st.integers(1, 4)),
    wrap=st.sampled_from([False, False, False, True]),
    optional=st.booleans(),
)


def rich_text(title: str, cols: list[Column], rows: list[list[Cell]], width: int) -> str:
    out = io.StringIO()
    _print_table(console_for(out, Terminal(width=width)), title, cols, rows)
    return out.getvalue()


def plain_text(title: str, cols: list[Column], rows: list[list[Cell]], width: int) -> str | None:
    out = io.StringIO()
    drawn = _plain_table(title, cols, rows, out, Terminal(width=width))
    return out.getvalue() if drawn else None


@st.composite
def tables(draw: Any) -> tuple[str, list[Column], list[list[Cell]], int]:
    cols = draw(st.lists(columns, min_size=1, max_size=7))
    rows = draw(st.lists(st.lists(cells, min_size=len(cols), max_size=len(cols)), max_size=6))
    title = draw(st.one_of(st.sampled_from(["Encounters", "Encounters matching cold"]), texts))
    return title, cols, rows, draw(st.one_of(st.integers(8, 60), st.integers(60, 250)))


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_plain_tables_are_rich_tables(
    table: tuple[str, list[Column], list[list[Cell]], int],
) -> None:
    title, cols, rows, width = table
    if not rows:
        return
    plain = plain_text(title, cols, rows, width)
    if plain is not None:
        assert plain == rich_text(title, cols, rows, width)


words = st.text(alphabet=st.sampled_from(list("abc xyz—·…é漢😀")), max_size=25)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 9_999_999), words, words, words), min_size=1, max_size=10),
    st.integers(45, 160),
)
def test_listing_shaped_tables_are_drawn_plainly(
    rows: list[tuple[int, str, str, str]], width: int
) -> None:
    """What svclog's listings hold (one-line text, single and double width) takes the plain
    path whenever the table fits, and comes out as Rich draws it."""
    cols = [
        Column("ID", justify="right"),
        Column("Business", ratio=2, min_width=10),
        Column("Summary", ratio=4, min_width=12),
        Column("Status", optional=True),
    ]
    cells: list[list[Cell]] = [[str(number), *texts] for number, *texts in rows]
    plain = plain_text("Encounters", cols, cells, width)
    assert plain is not None
    assert plain == rich_text("Encounters", cols, cells, width)


def test_a_cell_on_several_lines_is_left_to_rich() -> None:
    cols = [Column("ID"), Column("Note")]
    assert plain_text("T", cols, [["1", "two\nlines"]], 80) is None
    assert plain_text("T", cols, [["1", "a\ttab"]], 80) is None
    assert plain_text("T", cols, [["1", "x" * 200]], 20) is None  # does not fit: Rich shrinks it
    bar = Segments((Styled("███", "green"), Styled("░", "red")))  # Rich measures each piece
    assert plain_text("T", cols, [["1", bar]], 80) is None
    assert plain_text("T", cols, [["1", "coder 👩\u200d💻"]], 80) is None  # measured in context
    assert plain_text("T", cols, [["1", "\u2764\ufe0f"]], 80) is None


def test_a_wrapped_column_is_drawn_plainly() -> None:
    cols = [Column("When"), Column("Details", ratio=1, min_width=8, wrap=True), Column("X")]
    rows: list[list[Cell]] = [
        ["2026-11-21", "manager · quality 4 (good) · sincere apology · listened, fixed", "a"],
        ["2026-11-22", "averyveryverylongwordthatmustbefolded and more   ", "b"],
        ["2026-11-23", "short", "c"],
    ]
    for width in (30, 41, 60, 120):
        plain = plain_text("Timeline", cols, rows, width)
        assert plain is not None
        assert plain == rich_text("Timeline", cols, rows, width)
    assert plain_text("Timeline", cols, rows, 30).count("\n") > 10  # wrapped onto lines


#: ASCII text as reports hold it: words of every length, runs of spaces, words too long for a line.
ascii_text = st.lists(
    st.sampled_from(["a", "to", "the", "undecided", "Lighthouse,", " ", "  ", "x" * 30, "-"]),
    max_size=16,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(ascii_text, st.integers(1, 40))
def test_ascii_lines_break_where_rich_breaks_them(line: str, width: int) -> None:
    from rich._wrap import divide_line

    for pad, justify in ((False, "default"), (True, "left")):
        found = plaintable._ascii_lines(line, width, pad)
        if found is not None:  # None: a word (with the spaces that begin the line) is too long
            assert found == plaintable._rich_wrap(line, width, justify)
            assert len(found) == len(divide_line(line, width, fold=True)) + 1
        if all(len(word) <= width for word in line.split()) and not line.startswith(" "):
            assert found is not None
    for justify in ("left", "default"):  # the ASCII lines, as Rich's functions make them
        assert plaintable._wrap(line, width, justify) == plaintable._rich_wrap(line, width, justify)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ascii_text, ascii_text), min_size=1, max_size=8), st.integers(30, 120))
def test_a_wrapped_ascii_column_is_drawn_as_rich_draws_it(
    rows: list[tuple[str, str]], width: int
) -> None:
    """The loyalty report's shape: a short column, and a reason column that wraps."""
    cols = [Column("Business", ratio=1, min_width=8), Column("Reason", ratio=2, wrap=True)]
    cells: list[list[Cell]] = [[name, reason] for name, reason in rows]
    plain = plain_text("Loyalty", cols, cells, width)
    if plain is not None:
        assert plain == rich_text("Loyalty", cols, cells, width)


def test_accents_and_wide_characters_are_drawn_plainly() -> None:
    cols = [Column("ID", justify="right"), Column("Business", ratio=1, min_width=4)]
    rows: list[list[Cell]] = [["1", "Élan Bistro"], ["22", "寿司 Sushi-Ya Tokyo"], ["3", "x"]]
    for width in (25, 27, 80):  # truncated (…), cut inside a wide character, whole
        plain = plain_text("Encounters matching café", cols, rows, width)
        assert plain is not None
        assert plain == rich_text("Encounters matching café", cols, rows, width)


def test_hostile_text_is_neutralised_as_rich_shows_it() -> None:
    cols = [Column("ID"), Column("Summary")]
    rows: list[list[Cell]] = [["1", "pay \x1b]52;c;ZXZpbA==\x07 now \u202eevil"], ["2", "[b]x[/b]"]]
    plain = plain_text("Encounters", cols, rows, 80)
    assert plain is not None
    assert "\x1b" not in plain
    assert "\u202e" not in plain
    assert "[b]x[/b]" in plain
    assert plain == rich_text("Encounters", cols, rows, 80)


@pytest.mark.parametrize("columns_env", ["33", "150"])
def test_the_width_is_the_one_rich_takes(monkeypatch: pytest.MonkeyPatch, columns_env: str) -> None:
    from rich.console import Console

    monkeypatch.setenv("COLUMNS", columns_env)
    assert plaintable.console_width(None) == Console(file=io.StringIO()).width
    assert plaintable.console_width(55) == 55
    monkeypatch.delenv("COLUMNS")
    expected = Console(file=io.StringIO(), force_terminal=False).width
    assert plaintable.console_width(None) == expected
    assert os.environ.get("COLUMNS") is None


def test_a_stream_that_is_not_utf8_is_left_to_rich() -> None:
    class Latin1(io.StringIO):
        encoding = "latin-1"

    assert not plaintable.usable(Latin1())
    assert plaintable.usable(io.StringIO())


# ----------------------------------------------------------------------------- show's view


def rich_detail_text(detail: Detail[Any], width: int) -> str:
    out = io.StringIO()
    _rich_detail(detail, None, out, Terminal(width=width))
    return out.getvalue()


def plain_detail_text(detail: Detail[Any], width: int) -> str | None:
    out = io.StringIO()
    return out.getvalue() if _plain_detail(detail, None, out, Terminal(width=width)) else None


labels = st.sampled_from(["Business", "When", "Summary", "Complained at", "First response", "uid"])
long_texts = st.lists(st.one_of(one_line, st.sampled_from(["\n", "  ", "word "])), max_size=30).map(
    "".join
)


@st.composite
def details(draw: Any) -> tuple[Detail[Any], int]:
    title = draw(texts)
    fields = draw(st.lists(st.tuples(labels, cells), min_size=1, max_size=8))
    blocks = draw(st.lists(st.tuples(st.sampled_from(["Note"]), long_texts), max_size=2))
    section_columns = [
        Column("When", min_width=16),
        Column("Ref"),
        Column("Event"),
        Column("Details", ratio=1, min_width=20, wrap=True),
    ]
    rows = draw(st.lists(st.lists(cells, min_size=4, max_size=4), max_size=4))
    sections = [Section("Timeline", section_columns, rows)] if draw(st.booleans()) else []
    detail: Detail[Any] = Detail(
        fields=lambda item: fields,
        record=lambda item: {},
        flat_header=(),
        flat=lambda item: (),
        title=lambda item: title,
        blocks=lambda item: blocks,
        sections=lambda item: sections,
    )
    return detail, draw(st.one_of(st.integers(20, 70), st.integers(70, 200)))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(details())
def test_plain_details_are_rich_details(case: tuple[Detail[Any], int]) -> None:
    detail, width = case
    plain = plain_detail_text(detail, width)
    if plain is not None:
        assert plain == rich_detail_text(detail, width)


def test_an_encounter_is_shown_plainly_as_rich_shows_it() -> None:
    from svclog.render.encounters import Timing
    from svclog.render.encounters import detail as encounter_detail
    from tests.test_render import encounter

    note = "Kept the reference number. Wrote it down while it was fresh.\n\nPrice was €12.50 " * 3
    shown = encounter(7, note=note, summary="Meal late and cold", failure=True, severity=3)
    view = encounter_detail(
        Timing(timedelta(hours=48), datetime(2026, 11, 22, tzinfo=timezone.utc))
    )
    for width in (60, 80, 120):
        out = io.StringIO()
        assert _plain_detail(view, shown, out, Terminal(width=width))
        rich = io.StringIO()
        _rich_detail(view, shown, rich, Terminal(width=width))
        assert out.getvalue() == rich.getvalue()
