"""`svclog import`: svclog's own exports (lossless, idempotent by uid, a newer record replaces
an older one), CSV/TSV from elsewhere (`--map`, `--set`, `--date-format`, `--key`), all or
nothing (reliability.md promise 6, scenarios 3, 4 and 10), `--dry-run` and `undo`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from svclog.render.exchange import CSV_HEADER
from tests.conftest import (
    assert_one_error_line,
    cli,
    copy_journal,
    ok,
    show_json,
    snapshot,
)

LATER = "2026-11-23T10:00:00+01:00"
EVEN_LATER = "2026-11-24T10:00:00+01:00"


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- helpers


@pytest.fixture
def demo(tmp_path: Path, stories_journal: Path) -> Path:
    """The eight stories of product.md §2 in a journal of their own ("journal A")."""
    return copy_journal(stories_journal, tmp_path / "demo.db")


def export_file(db: Path, target: Path, fmt: str = "json", *extra: str) -> Path:
    result = cli("export", "--db", str(db), "--format", fmt, "--output", str(target), *extra)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return target


def records(db: Path | None = None) -> list[dict[str, Any]]:
    """Every encounter record of a journal (the default one unless `db`), via export."""
    args = ("--db", str(db)) if db else ()
    result = cli("export", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = result.json()
    return data


def by_uid(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["uid"]: item for item in items}


def imported(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> str:
    """Run a successful import; return its one stderr line (stdout must be empty)."""
    result = cli("import", *args, input=input, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def journal_files(db: Path) -> dict[str, bytes]:
    """The journal and its WAL companions, byte for byte."""
    return {
        path.name: path.read_bytes()
        for path in sorted(db.parent.iterdir())
        if path.name in (db.name, f"{db.name}-wal", f"{db.name}-shm", f"{db.name}-journal")
    }


def ulid(n: int) -> str:
    """A valid ULID-shaped uid (Crockford digits), distinct for each n."""
    return f"01M81TKXJ0{n:016d}"


def encounter_record(n: int, **changes: Any) -> dict[str, Any]:
    """A record of svclog's own export shape (product.md §6)."""
    record: dict[str, Any] = {
        "uid": ulid(n),
        "business": {"name": f"Shop number {n % 5}", "category": "retail"},
        "occurred_at": f"2026-03-{n % 28 + 1:02d}T12:00:00+01:00",
        "summary": f"visit {n}",
        "note": None,
        "failure": n % 3 == 0,
        "severity": None,
        "tags": [],
        "responses": [],
        "remedies": [],
        "followups": [],
        "outcome": None,
        "created_at": "2026-11-01T10:00:00+00:00",
        "updated_at": "2026-11-01T10:00:00+00:00",
    }
    record.update(changes)
    return record


