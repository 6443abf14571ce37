"""The render layer on fixed objects: sanitising, and every writer on encounters built here."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svclog.core.models import BusinessRef, Encounter
from svclog.core.vocabulary import Dimension, EncounterStatus
from svclog.render.encounters import FLAT_HEADER, Timing, detail, listing, record
from svclog.render.formats import Format
from svclog.render.sanitize import safe, safe_line
from svclog.render.writers import Terminal, write_many, write_one
from tests.conftest import ENCOUNTER_FIELDS

PARIS = timezone(timedelta(hours=1))
PIPE = Terminal(is_terminal=False)
TTY = Terminal(is_terminal=True)
TTY_COLOR = Terminal(is_terminal=True, color=True)

#: What a hostile summary can hold: an OSC 52 clipboard write, a colour change, a CSI from the
#: C1 range, DEL, a right-to-left override and an isolate.
HOSTILE = (
    "pay \x1b]52;c;ZXZpbA==\x07 now \x1b[31mred\x1b[0m \x9b2J \x7f \u202eevil\u202c \u2066x\u2069"
)
CONTROLS = ["\x1b", "\x07", "\x9b", "\x7f", "\u202e", "\u202c", "\u2066", "\u2069"]


def encounter(number: int = 1, **fields: Any) -> Encounter:
    base = Encounter(
        id=number,
        uid=f"01M81TKXJ078R01R22E3X8E{number:03d}",
        business=BusinessRef(number, f"Business {number}", "restaurant"),
        occurred_at=datetime(2026, 11, 21, 19, 0, tzinfo=PARIS) - timedelta(days=number),
        channel="in_person",
        summary=f"summary {number}",
        note=None,
        failure=False,
        severity=None,
        issue=None,
        dimension=None,
        complained=False,
        complained_at=None,
        client=None,
        tags=(),
        status=EncounterStatus.RESOLVED,
        timely=None,
        disputed=None,
        created_at=datetime(2026, 11, 22, 14, 30, tzinfo=timezone.utc),
        updated_at=datetime(2026, 11, 22, 14, 30, tzinfo=timezone.utc),
    )
    return base._replace(**fields)


FAILURE = encounter(
    2,
    business=BusinessRef(2, "Smokey's [b]BBQ[/b]", None),
    summary="Meal late | cold *again* [see note]",
    note='Server poured iced tea over the cola.\r\nManager: "invalid"\n\tthen left',
    failure=True,
    severity=3,
    issue="wait time",
    dimension=Dimension.RESPONSIVENESS,
    complained=True,
    complained_at=datetime(2026, 11, 20, 21, 15, tzinfo=timezone(timedelta(hours=-5))),
    client="ACME, Inc.",
    tags=("dinner", "kids"),
    status=EncounterStatus.OPEN,
    timely=False,
    disputed=True,
)
HOSTILE_ONE = encounter(
    3,
    business=BusinessRef(3, "Evil\x1b[2J Corp \u202eplh", None),
    summary=HOSTILE,
    note=f"first line\n{HOSTILE}\nlast line",
    issue="\x9b31m",
    client="\u2066client\u2069",
    tags=("x\x1b[1m",),
)
ITEMS = [encounter(1), FAILURE, HOSTILE_ONE]
TIMING = Timing(timedelta(hours=48), datetime(2026, 11, 22, 15, 30, tzinfo=timezone.utc))
VIEW = listing("Encounters", TIMING)
DETAIL = detail(TIMING)


def many(fmt: Format, items: list[Encounter], term: Terminal = PIPE) -> tuple[str, int]:
    out = io.StringIO()
    count = write_many(VIEW, items, fmt, out, term)
    return out.getvalue(), count


def one(fmt: Format, item: Encounter, term: Terminal = PIPE) -> str:
    out = io.StringIO()
    write_one(DETAIL, item, fmt, out, term)
    return out.getvalue()


def without_sgr(text: str) -> str:
    """Rich's own colour codes removed, so only what came from user text is left."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# ----------------------------------------------------------------------------- sanitize


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1bb", "a\\x1bb"),
        ("bell\x07", "bell\\x07"),
        ("\x00nul", "\\x00nul"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("c1 \x85 next line", "c1 \\x85 next line"),
        ("del\x7f", "del\\x7f"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2066iso\u2069", "\\u2066iso\\u2069"),
        ("bom\ufeff", "bom\\ufeff"),
        ("carriage\rreturn", "carriage\\x0dreturn"),
        ("vertical\x0btab", "vertical\\x0btab"),
    ],
)
def test_safe_makes_controls_visible(raw: str, shown: str) -> None:
    assert safe(raw) == shown
    assert safe_line(raw) == shown


