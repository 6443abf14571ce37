"""Hostile user text (reliability.md, scenario 11): Rich markup, emoji codes, terminal escape
sequences, C1 controls and bidi overrides in business names, summaries and notes are shown
literally or neutralised on every human-facing output path, error messages included, while
JSON and CSV to a pipe keep the exact original strings."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from svclog.render.writers import Terminal
from tests.conftest import add, cli, ok, run_svclog

PAYLOADS = {
    "bold": "[b]x[/b]",
    "close": "[/]",
    "link": "[link=http://e.vil]y[/link]",
    "emoji": ":smile:",
    "clear_screen": "\x1b[2J",
    "osc52": "\x1b]52;c;SGVsbG8=\x07",
    "c1_csi": "\x9b31m",
    "rlo": "\u202e",
}
MARKUP = {"bold", "close", "link", "emoji"}
CONTROL = set(PAYLOADS) - MARKUP
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_clean(text: str) -> None:
    """No character that a terminal would act on: C0 (but newline and tab), DEL, C1, bidi."""
    for char in text:
        code = ord(char)
        assert not (code < 0x20 and char not in "\n\t"), f"raw {char!r} in {text!r}"
        assert not 0x7F <= code <= 0x9F, f"raw {char!r} in {text!r}"
        assert char not in BIDI, f"raw {char!r} in {text!r}"


def assert_literal(text: str, key: str) -> None:
    """Markup and emoji codes are shown as typed, never interpreted."""
    if key in MARKUP:
        assert PAYLOADS[key] in text, text
    assert "😄" not in text
    assert "\U0001f604" not in text


def md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def names(key: str) -> tuple[str, str, str]:
    payload = PAYLOADS[key]
    return f"Biz {payload} end", f"Sum {payload} end", f"Note {payload}\nend"


def add_hostile(key: str) -> int:
    business, summary, note = names(key)
    return add(business, summary, "--note", note, "--issue", f"iss {PAYLOADS[key]}", "-t", "x")


def error_line(code: int, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return result.stderr


keys = pytest.mark.parametrize("key", list(PAYLOADS))


# ----------------------------------------------------------------------------- messages


@keys
def test_add_messages_are_neutralised(key: str) -> None:
    business, summary, note = names(key)
    result = cli("add", business, summary, "--note", note)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added #1 · Biz ")
    assert result.stdout.count("\n") == 1
    assert result.stderr.startswith("New business: Biz ")
    assert result.stderr.count("\n") == 1
    for stream in (result.stdout, result.stderr):
        assert_clean(stream)
        assert_literal(stream, key)
        assert " end" in stream


@keys
def test_near_duplicate_warning_is_neutralised(key: str) -> None:
    business, _, _ = names(key)
    add(business, "first")
    result = cli("add", business + ".", "second", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Warning: ")
    assert_clean(result.stderr)
    assert_literal(result.stderr, key)


@keys
def test_change_messages_are_neutralised(key: str) -> None:
    business, _, _ = names(key)
    encounter_id = add_hostile(key)
    outputs = []
    for args in (
        ("edit", str(encounter_id), "--summary", f"Changed {PAYLOADS[key]}"),
        ("business", "alias", business, f"Alias {PAYLOADS[key]}"),
        ("business", "note", business, f"Noted {PAYLOADS[key]}"),
        ("business", "rename", business, f"Renamed {PAYLOADS[key]}"),
        ("rm", str(encounter_id)),
        ("undo",),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stdout != ""
        outputs.extend((result.stdout, result.stderr))
    add(f"Other {PAYLOADS[key]}", "x")
    merged = cli("business", "merge", f"Other {PAYLOADS[key]}", f"Renamed {PAYLOADS[key]}")
    assert merged.exit_code == 0, merged.stderr
    assert merged.stderr == ""
    outputs.append(merged.stdout)
    for text in outputs:
        assert_clean(text)
    joined = "".join(outputs)
    assert_literal(joined, key)
    assert "Renamed" in joined
    assert "Reverted: " in joined


# ----------------------------------------------------------------------------- tables


@keys
def test_tables_show_the_text_literally_or_neutralised(key: str) -> None:
    business, _, _ = names(key)
    encounter_id = add_hostile(key)
    for args in (
        ("list",),
        ("show", str(encounter_id)),
        ("search", "Sum"),
        ("business", "list"),
        ("business", "show", business),
    ):
        text = ok(*args)
        assert_clean(text)
        assert_literal(text, key)
        assert "Biz " in text
        assert " end" in text
        if args[0] == "show":
            assert "Note " in text


@keys
def test_search_title_with_hostile_words(key: str) -> None:
    add_hostile(key)
    result = cli("search", f"Sum {PAYLOADS[key]}")
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout)
    assert_clean(result.stderr)
    assert_literal(result.stdout + result.stderr, key)


# ----------------------------------------------------------------------------- markdown


@keys
def test_markdown_shows_the_text_literally_or_neutralised(key: str) -> None:
    business, _, _ = names(key)
    encounter_id = add_hostile(key)
    for args in (
        ("list", "--format", "md"),
        ("show", str(encounter_id), "--format", "md"),
        ("search", "Sum", "--format", "md"),
        ("business", "list", "--format", "md"),
        ("business", "show", business, "--format", "md"),
    ):
        text = ok(*args)
        assert_clean(text)
        assert_literal(md_unescape(text), key)
        assert "Biz " in text


@keys
def test_markdown_rows_stay_rows(key: str) -> None:
    add_hostile(key)
    add(f"Pipe | {PAYLOADS[key]}", "a | b")
    lines = ok("list", "--format", "md").splitlines()
    assert len(lines) == 4
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
    assert len(widths) == 1


# ----------------------------------------------------------------------------- errors


@keys
def test_error_messages_are_neutralised(key: str, tmp_path: Path) -> None:
    payload = PAYLOADS[key]
    business, _, _ = names(key)
    add_hostile(key)
    add("Burrito Barn", "Lunch")
    errors = [
        error_line(1, "list", "--business", f"Missing {payload}"),
        error_line(1, "list", "--business", business + " nope"),
        error_line(1, "business", "show", f"Missing {payload}"),
        error_line(1, "business", "rename", "Burrito Barn", business),
        error_line(1, "business", "alias", "Burrito Barn", business),
        error_line(1, "business", "merge", business, business),
        error_line(1, "add", "Burrito Barn", "x", "--when", f"when {payload}"),
        error_line(1, "add", "Burrito Barn", "x", "--dimension", payload),
        error_line(1, "edit", "1", "--untag", payload),
        error_line(2, "list", "--status", payload),
        error_line(2, "list", "--sort", payload),
        error_line(2, "list", "--format", payload),
        error_line(1, "--journal", payload, "list"),
    ]
    for text in errors:
        assert_clean(text)
    assert_literal("".join(errors[:6]), key)


@keys
def test_missing_db_path_with_hostile_name(key: str, tmp_path: Path) -> None:
    path = tmp_path / f"typo {PAYLOADS[key].replace('/', '-')}.db"
    text = error_line(66, "--db", str(path), "list")
    assert_clean(text)
    assert not path.exists()


# ----------------------------------------------------------------------------- exact data


@keys
def test_json_round_trips_the_exact_strings(key: str) -> None:
    business, summary, note = names(key)
    encounter_id = add_hostile(key)
    listed = json.loads(ok("list", "--format", "json"))
    assert len(listed) == 1
    for record in (
        listed[0],
        json.loads(ok("list", "--format", "ndjson")),
        json.loads(ok("show", str(encounter_id), "--format", "json")),
        json.loads(ok("search", "Sum", "--format", "json"))[0],
    ):
        assert record["business"]["name"] == business
        assert record["summary"] == summary
        assert record["note"] == note
        assert record["issue"] == f"iss {PAYLOADS[key]}"
    shown = json.loads(ok("business", "show", business, "--format", "json"))
    assert shown["name"] == business
    assert json.loads(ok("business", "list", "--format", "json"))[0]["name"] == business


@keys
def test_csv_round_trips_the_exact_strings(key: str) -> None:
    business, summary, note = names(key)
    add_hostile(key)
    rows = list(csv.DictReader(io.StringIO(ok("list", "--format", "csv"))))
    assert len(rows) == 1
    assert rows[0]["business"] == business
    assert rows[0]["summary"] == summary
    assert rows[0]["note"] == note
    businesses = list(csv.DictReader(io.StringIO(ok("business", "list", "--format", "csv"))))
    assert businesses[0]["name"] == business


@pytest.fixture
def big_csv_fields() -> Any:
    previous = csv.field_size_limit(1_000_000)
    yield
    csv.field_size_limit(previous)


@pytest.mark.usefixtures("big_csv_fields")
def test_exact_text_round_trips() -> None:
    texts = {
        "crlf": "first line\r\nsecond line\r\n",
        "emoji": "🌮 tacos 👍🏽 and a family 👨‍👩‍👧",
        "rtl": "مطعم البرغر — שלום",
        "quotes": "she said \"no\" and 'never', `ever`",
        "formula": '=HYPERLINK("http://e.vil","click")',
        "zeros": "007",
        "long": "long " * 40_000,
        "spaces": "  indented\n\ttabbed  ",
    }
    ids = {name: add("Burrito Barn", name, "--note", text) for name, text in texts.items()}
    by_id = {r["id"]: r for r in json.loads(ok("list", "--format", "json"))}
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(ok("list", "--format", "csv")))}
    for name, text in texts.items():
        assert by_id[ids[name]]["note"] == text, name
        if name != "crlf":  # Click's test runner turns \r\n into \n in what it captures
            assert rows[ids[name]]["note"] == text, name


def test_crlf_round_trips_through_csv_in_a_real_pipe() -> None:
    note = "first line\r\nsecond line\r\n\rlone CR"
    encounter_id = add("Burrito Barn", "crlf", "--note", note)
    done = subprocess.run(
        [sys.executable, "-m", "svclog", "list", "--format", "csv"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert [(int(r["id"]), r["note"]) for r in rows] == [(encounter_id, note)]


# ----------------------------------------------------------------------------- on a terminal


@keys
def test_json_on_a_terminal_is_neutralised_and_still_json(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import svclog.cli.encounters as encounters

    encounter_id = add_hostile(key)
    monkeypatch.setattr(
        encounters, "stdout_terminal", lambda ctx: Terminal(is_terminal=True, color=False)
    )
    for args in (("list", "--format", "json"), ("show", str(encounter_id), "--format", "json")):
        text = ok(*args)
        assert_clean(text)
        record: Any = json.loads(text)
        if isinstance(record, list):
            record = record[0]
        assert record["id"] == encounter_id


# ----------------------------------------------------------------------------- real processes


def test_real_process_pipes(db: Path) -> None:
    expected = {}
    for key in PAYLOADS:
        encounter_id = add(f"{key} {PAYLOADS[key]}", f"sum {PAYLOADS[key]}", "--note", "n")
        expected[encounter_id] = (f"{key} {PAYLOADS[key]}", f"sum {PAYLOADS[key]}")
    table = run_svclog(["list"])
    assert table.returncode == 0, table.stderr
    assert table.stderr == ""
    assert_clean(table.stdout)
    for key in MARKUP:
        assert PAYLOADS[key] in table.stdout
    data = run_svclog(["list", "--format", "json"])
    assert data.returncode == 0, data.stderr
    assert data.stderr == ""
    records = json.loads(data.stdout)
    assert {r["id"]: (r["business"]["name"], r["summary"]) for r in records} == expected
    missing = run_svclog(["list", "--business", "\x1b]52;c;SGVsbG8=\x07\u202e[b]x[/b]"])
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.startswith("Error: ")
    assert missing.stderr.count("\n") == 1
    assert_clean(missing.stderr)
    assert "[b]x[/b]" in missing.stderr
