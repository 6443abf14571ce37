"""Hostile input on every path (reliability.md promises 5-11; scenarios 11-14 and 18).

One journal carries Rich markup, emoji codes, CSI and OSC 52 escapes, C1 controls, DEL, bidi
overrides and isolates and a zero-width joiner in every kind of user text svclog keeps:
business names and categories, summaries, notes, issues, clients, tags, response, remedy and
follow-up notes, outcome reviews and `switched_to` — plus one 200,000-character note. It is
built once per module through the CLI (in-process, as conftest's `cli` runs it): the text argv
carries through `add`, `respond`, `remedy`, `followup` and `outcome`; C1 controls and the long
note through `svclog import` of a JSON file.

Then every read command in every format: json, ndjson and csv in a pipe give back the exact
strings; table and md never hold a raw control and show markup literally; on a real pseudo-
terminal JSON stays valid with the controls escaped. Error messages that echo user input are one
clean line. Filter and sort values are data, never SQL; dates at the ends of the calendar and
numbers past 64 bits are refused plainly. NUL bytes, lone surrogates and invalid UTF-8 in an
import are refused with nothing written. Files are private under any umask; a typo
in `--db`, a foreign file as `--db` and a symlinked export target are refused and left alone;
`| head -1` ends quietly.

tests/test_cli_hostile_text.py covers one payload at a time in names, summaries and notes of
list/show/search/business; this file covers every other field, command and format.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest

from tests.conftest import NOW, TZ, Result, assert_one_error_line, cli, ok, snapshot


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- the payloads

PAYLOADS = {
    "bold": "[b]x[/b]",
    "close": "[/]",
    "link": "[link=http://e.vil]y[/link]",
    "style": "[red on white]",
    "emoji": ":smile:",
    "csi": "\x1b[2J",
    "osc52": "\x1b]52;c;SGVsbG8=\x07",
    "c1_csi": "\x9b31m",
    "nel": "\x85",
    "del": "\x7f",
    "rlo": "\u202e",
    "lri": "\u2066",
    "zwj": "a\u200db",
}
#: Carried by the import file rather than argv (C1 controls).
IMPORTED_KEYS = ("c1_csi", "nel")
MARKUP = ("[b]x[/b]", "[/]", "[link=http://e.vil]y[/link]", "[red on white]", ":smile:")
EVERYTHING = " ".join(PAYLOADS.values())
LONG_NOTE = (("Note " + EVERYTHING + "\n") * 4_000)[:200_000]
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
EMOJI = ("😄", "\U0001f604", "😃")


def assert_clean(text: str) -> None:
    """Nothing a terminal would act on: no C0 but newline and tab, no DEL, no C1, no bidi
    override or isolate (and no lone surrogate)."""
    for char in text:
        code = ord(char)
        assert code >= 0x20 or char in "\n\t", f"raw {char!r} in {text[:300]!r}"
        assert not 0x7F <= code <= 0x9F, f"raw {char!r} in {text[:300]!r}"
        assert char not in BIDI, f"raw {char!r} in {text[:300]!r}"
        assert not 0xD800 <= code <= 0xDFFF, f"raw {char!r} in {text[:300]!r}"


def assert_no_emoji(text: str) -> None:
    for emoji in EMOJI:
        assert emoji not in text


def md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ----------------------------------------------------------------------------- the journal


@dataclass(frozen=True)
class Entry:
    """One encounter of the hostile journal, as written."""

    id: int
    when: str
    business: str
    category: str
    summary: str
    note: str
    issue: str
    client: str
    tags: tuple[str, ...]
    response: str
    remedy: str
    followup: str
    review: str
    switched_to: str


def _entry(number: int, key: str, payload: str, *, note: str | None = None) -> Entry:
    month, day = 9 + number % 3, number
    return Entry(
        id=number,
        when=f"2026-{month:02d}-{day:02d}T12:00:00+0{1 if month > 10 else 2}:00",
        business=f"{key} {payload} biz",
        category=f"cat {key} {payload} end",
        summary=f"Sum {key} {payload} end",
        note=note if note is not None else f"Note {key} {payload}\nline two {payload} end",
        issue=f"iss {key} {payload} end",
        client=f"cl {key} {payload} end",
        tags=(f"tag {key} {payload} end", "plain"),
        response=f"resp {key} {payload} end",
        remedy=f"rem {key} {payload} end",
        followup=f"fu {key} {payload} end",
        review=f"rev {key} {payload}\nsecond line {payload} end",
        switched_to=f"sw {key} {payload} end",
    )


def _entries() -> dict[int, Entry]:
    entries: dict[int, Entry] = {}
    number = 0
    for key, payload in PAYLOADS.items():
        if key not in IMPORTED_KEYS:
            number += 1
            entries[number] = _entry(number, key, payload)
    number += len(PLAIN)  # the plain encounters come next, through `add`
    for key in IMPORTED_KEYS:
        number += 1
        entries[number] = _entry(number, key, PAYLOADS[key])
    number += 1
    entries[number] = _entry(number, "all", EVERYTHING, note=LONG_NOTE)
    return entries


#: Plain encounters at business "Q": controls for the filters and the literal searches.
PLAIN = ("charged 100% extra", "ordered 100 slices", 'she said "no" twice')
ENTRIES = _entries()
ARGV_IDS = [e.id for e in ENTRIES.values() if e.id <= len(PAYLOADS) - len(IMPORTED_KEYS)]
PLAIN_IDS = list(range(len(ARGV_IDS) + 1, len(ARGV_IDS) + len(PLAIN) + 1))
LONG_ID = max(ENTRIES)
ALL_IDS = sorted([*ENTRIES, *PLAIN_IDS])


def _ulid(n: int) -> str:
    return f"01M81TKXJ0{n:016d}"


def _import_record(entry: Entry) -> dict[str, Any]:
    day_after = entry.when.replace(f"-{entry.id:02d}T12", f"-{entry.id + 1:02d}T12")
    return {
        "id": entry.id,
        "uid": _ulid(entry.id * 10),
        "business": {"name": entry.business, "category": entry.category},
        "occurred_at": entry.when,
        "summary": entry.summary,
        "note": entry.note,
        "failure": True,
        "issue": entry.issue,
        "client": entry.client,
        "tags": list(entry.tags),
        "responses": [
            {
                "uid": _ulid(entry.id * 10 + 1),
                "at": day_after,
                "by": "manager",
                "quality": 3,
                "note": entry.response,
            }
        ],
        "remedies": [
            {
                "uid": _ulid(entry.id * 10 + 2),
                "at": day_after,
                "type": "voucher",
                "note": entry.remedy,
            }
        ],
        "followups": [
            {
                "uid": _ulid(entry.id * 10 + 3),
                "at": day_after,
                "note": entry.followup,
                "due": "2026-11-20T00:00:00+01:00",
            }
        ],
        "outcome": {
            "uid": _ulid(entry.id * 10 + 4),
            "at": day_after,
            "returned": False,
            "review": entry.review,
            "switched_to": entry.switched_to,
        },
        "created_at": entry.when,
        "updated_at": entry.when,
    }


def _run(*args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.stderr)
    return result.stdout


def _build(folder: Path) -> None:
    for entry in ENTRIES.values():
        if entry.id not in ARGV_IDS:
            continue
        number = _run(
            "add", entry.business, entry.summary, "--note", entry.note, "--issue", entry.issue,
            "--client", entry.client, "--category", entry.category, "--failure",
            "--when", entry.when, *(x for tag in entry.tags for x in ("-t", tag)), "--quiet",
        ).strip()  # fmt: skip
        assert number == str(entry.id)
        _run("respond", number, "--by", "manager", "--quality", "3", "--note", entry.response)
        _run("remedy", number, "voucher", "--note", entry.remedy)
        _run("followup", number, "--note", entry.followup, "--due", "2026-11-20")
        _run(
            "outcome", number, "--review", entry.review, "--switched-to", entry.switched_to,
            "--not-returned",
        )  # fmt: skip
    for n, summary in enumerate(PLAIN):
        client = ("--client", "Q", "-t", "q", "--category", "q") if n == 0 else ()
        _run("add", "Q", summary, "--when", "2026-11-21 10:00", *client)
    source = folder / "hostile.json"
    records = [_import_record(e) for e in ENTRIES.values() if e.id not in ARGV_IDS]
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    _run("import", str(source))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile journal, built once per module through the CLI; tests get a copy."""
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.db"
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("SVCLOG_") or name in ("VISUAL", "EDITOR"):
                patch.delenv(name)
        for name, value in {
            "SVCLOG_DB": str(path),
            "SVCLOG_NOW": NOW,
            "SVCLOG_CONFIG": str(folder / "config.toml"),
            "SVCLOG_DATA_DIR": str(folder / "data"),
            "NO_COLOR": "1",
            "COLUMNS": "120",
            "TZ": TZ,
        }.items():
            patch.setenv(name, value)
        time.tzset()
        try:
            _build(folder)
        finally:
            patch.undo()
            time.tzset()
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def hostile(template: Path, db: Path) -> Path:
    """A copy of the hostile journal as this test's journal."""
    shutil.copy2(template, db)
    return db