def test_safe_keeps_newlines_and_tabs() -> None:
    assert safe("one\ntwo\tthree") == "one\ntwo\tthree"


def test_safe_line_makes_newlines_and_tabs_visible() -> None:
    assert safe_line("one\ntwo\tthree") == "one\\x0atwo\\x09three"
    assert safe_line("a\u2028b\u2029c") == "a\\u2028b\\u2029c"


@pytest.mark.parametrize(
    "text",
    ["plain", "[b]x[/b] [/] [link=x]y[/link]", ":smile:", "مرحبا", "😀 café", "=1+1", "100%"],
)
def test_safe_leaves_ordinary_text_alone(text: str) -> None:
    assert safe(text) == text
    assert safe_line(text) == text


BIDI_AND_MARKS = {"\u061c", "\u200e", "\u200f", "\ufeff"}
BIDI_AND_MARKS |= {chr(code) for code in range(0x202A, 0x202F)}
BIDI_AND_MARKS |= {chr(code) for code in range(0x2066, 0x206A)}


def _unsafe(char: str, *, line: bool) -> bool:
    """Whether `char` must not reach a terminal (on one line, if `line`)."""
    if char in "\n\t\u2028\u2029":
        return line
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or char in BIDI_AND_MARKS


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_safe_output_never_holds_a_control(text: str) -> None:
    assert not any(_unsafe(c, line=False) for c in safe(text))
    assert not any(_unsafe(c, line=True) for c in safe_line(text))


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_safe_only_touches_controls(text: str) -> None:
    if not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        assert safe(text) == text


# ----------------------------------------------------------------------------- json


def test_json_is_one_array_of_records() -> None:
    output, count = many(Format.JSON, ITEMS)
    assert count == 3
    data = json.loads(output)
    assert isinstance(data, list)
    assert data == [json.loads(json.dumps(record(item, TIMING))) for item in ITEMS]
    assert [d["id"] for d in data] == [1, 2, 3]


def test_json_of_nothing_is_an_empty_array() -> None:
    output, count = many(Format.JSON, [])
    assert count == 0
    assert json.loads(output) == []


def test_json_record_has_the_documented_shape() -> None:
    data = json.loads(many(Format.JSON, [FAILURE])[0])[0]
    assert list(data) == list(ENCOUNTER_FIELDS)
    assert data["business"] == {"name": "Smokey's [b]BBQ[/b]", "category": None}
    assert data["occurred_at"] == "2026-11-19T19:00:00+01:00"
    assert data["complained_at"] == "2026-11-20T21:15:00-05:00"
    assert data["failure"] is True
    assert data["timely"] is False
    assert data["disputed"] is True
    assert data["tags"] == ["dinner", "kids"]
    assert data["dimension"] == "responsiveness"
    assert data["status"] == "open"
    assert data["outcome"] is None


def test_json_in_a_pipe_is_exact() -> None:
    data = json.loads(many(Format.JSON, [HOSTILE_ONE])[0])[0]
    assert data["summary"] == HOSTILE
    assert data["note"] == HOSTILE_ONE.note
    assert data["business"]["name"] == HOSTILE_ONE.business.name
    assert data["client"] == "\u2066client\u2069"
    assert data["issue"] == "\x9b31m"
    single = json.loads(one(Format.JSON, HOSTILE_ONE))
    assert single["summary"] == HOSTILE
    assert single == data


def test_show_json_is_one_object() -> None:
    data = json.loads(one(Format.JSON, FAILURE))
    assert isinstance(data, dict)
    assert data == json.loads(json.dumps(record(FAILURE, TIMING)))


@pytest.mark.parametrize("fmt", [Format.JSON, Format.NDJSON])
def test_json_on_a_terminal_shows_controls_as_visible_text(fmt: Format) -> None:
    output = many(fmt, [HOSTILE_ONE], TTY)[0] + one(fmt, HOSTILE_ONE, TTY)
    for char in CONTROLS:
        assert char not in output
    assert "\\u202e" in output
    assert "\\x9b" in output or "\\u009b" in output


@pytest.mark.parametrize("fmt", [Format.JSON, Format.NDJSON])
def test_json_on_a_terminal_is_still_json(fmt: Format) -> None:
    """What a terminal shows must still parse as the documented JSON document."""
    expected = json.loads(json.dumps(record(HOSTILE_ONE, TIMING)))
    lines = many(fmt, [HOSTILE_ONE], TTY)[0]
    if fmt is Format.JSON:
        assert json.loads(lines) == [expected]
    else:
        assert [json.loads(line) for line in lines.splitlines()] == [expected]
    assert json.loads(one(fmt, HOSTILE_ONE, TTY)) == expected


