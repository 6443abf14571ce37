"""Read-only connections of a command's own that read one snapshot of the journal together.

A long read (an export, the loyalty report) can share its work between threads: SQLite runs
statements without holding Python's GIL, so two connections answer at the same time, on two
cores. They must see the same journal, though, even while other commands commit.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svclog.storage.journal import busy_timeout

#: How many snapshots two readers try before the command's connection reads everything alone.
ATTEMPTS = 3


def worth_sharing() -> bool:
    """Whether there is a second core for a second reader."""
    return (os.cpu_count() or 1) > 1


def reader(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        timeout=busy_timeout(),
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute("PRAGMA cache_size = -8192")  # 8 MiB: fewer reads of the file
    return conn


def data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def begin(conn: sqlite3.Connection) -> None:
    """A read transaction whose snapshot is taken now."""
    conn.execute("BEGIN")
    conn.execute("SELECT count(*) FROM (SELECT 1 FROM encounter LIMIT 1)").fetchone()


def same_snapshot(first: sqlite3.Connection, second: sqlite3.Connection) -> bool:
    """Start read transactions on both, on one snapshot: `second`'s data version stays the
    same from before `first` starts to after `second` has only if nothing was committed in
    between."""
    before = data_version(second)
    begin(first)
    begin(second)
    if data_version(second) == before:
        return True
    first.execute("ROLLBACK")
    second.execute("ROLLBACK")
    return False


def readers(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection] | None:
    """Two read-only connections to the journal at `path`, in one snapshot; None when commits
    kept coming between their starts, or they cannot be had."""
    try:
        first = reader(path)
    except sqlite3.Error:  # read-only access refused, say: the command's connection reads
        return None
    try:
        second = reader(path)
    except sqlite3.Error:
        first.close()
        return None
    try:
        if any(same_snapshot(first, second) for _ in range(ATTEMPTS)):
            return first, second
    except sqlite3.Error:
        pass
    except BaseException:
        first.close()
        second.close()
        raise
    first.close()
    second.close()
    return None


#: Rows a `Streamed` statement hands over at a time.
BATCH = 512


@dataclass(frozen=True)
class Job:
    """A statement for `Streamed` to run, and what its rows are (`tag`)."""

    tag: str
    sql: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Rows:
    """Rows of a job, with their column names; `rows` is None once the job is done."""

    tag: str
    names: list[str]
    rows: list[tuple[Any, ...]] | None


class Streamed:
    """Statements (`jobs`, an iterable that other threads may be taking from too) run in turn
    on `conn` by a thread of its own, their rows handed over a batch at a time (SQLite steps
    through them without holding the GIL, so this thread gets on meanwhile). Leaving the
    `with` stops the statement under way."""

    def __init__(self, conn: sqlite3.Connection, jobs: Iterable[Job]) -> None:
        self._conn = conn
        self._jobs = jobs
        self._rows: queue.Queue[Rows | BaseException | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="svclog-reader", daemon=True)

    def _run(self) -> None:
        try:
            cursor = self._conn.cursor()
            cursor.row_factory = None
            for job in self._jobs:
                cursor.execute(job.sql, job.params)
                names = [column[0] for column in cursor.description]
                while not self._stop.is_set() and (batch := cursor.fetchmany(BATCH)):
                    self._rows.put(Rows(job.tag, names, batch))
                if self._stop.is_set():
                    return
                self._rows.put(Rows(job.tag, names, None))
            self._rows.put(None)
        except BaseException as error:  # handed to the reading thread, raised there
            self._rows.put(error)

    def __enter__(self) -> Streamed:
        self._thread.start()
        return self

    def _given(self, item: Rows | BaseException | None) -> Rows | None:
        if isinstance(item, BaseException):
            raise item
        if item is None:
            self._rows.put(None)  # for any later look
        return item

    def results(self) -> Iterator[Rows]:
        """The rows, as they come, to the last."""
        while (item := self._given(self._rows.get())) is not None:
            yield item

    def ready(self) -> Iterator[Rows]:
        """The rows that have come, without waiting for more."""
        while True:
            try:
                item = self._given(self._rows.get_nowait())
            except queue.Empty:
                return
            if item is None:
                return
            yield item

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        halt(self._thread, self._conn)


def halt(thread: threading.Thread, conn: sqlite3.Connection) -> None:
    """Wait for `thread`, interrupting the statement it runs on `conn`, if any, until it ends."""
    while thread.is_alive():
        conn.interrupt()
        thread.join(0.05)
