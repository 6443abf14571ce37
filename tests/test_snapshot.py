"""Readers of one snapshot, and a statement streamed by a thread of its own (storage/snapshot.py),
as the loyalty report uses them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from svclog.core.clock import FixedClock
from svclog.core.loyalty import ReportFilter
from svclog.core.models import EncounterDraft
from svclog.storage import encounters, loyalty, snapshot
from svclog.storage.journal import Journal, command

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
WINDOW = timedelta(hours=48)


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "svclog-reader"]


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.db"
    with Journal.open(path, FixedClock(NOW), create=True) as opened, command(opened, "add") as log:
        for number in range(40):
            draft = EncounterDraft(
                business=f"Shop {number % 13}",
                occurred_at=NOW - timedelta(days=number),
                summary=f"visit {number}",
                failure=number % 3 == 0,
            )
            encounters.add(log, draft, NOW)
    return path


def test_a_streamed_statement_gives_every_row_of_every_parameter_set(journal: Path) -> None:
    readers = snapshot.readers(journal)
    assert readers is not None
    params = [{"low": low, "high": low + 9} for low in range(0, 40, 10)]
    sql = "SELECT id, summary FROM encounter WHERE id BETWEEN :low AND :high ORDER BY id"
    with snapshot.Streamed(readers[1], sql, params) as streamed:
        assert streamed.names() == ["id", "summary"]
        rows = [row for batch in streamed.batches() for row in batch]
    assert [row[0] for row in rows] == list(range(1, 40))
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def test_an_error_in_the_statement_is_raised_in_the_reading_thread(journal: Path) -> None:
    readers = snapshot.readers(journal)
    assert readers is not None
    failing = snapshot.Streamed(readers[1], "SELECT x FROM nowhere", [{}])
    with failing as streamed, pytest.raises(sqlite3.OperationalError, match="no such table"):
        streamed.names()
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def test_leaving_early_stops_the_thread(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "BATCH", 1)
    readers = snapshot.readers(journal)
    assert readers is not None
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n"
    with snapshot.Streamed(readers[1], endless, [{}]) as streamed:
        assert next(streamed.batches()) == [(1,)]
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def test_loyalty_facts_read_by_a_thread_equal_those_read_alone(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot.os, "cpu_count", lambda: 2)
    streamed: list[str] = []
    original = snapshot.Streamed.__enter__

    def spy(self: snapshot.Streamed) -> snapshot.Streamed:
        streamed.append(self._sql)
        return original(self)

    monkeypatch.setattr(snapshot.Streamed, "__enter__", spy)
    with Journal.open(journal, FixedClock(NOW)) as opened, opened.reading() as conn:
        alone = list(loyalty.business_facts(conn, ReportFilter(), NOW, WINDOW))
        shared = list(loyalty.business_facts(conn, ReportFilter(), NOW, WINDOW, path=journal))
    assert len(streamed) == 1  # the totals, shared by the thread and this one
    assert ":low AND :high" in streamed[0]
    assert len(alone) == 13
    assert shared == alone
    assert [facts.name for facts in alone] == sorted(
        (f"Shop {n}" for n in range(13)), key=str.casefold
    )


def test_one_core_reads_alone(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(snapshot, "Streamed", None)  # would fail if used
    with Journal.open(journal, FixedClock(NOW)) as opened, opened.reading() as conn:
        facts = list(loyalty.business_facts(conn, ReportFilter(), NOW, WINDOW, path=journal))
    assert len(facts) == 13


ENGINE_PROBE = """
import sys
from svclog.storage import engine
first = engine.without_memory_statistics()
import sqlite3
conn = sqlite3.connect(":memory:")
ok = conn.execute("SELECT json_quote('two readers')").fetchone()[0] == '"two readers"'
print(first, engine.without_memory_statistics(), ok)
"""


@pytest.mark.skipif(sys.platform == "darwin", reason="left as it is on macOS")
def test_memory_statistics_go_off_only_before_sqlite_starts() -> None:
    result = subprocess.run(
        [sys.executable, "-c", ENGINE_PROBE], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.split() == ["True", "False", "True"]
