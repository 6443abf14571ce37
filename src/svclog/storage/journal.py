"""Opening a journal: identity checks, pragmas, migrations and transactions.

Every write is one `BEGIN IMMEDIATE` transaction, so concurrent writers queue on the busy
timeout instead of failing half-way; the journal runs in WAL mode with `synchronous=FULL`,
so an exit after a write means the change is on disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from svclog.core.clock import Clock
from svclog.core.errors import (
    BadDataError,
    JournalBusyError,
    JournalMissingError,
    JournalTooNewError,
    SvclogError,
)
from svclog.storage.history import ChangeLog
from svclog.storage.identity import APPLICATION_ID, SCHEMA_VERSION

DEFAULT_BUSY_SECONDS = 5.0


def busy_timeout() -> float:
    """Seconds a writer waits for the lock: `SVCLOG_BUSY_TIMEOUT`, else 5."""
    raw = os.environ.get("SVCLOG_BUSY_TIMEOUT")
    if not raw:
        return DEFAULT_BUSY_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        raise SvclogError(f"SVCLOG_BUSY_TIMEOUT must be a number of seconds, not {raw!r}") from None
    if seconds < 0:
        raise SvclogError("SVCLOG_BUSY_TIMEOUT must not be negative")
    return seconds


def translate(error: sqlite3.Error, path: Path) -> SvclogError:
    """The user-facing error for a failure SQLite reports."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return JournalBusyError(
            f"the journal {path} is busy (another svclog is writing); try again"
        )
    if "not a database" in text or "malformed" in text:
        return BadDataError(f"{path} is not a readable svclog journal ({text})")
    if "full" in text:
        return SvclogError(f"the disk is full; nothing was written to {path}")
    if "disk I/O error" in text:
        return SvclogError(f"writing to {path} failed (disk I/O error); nothing was written")
    if "readonly" in text or "unable to open" in text:
        return SvclogError(f"cannot write to {path} ({text})")
    return SvclogError(f"the journal {path} reported: {text}")


def _create_file(path: Path) -> None:
    """Create the journal file 0600 (and missing directories 0700), whatever the umask."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.fchmod(fd, 0o600)
    os.close(fd)


class Journal:
    """An open journal file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock) -> None:
        self.path = path
        self.conn = conn
        self.clock = clock
        self.schema_version = SCHEMA_VERSION
        self.backup_before_migration: Path | None = None

    @classmethod
    def open(
        cls, path: Path, clock: Clock, *, create: bool = False, migrate: bool = True
    ) -> Journal:
        """Open the journal at `path`; create it only when `create` (add, import, init).

        A missing file is exit 66 otherwise; a file that is not an svclog journal, or one
        written by a newer svclog, is refused and left untouched. A journal of an older schema
        is migrated (after a backup beside it) unless `migrate` is False (`db check`,
        `db migrate --status`).
        """
        if path.is_dir():
            raise BadDataError(f"{path} is a directory, not an svclog journal")
        if not path.exists():
            if not create:
                raise JournalMissingError(
                    f"no journal at {path} (svclog add or svclog init creates one)"
                )
            _create_file(path)
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout(), isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise translate(error, path) from error
        conn.row_factory = sqlite3.Row
        journal = cls(path, conn, clock)
        try:
            journal._prepare(create, migrate)
        except sqlite3.Error as error:
            conn.close()
            raise translate(error, path) from error
        except BaseException:
            conn.close()
            raise
        return journal

    def _prepare(self, create: bool, migrate: bool) -> None:
        conn = self.conn
        application_id, version = self._identity()
        if application_id == 0 and version == 0 and self._is_blank():
            if not create:
                raise BadDataError(
                    f"{self.path} is empty, not an svclog journal yet (svclog init creates one)"
                )
            conn.execute("PRAGMA journal_mode = WAL")
        elif application_id != APPLICATION_ID:
            raise BadDataError(f"{self.path} is not an svclog journal; it was left untouched")
        elif version > SCHEMA_VERSION:
            raise JournalTooNewError(
                f"{self.path} was written by a newer svclog (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade svclog to use it"
            )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        self.schema_version = version
        if version < SCHEMA_VERSION and migrate:
            if version > 0:
                self.backup_before_migration = self._backup_before_migration(version)
            self._migrate()
            self.schema_version = SCHEMA_VERSION

    def _backup_before_migration(self, version: int) -> Path:
        """A copy of the journal as it was, beside it, before its schema changes."""
        from svclog.storage.maintenance import backup

        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.schema-{version}-{stamp}.bak")
        backup(self, target)
        return target

    def _identity(self) -> tuple[int, int]:
        application_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return int(application_id), int(version)

    def _is_blank(self) -> bool:
        count: int = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return count == 0

    def _migrate(self) -> None:
        from sqlite_utils import Database

        from svclog.storage.schema import migrate

        with self._immediate():
            application_id, version = self._identity()
            if application_id not in (0, APPLICATION_ID):
                raise BadDataError(f"{self.path} is not an svclog journal; it was left untouched")
            if version < SCHEMA_VERSION:
                migrate(Database(self.conn, execute_plugins=False))

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise translate(error, self.path) from error
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise translate(error, self.path) from error

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, started with BEGIN IMMEDIATE; SQLite errors translated."""
        try:
            with self._immediate():
                yield self.conn
        except sqlite3.Error as error:
            raise translate(error, self.path) from error

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several queries."""
        try:
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            raise translate(error, self.path) from error

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextlib.contextmanager
def command(journal: Journal, name: str) -> Iterator[ChangeLog]:
    """One data-changing command: a write transaction with its own undo history entry."""
    with journal.writing() as conn:
        log = ChangeLog(conn, name, journal.clock.now())
        yield log
        log.finish()