def write_ndjson(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def write_bytes(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    body = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"))
    return path


def assert_names(stderr: str, source: Path, where: str, *fragments: str) -> None:
    """One `Error:` line naming `source`, then `where` (the row or line), and after that each
    fragment (field, column, value), so that a value like "9" cannot match the file's path."""
    assert_one_error_line(stderr, str(source), where)
    rest = stderr.split(str(source), 1)[1]
    assert where in rest, stderr
    after = rest.split(where, 1)[1]
    for fragment in fragments:
        assert fragment in after, (fragment, stderr)


FOREIGN_MAP = ("--map", "Store=business", "--map", "Date=occurred_at", "--map", "Notes=note")


# ----------------------------------------------------------------------------- own formats


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_importing_an_export_is_lossless(demo: Path, tmp_path: Path, fmt: str) -> None:
    source = export_file(demo, tmp_path / f"a.{fmt}", fmt)
    line = imported(str(source))
    assert line == f"Imported {source}: 10 added, 0 updated, 0 skipped."
    assert records() == records(demo)


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_importing_the_same_export_twice_adds_nothing(demo: Path, tmp_path: Path, fmt: str) -> None:
    source = export_file(demo, tmp_path / f"a.{fmt}", fmt)
    imported(str(source))
    before = snapshot()
    again = imported(str(source))
    assert again == f"Imported {source}: 0 added, 0 updated, 10 skipped."
    assert snapshot() == before
    # nothing to undo but the first import
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr == ""
    assert undone.stdout.startswith(
        f"Reverted: import {source} (10 added, 0 updated, 0 skipped) (run "
    )
    assert records() == []


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_a_newer_record_replaces_the_older_one_timeline_and_all(
    demo: Path, tmp_path: Path, fmt: str
) -> None:
    imported(str(export_file(demo, tmp_path / f"first.{fmt}", fmt)))
    pizza = next(r["uid"] for r in records(demo) if r["business"]["name"] == "Piazza Pizza Co.")

    def in_journal_a(*args: str) -> None:
        result = cli(*args, "--db", str(demo), env={"SVCLOG_NOW": LATER})
        assert result.exit_code == 0, result.stderr

    # Later, in journal A: a response added, one removed, a new summary, a changed outcome.
    in_journal_a("respond", "10", "--by", "owner", "--quality", "good")
    in_journal_a("edit", "r11", "--remove")
    in_journal_a("edit", "10", "--summary", "Pizzas late; then a call")
    in_journal_a("outcome", "10", "--told", "15")
    newer = export_file(demo, tmp_path / f"second.{fmt}", fmt)

    line = imported(str(newer), env={"SVCLOG_NOW": LATER})
    assert line == f"Imported {newer}: 0 added, 1 updated, 9 skipped."
    mine = by_uid(records())
    theirs = by_uid(records(demo))
    assert mine[pizza] == theirs[pizza]
    assert mine[pizza]["summary"] == "Pizzas late; then a call"
    assert [r["by"] for r in mine[pizza]["responses"]] == ["corporate", "owner"]
    assert mine[pizza]["outcome"]["told"] == 15
    assert mine == theirs


def test_an_older_record_does_not_replace_a_newer_one(demo: Path, tmp_path: Path) -> None:
    older = export_file(demo, tmp_path / "older.json")
    imported(str(older))
    edited = cli("edit", "10", "--summary", "my own later words", env={"SVCLOG_NOW": LATER})
    assert edited.exit_code == 0, edited.stderr
    before = snapshot()
    line = imported(str(older), env={"SVCLOG_NOW": EVEN_LATER})
    assert line == f"Imported {older}: 0 added, 0 updated, 10 skipped."
    assert snapshot() == before
    assert show_json(10)["summary"] == "my own later words"


def test_uids_are_always_kept_and_ids_when_free(demo: Path, tmp_path: Path) -> None:
    """Only the clashing id (1, already used here) changes; every id that was free in this
    journal is kept, even when it comes late in the file."""
    taken = cli("add", "Somewhere Else", "already here", "--quiet")
    assert taken.exit_code == 0, taken.stderr
    assert taken.stdout.strip() == "1"
    imported(str(export_file(demo, tmp_path / "a.json")))
    mine = by_uid(records())
    theirs = by_uid(records(demo))
    assert set(theirs) <= set(mine)
    assert len(mine) == 11
    for uid, record in theirs.items():
        stripped_mine = {k: v for k, v in mine[uid].items() if k != "id"}
        stripped_theirs = {k: v for k, v in record.items() if k != "id"}
        assert stripped_mine == stripped_theirs
    assert show_json(1)["summary"] == "already here"
    kept = {record["id"]: mine[uid]["id"] for uid, record in theirs.items()}
    assert {old: new for old, new in kept.items() if old != new} == {1: 11}


def test_undo_after_an_import_removes_everything_it_added(demo: Path, tmp_path: Path) -> None:
    assert cli("add", "Corner Bakery", "croissants", "--quiet").exit_code == 0
    ok("business", "note", "Corner Bakery", "Best croissants in town.")
    before = snapshot()
    source = export_file(demo, tmp_path / "a.ndjson", "ndjson")
    imported(str(source))
    assert len(snapshot()[0]) == 11
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr == ""
    assert undone.stdout.startswith(
        f"Reverted: import {source} (10 added, 0 updated, 0 skipped) (run "
    )
    assert snapshot() == before  # the encounters, their timelines and the new businesses


def test_import_from_standard_input(demo: Path, tmp_path: Path) -> None:
    text = export_file(demo, tmp_path / "a.ndjson", "ndjson").read_text(encoding="utf-8")
    line = imported("-", "--format", "ndjson", input=text)
    assert line == "Imported standard input: 10 added, 0 updated, 0 skipped."
    assert records() == records(demo)


def test_standard_input_needs_a_format() -> None:
    result = cli("import", "-", input="[]")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--format")


def test_json_import_from_standard_input(demo: Path, tmp_path: Path) -> None:
    text = export_file(demo, tmp_path / "a.json").read_text(encoding="utf-8")
    line = imported("-", "-f", "json", input=text)
    assert line == "Imported standard input: 10 added, 0 updated, 0 skipped."


# ----------------------------------------------------------------------------- all or nothing


@pytest.fixture
def existing() -> tuple[Any, Any]:
    """A journal with something in it; its snapshot."""
    assert cli("add", "Corner Bakery", "croissants", "--quiet").exit_code == 0
    return snapshot()


def test_a_bad_line_200_of_250_in_ndjson_imports_nothing(
    tmp_path: Path, existing: tuple[Any, Any]
) -> None:
    items = [encounter_record(n) for n in range(1, 251)]
    items[199]["severity"] = 9
    source = write_ndjson(tmp_path / "log.ndjson", items)
    result = cli("import", str(source))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "line 200", "severity", "9")
    assert snapshot() == existing


def test_a_bad_record_in_a_json_array_names_it(tmp_path: Path, existing: tuple[Any, Any]) -> None:
    items = [encounter_record(n) for n in range(1, 251)]
    items[199]["occurred_at"] = "2026-02-30T12:00:00+01:00"
    source = tmp_path / "log.json"
    source.write_text(json.dumps(items), encoding="utf-8")
    result = cli("import", str(source))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "record 200", "occurred_at", "2026-02-30T12:00:00+01:00")
    assert snapshot() == existing


