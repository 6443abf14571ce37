"""Properties (reliability.md promise 5, scenario 9): export → import into an empty journal →
export is byte-identical, in every format, for any text svclog stores — Unicode, `\\r\\n`,
quotes, a leading `=`, leading zeros, a 200,000-character note — with a whole timeline and an
explicitly set `timely`."""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import cli


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- strategies

#: Text a spreadsheet or a CSV/JSON writer could get wrong.
TRICKY = (
    "=SUM(A1:A9)",
    "=1+1",
    "+33 1 23 45 67 89",
    "-12",
    "@admin",
    "007",
    "0012.50",
    "'quoted'",
    '"double" quotes',
    'a "b", c',
    "comma, inside",
    "tab\tinside",
    "emoji 🍕🌮 and RTL שלום مرحبا",
    "\u202eevil override",
    "[b]not markup[/b] :smile:",
    "NULL",
    "true",
    "",
)
TRICKY_NOTES = (
    *TRICKY,
    "line one\r\nline two\r\n",
    "\r\n",
    "lf\nonly",
    "cr\ronly",
    "\tleading tab",
    "\rleading cr",
    "  surrounding blanks  ",
    "\u2028line separator\u2029paragraph",
    "\x1b]52;c;aGk=\x07 escape",
)

#: Any character svclog must store: everything but NUL and lone surrogates.
STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
ONE_LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r")


def _trimmed(value: str) -> bool:
    return value == value.strip()


def _one_line(value: str) -> bool:
    return "\n" not in value and "\r" not in value and _trimmed(value)


one_line_text = st.one_of(
    st.sampled_from([t for t in TRICKY if _one_line(t)]),
    st.text(ONE_LINE, max_size=40).filter(_trimmed),
)
name_text = st.one_of(
    st.sampled_from([t for t in TRICKY if _one_line(t) and t]),
    st.text(ONE_LINE, min_size=1, max_size=40).filter(lambda v: _trimmed(v) and v != ""),
)
tag_text = st.one_of(
    st.sampled_from(["=tag", "007", "café", "🍕"]),
    st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r,"),
        min_size=1,
        max_size=20,
    ).filter(lambda v: _trimmed(v) and v != ""),
)
note_text = st.one_of(
    st.sampled_from(TRICKY_NOTES),
    st.text(STORABLE, max_size=200),
    st.lists(st.sampled_from(TRICKY_NOTES), min_size=2, max_size=5).map("".join),
)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
#: Encounters between 1971 and 2026-11-19, so that a timeline a day later is still past.
moments = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2026, 11, 19, 23, 59, 59)),
    offsets,
).map(lambda moment: moment.replace(microsecond=0))


@dataclass(frozen=True)
class Timeline:
    response: tuple[str, str, str] | None  # by, quality, note
    remedy: tuple[str, str, str] | None  # type, value, note
    followup: tuple[str, str] | None  # direction, note
    outcome: tuple[bool | None, int, int, str] | None  # returned, recommend, told, review
    timely: bool | None  # set explicitly, or left to be derived
    failure: bool


timelines = st.builds(
    Timeline,
    response=st.none()
    | st.tuples(
        st.sampled_from(["frontline", "manager", "senior", "owner", "corporate", "automated"]),
        st.sampled_from(["1", "2", "3", "4", "5", "hostile", "exemplary"]),
        note_text,
    ),
    remedy=st.none()
    | st.tuples(
        st.sampled_from(["refund", "voucher", "free_item", "discount", "credit", "other"]),
        st.sampled_from(["12.50", "007", "0.10", "100", "42.5", ""]),
        note_text,
    ),
    followup=st.none() | st.tuples(st.sampled_from(["me", "them"]), note_text),
    outcome=st.none()
    | st.tuples(
        st.sampled_from([True, False, None]),
        st.integers(min_value=0, max_value=10),
        st.integers(min_value=0, max_value=1000),
        one_line_text,
    ),
    timely=st.sampled_from([None, True, False]),
    failure=st.booleans(),
)