# ----------------------------------------------------------------------------- ndjson


def test_ndjson_is_one_object_per_line() -> None:
    output, count = many(Format.NDJSON, ITEMS)
    assert count == 3
    assert output.endswith("\n")
    lines = output.split("\n")[:-1]
    assert len(lines) == 3
    assert [json.loads(line) for line in lines] == [
        json.loads(json.dumps(record(item, TIMING))) for item in ITEMS
    ]


def test_ndjson_of_one_is_one_line() -> None:
    output = one(Format.NDJSON, FAILURE)
    assert output.count("\n") == 1
    assert json.loads(output)["note"] == FAILURE.note


def test_ndjson_of_nothing_is_empty() -> None:
    assert many(Format.NDJSON, []) == ("", 0)


# ----------------------------------------------------------------------------- csv


def test_csv_has_a_header_and_one_row_per_encounter() -> None:
    output, count = many(Format.CSV, ITEMS)
    assert count == 3
    rows = list(csv.reader(io.StringIO(output)))
    assert rows[0] == list(FLAT_HEADER)
    assert len(rows) == 4
    assert all(len(row) == len(FLAT_HEADER) for row in rows)
    assert [row[0] for row in rows[1:]] == ["1", "2", "3"]


def test_csv_booleans_are_true_false_and_null_is_empty() -> None:
    output, _ = many(Format.CSV, [encounter(1), FAILURE])
    rows = [
        dict(zip(FLAT_HEADER, row, strict=True))
        for row in list(csv.reader(io.StringIO(output)))[1:]
    ]
    plain, failure = rows
    assert (plain["failure"], plain["complained"]) == ("false", "false")
    assert (plain["timely"], plain["disputed"], plain["severity"]) == ("", "", "")
    assert (plain["note"], plain["issue"], plain["complained_at"], plain["client"]) == ("",) * 4
    assert (failure["failure"], failure["complained"]) == ("true", "true")
    assert (failure["timely"], failure["disputed"]) == ("false", "true")
    assert failure["severity"] == "3"
    assert failure["tags"] == "dinner,kids"
    assert failure["business"] == "Smokey's [b]BBQ[/b]"
    assert failure["category"] == ""
    assert failure["client"] == "ACME, Inc."
    assert failure["occurred_at"] == "2026-11-19T19:00:00+01:00"


def test_csv_in_a_pipe_is_exact() -> None:
    output, _ = many(Format.CSV, [FAILURE, HOSTILE_ONE])
    rows = [
        dict(zip(FLAT_HEADER, row, strict=True))
        for row in list(csv.reader(io.StringIO(output)))[1:]
    ]
    assert rows[0]["note"] == FAILURE.note
    assert rows[0]["summary"] == FAILURE.summary
    assert rows[1]["summary"] == HOSTILE
    assert rows[1]["note"] == HOSTILE_ONE.note
    assert rows[1]["business"] == HOSTILE_ONE.business.name


def test_csv_on_a_terminal_shows_controls_as_visible_text() -> None:
    output = many(Format.CSV, [HOSTILE_ONE], TTY)[0] + one(Format.CSV, HOSTILE_ONE, TTY)
    for char in CONTROLS:
        assert char not in output
    rows = list(csv.reader(io.StringIO(many(Format.CSV, [HOSTILE_ONE], TTY)[0])))
    row = dict(zip(FLAT_HEADER, rows[1], strict=True))
    assert row["summary"] == safe(HOSTILE)
    assert row["note"] == safe(HOSTILE_ONE.note or "")
    assert "\n" in row["note"]


def test_show_csv_is_a_header_and_one_row() -> None:
    rows = list(csv.reader(io.StringIO(one(Format.CSV, FAILURE))))
    assert rows[0] == list(FLAT_HEADER)
    assert len(rows) == 2
    assert dict(zip(FLAT_HEADER, rows[1], strict=True))["note"] == FAILURE.note


# ----------------------------------------------------------------------------- markdown


def _md_cells(line: str) -> list[str]:
    """The cells of a Markdown table row, splitting on pipes that are not escaped."""
    assert line.startswith("| ")
    assert line.endswith(" |")
    return re.split(r"(?<!\\) \| ", line[2:-2])