def _own_csv_rows(tmp_path: Path) -> list[list[str]]:
    """svclog's own CSV export of 250 encounters (notes over two lines), as rows."""
    scratch = tmp_path / "scratch.db"
    items = [encounter_record(n, note=f"line one\nline two of {n}") for n in range(1, 251)]
    imported(str(write_ndjson(tmp_path / "seed.ndjson", items)), "--db", str(scratch))
    exported = export_file(scratch, tmp_path / "clean.csv", "csv")
    with exported.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 251
    return rows


def _write_csv(target: Path, rows: list[list[str]]) -> Path:
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return target


def _own_csv_with_a_bad_row(tmp_path: Path, column: str, value: str) -> Path:
    """svclog's own CSV export of 250 encounters, with `column` of row 200 set to `value`."""
    rows = _own_csv_rows(tmp_path)
    rows[200][CSV_HEADER.index(column)] = value  # rows[0] is the header: rows[200] is row 200
    return _write_csv(tmp_path / "log.csv", rows)


@pytest.mark.parametrize(
    ("column", "value", "fragments"),
    [
        ("severity", "nine", ("severity", "'nine'")),
        ("occurred_at", "yesterday-ish", ("occurred_at", "yesterday-ish")),
        ("dimension", "vibes", ("dimension", "vibes")),
        ("failure", "maybe", ("failure", "maybe")),
        ("responses", "[{not json", ("responses",)),
    ],
)
def test_a_bad_row_200_of_250_in_svclog_csv_imports_nothing(
    tmp_path: Path,
    existing: tuple[Any, Any],
    column: str,
    value: str,
    fragments: tuple[str, ...],
) -> None:
    source = _own_csv_with_a_bad_row(tmp_path, column, value)
    result = cli("import", str(source))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "row 200", *fragments)
    assert snapshot() == existing


def _foreign_csv(tmp_path: Path, bad_row: int, column: str, value: str) -> Path:
    lines = ["Ref,Store,Date,Sev,Notes"]
    for n in range(1, 251):
        cells = {
            "Ref": f"R{n:04d}",
            "Store": f"Shop {n % 9}",
            "Date": f"{n % 12 + 1}/{n % 28 + 1}/2026",
            "Sev": str(n % 5 + 1),
            "Notes": f'"a note, with a comma\nand a second line ({n})"',
        }
        if n == bad_row:
            cells[column] = value
        lines.append(",".join(cells.values()))
    return write_bytes(tmp_path / "complaints.csv", "\n".join(lines) + "\n", crlf=True)


