"""Looking after a journal: integrity checks, consistent backups, migration status."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from svclog.core.errors import SvclogError
from svclog.storage.identity import APPLICATION_ID, SCHEMA_VERSION

if TYPE_CHECKING:
    from svclog.storage.journal import Journal

COUNTED = ("business", "encounter", "response", "remedy", "followup", "outcome", "history")


@dataclass
class CheckReport:
    path: Path
    integrity: list[str] = field(default_factory=list)  # "ok", or the problems SQLite found
    foreign_keys: list[str] = field(default_factory=list)
    schema_version: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    derived: list[str] = field(default_factory=list)  # stored facts that disagree with rows

    @property
    def problems(self) -> list[str]:
        found = [line for line in self.integrity if line != "ok"]
        found += self.foreign_keys
        found += self.derived
        if self.schema_version < SCHEMA_VERSION:
            found.append(
                f"schema {self.schema_version} is older than {SCHEMA_VERSION}"
                " (svclog db migrate upgrades it)"
            )
        return found


def check(journal: Journal) -> CheckReport:
    """PRAGMA integrity_check and foreign_key_check, the schema version and the counts."""
    conn = journal.conn
    report = CheckReport(journal.path, schema_version=journal.schema_version)
    report.integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    report.foreign_keys = [
        f"{row[0]} row {row[1]} points to a missing {row[2]}"
        for row in conn.execute("PRAGMA foreign_key_check")
    ]
    for table in COUNTED:
        report.counts[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    if journal.schema_version >= 2:
        report.derived = _response_facts_problems(conn)
    return report


def _response_facts_problems(conn: sqlite3.Connection) -> list[str]:
    """Encounters whose stored response facts (schema 2, kept by triggers) differ from what
    their responses say."""
    rows = conn.execute(
        """
        SELECT e.id FROM encounter e
        LEFT JOIN (
            SELECT encounter_id, min(at) AS first_at, coalesce(sum(quality), 0) AS total,
                   count(quality) AS counted
            FROM response GROUP BY encounter_id
        ) r ON r.encounter_id = e.id
        WHERE e.first_response_at IS NOT r.first_at
           OR e.quality_sum IS NOT coalesce(r.total, 0)
           OR e.quality_count IS NOT coalesce(r.counted, 0)
        ORDER BY e.id LIMIT 11
        """
    ).fetchall()
    if not rows:
        return []
    ids = ", ".join(f"#{row[0]}" for row in rows[:10]) + (", …" if len(rows) > 10 else "")
    return [f"the response facts stored on encounters {ids} differ from their responses"]


def backup(journal: Journal, target: Path) -> dict[str, int]:
    """A consistent copy of the journal at `target` (VACUUM INTO a private temporary file,
    verified, then renamed into place); never overwrites. Returns the copy's counts."""
    if target.exists() or target.is_symlink():
        raise SvclogError(f"{target} exists already; a backup never overwrites")
    if not target.parent.is_dir():
        raise SvclogError(f"no directory {target.parent} to write the backup in")
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.unlink(missing_ok=True)
    try:
        journal.conn.execute("VACUUM INTO ?", (str(partial),))
        os.chmod(partial, 0o600)
        counts = _verify(partial)
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise SvclogError(f"the backup failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return counts


def _verify(path: Path) -> dict[str, int]:
    """Open the copy on its own and check it before it takes the backup's name."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise SvclogError("the backup copy is not an svclog journal")
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        if problems:
            raise SvclogError(f"the backup copy failed its integrity check: {problems[0]}")
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in COUNTED
        }
    finally:
        conn.close()


@dataclass(frozen=True)
class MigrationStatus:
    applied: list[tuple[str, str]]  # (name, applied_at)
    pending: list[str]


def migration_status(conn: sqlite3.Connection) -> MigrationStatus:
    from sqlite_utils import Database

    from svclog.storage.schema import MIGRATIONS

    db = Database(conn, execute_plugins=False)
    applied = [(m.name, m.applied_at) for m in MIGRATIONS.applied(db)]
    pending = [m.name for m in MIGRATIONS.pending(db)]
    return MigrationStatus(applied, pending)