@dataclass(frozen=True)
class Case:
    business: str
    summary: str
    note: str
    issue: str
    client: str
    tag: str
    when: datetime
    timeline: Timeline


cases = st.builds(
    Case,
    business=name_text,
    summary=one_line_text,
    note=note_text,
    issue=one_line_text,
    client=one_line_text,
    tag=tag_text,
    when=moments,
    timeline=timelines,
)


# ----------------------------------------------------------------------------- helpers

_numbers = itertools.count()


def run(db: Path, *args: str) -> str:
    result = cli(*args, "--db", str(db))
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def record_case(db: Path, case: Case) -> None:
    """Record `case` in journal `db` through the CLI: options as `--name=value` and `--`
    before the positionals, so that text starting with `-` is never taken for an option."""
    t = case.timeline
    options = [
        f"--note={case.note}",
        f"--issue={case.issue}",
        f"--client={case.client}",
        f"--tag={case.tag}",
        f"--when={case.when.isoformat()}",
    ]
    if t.failure:
        options += ["--failure", "--severity=3"]
    added = cli("add", "--quiet", *options, "--db", str(db), "--", case.business, case.summary)
    assert added.exit_code == 0, added.stderr
    encounter = added.stdout.strip()
    assert encounter == "1"

    def at(hours: float) -> str:
        return f"--when={(case.when + timedelta(hours=hours)).isoformat()}"

    if t.response is not None:
        by, quality, note = t.response
        run(db, "respond", encounter, f"--by={by}", f"--quality={quality}", f"--note={note}",
            "--apology=sincere", "--listened", at(1))  # fmt: skip
    if t.remedy is not None:
        kind, value, note = t.remedy
        money = [f"--value={value}", "--currency=EUR"] if value else []
        run(db, "remedy", encounter, kind, *money, f"--note={note}", at(2))
    if t.followup is not None:
        direction, note = t.followup
        run(db, "followup", encounter, f"--by={direction}", "--channel=phone", f"--note={note}",
            at(3))  # fmt: skip
    if t.outcome is not None:
        returned, recommend, told, review = t.outcome
        flags = [] if returned is None else ["--returned" if returned else "--not-returned"]
        run(db, "outcome", encounter, *flags, f"--recommend={recommend}", f"--told={told}",
            f"--review={review}", at(24))  # fmt: skip
    if t.timely is not None:
        run(db, "edit", encounter, "--timely" if t.timely else "--not-timely")