FOREIGN_250 = (
    "--map", "Store=business", "--map", "Date=occurred_at", "--map", "Sev=severity",
    "--map", "Notes=note", "--date-format", "%m/%d/%Y",
)  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value"), [("Sev", "9"), ("Date", "13/45/2026"), ("Store", "  ")]
)
def test_a_bad_row_200_of_250_in_a_foreign_csv_names_row_column_and_value(
    tmp_path: Path, existing: tuple[Any, Any], column: str, value: str
) -> None:
    source = _foreign_csv(tmp_path, 200, column, value)
    result = cli("import", str(source), *FOREIGN_250)
    assert result.exit_code == 65
    assert result.stdout == ""
    fragments = (f"column {column!r}", *((value,) if value.strip() else ()))
    assert_names(result.stderr, source, "row 200", *fragments)
    assert snapshot() == existing


def test_the_same_foreign_csv_without_the_bad_row_imports_all_250(tmp_path: Path) -> None:
    source = _foreign_csv(tmp_path, 0, "Sev", "")
    line = imported(str(source), *FOREIGN_250)
    assert line == f"Imported {source}: 250 added, 0 updated, 0 skipped."
    data = records()
    assert len(data) == 250
    assert {r["note"] for r in data} >= {"a note, with a comma\r\nand a second line (200)"}


def _refusal(tmp_path: Path, case: str) -> tuple[list[str], int]:
    """The arguments of an import that must be refused, and its exit code."""
    if case == "bad line 200":
        bad = [encounter_record(n) for n in range(1, 251)]
        bad[199]["severity"] = 9
        return [str(write_ndjson(tmp_path / "bad.ndjson", bad))], 65
    if case == "bad csv row 200":
        return [str(_foreign_csv(tmp_path, 200, "Sev", "9")), *FOREIGN_250], 65
    if case == "invalid utf-8":
        source = tmp_path / "latin1.json"
        source.write_bytes(b'[\n{"note": "caf\xe9"}\n]\n')
        return [str(source)], 65
    if case == "not an array":
        return [str(write_bytes(tmp_path / "o.json", '{"uid": 1}'))], 65
    assert case == "no --map"
    return [str(write_bytes(tmp_path / "f.csv", "Store,Date\nA,B\n"))], 2


@pytest.mark.parametrize(
    "case", ["bad line 200", "bad csv row 200", "invalid utf-8", "not an array", "no --map"]
)
def test_a_refused_import_does_not_create_the_journal(tmp_path: Path, case: str) -> None:
    """Bad input means nothing written (reliability.md promise 6): a refused import into a
    journal that does not exist yet must not leave a new, empty journal behind."""
    args, code = _refusal(tmp_path, case)
    fresh = tmp_path / "fresh.db"
    result = cli("import", *args, "--db", str(fresh))
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("fresh.db")] == []


def test_a_short_row_in_svclog_csv_is_bad_data_not_a_crash(
    tmp_path: Path, existing: tuple[Any, Any]
) -> None:
    """A row with fewer cells than the header (a truncated file) is refused like any bad row:
    exit 65 naming it, not an unexpected error."""
    rows = _own_csv_rows(tmp_path)
    rows[200] = rows[200][:5]
    source = _write_csv(tmp_path / "log.csv", rows)
    result = cli("import", str(source))
    assert result.exit_code == 65, result.stderr
    assert result.stdout == ""
    assert_names(result.stderr, source, "row 200")
    assert snapshot() == existing


def test_a_long_row_in_a_csv_is_refused(tmp_path: Path, existing: tuple[Any, Any]) -> None:
    source = write_bytes(tmp_path / "f.csv", "Store,Date\nA,3/1/2026\nB,3/2/2026,extra\n")
    result = cli(
        "import", str(source), "--map", "Store=business", "--map", "Date=occurred_at",
        "--date-format", "%m/%d/%Y",
    )  # fmt: skip
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "row 2", "more cells")
    assert snapshot() == existing