def journal_files(db: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name) and p.is_file()
    }


# ----------------------------------------------------------------------------- exact data


def check_encounter(record: dict[str, Any]) -> int:
    """An encounter record (json/ndjson) holds exactly what was written; returns its id."""
    entry = ENTRIES.get(record["id"])
    if entry is None:
        assert record["id"] in PLAIN_IDS, record["id"]
        assert record["summary"] in PLAIN
        return int(record["id"])
    assert record["business"] == {"name": entry.business, "category": entry.category}
    assert record["summary"] == entry.summary
    assert record["note"] == entry.note
    assert record["issue"] == entry.issue
    assert record["client"] == entry.client
    assert record["tags"] == list(entry.tags)
    assert [r["note"] for r in record["responses"]] == [entry.response]
    assert [r["note"] for r in record["remedies"]] == [entry.remedy]
    assert [r["note"] for r in record["followups"]] == [entry.followup]
    assert record["outcome"]["review"] == entry.review
    assert record["outcome"]["switched_to"] == entry.switched_to
    return int(record["id"])


def check_row(row: dict[str, str], *, export: bool = False) -> int:
    """A CSV row (list/search/show, or export with its timeline columns) holds exactly what was
    written; returns its id."""
    number = int(row["id"])
    entry = ENTRIES.get(number)
    if entry is None:
        assert number in PLAIN_IDS, number
        assert row["summary"] in PLAIN
        return number
    assert row["business"] == entry.business
    assert row["category"] == entry.category
    assert row["summary"] == entry.summary
    assert row["note"] == entry.note
    assert row["issue"] == entry.issue
    assert row["client"] == entry.client
    assert row["tags"] == ",".join(entry.tags)
    if export:
        assert row["review"] == entry.review
        assert row["switched_to"] == entry.switched_to
        assert [r["note"] for r in json.loads(row["responses"])] == [entry.response]
        assert [r["note"] for r in json.loads(row["remedies"])] == [entry.remedy]
        assert [r["note"] for r in json.loads(row["followups"])] == [entry.followup]
        assert json.loads(row["outcome"])["review"] == entry.review
    return number


