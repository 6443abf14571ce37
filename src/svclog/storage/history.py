"""The change log behind `svclog undo`.

Every write goes through a `ChangeLog`, which records the row it inserts, or a snapshot of the
row before it updates or deletes it, against one history entry per command. `undo` replays
those records backwards inside one transaction, so a command is reverted as a whole.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain

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


def _columns(values: Mapping[str, Value] | Sequence[str]) -> list[str]:
    for column in values:
        if not column.isidentifier():
            raise ValueError(f"not a column name: {column}")
    return list(values)


def _null(value: None) -> None:
    return value


# sqlite3 looks for an adapter for each value that is not an int, float, str or bytes; for
# None, finding none raises (and swallows) an exception, which makes binding a NULL ten times
# dearer than binding a number. With this one registered it costs a third of that, and the
# journal stores NULL just the same. An import binds millions of NULLs.
sqlite3.register_adapter(type(None), _null)

#: Rows per multi-row INSERT statement, largest first. The statements are few and fixed, so
#: SQLite compiles each once (compiling a 1,000-row statement costs more than running it).
_CHUNKS = (1024, 128, 16)


def _variable_limit(conn: sqlite3.Connection) -> int:
    """How many `?` one statement may hold (32,766 since SQLite 3.32, 999 before)."""
    getlimit = getattr(conn, "getlimit", None)  # Python 3.11+
    if getlimit is not None:
        return int(getlimit(getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", 9)))
    return 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999


#: The statements of `insert_rows`, made once (the same text object each time also saves
#: hashing a long text for sqlite3's statement cache).
_INSERTS: dict[tuple[str, tuple[str, ...], int], str] = {}


def _insert_sql(table: str, columns: tuple[str, ...], size: int) -> str:
    sql = _INSERTS.get((table, columns, size))
    if sql is None:
        one = f"({', '.join('?' for _ in columns)})"
        values = ", ".join(one for _ in range(size))
        sql = _INSERTS[table, columns, size] = (
            f"INSERT INTO {table} ({', '.join(_columns(columns))}) VALUES {values}"
        )
    return sql


def insert_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert `rows` (values in the order of `columns`), in order, with few statements: one
    statement per row would also run the full-text index's per-statement work once per row."""
    names = tuple(columns)
    limit = _variable_limit(conn)
    start = 0
    for size in _CHUNKS:
        if size * len(names) > limit:
            continue
        while len(rows) - start >= size:
            values = list(chain.from_iterable(rows[start : start + size]))
            conn.execute(_insert_sql(table, names, size), values)
            start += size
    if start < len(rows):
        conn.executemany(_insert_sql(table, names, 1), rows[start:])


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

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
    ) -> None:
        """Insert `rows`, each giving its id first (`columns[0]` is `id`), recorded for undo
        as `insert` records them, in the same order."""
        if not columns or columns[0] != "id":
            raise ValueError("insert_many needs each row's id as its first value")
        insert_rows(self.conn, _table(table), columns, rows)
        history_id = self.history_id
        insert_rows(
            self.conn,
            "history_change",
            ("history_id", "table_name", "row_id", "operation"),
            [(history_id, table, row[0], "insert") for row in rows],
        )
        self.changes += len(rows)

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Writes that are taken back as a whole (the change count too) if they raise, leaving
        the rest of the command as it was."""
        changes = self.changes
        self.conn.execute("SAVEPOINT attempt")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # else SQLite has rolled the whole command back
                with contextlib.suppress(sqlite3.Error):  # the first error is the one to tell
                    self.conn.execute("ROLLBACK TO attempt")
                    self.conn.execute("RELEASE attempt")
            self.changes = changes
            raise
        self.conn.execute("RELEASE attempt")

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
