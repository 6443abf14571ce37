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
from svclog.core.loyalty import BusinessFacts, ReportFilter
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


def test_streamed_jobs_give_their_rows_in_turn_each_then_its_end(journal: Path) -> None:
    readers = snapshot.readers(journal)
    assert readers is not None
    sql = "SELECT id, summary FROM encounter WHERE id BETWEEN :low AND :high ORDER BY id"
    jobs = [snapshot.Job(f"part {low}", sql, {"low": low, "high": low + 9}) for low in (0, 20)]
    jobs.append(snapshot.Job("count", "SELECT count(*) AS n FROM business", {}))
    with snapshot.Streamed(readers[1], jobs) as streamed:
        given = list(streamed.results())
    assert [(rows.tag, rows.rows is None) for rows in given] == [
        ("part 0", False), ("part 0", True), ("part 20", False), ("part 20", True),
        ("count", False), ("count", True),
    ]  # fmt: skip
    assert [row[0] for row in given[0].rows or []] == list(range(1, 10))
    assert [row[0] for row in given[2].rows or []] == list(range(20, 30))
    assert given[2].names == ["id", "summary"]
    assert given[4].names == ["n"]
    assert given[4].rows == [(13,)]
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def test_an_error_in_a_statement_is_raised_in_the_reading_thread(journal: Path) -> None:
    readers = snapshot.readers(journal)
    assert readers is not None
    failing = snapshot.Streamed(readers[1], [snapshot.Job("x", "SELECT x FROM nowhere", {})])
    with failing as streamed, pytest.raises(sqlite3.OperationalError, match="no such table"):
        list(streamed.results())
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def test_leaving_early_stops_the_thread(journal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "BATCH", 1)
    readers = snapshot.readers(journal)
    assert readers is not None
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n"
    with snapshot.Streamed(readers[1], [snapshot.Job("n", endless, {})]) as streamed:
        assert next(streamed.results()).rows == [(1,)]
    assert _reader_threads() == []
    for reader in readers:
        reader.close()


def by_name(facts: BusinessFacts) -> str:
    return facts.name.casefold()


def test_loyalty_facts_read_by_a_thread_equal_those_read_alone(
    journal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot.os, "cpu_count", lambda: 2)
    tags: list[str] = []
    original = snapshot.Streamed._given

    def spy(self: snapshot.Streamed, item: object) -> snapshot.Rows | None:
        given = original(self, item)  # type: ignore[arg-type]
        if given is not None:
            tags.append(given.tag)
        return given

    monkeypatch.setattr(snapshot.Streamed, "_given", spy)
    with Journal.open(journal, FixedClock(NOW)) as opened, opened.reading() as conn:
        alone = sorted(loyalty.business_facts(conn, ReportFilter(), NOW, WINDOW), key=by_name)
        shared = loyalty.business_facts(conn, ReportFilter(), NOW, WINDOW, path=journal)
        shared = sorted(shared, key=by_name)
    assert set(tags) <= {"totals"}  # the thread reads totals; this one, the outcomes first
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


def test_the_facts_statements_have_the_columns_they_are_read_by(journal: Path) -> None:
    filters = ReportFilter(client="acme", since=NOW - timedelta(days=30))
    totals, outcomes, named = loyalty.rows_statements(filters, NOW, WINDOW)
    with Journal.open(journal, FixedClock(NOW)) as opened, opened.reading() as conn:
        for sql, names in ((totals, loyalty.TOTALS), (outcomes, loyalty.OUTCOMES)):
            cursor = conn.execute(sql, {**named, "low": 0, "high": 99})
            assert tuple(column[0] for column in cursor.description) == names