@pytest.fixture
def big_csv_fields() -> Iterator[None]:
    previous = csv.field_size_limit(1_000_000)
    yield
    csv.field_size_limit(previous)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def ndjson(text: str) -> list[Any]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text[:-1].split("\n")]


def data(*args: str) -> Result:
    """A read command in a pipe: exit 0, nothing on stderr (export adds its count line)."""
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    if args[0] == "export":
        assert result.stderr.startswith("Exported "), result.stderr
    else:
        assert result.stderr == ""
    return result


BUSINESSES = {e.business: e.category for e in ENTRIES.values()} | {"Q": "q"}
FORMATS = ("json", "ndjson", "csv")


@pytest.mark.usefixtures("hostile", "big_csv_fields")
@pytest.mark.parametrize(
    "command", [("list",), ("search", "sum"), ("export",)], ids=["list", "search", "export"]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_listings_in_a_pipe_keep_every_string_exact(command: tuple[str, ...], fmt: str) -> None:
    out = data(*command, "--format", fmt).stdout
    if fmt == "json":
        seen = [check_encounter(r) for r in json.loads(out)]
    elif fmt == "ndjson":
        seen = [check_encounter(r) for r in ndjson(out)]
    else:
        seen = [check_row(r, export=command[0] == "export") for r in csv_rows(out)]
    expected = ALL_IDS if command[0] != "search" else sorted(ENTRIES)
    assert sorted(seen) == expected


@pytest.mark.usefixtures("hostile", "big_csv_fields")
@pytest.mark.parametrize("fmt", FORMATS)
def test_show_in_a_pipe_keeps_every_string_exact(fmt: str) -> None:
    for number in ENTRIES:
        out = data("show", str(number), "--format", fmt).stdout
        if fmt == "csv":
            rows = csv_rows(out)
            assert len(rows) == 1
            assert check_row(rows[0]) == number
        else:
            assert check_encounter(json.loads(out)) == number


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", FORMATS)
def test_businesses_in_a_pipe_keep_every_string_exact(fmt: str) -> None:
    out = data("business", "list", "--format", fmt).stdout
    if fmt == "csv":
        found = {r["name"]: r["category"] or None for r in csv_rows(out)}
    else:
        records = json.loads(out) if fmt == "json" else ndjson(out)
        found = {r["name"]: r["category"] for r in records}
    assert found == BUSINESSES


@pytest.mark.usefixtures("hostile", "big_csv_fields")
@pytest.mark.parametrize("fmt", FORMATS)
def test_business_show_in_a_pipe_keeps_every_string_exact(fmt: str) -> None:
    for entry in ENTRIES.values():
        out = data("business", "show", entry.business, "--format", fmt).stdout
        if fmt == "csv":
            rows = csv_rows(out)
            assert [(r["name"], r["category"]) for r in rows] == [(entry.business, entry.category)]
            continue
        record = json.loads(out)
        assert fmt == "json" or "\n" not in out.rstrip("\n")
        assert (record["name"], record["category"]) == (entry.business, entry.category)
        assert record["loyalty"]["business"] == entry.business
        assert [check_encounter(r) for r in record["timeline"]] == [entry.id]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", FORMATS)
def test_loyalty_report_in_a_pipe_keeps_every_name_exact(fmt: str) -> None:
    out = data("report", "loyalty", "--format", fmt).stdout
    rows = csv_rows(out) if fmt == "csv" else json.loads(out) if fmt == "json" else ndjson(out)
    assert sorted(r["business"] for r in rows) == sorted(BUSINESSES)


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", FORMATS)
def test_due_in_a_pipe_keeps_every_string_exact(fmt: str) -> None:
    out = data("due", "--format", fmt).stdout
    rows = csv_rows(out) if fmt == "csv" else json.loads(out) if fmt == "json" else ndjson(out)
    followups = {int(r["encounter_id"]): r for r in rows if r["kind"] == "followup"}
    assert sorted(followups) == sorted(ENTRIES)
    for number, row in followups.items():
        entry = ENTRIES[number]
        assert (row["business"], row["summary"], row["note"]) == (
            entry.business,
            entry.summary,
            entry.followup,
        )


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("report", ["recovery", "trends"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_without_user_text_are_still_well_formed(report: str, fmt: str) -> None:
    out = data("report", report, "--format", fmt).stdout
    rows = csv_rows(out) if fmt == "csv" else json.loads(out) if fmt == "json" else ndjson(out)
    assert rows
    if report == "trends":
        assert sum(int(r["encounters"]) for r in rows) == len(ALL_IDS)
    else:
        assert int(rows[0]["failures"]) == len(ENTRIES)


@pytest.mark.usefixtures("hostile", "big_csv_fields")
def test_export_through_a_real_pipe_is_byte_exact() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "svclog", "export", "--format", "csv"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"Exported {len(ALL_IDS)} encounters.\n".encode()
    rows = csv_rows(done.stdout.decode("utf-8"))
    assert sorted(check_row(r, export=True) for r in rows) == ALL_IDS


# ----------------------------------------------------------------------------- what people read

HUMAN_COMMANDS = [
    ("list",),
    ("search", "sum"),
    ("business", "list"),
    ("report", "loyalty"),
    ("report", "recovery"),
    ("report", "trends"),
    ("due",),
]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("command", HUMAN_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "md"])
def test_listings_for_people_are_neutralised(command: tuple[str, ...], fmt: str) -> None:
    text = ok(*command, "--format", fmt)
    assert_clean(text)
    assert_no_emoji(text)
    if command[-1] in ("recovery", "trends"):
        return  # no user text in these reports: clean is all there is to check
    shown = md_unescape(text) if fmt == "md" else text
    for literal in ("[b]x[/b]", "[/]", ":smile:"):
        assert literal in shown, (literal, shown)
    assert "\\x1b" in shown  # the escapes are shown, not dropped


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", ["table", "md"])
def test_details_for_people_are_neutralised(fmt: str) -> None:
    for entry in ENTRIES.values():
        for args in (("show", str(entry.id)), ("business", "show", entry.business)):
            text = ok(*args, "--format", fmt)
            assert_clean(text)
            assert_no_emoji(text)
            shown = md_unescape(text) if fmt == "md" else text
            assert "Sum " in shown
            if entry.id == LONG_ID:
                continue  # its many payloads wrap across lines; the next test reads it
            for literal in MARKUP:
                if literal in entry.business:
                    assert literal in shown, (literal, args, fmt)
            if args[0] == "show":  # the timeline's notes are shown too
                assert "fu " in shown
                assert "rem " in shown


@pytest.mark.usefixtures("hostile")
def test_the_long_note_is_shown_whole_and_neutralised() -> None:
    text = ok("show", str(LONG_ID))
    assert_clean(text)
    assert text.count("Note [b]x[/b]") == LONG_NOTE.count("Note [b]x[/b]") > 1_800
    assert "\\x1b]52;c;SGVsbG8=\\x07" in text


# ----------------------------------------------------------------------------- a real terminal


def on_a_terminal(args: list[str], tmp_path: Path) -> tuple[str, str, int]:
    """Run svclog with stdout on a pseudo-terminal (stderr to a file); return stdout with the
    terminal's CRLF turned back into LF, stderr, and the exit status."""
    err = tmp_path / "stderr.txt"
    command = shlex.join([sys.executable, "-m", "svclog", *args])
    child = pexpect.spawn(
        "bash",
        ["-c", f"exec {command} 2>{shlex.quote(str(err))}"],
        env=dict(os.environ),
        dimensions=(50, 120),
        timeout=60,
    )
    raw = child.read()
    child.close()
    text = raw.decode("utf-8")
    assert "\r" not in text.replace("\r\n", "")
    return text.replace("\r\n", "\n"), err.read_text(encoding="utf-8"), child.exitstatus


@pytest.mark.usefixtures("hostile", "big_csv_fields")
def test_json_on_a_terminal_is_escaped_and_still_exact(tmp_path: Path) -> None:
    for args in (
        ["list", "--format", "json"],
        ["export", "--format", "ndjson"],
        ["show", str(LONG_ID), "--format", "json"],
        ["business", "list", "--format", "json"],
        ["due", "--format", "json"],
    ):
        out, err, status = on_a_terminal(args, tmp_path)
        assert status == 0, err
        assert_clean(out)
        assert "\\u001b" in out  # the controls are escaped, not dropped
        if args[0] == "export":
            assert err == f"Exported {len(ALL_IDS)} encounters.\n"
            assert sorted(check_encounter(r) for r in ndjson(out)) == ALL_IDS
            continue
        assert err == ""
        parsed = json.loads(out)  # escaped, yet the very same strings
        if args[0] == "list":
            assert sorted(check_encounter(r) for r in parsed) == ALL_IDS
        elif args[0] == "show":
            assert check_encounter(parsed) == LONG_ID
        elif args[0] == "business":
            assert {r["name"]: r["category"] for r in parsed} == BUSINESSES
        else:
            assert {r["note"] for r in parsed} == {e.followup for e in ENTRIES.values()}


@pytest.mark.usefixtures("hostile")
def test_tables_and_csv_on_a_terminal_are_clean(tmp_path: Path) -> None:
    for args in (["list"], ["report", "loyalty"], ["due"], ["show", "1"], ["list", "-f", "csv"]):
        out, err, status = on_a_terminal(args, tmp_path)
        assert status == 0, err
        assert err == ""
        assert_clean(out)
        assert_no_emoji(out)
        assert "[b]x[/b]" in out


# ----------------------------------------------------------------------------- error messages

NEEDLE = (
    "[b]x[/b] \x1b]52;c;SGVsbG8=\x07 \x9b31m \x85 \u2028 \u202e \u2066 \x7f :smile: [/]\nsecond"
)
NEEDLE_LINE = NEEDLE.split("\n")[0]

ERROR_CASES = [
    (("list", "--business", NEEDLE), 1),
    (("search", "sum", "--business", NEEDLE), 1),
    (("export", "--business", NEEDLE), 1),
    (("list", "--since", NEEDLE), 1),
    (("business", "show", NEEDLE), 1),
    (("business", "rename", NEEDLE, "new"), 1),
    (("show", NEEDLE), 2),
    (("edit", "1", "--dimension", NEEDLE), 1),
    (("edit", "1", "--status", NEEDLE), 1),
    (("edit", NEEDLE, "--summary", "x"), 2),
    (("add", "Q", "x", "--dimension", NEEDLE), 1),
    (("remedy", "1", NEEDLE), 1),
    (("respond", "1", "--by", NEEDLE), 1),
    (("followup", "1", "--by", NEEDLE), 1),
    (("outcome", "1", "--word-of-mouth", NEEDLE), 1),
    (("report", "loyalty", "--status", NEEDLE), 2),
    (("list", "--format", NEEDLE), 2),
    (("due", "--days", NEEDLE), 2),
    (("config", "set", NEEDLE, "1"), 1),
    (("config", "set", "timely_hours", NEEDLE), 1),
]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize(("args", "code"), ERROR_CASES, ids=lambda v: str(v)[:40])
def test_errors_echoing_hostile_input_are_one_clean_line(
    args: tuple[str, ...], code: int, db: Path, settings_file: Path
) -> None:
    before, files = snapshot(), journal_files(db)
    result = cli(*args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "[b]x[/b]")  # splitlines: also no raw NEL or U+2028
    assert_clean(result.stderr)
    assert_no_emoji(result.stderr)
    assert snapshot() == before
    assert journal_files(db) == files
    assert not settings_file.exists()


@pytest.mark.usefixtures("hostile")
def test_show_of_a_missing_encounter_is_one_line() -> None:
    result = cli("show", "999")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "999")


def _simple_record(n: int, **changes: Any) -> dict[str, Any]:
    record = {
        "uid": _ulid(n),
        "business": {"name": f"Shop {NEEDLE_LINE}"},
        "occurred_at": "2026-11-01T10:00:00+01:00",
        "summary": f"fine {EVERYTHING}",
        "note": LONG_NOTE[:1_000],
    }
    return record | changes


def _hostile_import(tmp_path: Path, fmt: str) -> tuple[Path, list[str], str]:
    """An import file whose bad value is hostile; the extra arguments; where it is named."""
    good = _simple_record(7_000)
    bad = _simple_record(7_001, status=NEEDLE)
    if fmt == "json":
        path = tmp_path / "bad.json"
        path.write_text(json.dumps([good, bad], ensure_ascii=False), encoding="utf-8")
        return path, [], "record 2"
    if fmt == "ndjson":
        path = tmp_path / "bad.ndjson"
        lines = [json.dumps(r, ensure_ascii=False) for r in (good, bad)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path, [], "line 2"
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Store", "Date", "Status"])
        writer.writerow([f"Shop {NEEDLE_LINE}", "21/11/2026", "open"])
        writer.writerow([f"Shop {NEEDLE_LINE}", "21/11/2026", NEEDLE])
    args = ["--map", "Store=business", "--map", "Date=occurred_at", "--map", "Status=status"]
    return path, [*args, "--date-format", "%d/%m/%Y"], "row 2"


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_import_refusing_a_hostile_value_says_so_in_one_clean_line(
    tmp_path: Path, db: Path, fmt: str
) -> None:
    source, extra, where = _hostile_import(tmp_path, fmt)
    before, files = snapshot(), journal_files(db)
    result = cli("import", str(source), *extra)
    assert result.exit_code == 65, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, where, "status", "[b]x[/b]", "nothing was imported")
    assert_clean(result.stderr)
    if fmt == "csv":
        assert "column 'Status'" in result.stderr
    assert snapshot() == before
    assert journal_files(db) == files


@pytest.mark.usefixtures("hostile")
def test_a_bad_date_in_a_foreign_csv_names_its_column(tmp_path: Path, db: Path) -> None:
    """Promise 6: the row and the column are named. A date read without --date-format (as
    typed dates are) must name its column like every other bad value does."""
    source = tmp_path / "dates.csv"
    source.write_text(f"Store,Date\nShop,2026-11-01\nShop,{NEEDLE_LINE}\n", encoding="utf-8")
    files = journal_files(db)
    result = cli("import", str(source), "--map", "Store=business", "--map", "Date=occurred_at")
    assert result.exit_code == 65, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "row 2", "[b]x[/b]")
    assert_clean(result.stderr)
    assert journal_files(db) == files
    assert "column 'Date'" in result.stderr


