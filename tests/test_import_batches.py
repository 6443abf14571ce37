"""Batched imports (`Importer.bring_in_all`): new records are written a batch at a time, with
multi-row INSERTs and one undo record per row; everything else goes through `bring_in`. The
batched path must leave exactly what the record-by-record path leaves — the same rows, ids,
sequences and undo log, the same results and the same error — and stay all or nothing."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclog.core.clock import FixedClock
from svclog.core.errors import SvclogError
from svclog.core.exchange import parse_encounter
from svclog.core.ids import CROCKFORD, is_ulid
from svclog.core.vocabulary import Vocabulary
from svclog.storage import exchange, history
from svclog.storage.exchange import Importer, Result
from svclog.storage.history import undo_last
from svclog.storage.journal import Journal, command
from svclog.storage.timestamps import offset_text, utc_text
from tests.conftest import assert_one_error_line, cli, snapshot
from tests.test_import import encounter_record, write_ndjson

NOW = datetime(2026, 11, 22, 15, 30, tzinfo=timezone(timedelta(hours=1)))
WINDOW = timedelta(hours=48)
LATER = "2026-03-20T12:00:00+01:00"


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- records

ENCOUNTER_UIDS = [f"01M81TKXJ0{n:016d}" for n in range(8)]
RECORD_UIDS = [f"01M81TKXJ1{n:016d}" for n in range(24)]
STAMPS = ["2026-11-01T10:00:00+00:00", "2026-11-05T10:00:00+00:00", "2026-11-09T10:00:00Z"]
MOMENTS = ["2026-03-01T12:00:00+01:00", "2026-03-02T08:30:00-05:00", "2026-03-02T09:00:00Z"]


@st.composite
def timeline_record(draw: st.DrawFn, **fields: st.SearchStrategy[Any]) -> dict[str, Any]:
    record = {
        "uid": draw(st.sampled_from(RECORD_UIDS)),
        "id": draw(st.none() | st.integers(1, 6)),
        "created_at": draw(st.sampled_from([None, *STAMPS])),
        "updated_at": draw(st.sampled_from([None, *STAMPS])),
    }
    record.update({name: draw(strategy) for name, strategy in fields.items()})
    return record


MAYBE_BOOL = st.sampled_from([None, True, False])
NOTES = st.sampled_from([None, "", "kept exactly", "line one\nline two"])
RESPONSE = timeline_record(
    at=st.sampled_from(MOMENTS),
    by=st.sampled_from([None, "manager", "Front-line".replace("-", "")]),
    quality=st.sampled_from([None, 1, 5, "good"]),
    apology=st.sampled_from([None, "sincere"]),
    listened=MAYBE_BOOL,
    fixed=MAYBE_BOOL,
    note=NOTES,
)
REMEDY = timeline_record(
    at=st.sampled_from(MOMENTS),
    type=st.sampled_from(["refund", "Partial Refund", "voucher"]),
    value=st.sampled_from([None, "12.50", 3]),
    currency=st.sampled_from([None, "eur"]),
    delivered=MAYBE_BOOL,
)
FOLLOWUP = timeline_record(
    at=st.sampled_from(MOMENTS),
    direction=st.sampled_from([None, "me", "them"]),
    channel=st.sampled_from([None, "Phone", "e-mail"]),
    due=st.sampled_from([None, *MOMENTS]),
    done=MAYBE_BOOL,
)
OUTCOME = timeline_record(
    at=st.sampled_from([None, *MOMENTS]),
    returned=MAYBE_BOOL,
    recommend=st.sampled_from([None, 0, 10]),
    word_of_mouth=st.sampled_from([None, "negative"]),
    told=st.sampled_from([None, 0, 4]),
    review=NOTES,
    switched_to=st.sampled_from([None, "Rival Shop"]),
)


@st.composite
def encounter(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "uid": draw(st.sampled_from(ENCOUNTER_UIDS)),
        "id": draw(st.none() | st.integers(1, 12)),
        "business": {
            "name": draw(st.sampled_from(["Shop A", "shop  a", "Shop B", "Café C", "Old Name"])),
            "category": draw(st.sampled_from([None, "retail"])),
        },
        "occurred_at": draw(st.sampled_from(MOMENTS)),
        "channel": draw(st.sampled_from([None, "In Person", "phone"])),
        "summary": draw(st.sampled_from([None, "visit", "=1+1"])),
        "note": draw(NOTES),
        "failure": draw(st.booleans()),
        "severity": draw(st.sampled_from([None, 2])),
        "dimension": draw(st.sampled_from([None, "Reliability"])),
        "complained": draw(st.booleans()),
        "complained_at": draw(st.sampled_from([None, *MOMENTS])),
        "client": draw(st.sampled_from([None, "Acme"])),
        "tags": draw(st.lists(st.sampled_from(["Spicy", "spicy", "slow", "Late"]), max_size=3)),
        "status": draw(st.sampled_from([None, "open", "Resolved"])),
        "timely": draw(MAYBE_BOOL),
        "disputed": draw(MAYBE_BOOL),
        "responses": draw(st.lists(RESPONSE, max_size=2)),
        "remedies": draw(st.lists(REMEDY, max_size=1)),
        "followups": draw(st.lists(FOLLOWUP, max_size=1)),
        "outcome": draw(st.none() | OUTCOME),
        "created_at": draw(st.sampled_from(STAMPS)),
        "updated_at": draw(st.sampled_from(STAMPS)),
    }


def seed_records() -> list[dict[str, Any]]:
    """What the journal holds before each import: encounters 1-3 (two of the uids above) with
    timeline records, tags, and a business known by an alias."""
    first = encounter_record(0, id=1, uid=ENCOUNTER_UIDS[0], tags=["slow"])
    first["responses"] = [{"uid": RECORD_UIDS[0], "id": 1, "at": MOMENTS[0], "quality": 3}]
    second = encounter_record(1, id=3, uid=ENCOUNTER_UIDS[1], updated_at=STAMPS[1])
    second["outcome"] = {"uid": RECORD_UIDS[1], "id": 2, "told": 2}
    third = encounter_record(2, id=2, uid="01M81TKXJ2" + "0" * 16)
    third["business"] = {"name": "New Name", "category": None}
    return [first, second, third]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("batches") / "template.db"
    journal = Journal.open(path, FixedClock(NOW), create=True)
    with journal, command(journal, "seed") as log:
        importer = Importer(log, NOW, WINDOW)
        for record in seed_records():
            importer.bring_in(parse_encounter(record))
        importer.finish()
        from svclog.storage import businesses

        found = businesses.find(log.conn, "New Name")
        assert found is not None
        businesses.add_alias(log, found, "Old Name", NOW)
    return path


def fresh(template: Path, directory: Path, name: str) -> Path:
    path = directory / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{path}{suffix}")
    return path


def contents(path: Path) -> dict[str, Any]:
    """Every row of every table (business uids, which are random, left out), the AUTOINCREMENT
    sequences and the undo log (as a multiset: a batch records its rows table by table)."""
    conn = sqlite3.connect(path)
    try:
        found: dict[str, Any] = {}
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'encounter_fts%' AND name NOT LIKE '_sqlite_%'"
            " AND name NOT IN ('sqlite_sequence', 'history', 'history_change')"
        ).fetchall():
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            chosen = [c for c in columns if not (table == "business" and c == "uid")]
            order = "id" if "id" in columns else "rowid"
            found[table] = conn.execute(
                f"SELECT {', '.join(chosen)} FROM {table} ORDER BY {order}"
            ).fetchall()
        found["fts"] = conn.execute("SELECT rowid, * FROM encounter_fts ORDER BY rowid").fetchall()
        found["sequence"] = sorted(conn.execute("SELECT name, seq FROM sqlite_sequence"))
        found["history"] = conn.execute(
            "SELECT command, description, at, undone_at FROM history ORDER BY id"
        ).fetchall()
        found["changes"] = sorted(
            conn.execute(
                "SELECT history_id, table_name, row_id, operation, coalesce(before, '')"
                " FROM history_change WHERE table_name != 'business'"
            )
        )
        found["business changes"] = sorted(
            conn.execute(
                "SELECT history_id, row_id, operation FROM history_change"
                " WHERE table_name = 'business'"
            )
        )
        return found
    finally:
        conn.close()


@contextlib.contextmanager
def few(count: int) -> Iterator[None]:
    """Batches of as few as `count` new records are planned (normally 4)."""
    before = exchange._FEW
    exchange._FEW = count
    try:
        yield
    finally:
        exchange._FEW = before


def run_import(
    path: Path, records: list[dict[str, Any]], *, batch: int | None
) -> tuple[list[Result], str | None]:
    """Import `records` (record by record when `batch` is None); the results, or the error."""
    journal = Journal.open(path, FixedClock(NOW))
    results: list[Result] = []
    try:
        with journal, command(journal, "import") as log:
            importer = Importer(log, NOW, WINDOW, batch_size=batch or 1)
            incoming = (parse_encounter(record) for record in records)
            if batch is None:
                results = [importer.bring_in(item) for item in incoming]
            else:
                results = list(importer.bring_in_all(incoming))
            importer.finish()
    except SvclogError as error:
        return [], f"{type(error).__name__}: {error}"
    return results, None


def undo(path: Path) -> None:
    journal = Journal.open(path, FixedClock(NOW))
    with journal, journal.writing() as conn:
        undo_last(conn, NOW)


# ----------------------------------------------------------------------------- equivalence


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(encounter(), max_size=14),
    batch=st.integers(1, 7),
    smallest=st.sampled_from([1, 4]),
)
def test_batches_store_exactly_what_records_one_by_one_store(
    template: Path, tmp_path: Path, records: list[dict[str, Any]], batch: int, smallest: int
) -> None:
    one_by_one = fresh(template, tmp_path, "one.db")
    batched = fresh(template, tmp_path, "batched.db")
    expected = run_import(one_by_one, records, batch=None)
    with few(smallest):
        assert run_import(batched, records, batch=batch) == expected
    assert contents(batched) == contents(one_by_one)
    results, error = expected
    if error is None and set(results) - {Result.SKIPPED}:  # undo takes it back as a whole
        undo(batched)
        undo(one_by_one)
        assert contents(batched) == contents(one_by_one)
        # What the journal held before (but for the sequences: ids are not given again).
        before, after = contents(template), contents(batched)
        for key in ("history", "changes", "business changes", "sequence"):
            del before[key], after[key]
        assert after == before


def test_a_timeline_uid_of_another_encounter_is_the_error_even_before_a_bad_line(
    template: Path, tmp_path: Path
) -> None:
    """The record-by-record path reports the first problem in input order; a batch does
    too, although it reads the bad line after it before writing anything."""
    path = fresh(template, tmp_path, "j.db")
    records = [encounter_record(n, uid=ENCOUNTER_UIDS[n + 2]) for n in range(5)]
    records[3]["responses"] = [{"uid": RECORD_UIDS[0], "at": MOMENTS[0]}]  # encounter 1's

    def stream() -> Iterator[Any]:
        for record in records:
            yield parse_encounter(record)
        raise SvclogError("the line after them is not valid JSON")

    before = contents(path)
    journal = Journal.open(path, FixedClock(NOW))
    with journal, pytest.raises(SvclogError) as raised, command(journal, "import") as log:
        list(Importer(log, NOW, WINDOW).bring_in_all(stream()))
    moved = f"the response {RECORD_UIDS[0]} already belongs to another encounter"
    assert str(raised.value) == moved
    assert contents(path) == before


def test_a_bad_line_after_the_records_is_reported_once_they_are_in(
    template: Path, tmp_path: Path
) -> None:
    path = fresh(template, tmp_path, "j.db")
    records = [encounter_record(n, uid=ENCOUNTER_UIDS[n + 2]) for n in range(5)]
    counted: list[int] = []

    def stream() -> Iterator[Any]:
        yield from (parse_encounter(record) for record in records)
        counted.append(log.conn.execute("SELECT count(*) FROM encounter").fetchone()[0])
        raise SvclogError("line 6 is not valid JSON")

    journal = Journal.open(path, FixedClock(NOW))
    with journal, command(journal, "import") as log:
        with pytest.raises(SvclogError, match="line 6"):
            list(Importer(log, NOW, WINDOW).bring_in_all(stream()))
        counted.append(log.conn.execute("SELECT count(*) FROM encounter").fetchone()[0])
    # Read while the batch was not yet full (nothing written), then all written, then raised.
    assert counted == [3, 8]


def test_a_constraint_sqlite_refuses_sends_the_batch_record_by_record(
    template: Path, tmp_path: Path
) -> None:
    """A problem no plan foresees (here a trigger of another tool) takes the batch back and
    lets `bring_in` meet it at its record: the same error, nothing left."""
    path = fresh(template, tmp_path, "j.db")
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON remedy WHEN new.note = 'boom'"
        " BEGIN SELECT RAISE(ABORT, 'no boom here'); END"
    )
    conn.commit()
    conn.close()
    records = [encounter_record(n, uid=ENCOUNTER_UIDS[n + 2]) for n in range(6)]
    records[4]["remedies"] = [{"uid": RECORD_UIDS[3], "at": MOMENTS[0], "type": "redo"}]
    records[5]["remedies"] = [
        {"uid": RECORD_UIDS[4], "at": MOMENTS[0], "type": "redo", "note": "boom"}
    ]
    before = contents(path)
    journal = Journal.open(path, FixedClock(NOW))
    calls: list[str] = []
    with journal, command(journal, "import") as log:
        importer = Importer(log, NOW, WINDOW)
        original = importer.bring_in

        def one_by_one(incoming: Any) -> Result:
            calls.append(incoming.uid)
            return original(incoming)

        importer.bring_in = one_by_one  # type: ignore[method-assign]
        stream = importer.bring_in_all(parse_encounter(record) for record in records)
        with pytest.raises(sqlite3.IntegrityError, match="no boom here"):
            list(stream)
        # Records 1-5 written again one by one, the sixth refused (the command, not catching
        # the error, would roll them back).
        assert log.conn.execute("SELECT count(*) FROM remedy").fetchone()[0] == 1
        log.conn.execute("ROLLBACK")
        log.conn.execute("BEGIN")
    assert calls == [record["uid"] for record in records]
    assert contents(path) == before


def test_an_attempt_that_fails_is_taken_back_and_the_command_goes_on(
    template: Path, tmp_path: Path
) -> None:
    path = fresh(template, tmp_path, "j.db")
    journal = Journal.open(path, FixedClock(NOW))
    columns = ("id", "encounter_id", "tag", "tag_key")
    with journal, command(journal, "tags") as log:
        log.insert_many("encounter_tag", columns, [(50, 1, "A", "a")])
        with pytest.raises(sqlite3.IntegrityError), log.attempt():  # noqa: PT012
            log.insert_many("encounter_tag", columns, [(51, 1, "B", "b")])
            log.insert_many("encounter_tag", columns, [(52, 99, "C", "c")])  # no encounter 99
        assert log.changes == 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT id, tag FROM encounter_tag WHERE id >= 50").fetchall() == [
        (50, "A")
    ]
    assert conn.execute(
        "SELECT table_name, row_id, operation FROM history_change"
        " WHERE history_id = (SELECT max(id) FROM history)"
    ).fetchall() == [("encounter_tag", 50, "insert")]
    conn.close()


@pytest.mark.parametrize("limit", [None, 999, 40])
def test_insert_rows_writes_every_row_in_order_whatever_the_statement_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int | None
) -> None:
    if limit is not None:
        monkeypatch.setattr(history, "_variable_limit", lambda conn: limit)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c)")
    rows = [(n, f"a{n}", None if n % 3 else n, n * 0.5) for n in range(1, 1340)]
    history.insert_rows(conn, "t", ("id", "a", "b", "c"), rows)
    assert conn.execute("SELECT * FROM t ORDER BY rowid").fetchall() == rows
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == len(rows)


def test_insert_many_needs_the_ids(template: Path, tmp_path: Path) -> None:
    journal = Journal.open(fresh(template, tmp_path, "j.db"), FixedClock(NOW))
    with journal, command(journal, "x") as log, pytest.raises(ValueError, match="id"):
        log.insert_many("encounter_tag", ("encounter_id", "tag", "tag_key"), [(1, "A", "a")])


# ----------------------------------------------------------------------------- the command


def big_file(tmp_path: Path, count: int, **changes: Any) -> list[dict[str, Any]]:
    return [encounter_record(n, id=n, **changes) for n in range(1, count + 1)]


def test_a_bad_record_in_a_later_batch_imports_nothing(tmp_path: Path) -> None:
    """2,500 records — some already here, some whose ids are taken — and a bad one in the
    third batch: nothing is imported."""
    seed = write_ndjson(tmp_path / "seed.ndjson", big_file(tmp_path, 300)[::3])
    first = cli("import", str(seed))
    assert first.exit_code == 0, first.stderr
    assert cli("add", "Corner Bakery", "croissants", "--quiet").exit_code == 0
    before = snapshot()
    items = big_file(tmp_path, 2500)
    for item in items[1000:1100]:
        item["id"] = item["id"] - 1000  # taken here
    items[2300]["severity"] = 9
    source = write_ndjson(tmp_path / "big.ndjson", items)
    result = cli("import", str(source))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(source), "line 2301", "severity")
    assert snapshot() == before


def test_a_batched_import_is_undone_as_a_whole(tmp_path: Path) -> None:
    seed = write_ndjson(tmp_path / "seed.ndjson", big_file(tmp_path, 300)[::3])
    assert cli("import", str(seed)).exit_code == 0
    before = snapshot()
    items = big_file(tmp_path, 2500, tags=["Spicy", "spicy", "late"])
    for item in items[:50]:
        item["responses"] = [{"uid": f"01M81TKXJ3{item['id']:016d}", "at": LATER, "by": "owner"}]
        item["outcome"] = {"uid": f"01M81TKXJ4{item['id']:016d}", "told": 3}
    source = write_ndjson(tmp_path / "big.ndjson", items)
    result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"Imported {source}: 2400 added, 0 updated, 100 skipped.\n"
    listed = json.loads(cli("list", "--format", "json", "--limit", "5000").stdout)
    assert len(listed) == 2500
    assert {row["id"] for row in listed} == set(range(1, 2501))
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stdout.startswith(
        f"Reverted: import {source} (2400 added, 0 updated, 100 skipped) (run "
    )
    assert snapshot() == before


# ----------------------------------------------------------------------------- fast paths


def test_every_vocabulary_value_is_its_own_parse_key() -> None:
    """`Vocabulary.parse` looks a value up as given before normalising it: right only while
    every value is already normal (lower case, `_` between words)."""
    for vocabulary in Vocabulary.__subclasses__():
        for member in vocabulary:
            key = member.value.strip().casefold().replace("-", "_").replace(" ", "_")
            assert key == member.value
            assert vocabulary.parse(member.value, "x") is member
            assert vocabulary.parse(f" {member.value.upper().replace('_', '-')} ", "x") is member


def reference_utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def reference_offset_text(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


OFFSETS = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59)
)


@given(
    st.datetimes(
        min_value=datetime(2, 1, 1),
        max_value=datetime(9998, 12, 30),
        timezones=st.one_of(st.just(timezone.utc), OFFSETS),
    )
)
def test_stored_moments_are_what_strftime_wrote(moment: datetime) -> None:
    assert utc_text(moment) == reference_utc_text(moment)
    assert offset_text(moment) == reference_offset_text(moment)


ULID_LIKE = st.text(
    alphabet=CROCKFORD + CROCKFORD.lower() + "ILOUiloußﬀ-é", min_size=24, max_size=28
)


@given(st.one_of(ULID_LIKE, st.text(max_size=30)))
def test_uid_check_is_is_ulid(value: str) -> None:
    record = encounter_record(1, uid=value)
    if is_ulid(value.upper()):
        assert parse_encounter(record).uid == value.upper()
    else:
        with pytest.raises(SvclogError, match=re.escape("uid must be a ULID")):
            parse_encounter(record)


@pytest.mark.parametrize(
    ("moment", "problem"),
    [
        ("1970-01-01T00:00:00Z", None),
        ("1970-01-01T00:30:00+01:00", "before 1970"),
        ("1969-12-31T23:30:00-01:00", None),
        ("1969-12-31T23:59:59+00:00", "before 1970"),
        ("8999-12-31T23:59:59+00:00", None),
        ("8999-12-31T23:30:00-01:00", "after the year 9000"),
        ("9000-01-01T00:30:00+01:00", None),
        ("0001-01-01T00:00:00+01:00", "before 1970"),
        ("9999-12-31T23:59:59-01:00", "after the year 9000"),
        ("2026-03-01T12:00:00.999999+01:00", None),
    ],
)
def test_moments_near_the_ends_of_the_range(moment: str, problem: str | None) -> None:
    record = encounter_record(1, occurred_at=moment)
    if problem is None:
        incoming = parse_encounter(record)
        assert incoming.fields["occurred_at"] == datetime.fromisoformat(
            moment.replace("Z", "+00:00")
        ).replace(microsecond=0)
    else:
        with pytest.raises(SvclogError, match=problem):
            parse_encounter(record)


def test_a_record_with_other_fields_goes_through_bring_in(template: Path, tmp_path: Path) -> None:
    """A batch writes only records with exactly the fields its rows are made of; another
    (here one the record-by-record path refuses) meets `bring_in`, and its error."""
    path = fresh(template, tmp_path, "j.db")
    records = [parse_encounter(encounter_record(n, uid=ENCOUNTER_UIDS[n + 2])) for n in range(5)]
    del records[2].fields["client"]
    records[2].fields["mood"] = "grumpy"  # as many fields as usual, one of them unknown
    journal = Journal.open(path, FixedClock(NOW))
    with journal, command(journal, "import") as log:
        with pytest.raises(ValueError, match="not an editable encounter field: mood"):
            list(Importer(log, NOW, WINDOW).bring_in_all(records))
        log.conn.execute("ROLLBACK")
        log.conn.execute("BEGIN")


def test_the_cycle_collector_is_back_on_after_an_import(template: Path, tmp_path: Path) -> None:
    import gc

    path = fresh(template, tmp_path, "j.db")
    journal = Journal.open(path, FixedClock(NOW))
    assert gc.isenabled()

    def failing() -> Iterator[Any]:
        yield parse_encounter(encounter_record(1, uid=ENCOUNTER_UIDS[4]))
        assert not gc.isenabled()
        raise SvclogError("line 2 is not valid JSON")

    with journal, pytest.raises(SvclogError), command(journal, "import") as log:
        list(Importer(log, NOW, WINDOW).bring_in_all(failing()))
    assert gc.isenabled()


def test_bulk_writes_settings_are_put_back(template: Path, tmp_path: Path) -> None:
    journal = Journal.open(fresh(template, tmp_path, "j.db"), FixedClock(NOW))
    with journal:
        conn = journal.conn
        before = [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in SETTINGS]
        with exchange.bulk_writes(journal):
            assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # memory
            assert conn.execute("PRAGMA cache_size").fetchone()[0] == -exchange._CACHE_KIB
        assert [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in SETTINGS] == before


SETTINGS = ("cache_size", "temp_store", "synchronous", "journal_mode", "foreign_keys")


@settings(max_examples=150, deadline=None)
@given(encounter())
def test_batch_rows_hold_what_column_values_and_timeline_columns_make(
    record: dict[str, Any],
) -> None:
    """The rows a batch writes, column by column, against the functions `bring_in` uses."""
    from svclog.storage import timeline
    from svclog.storage.encounters import column_values

    incoming = parse_encounter(record)
    importer = Importer.__new__(Importer)
    importer.now, importer.window, importer._tag_keys = NOW, WINDOW, {}
    prepared = importer._prepare(incoming)
    assert prepared.encounter is not None
    expected = column_values({**incoming.fields, "timely": importer._timely(incoming)})
    expected["created_at"] = utc_text(incoming.created_at)
    expected["updated_at"] = utc_text(incoming.updated_at)
    assert dict(zip(exchange._ENCOUNTER_COLUMNS[3:], prepared.encounter, strict=True)) == expected
    for kind, made in zip(exchange._KINDS, prepared.timeline, strict=True):
        columns = exchange._record_columns(kind)[3:]
        for item, values in made:
            wanted: dict[str, Any] = timeline.columns(kind, item.fields)
            stamp = utc_text(item.created_at or NOW)
            wanted["created_at"] = stamp
            wanted["updated_at"] = utc_text(item.updated_at) if item.updated_at else stamp
            assert dict(zip(columns, values, strict=True)) == wanted
