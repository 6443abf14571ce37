"""The full-text index after an import or a merge, which index their encounters at the end
(`storage/search_index.py`) instead of through the insert trigger: the same index rows as the
trigger writes, the trigger itself put back as it was, nothing changed by a refused import,
and `undo` taking the words out again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.conftest import add, cli, copy_journal

TRIGGER = "encounter_fts_insert"


def index_rows(db: Path) -> list[tuple[Any, ...]]:
    """Every row of the full-text index, with its rowid."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT rowid, summary, note, issue, business FROM encounter_fts ORDER BY rowid"
        ).fetchall()


def trigger_text(db: Path) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
        ).fetchone()
    return None if row is None else str(row[0])


def index_is_sound(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO encounter_fts(encounter_fts) VALUES ('integrity-check')")
    return True


def found(db: Path, *words: str) -> list[int]:
    result = cli("search", *words, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return sorted(item["id"] for item in result.json())


def exported(db: Path, target: Path) -> Path:
    result = cli("export", "--db", str(db), "--format", "ndjson", "--output", str(target))
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr
    return target


def imported(db: Path, source: Path) -> None:
    result = cli("import", str(source), "--db", str(db))
    assert (result.exit_code, result.stdout) == (0, ""), result.stderr


def written_by_add(db: Path) -> None:
    """Encounters written one at a time, so the trigger indexes them."""
    journal = ("--db", str(db))
    add("Chez Marguerite", "Cold soup and a long wait", "--failure", "--issue", "cold", *journal)
    add("Piazza Pizza Co.", "Plastic in the drink", "--note", "The manager apologised", *journal)
    add("Telecom Co", "Billing email was rude", "--failure", *journal)
    add("Chez Marguerite", "Warm welcome the week after", *journal)


def test_an_import_indexes_exactly_what_the_trigger_would_have(db: Path, tmp_path: Path) -> None:
    written_by_add(db)
    source = exported(db, tmp_path / "all.ndjson")
    other = tmp_path / "other.db"
    imported(other, source)
    assert index_rows(other) == index_rows(db)
    assert len(index_rows(other)) == 4
    assert trigger_text(other) == trigger_text(db) is not None
    assert index_is_sound(other)
    assert found(other, "soup") == found(db, "soup") == [1]
    assert found(other, "marguerite") == [1, 4]  # the business's name is indexed too


def test_the_trigger_still_indexes_what_comes_after_an_import(db: Path, tmp_path: Path) -> None:
    written_by_add(db)
    source = exported(db, tmp_path / "all.ndjson")
    other = tmp_path / "other.db"
    imported(other, source)
    add("Corner Bakery", "Stale croissants", "--db", str(other))
    assert found(other, "croissants") == [5]
    assert index_is_sound(other)


def test_a_refused_import_changes_neither_the_index_nor_its_trigger(
    db: Path, tmp_path: Path
) -> None:
    written_by_add(db)
    before = (index_rows(db), trigger_text(db))
    records = [
        json.loads(line) for line in exported(db, tmp_path / "a.ndjson").read_text().splitlines()
    ]
    fresh = []
    for number, record in enumerate(records * 300, start=1):  # enough for the batched path
        fresh.append({**record, "id": None, "uid": f"01M81TKXJ0{number:016d}"})
    fresh[-1]["severity"] = 9
    source = tmp_path / "bad.ndjson"
    source.write_text("".join(json.dumps(record) + "\n" for record in fresh), encoding="utf-8")
    result = cli("import", str(source), "--db", str(db))
    assert result.exit_code == 65, result.stderr
    assert (index_rows(db), trigger_text(db)) == before
    add("Corner Bakery", "Stale croissants")
    assert found(db, "croissants") == [5]


def test_undo_of_an_import_takes_its_words_out_of_the_index(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    written_by_add(other)
    imported(db, exported(other, tmp_path / "all.ndjson"))
    assert found(db, "soup") == [1]
    result = cli("undo")
    assert result.exit_code == 0, result.stderr
    assert found(db, "soup") == []
    assert index_rows(db) == []
    assert index_is_sound(db)


def test_a_newer_record_replaces_the_words_of_the_older(db: Path, tmp_path: Path) -> None:
    written_by_add(db)
    records = [
        json.loads(line) for line in exported(db, tmp_path / "a.ndjson").read_text().splitlines()
    ]
    records[0].update(summary="Lukewarm broth", updated_at="2026-11-23T10:00:00+00:00")
    source = tmp_path / "b.ndjson"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    imported(db, source)
    assert found(db, "soup") == []
    assert found(db, "broth") == [1]
    assert index_is_sound(db)


def test_a_merge_indexes_the_encounters_it_brings(
    db: Path, tmp_path: Path, stories_journal: Path
) -> None:
    add("Corner Bakery", "Stale croissants")
    other = copy_journal(stories_journal, tmp_path / "stories.db")
    result = cli("merge", str(other))
    assert result.exit_code == 0, result.stderr
    merged = [row[1:] for row in index_rows(db)]
    assert sorted(merged) == sorted(
        [("Stale croissants", None, None, "Corner Bakery")] + [row[1:] for row in index_rows(other)]
    )
    assert trigger_text(db) == trigger_text(other)
    assert index_is_sound(db)