DB_NAMES = {
    "newline": "two\nlines",
    "osc52": "clip\x1b]52;c;SGVsbG8=\x07board",
    "c1": "csi\x9b2J",
    "nel": "next\x85line",
    "bidi": "evil\u202etxt.db",
    "markup": "[red on white]bold",
}


@pytest.mark.parametrize("name", list(DB_NAMES), ids=list(DB_NAMES))
def test_db_paths_with_control_characters_are_named_cleanly(
    tmp_path: Path, db: Path, name: str
) -> None:
    base = DB_NAMES[name]
    missing = tmp_path / f"{base}.db"
    text = tmp_path / f"{base}.txt"
    text.write_bytes(b"not a journal\n")
    folder = tmp_path / f"{base}.dir"
    folder.mkdir()
    before = sorted(tmp_path.iterdir())
    for path, code, args in (
        (missing, 66, ("list",)),
        (missing, 66, ("report", "loyalty")),
        (text, 65, ("list",)),
        (text, 65, ("add", "Shop", "x")),
        (folder, 65, ("due",)),
    ):
        result = cli("--db", str(path), *args)
        assert result.exit_code == code, (path, args, result.stderr)
        assert result.stdout == ""
        assert_one_error_line(result.stderr)
        assert_clean(result.stderr)
        if name == "markup":
            assert "[red on white]bold" in result.stderr
    assert sorted(tmp_path.iterdir()) == before
    assert text.read_bytes() == b"not a journal\n"
    assert not db.exists()