@pytest.mark.parametrize("suffix", ["json", "ndjson", "csv"])
def test_invalid_utf8_is_refused_naming_the_line(
    tmp_path: Path, existing: tuple[Any, Any], suffix: str
) -> None:
    body = {
        "json": b'[\n{"uid": "x"},\n{"note": "caf\xe9"}\n]\n',
        "ndjson": (
            json.dumps(encounter_record(1)).encode()
            + b"\n"
            + json.dumps(encounter_record(2)).encode()
            + b"\n"
            + b'{"note": "caf\xe9"}\n'
        ),
        "csv": b"Store,Date\nA,3/1/2026\nCaf\xe9,3/2/2026\n",
    }[suffix]
    line = 3
    source = tmp_path / f"latin1.{suffix}"
    source.write_bytes(body)
    extra = (*FOREIGN_MAP[:4], "--date-format", "%m/%d/%Y") if suffix == "csv" else ()
    result = cli("import", str(source), *extra)
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, f"line {line}")
    assert "UTF-8" in result.stderr
    assert snapshot() == existing


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"uid": "01M81TKXJ00000000000000001"}', "array"),
        ('"just a string"', "array"),
        ("[1, 2", "not valid JSON"),
        ("[1]", "record 1"),
        ("[]", None),
    ],
)
def test_a_json_file_must_be_an_array_of_records(
    tmp_path: Path, existing: tuple[Any, Any], text: str, fragment: str | None
) -> None:
    source = write_bytes(tmp_path / "x.json", text)
    result = cli("import", str(source))
    if fragment is None:
        assert result.exit_code == 0, result.stderr
        assert result.stderr == f"Imported {source}: 0 added, 0 updated, 0 skipped.\n"
    else:
        assert result.exit_code == 65
        assert_one_error_line(result.stderr, str(source), fragment)
    assert result.stdout == ""
    assert snapshot() == existing


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"uid": "not-a-ulid"}, ("uid", "not-a-ulid")),
        ({"colour": "red"}, ("unknown field", "colour")),
        ({"business": {"name": ""}}, ("business.name",)),
        ({"summary": "two\nlines"}, ("summary", "single line")),
        ({"note": "nul\x00byte"}, ("note", "NUL")),
        ({"occurred_at": "2026-03-01T12:00:00"}, ("occurred_at", "offset")),
        ({"responses": [{"uid": ulid(999), "at": "2026-03-01T13:00:00+01:00", "quality": 7}]},
         ("responses[1].quality", "7")),
        ({"remedies": [{"uid": ulid(998), "at": "2026-03-01T13:00:00+01:00", "type": "hug"}]},
         ("remedies[1].type", "hug")),
        ({"outcome": {"uid": ulid(997), "recommend": 11}}, ("outcome.recommend", "11")),
    ],
)  # fmt: skip
def test_each_field_is_checked_and_named(
    tmp_path: Path, existing: tuple[Any, Any], change: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    items = [encounter_record(1), encounter_record(2, **change), encounter_record(3)]
    source = write_ndjson(tmp_path / "x.ndjson", items)
    result = cli("import", str(source))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "line 2", *fragments)
    assert snapshot() == existing


def test_map_set_and_key_are_for_foreign_csv_only(tmp_path: Path) -> None:
    source = write_ndjson(tmp_path / "x.ndjson", [encounter_record(1)])
    for extra in (("--map", "A=business"), ("--set", "category=x"), ("--key", "Ref")):
        result = cli("import", str(source), *extra)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "CSV")
    assert not (tmp_path / "journal.db").exists()


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    result = cli("import", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "nowhere.json")


def test_an_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    source = write_bytes(tmp_path / "x.txt", "[]")
    result = cli("import", str(source))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--format")


# ----------------------------------------------------------------------------- --dry-run


def test_dry_run_reports_and_leaves_the_journal_byte_identical(demo: Path, tmp_path: Path) -> None:
    imported(str(export_file(demo, tmp_path / "first.json")))
    later = {"SVCLOG_NOW": LATER}
    assert (
        cli(
            "edit", "3", "--summary", "Friday dinner, again", "--db", str(demo), env=later
        ).exit_code
        == 0
    )
    assert cli("add", "New Place", "first visit", "--db", str(demo), "-q", env=later).exit_code == 0
    source = export_file(demo, tmp_path / "second.json")
    journal = tmp_path / "journal.db"
    before = journal_files(journal)
    assert journal.name in before

    result = cli("import", str(source), "--dry-run", env=later)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Dry run of {source}: would be 1 added, 1 updated, 9 skipped, 0 rejected; "
        "nothing was changed.\n"
    )
    assert journal_files(journal) == before

    # and the real import does what the dry run said
    line = imported(str(source), env=later)
    assert line == f"Imported {source}: 1 added, 1 updated, 9 skipped."