def export_to(db: Path, fmt: str, target: Path) -> bytes:
    result = cli("export", "--format", fmt, "--output", str(target), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return target.read_bytes()


def parse(fmt: str, data: bytes) -> list[dict[str, Any]]:
    """The exported records: JSON objects, or CSV rows (with `note` etc. as text)."""
    text = data.decode("utf-8")
    if fmt == "json":
        parsed: list[dict[str, Any]] = json.loads(text)
        return parsed
    if fmt == "ndjson":
        return [json.loads(line) for line in text.split("\n") if line]
    previous = csv.field_size_limit(1 << 24)  # a 200,000-character note is one field
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    finally:
        csv.field_size_limit(previous)


def text_of(fmt: str, value: str) -> Any:
    """What an export holds for a stored text field: None/"" for nothing."""
    if fmt == "csv":
        return value
    return value or None


def check_round_trip(tmp_path: Path, case: Case, fmt: str) -> Path:
    """Record `case` in a new journal, export it in `fmt`, import that into an empty journal,
    export again: the same bytes; importing again adds nothing. Returns the second journal."""
    n = next(_numbers)
    a = tmp_path / f"a-{n}.db"
    b = tmp_path / f"b-{n}.db"
    record_case(a, case)
    first = export_to(a, fmt, tmp_path / f"a-{n}.{fmt}")

    rows = parse(fmt, first)
    assert len(rows) == 1, rows
    [exported] = rows
    if fmt == "csv":
        assert exported["business"] == case.business
    else:
        assert exported["business"]["name"] == case.business
    assert exported["summary"] == text_of(fmt, case.summary)
    assert exported["note"] == text_of(fmt, case.note if case.note.strip() else "")
    assert exported["issue"] == text_of(fmt, case.issue)
    assert exported["client"] == text_of(fmt, case.client)

    imported = cli("import", str(tmp_path / f"a-{n}.{fmt}"), "--db", str(b))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout == ""
    assert imported.stderr.endswith(": 1 added, 0 updated, 0 skipped.\n"), imported.stderr

    second = export_to(b, fmt, tmp_path / f"b-{n}.{fmt}")
    assert second == first

    again = cli("import", str(tmp_path / f"a-{n}.{fmt}"), "--db", str(b))
    assert again.exit_code == 0, again.stderr
    assert again.stderr.endswith(": 0 added, 0 updated, 1 skipped.\n"), again.stderr
    return b


# ----------------------------------------------------------------------------- properties

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(case=cases)
def test_json_export_import_export_is_byte_identical(tmp_path: Path, case: Case) -> None:
    check_round_trip(tmp_path, case, "json")


@PROPERTY
@given(case=cases)
def test_ndjson_export_import_export_is_byte_identical(tmp_path: Path, case: Case) -> None:
    check_round_trip(tmp_path, case, "ndjson")


@PROPERTY
@given(case=cases)
def test_csv_export_import_export_is_byte_identical(tmp_path: Path, case: Case) -> None:
    check_round_trip(tmp_path, case, "csv")


# ----------------------------------------------------------------------------- examples

LONG_NOTE = (
    'Line with "quotes", commas, =formula and 007\r\n'
    "emoji 🍕 · RTL שלום · combining e\u0301 · tab\t· ESC \x1b[31m\n"
) * 2100
LONG_NOTE = LONG_NOTE[:199_990] + "the end.\r\n"


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_a_200000_character_note_round_trips(tmp_path: Path, fmt: str) -> None:
    assert len(LONG_NOTE) == 200_000
    case = Case(
        business="Long Story Diner",
        summary="=007",
        note=LONG_NOTE,
        issue="wait time",
        client="0042",
        tag="long",
        when=datetime(2026, 11, 1, 19, 0, tzinfo=timezone(timedelta(hours=1))),
        timeline=Timeline(
            response=("manager", "good", LONG_NOTE),
            remedy=("refund", "12.50", "=HYPERLINK()"),
            followup=("them", "called\r\nback"),
            outcome=(True, 9, 3, "Told friends"),
            timely=False,
            failure=True,
        ),
    )
    b = check_round_trip(tmp_path, case, fmt)
    shown = json.loads(run(b, "show", "1", "--format", "json"))
    assert shown["note"] == LONG_NOTE
    assert shown["responses"][0]["note"] == LONG_NOTE
    assert shown["remedies"][0]["value"] == "12.50"
    assert shown["followups"][0]["note"] == "called\r\nback"
    assert shown["timely"] is False
    assert shown["client"] == "0042"
    assert shown["summary"] == "=007"


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
@pytest.mark.parametrize("timely", [True, False])
def test_an_explicit_timely_survives_even_against_the_derived_value(
    tmp_path: Path, fmt: str, timely: bool
) -> None:
    """A response within the hour derives `timely = true`; set to false by hand it must stay
    false through export and import (and `true`, which agrees, must stay true)."""
    case = Case(
        business="Quick Reply Bank",
        summary="card blocked",
        note="",
        issue="billing",
        client="",
        tag="bank",
        when=datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc),
        timeline=Timeline(
            response=("frontline", "3", "unblocked it"),
            remedy=None,
            followup=None,
            outcome=None,
            timely=timely,
            failure=True,
        ),
    )
    b = check_round_trip(tmp_path, case, fmt)
    assert json.loads(run(b, "show", "1", "--format", "json"))["timely"] is timely