# ----------------------------------------------------------------------------- help

HOSTILE_ENV = {"SVCLOG_JOURNAL": NEEDLE, "SVCLOG_DB": f"/tmp/{NEEDLE_LINE}.db"}
KNOWN_COMMANDS = {
    "", "add", "list", "show", "respond", "remedy", "followup", "outcome", "resolve", "abandon",
    "edit", "rm", "search", "due", "export", "import", "merge", "undo", "demo", "init",
    "business", "business list", "business show", "business rename", "business merge",
    "business alias", "business note", "business edit", "report", "report loyalty",
    "report recovery", "report trends", "config", "config path", "config show", "config set",
    "config unset", "db", "db path",
}  # fmt: skip


def _help(command: tuple[str, ...], flag: str) -> str:
    result = cli(*command, flag, env=HOSTILE_ENV)
    assert result.exit_code == 0, (command, result.stderr)
    assert result.stderr == ""
    assert result.stdout.startswith(" ".join(("Usage: svclog", *command)))
    return result.stdout


def test_help_of_every_command_has_no_control_characters(db: Path) -> None:
    """Every command's help, found by walking the help itself, with hostile values in the
    environment svclog reads: no control character, no escape sequence."""
    commands: list[tuple[str, ...]] = []
    queue: list[tuple[str, ...]] = [()]
    while queue:
        command = queue.pop(0)
        commands.append(command)
        for flag in ("--help", "-h"):
            text = _help(command, flag)
            assert_clean(text)
            assert "\x1b" not in text
        if "Commands:\n" in text:
            section = text.split("Commands:\n", 1)[1]
            found = [line.split()[0] for line in section.splitlines() if re.match(r"  \S", line)]
            assert found, command
            queue.extend((*command, name) for name in found)
    assert {" ".join(c) for c in commands} >= KNOWN_COMMANDS
    assert not db.exists()


