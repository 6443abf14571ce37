"""`svclog db check|backup|migrate`."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from svclog.storage.identity import SCHEMA_VERSION
from tests.conftest import add, cli, run_svclog

FIXTURES = Path(__file__).parent / "fixtures"
#: A journal of the current schema (its fixture; older ones are upgraded on opening).
FIXTURE = FIXTURES / f"schema-{SCHEMA_VERSION}.db"


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_check_reports_a_healthy_journal(journal: Path) -> None:
    result = cli("--db", str(journal), "db", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Journal: {journal}"
    assert lines[1] == f"Schema: {SCHEMA_VERSION} (this svclog: {SCHEMA_VERSION})"
    assert lines[2].startswith("Holds: 9 business, 11 encounter, ")
    assert lines[-1] == "Verdict: ok"


def test_check_finds_a_corrupted_page(journal: Path) -> None:
    with journal.open("r+b") as handle:  # scribble over an index page of the journal
        handle.seek(4096 * 19 + 8)
        handle.write(b"\x07" * 300)
    result = cli("--db", str(journal), "db", "check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("Problem: ")]
    assert problems
    assert result.stderr.startswith("Error: the journal has ")
    assert len(result.stderr.splitlines()) == 1


def test_check_of_a_missing_journal_is_exit_66(tmp_path: Path) -> None:
    result = cli("--db", str(tmp_path / "nope.db"), "db", "check")
    assert result.exit_code == 66
    assert not (tmp_path / "nope.db").exists()


def test_backup_writes_a_checked_private_copy(journal: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    done = run_svclog(["--db", str(journal), "db", "backup", str(target)])
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{target}\n"
    assert done.stderr == "Backed up and checked: 11 encounters.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM encounter").fetchone()[0] == 11
    finally:
        conn.close()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_backup_never_overwrites(journal: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_text("precious")
    result = cli("--db", str(journal), "db", "backup", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {target} exists already; a backup never overwrites\n"
    assert target.read_text() == "precious"


def test_backup_by_default_lands_beside_the_journal(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    result = cli("db", "backup")
    assert result.exit_code == 0, result.stderr
    written = Path(result.stdout.strip())
    assert written.parent == db.parent
    assert written.name == "journal-backup-20261122-153000.db"
    assert written.exists()


def test_migrate_status_lists_the_applied_migrations(journal: Path) -> None:
    result = cli("--db", str(journal), "db", "migrate", "--status")
    assert result.exit_code == 0, result.stderr
    names = [line.split()[1] for line in result.stdout.splitlines()]
    assert names == ["0001_initial", "0002_report_facts"]
    assert all(line.startswith("applied  ") for line in result.stdout.splitlines())
    assert result.stderr == "The schema is up to date.\n"


def test_an_older_journal_is_migrated_after_a_backup(tmp_path: Path) -> None:
    journal = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "schema-1.db", journal)
    status = cli("--db", str(journal), "db", "migrate", "--status")
    assert status.exit_code == 0, status.stderr
    assert "pending  0002_report_facts" in status.stdout.splitlines()
    result = cli("--db", str(journal), "db", "migrate")
    assert result.exit_code == 0, result.stderr
    backups = [p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert len(backups) == 1
    assert backups[0].startswith("old.db.schema-1-")
    checked = cli("--db", str(journal), "db", "check")
    assert checked.exit_code == 0, checked.stdout
    assert (
        checked.stdout.splitlines()[1]
        == f"Schema: {SCHEMA_VERSION} (this svclog: {SCHEMA_VERSION})"
    )
