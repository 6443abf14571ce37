"""The storage layer on a temporary file: opening, migrations, refusals, transactions, undo, FTS."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from svclog.core.clock import FixedClock
from svclog.core.errors import (
    BadDataError,
    ConflictError,
    ExitCode,
    JournalMissingError,
    JournalTooNewError,
    NothingToUndoError,
)
from svclog.core.models import EncounterDraft, EncounterFilter
from svclog.core.vocabulary import Dimension, EncounterStatus
from svclog.storage import businesses, encounters
from svclog.storage.encounters import EncounterChanges
from svclog.storage.history import TABLES, undo_last
from svclog.storage.identity import APPLICATION_ID, SCHEMA_VERSION
from svclog.storage.journal import Journal, command
from svclog.storage.schema import MIGRATIONS

NOW = datetime.fromisoformat("2026-11-22T15:30:00+01:00")
CLOCK = FixedClock(NOW)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "storage.db"


@pytest.fixture
def journal(path: Path) -> Iterator[Journal]:
    opened = Journal.open(path, CLOCK, create=True)
    yield opened
    opened.close()


def draft(business: str, summary: str, **fields: Any) -> EncounterDraft:
    fields.setdefault("occurred_at", NOW - timedelta(hours=1))
    return EncounterDraft(business=business, summary=summary, **fields)


def record(journal: Journal, business: str, summary: str, **fields: Any) -> int:
    with command(journal, "add") as log:
        return encounters.add(log, draft(business, summary, **fields), NOW).encounter.id


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a command may change, and the full-text index."""
    tables: dict[str, list[tuple[Any, ...]]] = {
        table: [tuple(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
        for table in sorted(TABLES)
    }
    tables["encounter_fts"] = [
        tuple(row)
        for row in conn.execute(
            "SELECT rowid, summary, note, issue, business FROM encounter_fts ORDER BY rowid"
        )
    ]
    return tables


def found(journal: Journal, query: str) -> list[int]:
    return sorted(e.id for e in encounters.search(journal.conn, query, EncounterFilter()))


def pragma(conn: sqlite3.Connection, name: str) -> Any:
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


# ----------------------------------------------------------------------------- opening


def test_a_new_file_gets_the_whole_schema(path: Path) -> None:
    with Journal.open(path, CLOCK, create=True) as journal:
        conn = journal.conn
        assert pragma(conn, "user_version") == SCHEMA_VERSION
        assert pragma(conn, "application_id") == APPLICATION_ID
        assert pragma(conn, "journal_mode") == "wal"
        assert pragma(conn, "foreign_keys") == 1
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert names >= TABLES
        assert {"history", "history_change", "encounter_fts", "_sqlite_migrations"} <= names
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert path.exists()


def test_an_existing_empty_file_becomes_a_journal_when_creating(path: Path) -> None:
    path.touch()
    with Journal.open(path, CLOCK, create=True) as journal:
        assert pragma(journal.conn, "user_version") == SCHEMA_VERSION
        assert pragma(journal.conn, "application_id") == APPLICATION_ID


def test_an_existing_empty_file_is_refused_without_create(path: Path) -> None:
    path.touch()
    with pytest.raises(BadDataError):
        Journal.open(path, CLOCK)
    assert path.read_bytes() == b""


def test_missing_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "journal.db"
    with Journal.open(path, CLOCK, create=True) as journal:
        assert pragma(journal.conn, "user_version") == SCHEMA_VERSION
    assert path.is_file()


def test_the_migrations_registered_are_as_many_as_the_schema_version() -> None:
    assert len(MIGRATIONS.pending(Database(":memory:"))) == SCHEMA_VERSION


def test_opening_twice_applies_nothing_again(path: Path) -> None:
    with Journal.open(path, CLOCK, create=True) as journal:
        first = [tuple(r) for r in journal.conn.execute("SELECT * FROM _sqlite_migrations")]
        schema = journal.conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
        schema = [tuple(r) for r in schema]
    for _ in range(2):
        with Journal.open(path, CLOCK, create=True) as journal:
            conn = journal.conn
            rows = [tuple(r) for r in conn.execute("SELECT * FROM _sqlite_migrations")]
            assert rows == first
            assert [
                tuple(r) for r in conn.execute("SELECT sql FROM sqlite_master ORDER BY name")
            ] == schema
    assert len(first) == SCHEMA_VERSION
    names = [row[2] for row in first]
    assert len(set(names)) == len(names)
    with Journal.open(path, CLOCK) as journal:
        assert MIGRATIONS.pending(Database(journal.conn, execute_plugins=False)) == []


def test_data_survives_reopening(path: Path) -> None:
    with Journal.open(path, CLOCK, create=True) as journal:
        encounter_id = record(journal, "Burrito Place", "tasty as always", tags=("kids",))
        before = dump(journal.conn)
    with Journal.open(path, CLOCK) as journal:
        assert dump(journal.conn) == before
        assert encounters.get(journal.conn, encounter_id).tags == ("kids",)


def test_a_missing_file_is_not_created_without_create(tmp_path: Path) -> None:
    path = tmp_path / "typo" / "jornal.db"
    with pytest.raises(JournalMissingError) as info:
        Journal.open(path, CLOCK)
    assert info.value.exit_code == ExitCode.JOURNAL_MISSING == 66
    assert not path.exists()
    assert not path.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadDataError):
        Journal.open(tmp_path, CLOCK, create=True)


@pytest.mark.parametrize("create", [False, True])
def test_a_text_file_is_refused_and_left_untouched(path: Path, create: bool) -> None:
    content = b"Dear diary,\nthe burrito place was great again.\n" * 200
    path.write_bytes(content)
    with pytest.raises(BadDataError) as info:
        Journal.open(path, CLOCK, create=create)
    assert info.value.exit_code == ExitCode.BAD_DATA
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def _foreign_database(path: Path, *, application_id: int = 0, user_version: int = 0) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('not yours')")
    conn.execute(f"PRAGMA application_id = {application_id}")
    conn.execute(f"PRAGMA user_version = {user_version}")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("create", [False, True])
@pytest.mark.parametrize(
    ("application_id", "user_version"), [(0, 0), (0, 1), (0x12345678, 1), (0x12345678, 0)]
)
def test_a_foreign_sqlite_database_is_refused_and_left_untouched(
    path: Path, create: bool, application_id: int, user_version: int
) -> None:
    content = _foreign_database(path, application_id=application_id, user_version=user_version)
    with pytest.raises(BadDataError, match="not an svclog journal"):
        Journal.open(path, CLOCK, create=create)
    assert path.read_bytes() == content
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT body FROM notes").fetchall() == [("not yours",)]
    conn.close()


@pytest.mark.parametrize("create", [False, True])
def test_a_journal_from_a_newer_svclog_is_refused_and_left_untouched(
    path: Path, create: bool
) -> None:
    with Journal.open(path, CLOCK, create=True) as journal:
        record(journal, "Burrito Place", "fine")
        journal.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    content = path.read_bytes()
    with pytest.raises(JournalTooNewError) as info:
        Journal.open(path, CLOCK, create=create)
    assert info.value.exit_code == ExitCode.TOO_NEW == 78
    assert str(SCHEMA_VERSION + 1) in info.value.message
    assert path.read_bytes() == content
    conn = sqlite3.connect(path)
    assert pragma(conn, "user_version") == SCHEMA_VERSION + 1
    assert conn.execute("SELECT count(*) FROM encounter").fetchone()[0] == 1
    conn.close()


# ----------------------------------------------------------------------------- transactions


def test_a_write_that_raises_leaves_nothing_behind(journal: Journal) -> None:
    record(journal, "Burrito Place", "fine")
    before = dump(journal.conn)
    history = journal.conn.execute("SELECT * FROM history").fetchall()

    class Boom(Exception):
        pass

    def half_a_command() -> None:
        with command(journal, "add") as log:
            encounters.add(log, draft("New Place", "half written", tags=("x", "y")), NOW)
            businesses.ensure(log, "Another New Place", None, NOW)
            raise Boom

    with pytest.raises(Boom):
        half_a_command()

    assert not journal.conn.in_transaction
    assert dump(journal.conn) == before
    assert journal.conn.execute("SELECT * FROM history").fetchall() == history
    assert found(journal, "half") == []


def test_a_refused_write_leaves_nothing_behind(journal: Journal) -> None:
    record(journal, "Burrito Place", "fine")
    record(journal, "Pizza Chain", "late")
    before = dump(journal.conn)

    def alias_then_clash() -> None:
        with command(journal, "business rename") as log:
            pizza = businesses.require(log.conn, "Pizza Chain")
            businesses.add_alias(log, pizza, "Pizza Express", NOW)
            businesses.update(log, pizza, NOW, name="burrito place", fields=frozenset({"name"}))

    with pytest.raises(ConflictError):
        alias_then_clash()
    assert dump(journal.conn) == before


def test_the_rollback_is_on_disk_too(path: Path) -> None:
    with Journal.open(path, CLOCK, create=True) as journal:
        record(journal, "Burrito Place", "fine")

        def interrupted() -> None:
            with command(journal, "add") as log:
                encounters.add(log, draft("Ghost", "never stored"), NOW)
                raise RuntimeError("interrupted")

        with pytest.raises(RuntimeError):
            interrupted()
    with Journal.open(path, CLOCK) as journal:
        assert encounters.count(journal.conn) == 1
        assert businesses.find(journal.conn, "Ghost") is None


def test_a_command_that_changes_nothing_leaves_no_history(journal: Journal) -> None:
    encounter_id = record(journal, "Burrito Place", "fine")
    entries = journal.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    with command(journal, "edit") as log:
        changed, warnings = encounters.update(
            log, encounter_id, EncounterChanges(fields={"summary": "fine"}), NOW
        )
    assert changed is False
    assert warnings == ()
    assert journal.conn.execute("SELECT count(*) FROM history").fetchone()[0] == entries


# ----------------------------------------------------------------------------- undo


def _undo(journal: Journal) -> None:
    with journal.writing() as conn:
        undo_last(conn, NOW)


@pytest.fixture
def populated(journal: Journal) -> Journal:
    """A journal with two businesses (one with an alias and notes) and tagged encounters."""
    record(
        journal,
        "Smokey's BBQ",
        "meal late and cold",
        note="server poured iced tea\nover the cola",
        failure=True,
        severity=3,
        issue="wait time",
        dimension=Dimension.RELIABILITY,
        client="ACME",
        tags=("dinner", "kids"),
        category="restaurant",
    )
    record(journal, "Burrito Place", "consistent as ever", tags=("lunch",))
    record(journal, "Burrito Place", "kids loved it", occurred_at=NOW - timedelta(days=3))
    with command(journal, "business alias") as log:
        smokey = businesses.require(log.conn, "Smokey's BBQ")
        businesses.add_alias(log, smokey, "Smokeys", NOW)
        businesses.update(log, smokey, NOW, notes="closed six weeks later", fields={"notes"})
    return journal


def _write_add_existing(journal: Journal) -> None:
    record(journal, "burrito place", "another visit", tags=("lunch", "Lunch", "solo"))


def _write_add_new(journal: Journal) -> None:
    record(journal, "Tex-Mex Grill", "plastic in a drink", failure=True, tags=("drinks",))


def _write_edit(journal: Journal) -> None:
    with command(journal, "edit") as log:
        changes = EncounterChanges(
            fields={
                "summary": "meal late, cold and wrong",
                "note": None,
                "severity": 5,
                "status": EncounterStatus.ABANDONED,
                "occurred_at": NOW - timedelta(days=10),
                "complained": True,
                "complained_at": NOW - timedelta(days=9),
            },
            add_tags=("escalated",),
            remove_tags=("kids",),
        )
        assert encounters.update(log, 1, changes, NOW)


def _write_edit_moves_to_new_business(journal: Journal) -> None:
    with command(journal, "edit") as log:
        changes = EncounterChanges(business="Brand New Diner", category="restaurant")
        assert encounters.update(log, 2, changes, NOW)


def _write_rm(journal: Journal) -> None:
    with command(journal, "rm") as log:
        encounters.delete(log, 1)


def _write_rename(journal: Journal) -> None:
    with command(journal, "business rename") as log:
        burrito = businesses.require(log.conn, "Burrito Place")
        businesses.update(log, burrito, NOW, name="Burrito Palace", fields=frozenset({"name"}))


def _write_rename_to_own_alias(journal: Journal) -> None:
    with command(journal, "business rename") as log:
        smokey = businesses.require(log.conn, "Smokey's BBQ")
        businesses.update(log, smokey, NOW, name="smokeys", fields=frozenset({"name"}))


def _write_alias_add(journal: Journal) -> None:
    with command(journal, "business alias") as log:
        burrito = businesses.require(log.conn, "Burrito Place")
        businesses.add_alias(log, burrito, "El Burrito", NOW)


def _write_alias_remove(journal: Journal) -> None:
    with command(journal, "business alias") as log:
        smokey = businesses.require(log.conn, "Smokey's BBQ")
        businesses.remove_alias(log, smokey, "SMOKEYS")


def _write_business_edit(journal: Journal) -> None:
    with command(journal, "business edit") as log:
        smokey = businesses.require(log.conn, "Smokey's BBQ")
        businesses.update(
            log,
            smokey,
            NOW,
            category=None,
            location="Main Street",
            notes="",
            fields=frozenset({"category", "location", "notes"}),
        )


def _write_merge(journal: Journal) -> None:
    with command(journal, "business merge") as log:
        source = businesses.require(log.conn, "Smokey's BBQ")
        target = businesses.require(log.conn, "Burrito Place")
        assert businesses.merge(log, source, target, NOW) == 1


WRITES = {
    "add at an existing business": _write_add_existing,
    "add at a new business": _write_add_new,
    "edit fields and tags": _write_edit,
    "edit moving to a new business": _write_edit_moves_to_new_business,
    "rm": _write_rm,
    "business rename": _write_rename,
    "business rename to its own alias": _write_rename_to_own_alias,
    "business alias": _write_alias_add,
    "business alias --remove": _write_alias_remove,
    "business edit and note": _write_business_edit,
    "business merge": _write_merge,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_undo_restores_every_row_exactly(populated: Journal, write: Any) -> None:
    before = dump(populated.conn)
    write(populated)
    after_write = dump(populated.conn)
    assert after_write != before
    _undo(populated)
    assert dump(populated.conn) == before
    assert populated.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_undo_twice_walks_back_two_commands(populated: Journal) -> None:
    before = dump(populated.conn)
    _write_edit(populated)
    middle = dump(populated.conn)
    _write_merge(populated)
    _undo(populated)
    assert dump(populated.conn) == middle
    _undo(populated)
    assert dump(populated.conn) == before


def test_undo_takes_back_a_whole_command(populated: Journal) -> None:
    changes_before = populated.conn.execute("SELECT count(*) FROM history_change").fetchone()[0]
    _write_merge(populated)
    made = populated.conn.execute("SELECT count(*) FROM history_change").fetchone()[0]
    with populated.writing() as conn:
        reverted = undo_last(conn, NOW)
    assert reverted.command == "business merge"
    assert reverted.changes == made - changes_before
    assert reverted.changes > 1
    assert reverted.at == NOW


def test_undo_with_nothing_left_is_refused(journal: Journal) -> None:
    with pytest.raises(NothingToUndoError), journal.writing() as conn:
        undo_last(conn, NOW)
    record(journal, "Burrito Place", "fine")
    _undo(journal)
    assert encounters.count(journal.conn) == 0
    with pytest.raises(NothingToUndoError), journal.writing() as conn:
        undo_last(conn, NOW)


# ----------------------------------------------------------------------------- full-text search


def test_search_finds_words_of_new_encounters(populated: Journal) -> None:
    assert found(populated, "iced") == [1]
    assert found(populated, "cola") == [1]
    assert found(populated, "wait") == [1]
    assert found(populated, "consistent") == [2]
    assert found(populated, "kids") == [3]
    assert found(populated, "burrito") == [2, 3]
    assert found(populated, "burr") == [2, 3]
    assert found(populated, "nothing-like-this") == []


def test_search_follows_an_edit(populated: Journal) -> None:
    _write_edit(populated)
    assert found(populated, "wrong") == [1]
    assert found(populated, "iced") == []
    assert found(populated, "cola") == []


def test_search_follows_a_business_rename(populated: Journal) -> None:
    _write_rename(populated)
    assert found(populated, "palace") == [2, 3]
    assert found(populated, "place") == []


def test_search_follows_a_move_to_another_business(populated: Journal) -> None:
    _write_edit_moves_to_new_business(populated)
    assert found(populated, "diner") == [2]
    assert found(populated, "burrito") == [3]


def test_search_follows_a_merge(populated: Journal) -> None:
    _write_merge(populated)
    assert found(populated, "burrito") == [1, 2, 3]
    assert found(populated, "smokey") == []


def test_search_follows_a_delete(populated: Journal) -> None:
    _write_rm(populated)
    assert found(populated, "iced") == []
    assert found(populated, "smokey") == []
    assert populated.conn.execute("SELECT count(*) FROM encounter_fts").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("write", "query", "before", "after"),
    [
        (_write_add_new, "plastic", [], [4]),
        (_write_edit, "iced", [1], []),
        (_write_rename, "place", [2, 3], []),
        (_write_merge, "burrito", [2, 3], [1, 2, 3]),
        (_write_rm, "cola", [1], []),
    ],
    ids=["add", "edit", "rename", "merge", "rm"],
)
def test_search_follows_undo(
    populated: Journal, write: Any, query: str, before: list[int], after: list[int]
) -> None:
    assert found(populated, query) == before
    write(populated)
    assert found(populated, query) == after
    _undo(populated)
    assert found(populated, query) == before


def test_search_takes_operators_and_quotes_literally(populated: Journal) -> None:
    record(populated, "Pizza Chain", 'refund 100% of the bill, "no questions"')
    assert found(populated, "100%") == [4]
    assert found(populated, '"no') == [4]
    assert found(populated, "NOT") == []
    assert found(populated, "100% OR cola") == []