# ----------------------------------------------------------------------------- injection

INJECTIONS = ("x' OR '1'='1", "1; DROP TABLE encounter; --", "%", "_", '"', "') OR 1=1 --")
NEUTRAL = "zz-no-such-value"
#: A value each free option matches, to show that the filter is live.
POSITIVE = {
    "--business": ENTRIES[1].business,
    "--client": ENTRIES[1].client,
    "--tag": ENTRIES[1].tags[0],
    "--category": ENTRIES[1].category,
    "--since": "2026-11-21",
    "--until": "2026-10-01",
}
LISTING_FILTERS = ("--business", "--client", "--tag", "--since", "--until")
REPORT_FILTERS = ("--client", "--category", "--since", "--until")
#: command -> (its free filter options, its allow-listed options)
FILTERS = {
    "list": (("list",), LISTING_FILTERS, ("--status", "--sort")),
    "search": (("search", "sum"), LISTING_FILTERS, ("--status",)),
    "export": (("export",), LISTING_FILTERS, ()),
    "loyalty": (("report", "loyalty"), REPORT_FILTERS, ("--status", "--sort")),
    "recovery": (("report", "recovery"), REPORT_FILTERS, ()),
    "trends": (("report", "trends"), REPORT_FILTERS, ()),
}


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("name", list(FILTERS))
def test_injection_in_filters_and_sort_keys_changes_nothing(name: str, db: Path) -> None:
    command, free, listed = FILTERS[name]
    before, files = snapshot(), journal_files(db)
    for option in free:
        neutral = cli(*command, option, NEUTRAL, "--format", "json")
        positive = cli(*command, option, POSITIVE[option], "--format", "json")
        assert positive.exit_code == 0, positive.stderr
        assert positive.stdout != neutral.stdout, option  # the filter is live
        for value in INJECTIONS:
            result = cli(*command, option, value, "--format", "json")
            assert result.exit_code in (0, 1), (option, value, result.stderr)
            # no effect: exactly what a value that matches nothing gives
            assert (result.exit_code, result.stdout) == (neutral.exit_code, neutral.stdout)
            if result.exit_code == 1:
                assert_one_error_line(result.stderr, value)
            else:
                assert result.stderr == neutral.stderr
    for option in listed:
        for value in INJECTIONS:
            result = cli(*command, option, value, "--format", "json")
            assert result.exit_code == 2, (option, value, result.stderr)
            assert result.stdout == ""
            assert_one_error_line(result.stderr, option, value)
    assert journal_files(db) == files
    assert snapshot() == before


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize(("words", "summary"), [("100%", PLAIN[0]), ('"', PLAIN[2])])
def test_search_for_percent_and_quote_matches_literally(words: str, summary: str) -> None:
    records = json.loads(ok("search", words, "--format", "json"))
    assert [r["summary"] for r in records] == [summary]
    rows = csv_rows(ok("search", words, "--format", "csv"))
    assert [r["summary"] for r in rows] == [summary]
    table = ok("search", words)
    assert summary in table
    assert sum(s in table for s in PLAIN) == 1


HUGE = "99999999999999999999"
OUT_OF_RANGE = [
    ("list", "--since", "0001-01-01T00:00"),
    ("search", "sum", "--until", "9999-12-31T23:59:59"),
    ("report", "trends", "--since", "9999-12-31T23:59:59"),
    ("list", "--until", "9999-12-31T23:59:59-05:00", "--format", "json"),
    ("export", "--since", "9999-12-31T23:59:59-05:00"),
    ("due", "--days", "100000000"),
    ("list", "--limit", HUGE),
    ("show", HUGE),
    ("edit", HUGE, "--summary", "x"),
    ("outcome", "1", "--told", HUGE),
    ("add", "Q", "x", "--when", "0001-01-01T00:00"),
    ("followup", "1", "--due", "9999-12-31T23:59:59"),
    ("list", "--since", "0001-01-01T00:00:00+05:00"),  # refused cleanly today: the control
]


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("args", OUT_OF_RANGE, ids=" ".join)
def test_out_of_range_dates_and_numbers_are_refused_cleanly(
    args: tuple[str, ...], db: Path
) -> None:
    """Dates at the ends of the calendar and numbers past SQLite's 64 bits, in filters and in
    values: a plain refusal (or, for a limit, plain success), never an unexpected error, never
    half an output, never a change."""
    before, files = snapshot(), journal_files(db)
    result = cli(*args)
    assert "unexpected" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1, 2), result.stderr
    if result.exit_code:
        assert result.stdout == ""
        assert_one_error_line(result.stderr)
    assert snapshot() == before
    assert journal_files(db) == files


# ----------------------------------------------------------------------------- refused input