def test_dry_run_lists_rejected_records_and_exits_65(tmp_path: Path) -> None:
    assert cli("add", "Corner Bakery", "croissants", "--quiet").exit_code == 0
    journal = tmp_path / "journal.db"
    before = journal_files(journal)
    items = [encounter_record(n) for n in range(1, 251)]
    items[199]["severity"] = 9
    items[209]["dimension"] = "vibes"
    source = write_ndjson(tmp_path / "log.ndjson", items)
    result = cli("import", str(source), "--dry-run")
    assert result.exit_code == 65
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"Dry run of {source}: would be 248 added, 0 updated, 0 skipped, 2 rejected; "
        "nothing was changed."
    )
    assert lines[1].startswith("  rejected line 200: severity"), lines
    assert "9" in lines[1]
    assert lines[2].startswith("  rejected line 210: dimension"), lines
    assert "vibes" in lines[2]
    assert len(lines) == 3
    assert journal_files(journal) == before


def test_dry_run_against_a_missing_journal_creates_nothing(demo: Path, tmp_path: Path) -> None:
    source = export_file(demo, tmp_path / "a.csv", "csv")
    missing = tmp_path / "not-yet.db"
    result = cli("import", str(source), "--dry-run", "--db", str(missing))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Dry run of {source}: would be 10 added, 0 updated, 0 skipped, 0 rejected; "
        "nothing was changed.\n"
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("not-yet")] == []