def test_md_table_has_one_row_per_encounter_with_the_right_cell_count() -> None:
    output, count = many(Format.MD, ITEMS)
    assert count == 3
    lines = output.splitlines()
    assert len(lines) == 2 + 3
    widths = {len(_md_cells(line)) for line in lines}
    assert widths == {len(VIEW.columns)}


def test_md_escapes_pipes_brackets_and_stars() -> None:
    output, _ = many(Format.MD, [FAILURE])
    row = _md_cells(output.splitlines()[2])
    assert "Meal late \\| cold \\*again\\* \\[see note\\]" in row
    assert "Smokey's \\[b\\]BBQ\\[/b\\]" in row


def test_md_neutralises_controls() -> None:
    output = many(Format.MD, [HOSTILE_ONE])[0] + one(Format.MD, HOSTILE_ONE)
    for char in CONTROLS:
        assert char not in output
    assert "\\x1b" in output
    assert "\\u202e" in output
    assert "\\x9b" in output


def test_md_detail_has_fields_and_the_note_as_a_block() -> None:
    output = one(Format.MD, FAILURE)
    lines = output.splitlines()
    assert lines[0].startswith("## \\#2 · Smokey's \\[b\\]BBQ\\[/b\\]")
    assert "| Summary | Meal late \\| cold \\*again\\* \\[see note\\] |" in lines
    assert "| Tags | dinner, kids |" in lines
    assert "### Note" in lines
    note_at = lines.index("### Note")
    assert lines[note_at + 1] == ""
    assert lines[note_at + 2].startswith("Server poured iced tea over the cola.")
    assert lines[note_at + 3] == 'Manager: "invalid"'
    assert lines[note_at + 4].endswith("then left")


def test_md_block_takes_a_windows_line_break_as_a_line_break() -> None:
    """`\r\n` in a note ends a line in Markdown, like `\n`; no stray `\x0d` is shown."""
    output = one(Format.MD, encounter(1, note="first\r\nsecond\nthird"))
    lines = output.splitlines()
    note_at = lines.index("### Note")
    assert lines[note_at + 2 : note_at + 6] == ["first", "second", "third", ""]
    assert lines[note_at + 6] == "### Timeline"


# ----------------------------------------------------------------------------- table


def test_table_shows_markup_and_emoji_codes_literally() -> None:
    item = encounter(
        1,
        business=BusinessRef(1, "[link=x]y[/link]", None),
        summary="[b]x[/b] :smile: [/] [red]z",
    )
    output, count = many(Format.TABLE, [item])
    assert count == 1
    assert "[b]x[/b]" in output
    assert ":smile:" in output
    assert "😄" not in output
    assert "[b]x[/b] :smile: [/] [red]z" in output
    assert "[link=x]y[/link]" in output


def test_table_detail_shows_markup_and_emoji_codes_literally() -> None:
    item = encounter(1, summary="[b]x[/b] :smile:", note="[/] :thumbs_up: [i]note[/i]")
    output = one(Format.TABLE, item)
    assert "[b]x[/b] :smile:" in output
    assert "[/] :thumbs_up: [i]note[/i]" in output
    assert "👍" not in output


@pytest.mark.parametrize("term", [PIPE, TTY], ids=["pipe", "terminal"])
def test_table_never_prints_a_raw_control(term: Terminal) -> None:
    output = many(Format.TABLE, [HOSTILE_ONE], term)[0] + one(Format.TABLE, HOSTILE_ONE, term)
    for char in CONTROLS:
        assert char not in output
    assert "\\x1b" in output
    assert "\\u202e" in output


def test_table_with_colour_prints_only_its_own_escapes() -> None:
    output = many(Format.TABLE, [HOSTILE_ONE, FAILURE], TTY_COLOR)[0]
    output += one(Format.TABLE, HOSTILE_ONE, TTY_COLOR)
    assert "\x1b[" in output  # colour is on
    rest = without_sgr(output)
    for char in CONTROLS:
        assert char not in rest
    assert "\\x1b]52" in rest


def test_table_without_colour_has_no_escape_at_all() -> None:
    output = many(Format.TABLE, [FAILURE], PIPE)[0] + one(Format.TABLE, FAILURE, PIPE)
    assert "\x1b" not in output
    assert "Smokey's [b]BBQ[/b]" in output


def test_table_of_nothing_writes_nothing() -> None:
    assert many(Format.TABLE, []) == ("", 0)


def test_table_detail_shows_the_whole_note() -> None:
    output = one(Format.TABLE, FAILURE)
    assert "Server poured iced tea over the cola." in output
    assert 'Manager: "invalid"' in output
    assert "then left" in output