def _refused_import(source: Path, db: Path) -> Result:
    files = journal_files(db)
    before = snapshot()
    result = cli("import", str(source))
    assert result.exit_code == 65, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(source))
    assert_clean(result.stderr)
    assert snapshot() == before
    assert journal_files(db) == files
    fresh = source.parent / "fresh.db"
    again = cli("import", str(source), "--db", str(fresh))
    assert again.exit_code == 65, again.stderr
    assert again.stderr == result.stderr
    assert not [p for p in source.parent.iterdir() if p.name.startswith("fresh.db")]
    return result


NUL_PLACES = {
    "summary": '"summary": "a\\u0000b"',
    "note": '"note": "long \\u0000 note"',
    "business": '"business": {"name": "Sh\\u0000op"}',
    "tag": '"tags": ["ok", "t\\u0000g"]',
    "review": '"outcome": {"uid": "01M81TKXJ00000000000009995", "review": "r\\u0000"}',
    "remedy": '"remedies": [{"uid": "01M81TKXJ00000000000009996", '
    '"at": "2026-11-02T10:00:00+01:00", "type": "refund", "note": "\\u0000"}]',
}


def _raw_record(extra: str, n: int = 9_990) -> str:
    """A record as JSON text with `extra` fields spliced in (escapes kept as written)."""
    base = f'"uid": "{_ulid(n)}", "occurred_at": "2026-11-01T10:00:00+01:00"'
    if not extra.startswith('"business"'):
        base += ', "business": {"name": "Shop"}'
    return "{" + base + ", " + extra + "}"


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("place", list(NUL_PLACES))
def test_a_nul_byte_anywhere_in_an_import_is_refused(tmp_path: Path, db: Path, place: str) -> None:
    source = tmp_path / "nul.json"
    good = _raw_record('"summary": "fine"', 9_980)
    source.write_text(f"[{good}, {_raw_record(NUL_PLACES[place])}]", encoding="utf-8")
    result = _refused_import(source, db)
    assert "record 2" in result.stderr
    assert "NUL" in result.stderr


SURROGATES = {
    "high": '"summary": "a\\ud800b"',
    "low": '"note": "\\udfff"',
    "reversed": '"issue": "\\udc00\\ud800"',
    "business": '"business": {"name": "Shop \\udbff"}',
    "tag": '"tags": ["\\ud83d"]',
    "followup": '"followups": [{"uid": "01M81TKXJ00000000000009997", '
    '"at": "2026-11-02T10:00:00+01:00", "note": "x\\ude00"}]',
    "key": '"\\ud800": 1',
}


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("place", list(SURROGATES))
def test_lone_surrogates_in_an_import_are_refused(tmp_path: Path, db: Path, place: str) -> None:
    source = tmp_path / "surrogate.ndjson"
    lines = [_raw_record('"summary": "fine"', 9_980), _raw_record(SURROGATES[place])]
    source.write_text("\n".join(lines) + "\n", encoding="ascii")
    result = _refused_import(source, db)
    assert "line 2" in result.stderr


BAD_BYTES = {
    "ff": b"\xff",
    "continuation": b"\x80",
    "overlong": b"\xc0\xaf",
    "cesu_surrogate": b"\xed\xa0\x80",
    "truncated": b"\xe2\x82",
}


def _with_bad_bytes(tmp_path: Path, fmt: str, bad: bytes) -> tuple[Path, int]:
    """An import file whose line 3 (third row, or record) holds `bad`."""
    if fmt == "ndjson":
        lines = [_raw_record(f'"summary": "s{n}"', 9_900 + n).encode() for n in range(5)]
        lines[2] = lines[2].replace(b'"s2"', b'"s' + bad + b'"')
        path = tmp_path / "bad.ndjson"
    elif fmt == "json":
        records = [_raw_record(f'"summary": "s{n}"', 9_900 + n).encode() for n in range(4)]
        lines = [b"[", *(record + b"," for record in records)]
        lines[2] = lines[2].replace(b'"s1"', b'"s' + bad + b'"')
        lines[-1] = lines[-1].rstrip(b",") + b"]"
        path = tmp_path / "bad.json"
    else:
        lines = [b"id,uid,business,occurred_at,summary"] + [
            f",{_ulid(9_900 + n)},Shop,2026-11-01T10:00:00+01:00,s{n}".encode() for n in range(4)
        ]
        lines[2] = lines[2].replace(b",s1", b",s" + bad)
        path = tmp_path / "bad.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, 3


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", ["csv", "ndjson", "json"])
@pytest.mark.parametrize("bad", list(BAD_BYTES))
def test_invalid_utf8_in_an_import_is_refused_naming_the_line(
    tmp_path: Path, db: Path, fmt: str, bad: str
) -> None:
    source, line = _with_bad_bytes(tmp_path, fmt, BAD_BYTES[bad])
    result = _refused_import(source, db)
    assert "UTF-8" in result.stderr
    assert f"line {line}" in result.stderr