def test_dry_run_of_a_foreign_csv(tmp_path: Path) -> None:
    source = _foreign_csv(tmp_path, 0, "Sev", "")
    result = cli("import", str(source), *FOREIGN_250, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "would be 250 added, 0 updated, 0 skipped, 0 rejected" in result.stderr
    assert not (tmp_path / "journal.db").exists()


# ----------------------------------------------------------------------------- foreign CSV


def test_a_spreadsheet_csv_with_bom_crlf_quoted_commas_and_us_dates(tmp_path: Path) -> None:
    source = write_bytes(
        tmp_path / "from-excel.csv",
        "Store,Date,Notes,Ignored\n"
        '"Smith, Jones & Co",3/7/2026,"Waited, then left",x\n'
        'Café Lumière,7/4/2026,"two lines,\nquoted ""nicely""",y\n'
        "Deli Express,12/31/2025,,z\n",
        bom=True,
        crlf=True,
    )
    line = imported(str(source), *FOREIGN_MAP, "--date-format", "%m/%d/%Y")
    assert line == f"Imported {source}: 3 added, 0 updated, 0 skipped."
    data = {r["business"]["name"]: r for r in records()}
    assert set(data) == {"Smith, Jones & Co", "Café Lumière", "Deli Express"}
    # M/D/YYYY, read as that local day (Europe/Paris: winter +01:00, summer +02:00)
    assert data["Smith, Jones & Co"]["occurred_at"] == "2026-03-07T00:00:00+01:00"
    assert data["Café Lumière"]["occurred_at"] == "2026-07-04T00:00:00+02:00"
    assert data["Deli Express"]["occurred_at"] == "2025-12-31T00:00:00+01:00"
    assert data["Smith, Jones & Co"]["note"] == "Waited, then left"
    assert data["Café Lumière"]["note"] == 'two lines,\r\nquoted "nicely"'
    assert data["Deli Express"]["note"] is None
    for record in data.values():
        assert record["failure"] is False
        assert record["status"] == "resolved"
        assert record["summary"] is None
        assert record["business"]["category"] is None
    business_names = [b["name"] for b in json.loads(ok("business", "list", "--format", "json"))]
    assert sorted(business_names) == ["Café Lumière", "Deli Express", "Smith, Jones & Co"]
    listed = json.loads(ok("list", "--format", "json", "--business", "Smith, Jones & Co"))
    assert [r["occurred_at"][:10] for r in listed] == ["2026-03-07"]


def test_a_tsv_from_elsewhere(tmp_path: Path) -> None:
    source = write_bytes(
        tmp_path / "log.tsv",
        "Store\tWhen\tWhat\nSmith, Jones & Co\t2026-03-07T19:00:00+01:00\tslow\n",
    )
    imported(
        str(source), "--map", "Store=business", "--map", "When=occurred_at", "--map", "What=summary"
    )
    [record] = records()
    assert record["business"]["name"] == "Smith, Jones & Co"
    assert record["occurred_at"] == "2026-03-07T19:00:00+01:00"
    assert record["summary"] == "slow"


def test_set_gives_every_row_a_value(tmp_path: Path) -> None:
    source = write_bytes(
        tmp_path / "f.csv", "Store,Date\nNoodle Bar,3/1/2026\nTaco Truck,3/2/2026\n"
    )
    imported(
        str(source), *FOREIGN_MAP[:4], "--date-format", "%m/%d/%Y",
        "--set", "category=restaurant", "--set", "channel=Phone Call", "--set", "client=ACME",
    )  # fmt: skip
    data = records()
    assert len(data) == 2
    for record in data:
        assert record["business"]["category"] == "restaurant"
        assert record["channel"] == "phone_call"
        assert record["client"] == "ACME"
    categories = {b["category"] for b in json.loads(ok("business", "list", "--format", "json"))}
    assert categories == {"restaurant"}


def test_booleans_from_elsewhere(tmp_path: Path) -> None:
    rows = [
        ("yes", "yes"),
        ("no", "no"),
        ("true", "true"),
        ("false", "false"),
        ("1", "1"),
        ("0", "0"),
        ("", ""),
        ("YES", "False"),
    ]
    text = "Ref,Store,Date,Bad,Disputed\n" + "".join(
        f"{n},Shop {n},3/{n + 1}/2026,{bad},{disputed}\n" for n, (bad, disputed) in enumerate(rows)
    )
    source = write_bytes(tmp_path / "f.csv", text)
    imported(
        str(source), *FOREIGN_MAP[:4], "--map", "Bad=failure", "--map", "Disputed=disputed",
        "--map", "Ref=summary", "--date-format", "%m/%d/%Y",
    )  # fmt: skip
    data = {int(r["summary"]): r for r in records()}
    assert [data[n]["failure"] for n in range(len(rows))] == [
        True, False, True, False, True, False, False, True,
    ]  # fmt: skip
    assert [data[n]["disputed"] for n in range(len(rows))] == [
        True, False, True, False, True, False, None, False,
    ]  # fmt: skip
    assert [data[n]["status"] for n in range(len(rows))] == [
        "open" if data[n]["failure"] else "resolved" for n in range(len(rows))
    ]


def test_a_boolean_that_is_not_one(tmp_path: Path, existing: tuple[Any, Any]) -> None:
    source = write_bytes(
        tmp_path / "f.csv", "Store,Date,Bad\nA Shop,3/1/2026,yes\nB Shop,3/2/2026,maybe\n"
    )
    result = cli(
        "import", str(source), *FOREIGN_MAP[:4], "--map", "Bad=failure", "--date-format",
        "%m/%d/%Y",
    )  # fmt: skip
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_names(result.stderr, source, "row 2", "column 'Bad'", "maybe")
    assert snapshot() == existing


KEYED = "Ref,Store,Date,Notes\nA1,Noodle Bar,3/1/2026,first\nA2,Taco Truck,3/2/2026,second\nA3,Noodle Bar,3/3/2026,third\n"  # noqa: E501


def test_key_makes_a_reimport_update_instead_of_adding(tmp_path: Path) -> None:
    source = write_bytes(tmp_path / "f.csv", KEYED)
    args = (str(source), *FOREIGN_MAP, "--date-format", "%m/%d/%Y", "--key", "Ref")
    assert imported(*args) == f"Imported {source}: 3 added, 0 updated, 0 skipped."
    first = by_uid(records())
    again = imported(*args, env={"SVCLOG_NOW": LATER})
    assert again.startswith(f"Imported {source}: 0 added, ")
    second = by_uid(records())
    assert set(second) == set(first)
    assert len(second) == 3
    for uid, record in first.items():
        assert second[uid]["note"] == record["note"]
        assert second[uid]["occurred_at"] == record["occurred_at"]
        assert second[uid]["id"] == record["id"]
    # the same day, the same file: nothing at all to do
    assert imported(*args, env={"SVCLOG_NOW": LATER}) == (
        f"Imported {source}: 0 added, 0 updated, 3 skipped."
    )


def test_key_reimport_takes_a_changed_cell(tmp_path: Path) -> None:
    source = write_bytes(tmp_path / "f.csv", KEYED)
    args = (str(source), *FOREIGN_MAP, "--date-format", "%m/%d/%Y", "--key", "Ref")
    imported(*args)
    write_bytes(source, KEYED.replace("second", "second (corrected)"))
    assert imported(*args, env={"SVCLOG_NOW": LATER}).startswith(f"Imported {source}: 0 added")
    notes = sorted(r["note"] for r in records())
    assert notes == ["first", "second (corrected)", "third"]


def test_key_reimport_keeps_what_was_recorded_since(tmp_path: Path) -> None:
    """Re-importing a keyed file on a later day updates the rows' fields; it must not throw
    away the timeline recorded in svclog since (the file never had it), nor rewrite when the
    encounter was created."""
    source = write_bytes(tmp_path / "f.csv", KEYED)
    args = (str(source), *FOREIGN_MAP, "--date-format", "%m/%d/%Y", "--key", "Ref")
    imported(*args)
    created = show_json(1)["created_at"]
    responded = cli("respond", "1", "--by", "manager", "-Q", "good", "--when", "2026-03-02")
    assert responded.exit_code == 0, responded.stderr
    imported(*args, env={"SVCLOG_NOW": EVEN_LATER})
    record = show_json(1)
    assert [(r["by"], r["quality"]) for r in record["responses"]] == [("manager", 4)]
    assert record["created_at"] == created


def test_identical_rows_without_a_key_are_all_kept(tmp_path: Path) -> None:
    row = "Noodle Bar,3/1/2026,same words\n"
    source = write_bytes(tmp_path / "f.csv", "Store,Date,Notes\n" + row * 3)
    args = (str(source), *FOREIGN_MAP, "--date-format", "%m/%d/%Y")
    assert imported(*args) == f"Imported {source}: 3 added, 0 updated, 0 skipped."
    assert imported(*args) == f"Imported {source}: 3 added, 0 updated, 0 skipped."
    data = records()
    assert len(data) == 6
    assert len({r["uid"] for r in data}) == 6
    assert {r["note"] for r in data} == {"same words"}


def test_an_unknown_map_field_is_a_usage_error(tmp_path: Path) -> None:
    source = write_bytes(tmp_path / "f.csv", "Store,Date\nA,3/1/2026\n")
    result = cli("import", str(source), "--map", "Store=business", "--map", "Date=when")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'when'", "occurred_at")
    assert not (tmp_path / "journal.db").exists()


def test_an_unknown_set_field_is_a_usage_error(tmp_path: Path) -> None:
    source = write_bytes(tmp_path / "f.csv", "Store,Date\nA,3/1/2026\n")
    result = cli("import", str(source), "--map", "Store=business", "--set", "mood=grumpy")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'mood'")


def test_a_map_column_missing_from_the_file(tmp_path: Path, existing: tuple[Any, Any]) -> None:
    source = write_bytes(tmp_path / "f.csv", "Store,Date\nA,3/1/2026\n")
    result = cli("import", str(source), "--map", "Shop=business")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'Shop'", "Store")
    assert snapshot() == existing


def test_a_foreign_csv_without_map_is_refused_with_a_hint(
    tmp_path: Path, existing: tuple[Any, Any]
) -> None:
    source = write_bytes(tmp_path / "f.csv", "Store,Date,Notes\nA,3/1/2026,x\n")
    result = cli("import", str(source))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "not an svclog export", "--map COLUMN=FIELD")
    assert snapshot() == existing


def test_a_foreign_csv_with_iso_dates_needs_no_date_format(tmp_path: Path) -> None:
    """ISO-8601 is accepted verbatim, and a date without a time or offset means that local
    day (product.md §7), in a file as on the command line."""
    source = write_bytes(
        tmp_path / "f.csv",
        "Store,Date\nNoodle Bar,2026-03-07T19:00:00+01:00\nTaco Truck,2026-07-04\n",
    )
    imported(str(source), "--map", "Store=business", "--map", "Date=occurred_at")
    dates = {r["business"]["name"]: r["occurred_at"] for r in records()}
    assert dates == {
        "Noodle Bar": "2026-03-07T19:00:00+01:00",
        "Taco Truck": "2026-07-04T00:00:00+02:00",
    }
