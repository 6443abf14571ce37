"""`svclog export`: the full-fidelity records (product.md §5-§6), the CSV columns, the filters,
`--output` (private, atomic, never clobbering: reliability.md promises 3 and 11) and `--safe`
CSV (promise 10)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import svclog.render.exchange as render_exchange
import svclog.storage.export_records as export_records
from svclog.render.exchange import CSV_HEADER
from tests.conftest import (
    ENCOUNTER_FIELDS,
    assert_one_error_line,
    cli,
    copy_journal,
    ok,
    show_json,
)


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


#: The export CSV's columns, version 1, written out (not read from the code).
EXPECTED_HEADER = (
    "id",
    "uid",
    "business",
    "category",
    "occurred_at",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "client",
    "tags",
    "status",
    "timely",
    "disputed",
    "created_at",
    "updated_at",
    "first_response_hours",
    "best_quality",
    "remedy_types",
    "returned",
    "recommend",
    "word_of_mouth",
    "told",
    "review",
    "switched_to",
    "responses",
    "remedies",
    "followups",
    "outcome",
)


# ----------------------------------------------------------------------------- helpers


def add_encounter(business: str, summary: str, *options: str) -> int:
    """`svclog add` with options first and `--` before the positionals (so that a business or
    summary may start with `-`); returns the new id."""
    result = cli("add", "--quiet", *options, "--", business, summary)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return int(result.stdout.strip())


@pytest.fixture
def demo(tmp_path: Path, stories_journal: Path) -> Path:
    """The eight stories of product.md §2 in a journal of their own."""
    return copy_journal(stories_journal, tmp_path / "demo.db")


_exports = itertools.count()


def export(*args: str) -> str:
    """What a successful export writes, exactly. Written with --output to a new file and read
    back without newline translation (CliRunner's captured stdout turns CRLF into LF)."""
    target = Path(os.environ["SVCLOG_DB"]).parent / f"export-{next(_exports)}.out"
    result = cli("export", *args, "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Exported "), result.stderr
    assert result.stderr.endswith(f" to {target}.\n"), result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    with target.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def export_json(*args: str) -> list[dict[str, Any]]:
    data = json.loads(export("--format", "json", *args))
    assert isinstance(data, list)
    return data


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_csv_file(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def run_bytes(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """svclog as a real process writing into a pipe, its output kept as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "svclog", *args],
        capture_output=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def by_business(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [r for r in records if r["business"]["name"] == name]


# ----------------------------------------------------------------------------- shapes


def test_the_csv_header_is_exactly_the_documented_columns() -> None:
    assert CSV_HEADER == EXPECTED_HEADER
    add_encounter("Burrito Bonito", "Lunch")
    text = export("--format", "csv")
    first_line = text.split("\n", 1)[0]
    assert first_line == ",".join(EXPECTED_HEADER)
    rows = csv_rows(text)
    assert len(rows) == 2
    assert len(rows[1]) == len(EXPECTED_HEADER)


def test_an_empty_journal_exports_an_empty_array_a_bare_header_and_nothing() -> None:
    assert cli("init").exit_code == 0
    for fmt, expected in (
        ("json", "[]\n"),
        ("ndjson", ""),
        ("csv", ",".join(EXPECTED_HEADER) + "\n"),
    ):
        result = cli("export", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout == expected, fmt
        assert result.stderr == "Exported 0 encounters.\n"


def test_a_missing_journal_is_not_created_by_export(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = cli("export", "--db", str(missing))
    assert result.exit_code == 66
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "typo.db")
    assert not missing.exists()


def test_json_export_through_a_pipe_is_one_document_for_jq(demo: Path) -> None:
    """`svclog export | jq` works: the whole of stdout is one JSON array of encounter records
    (product.md §6, in its documented field order), oldest first; the count goes to stderr."""
    result = run_bytes(["export", "--db", str(demo)])
    assert result.returncode == 0, result.stderr
    assert result.stderr == b"Exported 10 encounters.\n"
    data = json.loads(result.stdout.decode("utf-8"))
    assert isinstance(data, list)
    assert len(data) == 10
    for item in data:
        assert tuple(item) == ENCOUNTER_FIELDS
    moments = [datetime.fromisoformat(item["occurred_at"]) for item in data]
    assert moments == sorted(moments)  # oldest first
    assert len(set(moments)) == 10

    # jq '[.[] | select(.outcome.returned == false) | .business.name]'
    lost = [r["business"]["name"] for r in data if (r["outcome"] or {}).get("returned") is False]
    assert lost == ["Golden Dragon", "Smokey's Indoor BBQ"]
    # jq '[.[] | select(.failure) | .business.name] | unique | length'
    assert len({r["business"]["name"] for r in data if r["failure"]}) == 7
    # jq '.[] | select(.business.name == "Piazza Pizza Co.") | .remedies[0].value'
    [pizza] = by_business(data, "Piazza Pizza Co.")
    assert pizza["remedies"][0]["value"] == "42.50"
    assert pizza["outcome"]["told"] == 12
    # jq '[.[] | .tags[]] | unique'
    assert sorted({t for r in data for t in r["tags"]}) == ["family", "friend"]


def test_each_exported_record_is_the_show_record(demo: Path) -> None:
    data = export_json("--db", str(demo))
    for item in data:
        shown = cli("show", str(item["id"]), "--format", "json", "--db", str(demo))
        assert shown.exit_code == 0, shown.stderr
        assert shown.json() == item


def test_ndjson_export_is_one_record_per_line(demo: Path) -> None:
    records = export_json("--db", str(demo))
    text = export("--format", "ndjson", "--db", str(demo))
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert len(lines) == 10
    assert [json.loads(line) for line in lines] == records


def test_export_keeps_ids_uids_and_the_timeline(demo: Path) -> None:
    data = export_json("--db", str(demo))
    [marguerite] = by_business(data, "Chez Marguerite")
    assert [(r["by"], r["quality"], r["apology"]) for r in marguerite["responses"]] == [
        ("frontline", 2, "perfunctory"),
        ("senior", 5, "sincere"),
    ]
    assert [(m["type"], m["value"], m["currency"]) for m in marguerite["remedies"]] == [
        ("voucher", "100", "USD")
    ]
    assert [(f["direction"], f["channel"]) for f in marguerite["followups"]] == [("me", "email")]
    assert marguerite["outcome"]["recommend"] == 9
    assert len({r["uid"] for r in data}) == 10
    assert sorted(r["id"] for r in data) == list(range(1, 11))


# ----------------------------------------------------------------------------- CSV columns


def test_summary_columns_on_the_stories(demo: Path) -> None:
    rows = csv_records(export("--format", "csv", "--db", str(demo)))
    assert len(rows) == 10
    pizza = next(r for r in rows if r["business"] == "Piazza Pizza Co.")
    # complained 18:05, the district manager called at 18:30: 25 minutes.
    assert float(pizza["first_response_hours"]) == pytest.approx(0.42)
    assert pizza["best_quality"] == "5"
    assert pizza["remedy_types"] == "refund"
    assert pizza["returned"] == "true"
    assert pizza["recommend"] == "10"
    assert pizza["word_of_mouth"] == "positive"
    assert pizza["told"] == "12"
    assert pizza["review"] == ""
    assert pizza["switched_to"] == ""
    assert pizza["failure"] == "true"
    assert pizza["severity"] == "3"
    assert pizza["timely"] == "true"
    assert pizza["disputed"] == ""

    marguerite = next(r for r in rows if r["business"] == "Chez Marguerite")
    # no complaint time: the clock starts at the encounter (20:00); first response 20:30.
    assert float(marguerite["first_response_hours"]) == 0.5
    assert marguerite["best_quality"] == "5"  # frontline 2, then senior 5
    assert marguerite["remedy_types"] == "voucher"
    assert marguerite["returned"] == ""  # not said yet
    assert marguerite["recommend"] == "9"

    threadline = next(r for r in rows if r["business"] == "Threadline Clothing")
    # complained 07-19 09:00, the manager called 07-20 10:00.
    assert float(threadline["first_response_hours"]) == 25.0
    assert threadline["best_quality"] == "4"
    assert threadline["remedy_types"] == "discount"
    assert threadline["returned"] == "true"
    assert threadline["recommend"] == "7"

    dragon = next(r for r in rows if r["business"] == "Golden Dragon")
    assert dragon["returned"] == "false"
    assert dragon["recommend"] == "2"
    assert dragon["review"] == "Has not returned in five years"
    assert dragon["best_quality"] == "2"
    assert dragon["status"] == "abandoned"
    assert dragon["tags"] == "friend"

    tejana = next(r for r in rows if r["business"] == "Casa Tejana")
    assert tejana["remedy_types"] == "free_item"
    assert tejana["word_of_mouth"] == "positive"

    burritos = [r for r in rows if r["business"] == "Burrito Bonito"]
    assert len(burritos) == 3
    for burrito in burritos:
        assert burrito["first_response_hours"] == ""
        assert burrito["best_quality"] == ""
        assert burrito["remedy_types"] == ""
        assert burrito["failure"] == "false"
        assert burrito["timely"] == ""
        assert burrito["tags"] == "family"
    assert [b["returned"] for b in burritos] == ["", "", "true"]
    assert [b["recommend"] for b in burritos] == ["", "", "8"]
    assert [b["outcome"] == "" for b in burritos] == [True, True, False]


def test_remedy_types_are_each_named_once_in_order() -> None:
    encounter = add_encounter("Piazza Pizza Co.", "Late", "--failure", "--when", "2026-11-01")
    for remedy in ("refund", "voucher", "refund", "free_item"):
        ok("remedy", str(encounter), remedy, "--when", "2026-11-02")
    [row] = csv_records(export("--format", "csv"))
    assert row["remedy_types"] == "refund,voucher,free_item"


def test_csv_timeline_columns_hold_the_json_timeline(demo: Path) -> None:
    records = {r["uid"]: r for r in export_json("--db", str(demo))}
    rows = csv_records(export("--format", "csv", "--db", str(demo)))
    assert {row["uid"] for row in rows} == set(records)
    for row in rows:
        record = records[row["uid"]]
        assert json.loads(row["responses"]) == record["responses"]
        assert json.loads(row["remedies"]) == record["remedies"]
        assert json.loads(row["followups"]) == record["followups"]
        if record["outcome"] is None:
            assert row["outcome"] == ""
        else:
            assert json.loads(row["outcome"]) == record["outcome"]
        assert row["id"] == str(record["id"])
        assert row["occurred_at"] == record["occurred_at"]
        assert row["summary"] == record["summary"]


# ----------------------------------------------------------------------------- filters


def test_export_filters_by_business(demo: Path) -> None:
    data = export_json("--db", str(demo), "--business", "Burrito Bonito")
    assert [r["business"]["name"] for r in data] == ["Burrito Bonito"] * 3
    assert [r["summary"] for r in data] == [
        "Friday dinner; consistent as ever, the kids' favourite",
        "Lunch with the kids",
        "Friday dinner again",
    ]


def test_export_filters_by_date(demo: Path) -> None:
    data = export_json("--db", str(demo), "--since", "2026-10-01")
    assert [(r["business"]["name"], r["occurred_at"][:10]) for r in data] == [
        ("Piazza Pizza Co.", "2026-10-02"),
        ("Burrito Bonito", "2026-10-10"),
        ("Brightway Home Services", "2026-10-28"),
        ("Burrito Bonito", "2026-11-13"),
    ]
    until = export_json("--db", str(demo), "--until", "2026-03-14")
    assert [r["business"]["name"] for r in until] == ["Golden Dragon", "Smokey's Indoor BBQ"]


def test_export_filters_failures(demo: Path) -> None:
    data = export_json("--db", str(demo), "--failures")
    assert len(data) == 7
    assert all(r["failure"] is True for r in data)
    assert "Burrito Bonito" not in {r["business"]["name"] for r in data}


def test_export_filters_by_tag_and_client(demo: Path) -> None:
    assert [r["business"]["name"] for r in export_json("--db", str(demo), "--tag", "friend")] == [
        "Golden Dragon"
    ]
    assert export_json("--db", str(demo), "--client", "nobody") == []


def test_export_limit(demo: Path) -> None:
    everything = export_json("--db", str(demo))
    data = export_json("--db", str(demo), "--limit", "2")
    assert len(data) == 2
    assert all(r in everything for r in data)
    rows = csv_records(export("--format", "csv", "--db", str(demo), "--limit", "3"))
    assert len(rows) == 3


def test_the_same_filters_in_every_format(demo: Path) -> None:
    args = ("--db", str(demo), "--failures", "--since", "2026-05-01")
    uids = [r["uid"] for r in export_json(*args)]
    assert len(uids) == 5
    ndjson = export("--format", "ndjson", *args)
    assert [json.loads(line)["uid"] for line in ndjson.splitlines()] == uids
    assert [r["uid"] for r in csv_records(export("--format", "csv", *args))] == uids


def test_a_bad_filter_exports_nothing_and_creates_no_file(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = cli("export", "--db", str(demo), "--since", "the twelfth of never", "-o", str(target))
    assert result.exit_code in (1, 2)
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "twelfth of never")
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


# ----------------------------------------------------------------------------- --output


@pytest.fixture
def umask_000() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_output_file_is_private_and_holds_the_export(
    demo: Path, tmp_path: Path, umask_000: None
) -> None:
    target = tmp_path / "out.csv"
    result = cli("export", "--db", str(demo), "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Exported 10 encounters to {target}.\n"
    assert mode(target) == 0o600
    rows = read_csv_file(target)
    assert tuple(rows[0]) == EXPECTED_HEADER
    piped = run_bytes(["export", "--db", str(demo), "--format", "csv"])
    assert piped.returncode == 0, piped.stderr
    assert target.read_bytes() == piped.stdout
    assert len(rows) == 11
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_output_json_and_ndjson_files(demo: Path, tmp_path: Path) -> None:
    for fmt in ("json", "ndjson"):
        target = tmp_path / f"out.{fmt}"
        result = cli("export", "--db", str(demo), "-f", fmt, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        piped = run_bytes(["export", "--db", str(demo), "-f", fmt])
        assert piped.returncode == 0, piped.stderr
        assert target.read_bytes() == piped.stdout
        assert mode(target) == 0o600


def test_output_refuses_an_existing_file(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "precious.json"
    target.write_text("my thesis\n", encoding="utf-8")
    target.chmod(0o644)
    result = cli("export", "--db", str(demo), "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(target), "--force")
    assert target.read_text(encoding="utf-8") == "my thesis\n"
    assert mode(target) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "precious.json"]


def test_output_refuses_a_symlink_and_leaves_its_target_alone(demo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    result = cli("export", "--db", str(demo), "--output", str(link))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "symlink", "--force")
    assert link.is_symlink()
    assert os.readlink(link) == str(victim)
    assert victim.read_text(encoding="utf-8") == "do not touch\n"


def test_output_refuses_a_dangling_symlink(demo: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "would-be-created.txt"
    link = tmp_path / "out.json"
    link.symlink_to(nowhere)
    result = cli("export", "--db", str(demo), "--output", str(link))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "symlink", "--force")
    assert link.is_symlink()
    assert not nowhere.exists()


def test_force_replaces_an_existing_file(demo: Path, tmp_path: Path, umask_000: None) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o666)
    result = cli("export", "--db", str(demo), "--output", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Exported 10 encounters to {target}.\n"
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 10
    assert mode(target) == 0o600


def test_force_replaces_the_symlink_itself_not_its_target(demo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n", encoding="utf-8")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    result = cli("export", "--db", str(demo), "--output", str(link), "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert not link.is_symlink()
    assert link.is_file()
    assert mode(link) == 0o600
    assert len(json.loads(link.read_text(encoding="utf-8"))) == 10
    assert victim.read_text(encoding="utf-8") == "do not touch\n"


def test_output_into_a_missing_directory_is_refused(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    result = cli("export", "--db", str(demo), "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "out.json")
    assert not (tmp_path / "no").exists()


def _failing_after(monkeypatch: pytest.MonkeyPatch, name: str, rows: int) -> None:
    """Make the export's per-encounter function `name` (of render.exchange, or of
    storage.export_records: records are read a chunk at a time, here of one record) fail like
    a full disk after `rows`."""
    monkeypatch.setattr(export_records, "CHUNK", 1)
    module = render_exchange if hasattr(render_exchange, name) else export_records
    original = getattr(module, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > rows:
            raise OSError(28, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)


@pytest.mark.parametrize(("fmt", "function"), [("csv", "export_cells"), ("json", "_lines")])
def test_a_failing_export_leaves_no_partial_file(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, function: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    before = sorted(p.name for p in tmp_path.iterdir())
    _failing_after(monkeypatch, function, 3)
    result = cli("export", "--db", str(demo), "--format", fmt, "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "No space left on device")
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file either


def test_a_failing_forced_export_keeps_the_old_file(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("yesterday's export\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    _failing_after(monkeypatch, "export_cells", 5)
    result = cli("export", "--db", str(demo), "-f", "csv", "-o", str(target), "--force")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "No space left on device")
    assert target.read_text(encoding="utf-8") == "yesterday's export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# ----------------------------------------------------------------------------- --safe


#: Cells a spreadsheet would run as a formula, and one that starts with the escape itself.
HOSTILE_NOTES = (
    '=HYPERLINK("http://evil.example","click")',
    "+1 555 0100",
    "-2+3",
    "@SUM(1,2)",
    "\tindented",
    "'already quoted",
    "\r\nwindows lines\r\n",
    "safe text = fine",
)


@pytest.fixture
def hostile() -> list[int]:
    """Encounters whose text cells start with every character --safe neutralises."""
    ids = [
        add_encounter("=Evil Corp", "=1+1", "--note", HOSTILE_NOTES[0], "--issue", "-2"),
        add_encounter("+Plus", "@mention", "--note", HOSTILE_NOTES[1], "--client", "@client"),
        add_encounter("-Minus", "'quoted", "--note", HOSTILE_NOTES[2], "--tag", "=tag"),
        add_encounter("@At", "plain", "--note", HOSTILE_NOTES[3], "--category", "+cat"),
        add_encounter("Tab Shop", "-dash", "--note", HOSTILE_NOTES[4]),
        add_encounter("'Quote Shop", "''twice", "--note", HOSTILE_NOTES[5]),
        add_encounter("Windows Diner", "plain", "--note", HOSTILE_NOTES[6]),
        add_encounter("Fine Shop", "007", "--note", HOSTILE_NOTES[7]),
    ]
    # A response before the complaint makes a negative number: -0.5 hours.
    late = add_encounter(
        "Negative Hours", "plain", "--when", "2026-11-01T08:00", "--complained-at",
        "2026-11-01T10:00",
    )  # fmt: skip
    ok("respond", str(late), "--when", "2026-11-01T09:30", "--note", "=cmd|' /C calc'!A0")
    ids.append(late)
    return ids


def test_safe_csv_prefixes_exactly_the_cells_a_spreadsheet_would_run(hostile: list[int]) -> None:
    plain = csv_rows(export("--format", "csv"))
    safe = csv_rows(export("--format", "csv", "--safe"))
    assert safe[0] == plain[0] == list(EXPECTED_HEADER)
    assert len(safe) == len(plain) == 1 + len(hostile)
    prefixed = 0
    for plain_row, safe_row in zip(plain[1:], safe[1:], strict=True):
        for plain_cell, safe_cell in zip(plain_row, safe_row, strict=True):
            if plain_cell[:1] in ("=", "+", "-", "@", "\t", "\r", "'"):
                assert safe_cell == "'" + plain_cell
                prefixed += 1
            else:
                assert safe_cell == plain_cell
    # every hostile business, summary, note, issue, client, tag, category and the -0.5 hours
    assert prefixed == 22  # 5 businesses, 5 summaries, 7 notes, 4 other fields, 1 number
    rows = {row[EXPECTED_HEADER.index("business")]: row for row in safe[1:]}
    column = EXPECTED_HEADER.index
    assert rows["'=Evil Corp"][column("summary")] == "'=1+1"
    assert rows["'=Evil Corp"][column("issue")] == "'-2"
    assert rows["'+Plus"][column("client")] == "'@client"
    assert rows["'-Minus"][column("tags")] == "'=tag"
    assert rows["'@At"][column("category")] == "'+cat"
    assert rows["Tab Shop"][column("note")] == "'\tindented"
    assert rows["Windows Diner"][column("note")] == "'\r\nwindows lines\r\n"
    assert rows["''Quote Shop"][column("note")] == "''already quoted"
    assert rows["''Quote Shop"][column("summary")] == "'''twice"
    assert rows["Fine Shop"][column("summary")] == "007"
    assert rows["Fine Shop"][column("note")] == "safe text = fine"
    assert rows["Negative Hours"][column("first_response_hours")] == "'-0.5"
    # the timeline columns are JSON and start with [ or {: left alone
    assert json.loads(rows["Negative Hours"][column("responses")])[0]["note"] == (
        "=cmd|' /C calc'!A0"
    )


def test_plain_csv_stays_exact(hostile: list[int]) -> None:
    records = {r["id"]: r for r in export_json()}
    rows = csv_records(export("--format", "csv"))
    assert len(rows) == len(hostile)
    for row in rows:
        record = records[int(row["id"])]
        assert row["business"] == record["business"]["name"]
        assert row["summary"] == (record["summary"] or "")
        assert row["note"] == (record["note"] or "")
        assert row["issue"] == (record["issue"] or "")
        assert row["client"] == (record["client"] or "")
    notes = sorted(row["note"] for row in rows if row["note"])
    assert notes == sorted(HOSTILE_NOTES)
    assert {row["summary"] for row in rows} >= {"=1+1", "@mention", "'quoted", "007", "-dash"}


def test_safe_csv_round_trips_through_import_safe(hostile: list[int], tmp_path: Path) -> None:
    original = export("--format", "json")
    safe_file = tmp_path / "for-excel.csv"
    written = cli("export", "--format", "csv", "--safe", "--output", str(safe_file))
    assert written.exit_code == 0, written.stderr
    other = tmp_path / "other.db"
    imported = cli("import", str(safe_file), "--safe", "--db", str(other))
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout == ""
    assert imported.stderr == f"Imported {safe_file}: {len(hostile)} added, 0 updated, 0 skipped.\n"
    assert export("--format", "json", "--db", str(other)) == original
    assert show_json(hostile[-1])["responses"][0]["note"] == "=cmd|' /C calc'!A0"


def test_safe_csv_imported_without_safe_keeps_the_quotes(
    hostile: list[int], tmp_path: Path
) -> None:
    """The leading ' is only removed when asked: plain import of a --safe file is literal."""
    safe_file = tmp_path / "for-excel.csv"
    assert cli("export", "-f", "csv", "--safe", "-o", str(safe_file)).exit_code == 0
    other = tmp_path / "other.db"
    imported = cli("import", str(safe_file), "--db", str(other))
    assert imported.exit_code == 0, imported.stderr
    notes = {r["note"] for r in export_json("--db", str(other))}
    assert '\'=HYPERLINK("http://evil.example","click")' in notes
    assert "safe text = fine" in notes


def test_safe_is_for_csv_only() -> None:
    add_encounter("Burrito Bonito", "Lunch")
    for fmt in ("json", "ndjson"):
        result = cli("export", "--format", fmt, "--safe")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "--safe")


def test_plain_csv_bytes_through_a_pipe_keep_crlf_inside_a_note() -> None:
    add_encounter("CRLF Shop", "plain", "--note", "one\r\ntwo\rthree\n")
    result = run_bytes(["export", "--format", "csv"])
    assert result.returncode == 0, result.stderr
    assert b'"one\r\ntwo\rthree\n"' in result.stdout
    # rows end in \n (not \r\n): one header line, one row
    assert result.stdout.count(b"\r\n") == 1
    assert result.stdout.endswith(b"\n")
    [row] = csv_records(result.stdout.decode("utf-8"))
    assert row["note"] == "one\r\ntwo\rthree\n"


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_a_lone_carriage_return_in_a_cell_survives_csv(safe: bool) -> None:
    """A cell with a CR but no LF must be quoted too, or a CSV reader starts a new row there
    (and `import` then fails on a short row)."""
    note = "\rold Mac\rline breaks\r"
    add_encounter("Carriage Return Bakery", "plain", "--note", note)
    rows = csv_records(export("--format", "csv", *(("--safe",) if safe else ())))
    assert len(rows) == 1
    assert rows[0]["note"] == ("'" + note if safe else note)


def test_export_limit_takes_the_newest_and_writes_them_oldest_first() -> None:
    """`--limit N` picks the same encounters as `list --limit N` (the newest), and the export
    keeps its chronological order."""
    for day in ("01", "02", "03", "04"):
        assert cli("add", "Limit Cafe", f"visit {day}", "--when", f"2026-11-{day}").exit_code == 0
    newest = [r["summary"] for r in json.loads(ok("list", "--limit", "2", "--format", "json"))]
    result = cli("export", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Exported 2 encounters.\n"
    assert [r["summary"] for r in json.loads(result.stdout)] == list(reversed(newest))
    assert newest == ["visit 04", "visit 03"]