# ----------------------------------------------------------------------------- files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def run_with_umask(
    args: list[str], umask: int, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """conftest's run_svclog, with the child's umask set before svclog starts."""

    def set_umask() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "svclog", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
        preexec_fn=set_umask,
    )


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask000", "umask022"])
def test_every_file_svclog_creates_is_private(tmp_path: Path, umask: int) -> None:
    root = tmp_path / "made-by-svclog"
    root.mkdir(mode=0o755)
    db = root / "new" / "deeper" / "journal.db"
    env = {"SVCLOG_DB": str(db), "SVCLOG_CONFIG": str(root / "cfg" / "nested" / "config.toml")}

    first = run_with_umask(["add", "[b]x[/b] Shop", "first", "--quiet"], umask, env)
    assert (first.returncode, first.stdout, first.stderr) == (0, "1\n", "")

    # A second connection holding a read snapshot keeps the WAL alive after svclog exits. It
    # opens the WAL files under the same umask: SQLite gives them the journal's own mode.
    previous = os.umask(umask)
    conn = sqlite3.connect(db)
    try:
        conn.execute("BEGIN")
        assert conn.execute("SELECT count(*) FROM encounter").fetchone()[0] == 1
        second = run_with_umask(["add", "[b]x[/b] Shop", "second", "--quiet"], umask, env)
        assert (second.returncode, second.stdout, second.stderr) == (0, "2\n", "")
        wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
        assert wal.stat().st_size > 0
        assert (mode(db), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        conn.close()
        os.umask(previous)

    target = db.parent / "export.csv"
    exported = run_with_umask(["export", "--format", "csv", "--output", str(target)], umask, env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == ""
    assert len(target.read_text().splitlines()) == 3
    configured = run_with_umask(["config", "set", "timely_hours", "48"], umask, env)
    assert configured.returncode == 0, configured.stderr
    assert (root / "cfg" / "nested" / "config.toml").is_file()

    made = list(root.rglob("*"))
    names = {p.name for p in made}
    assert names >= {"new", "deeper", "journal.db", "export.csv", "cfg", "nested", "config.toml"}
    for path in made:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), (path, oct(mode(path)))


READ_COMMANDS = [
    ("list",),
    ("show", "1"),
    ("search", "sum"),
    ("business", "list"),
    ("business", "show", "Q"),
    ("report", "loyalty"),
    ("report", "recovery"),
    ("report", "trends"),
    ("due",),
    ("export",),
    ("export", "--format", "csv", "--output", "OUT"),
]


def _with_output(args: tuple[str, ...], tmp_path: Path) -> list[str]:
    return [str(tmp_path / "out.csv") if a == "OUT" else a for a in args]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_missing_db_is_exit_66_for_every_read_command(
    tmp_path: Path, db: Path, command: tuple[str, ...]
) -> None:
    typo = tmp_path / "jornal" / "jornal.db"
    args = _with_output(command, tmp_path)
    for full in (["--db", str(typo), *args], [*args, "--db", str(typo)], args):
        result = cli(*full)
        assert result.exit_code == 66, (full, result.stderr)
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "no journal at")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _text_journal(path: Path) -> Path:
    path.write_bytes(b"shopping list\n\x1b]52;c;SGVsbG8=\x07 milk\n" * 40)
    return path


def _foreign_sqlite(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE encounter (id INTEGER PRIMARY KEY, summary TEXT)")
    conn.execute("INSERT INTO encounter (summary) VALUES ('not svclog')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("make", [_text_journal, _foreign_sqlite], ids=["text", "sqlite"])
@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_file_that_is_not_a_journal_is_refused_and_untouched(
    tmp_path: Path, make: Any, command: tuple[str, ...]
) -> None:
    path = make(tmp_path / "other.db")
    content = path.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())
    result = cli("--db", str(path), *_with_output(command, tmp_path))
    assert result.exit_code == 65, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(path))
    assert_clean(result.stderr)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == names


@pytest.mark.usefixtures("hostile")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dangling", [False, True], ids=["to-a-file", "dangling"])
def test_a_symlinked_export_target_is_refused_without_force(
    tmp_path: Path, fmt: str, dangling: bool
) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_bytes(b"precious\n")
    link = tmp_path / f"link \x1b]52;c;SGVsbG8=\x07.{fmt}"
    link.symlink_to(victim)
    result = cli("export", "--format", fmt, "--output", str(link))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "symlink", "--force")
    assert_clean(result.stderr)
    assert link.is_symlink()
    assert os.readlink(link) == str(victim)
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_bytes() == b"precious\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


# ----------------------------------------------------------------------------- pipes


@pytest.fixture
def three_hundred(db: Path, tmp_path: Path) -> Path:
    """300 encounters with hostile, long summaries and notes."""
    source = tmp_path / "300.ndjson"
    with source.open("w", encoding="utf-8") as handle:
        for n in range(300):
            record = {
                "uid": _ulid(100_000 + n),
                "business": {"name": f"Shop {n % 7} {EVERYTHING}"},
                "occurred_at": f"2026-{n % 10 + 1:02d}-{n % 28 + 1:02d}T12:00:00+01:00",
                "summary": f"visit {n} " + PAYLOADS["osc52"] * 30 + " [b]x[/b]" * 30,
                "note": f"note {n} {EVERYTHING}\n" * 20,
            }
            handle.write(json.dumps(record) + "\n")
    imported = cli("import", str(source))
    assert imported.exit_code == 0, imported.stderr
    return db


def _into_head(tmp_path: Path, args: list[str], env: dict[str, str]) -> tuple[Any, int]:
    status_file = tmp_path / "svclog-status"
    command = shlex.join([sys.executable, "-m", "svclog", *args])
    script = f"set +o pipefail; {command} | head -1; echo ${{PIPESTATUS[0]}} > {status_file}"
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    return done, int(status_file.read_text())


@pytest.mark.usefixtures("three_hundred")
@pytest.mark.parametrize(
    "args", [["list"], ["list", "--format", "csv"], ["export", "--format", "ndjson"]], ids=" ".join
)
def test_a_pipe_closed_by_head_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    env = {"COLUMNS": "2000"}
    whole = subprocess.run(
        [sys.executable, "-m", "svclog", *args],
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout) > 4 * 65536  # far more than a pipe holds: head must cut it short
    done, status = _into_head(tmp_path, args, env)
    assert done.returncode == 0
    assert done.stdout == whole.stdout.split(b"\n", 1)[0] + b"\n"
    assert status == 0, done.stderr
    for noise in (b"Traceback", b"Broken pipe", b"BrokenPipeError", b"Error"):
        assert noise not in done.stderr
