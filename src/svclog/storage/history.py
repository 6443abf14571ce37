"""The change log behind `svclog undo`.

Every write goes through a `ChangeLog`, which records the row it inserts, or a snapshot of the
row before it updates or deletes it, against one history entry per command. `undo` replays
those records backwards inside one transaction, so a command is reverted as a whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from svclog.core.errors import NothingToUndoError
from svclog.core.models import Reverted
from svclog.storage.timestamps import from_utc_text, utc_text

#: The tables a command may change; names are never taken from user input.
TABLES = frozenset(
    {
        "business",
        "business_alias",
        "encounter",
        "encounter_tag",
        "response",
        "remedy",
        "followup",
        "outcome",
    }
)

Value = str | int | float | None


def _table(name: str) -> str:
    if name not in TABLES:
        raise ValueError(f"not a journal table: {name}")
    return name


def _columns(values: Mapping[str, Value]) -> list[str]:
    for column in values:
        if not column.isidentifier():
            raise ValueError(f"not a column name: {column}")
    return list(values)


class ChangeLog:
    """The writes of one command, recorded so that `undo` can revert them."""

    def __init__(self, conn: sqlite3.Connection, command: str, now: datetime) -> None:
        self.conn = conn
        self.description = command
        cursor = conn.execute(
            "INSERT INTO history (command, description, at) VALUES (?, ?, ?)",
            (command, command, utc_text(now)),
        )
        self.history_id = int(cursor.lastrowid or 0)
        self.changes = 0

    def describe(self, description: str) -> None:
        self.description = description

    def _record(self, table: str, row_id: int, operation: str, before: str | None) -> None:
        self.conn.execute(
            "INSERT INTO history_change (history_id, table_name, row_id, operation, before)"
            " VALUES (?, ?, ?, ?, ?)",
            (self.history_id, table, row_id, operation, before),
        )
        self.changes += 1

    def _snapshot(self, table: str, row_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            f"SELECT * FROM {_table(table)} WHERE id = ?", (row_id,)
        ).fetchone()
        return row

    def insert(self, table: str, values: Mapping[str, Value]) -> int:
        columns = _columns(values)
        cursor = self.conn.execute(
            f"INSERT INTO {_table(table)} ({', '.join(columns)})"
            f" VALUES ({', '.join('?' for _ in columns)})",
            [values[c] for c in columns],
        )
        row_id = int(cursor.lastrowid or 0)
        self._record(table, row_id, "insert", None)
        return row_id

    def update(self, table: str, row_id: int, values: Mapping[str, Value]) -> bool:
        """Update one row; record it only if a value really changes."""
        before = self._snapshot(table, row_id)
        if before is None:
            return False
        changed = {c: v for c, v in values.items() if before[c] != v}
        if not changed:
            return False
        columns = _columns(changed)
        self.conn.execute(
            f"UPDATE {_table(table)} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
            [*(changed[c] for c in columns), row_id],
        )
        self._record(table, row_id, "update", json.dumps(dict(before)))
        return True

    def delete(self, table: str, row_id: int) -> bool:
        before = self._snapshot(table, row_id)
        if before is None:
            return False
        self.conn.execute(f"DELETE FROM {_table(table)} WHERE id = ?", (row_id,))
        self._record(table, row_id, "delete", json.dumps(dict(before)))
        return True

    def finish(self) -> None:
        """Keep the history entry only if the command changed something."""
        if self.changes == 0:
            self.conn.execute("DELETE FROM history WHERE id = ?", (self.history_id,))
        else:
            self.conn.execute(
                "UPDATE history SET description = ? WHERE id = ?",
                (self.description, self.history_id),
            )


def undo_last(conn: sqlite3.Connection, now: datetime) -> Reverted:
    """Revert the most recent command not yet undone, inside the caller's transaction."""
    entry = conn.execute(
        "SELECT id, command, description, at FROM history"
        " WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if entry is None:
        raise NothingToUndoError("nothing to undo")
    changes = conn.execute(
        "SELECT table_name, row_id, operation, before FROM history_change"
        " WHERE history_id = ? ORDER BY id DESC",
        (entry["id"],),
    ).fetchall()
    for change in changes:
        table = _table(change["table_name"])
        if change["operation"] == "insert":
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (change["row_id"],))
            continue
        before: dict[str, Value] = json.loads(change["before"])
        columns = _columns(before)
        if change["operation"] == "update":
            conn.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                [*(before[c] for c in columns), change["row_id"]],
            )
        else:
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)})"
                f" VALUES ({', '.join('?' for _ in columns)})",
                [before[c] for c in columns],
            )
    conn.execute("UPDATE history SET undone_at = ? WHERE id = ?", (utc_text(now), entry["id"]))
    return Reverted(
        command=entry["command"],
        description=entry["description"],
        at=from_utc_text(entry["at"]),
        changes=len(changes),
    )
