"""The export's fast path (storage/export_records.py): SQLite writes each record, and each CSV
row, exactly as the model path does — `json.dumps(record(encounter, timing))` and `csv_row` —
for any encounter: offsets of every kind, explicit and derived `timely` (on the edges of the
window too), empty and full timelines, tricky text; with every filter and `--limit`."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shlex
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import svclog.storage.export_records as export_records
from svclog.core.clock import FixedClock
from svclog.core.models import Encounter, EncounterDraft, EncounterFilter
from svclog.core.vocabulary import (
    Apology,
    Dimension,
    Direction,
    EncounterStatus,
    RecordKind,
    RemedyType,
    ResponderLevel,
    WordOfMouth,
)
from svclog.render.encounters import Timing, record
from svclog.render.exchange import csv_row, export_cells
from svclog.storage import encounters, snapshot, timeline
from svclog.storage.encounters import EncounterChanges
from svclog.storage.journal import Journal, command
from tests.conftest import cli, copy_journal

NOW = datetime.fromisoformat("2026-11-22T15:30:00+01:00")
WINDOW = timedelta(hours=48)


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two readers share an export on a machine with more than one core: have two."""
    monkeypatch.setattr(snapshot.os, "cpu_count", lambda: 2)


# ----------------------------------------------------------------------------- encounters

#: Text the escaping could get wrong: quotes, backslashes, every kind of control, separators.
TRICKY = (
    '"quoted" \\ back\\slash',
    "\x00\x01\x07\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f\x7f\x80\x9f",
    "\u2028\u2029\ufeff\u202e\u061c",
    "emoji 🍕🌮 RTL שלום مرحبا e\u0301",
    "%s %d %% printf",
    "'single' quotes; -- SQL",
    "",
    " ",
    "null",
    "line one\r\nline two\r\n",
)
text = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs",))))
maybe_text = st.none() | text
#: Names (of businesses and tags) are single lines without NUL, trimmed, never empty.
name = st.one_of(
    st.sampled_from(['"quoted" \\ back\\slash', "emoji 🍕 שלום", "%s %% printf", "=tag"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r")),
).filter(lambda value: value == value.strip() and value != "")
#: Offsets svclog can store: whole hours, half and quarter hours, odd minutes, the extremes.
offsets = st.one_of(
    st.sampled_from([0, -4 * 60, -5 * 60, 60, 330, 345, -30, -12 * 60, 14 * 60, -(9 * 60 + 30)]),
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
).map(lambda minutes: timezone(timedelta(minutes=minutes)))
moments = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2026, 11, 1)),
    offsets,
).map(lambda moment: moment.replace(microsecond=0))
#: Delays from the start of an encounter: before it, on the window's edge, long after.
delays = st.one_of(
    st.sampled_from([WINDOW, WINDOW + timedelta(seconds=1), WINDOW - timedelta(seconds=1)]),
    st.integers(min_value=-3600 * 5, max_value=3600 * 200).map(lambda s: timedelta(seconds=s)),
)
maybe_flag = st.sampled_from([None, True, False])


@dataclass(frozen=True)
class Spec:
    """One encounter and its timeline, as a strategy draws it."""

    business: str
    category: str | None
    occurred_at: datetime
    fields: dict[str, Any]
    complained_after: timedelta | None
    tags: list[str]
    changes: dict[str, Any]
    responses: list[tuple[timedelta, timezone, dict[str, Any]]]
    remedies: list[tuple[timedelta, timezone, dict[str, Any]]]
    followups: list[tuple[timedelta, timezone, dict[str, Any]]]
    outcome: dict[str, Any] | None


def _timeline_item(fields: st.SearchStrategy[dict[str, Any]]) -> Any:
    return st.tuples(delays, offsets, fields)


responses = st.fixed_dictionaries(
    {
        "by": st.none() | st.sampled_from(list(ResponderLevel)),
        "quality": st.none() | st.integers(min_value=1, max_value=5),
        "apology": st.none() | st.sampled_from(list(Apology)),
        "listened": maybe_flag,
        "fixed": maybe_flag,
        "asked_more": maybe_flag,
        "prevented": maybe_flag,
        "note": maybe_text,
    }
)
remedies = st.fixed_dictionaries(
    {
        "type": st.sampled_from(list(RemedyType)[:4]),  # few types: repeats happen
        "value": st.none() | st.sampled_from(["12.50", "007", "0.10", "100"]),
        "currency": st.none() | st.sampled_from(["EUR", "USD"]),
        "delivered": st.booleans(),
        "note": maybe_text,
    }
)
followups = st.fixed_dictionaries(
    {
        "direction": st.none() | st.sampled_from(list(Direction)),
        "channel": maybe_text,
        "note": maybe_text,
        "due": st.none() | moments,
        "done": st.booleans(),
    }
)
outcomes = st.none() | st.fixed_dictionaries(
    {
        "returned": maybe_flag,
        "recommend": st.none() | st.integers(min_value=0, max_value=10),
        "word_of_mouth": st.none() | st.sampled_from(list(WordOfMouth)),
        "told": st.none() | st.integers(min_value=0, max_value=10**6),
        "review": maybe_text,
        "switched_to": maybe_text,
        "at": st.none() | moments,
    }
)
specs = st.builds(
    Spec,
    business=name,
    category=st.none()
    | st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    occurred_at=moments,
    fields=st.fixed_dictionaries(
        {
            "channel": maybe_text,
            "summary": maybe_text,
            "note": maybe_text,
            "failure": st.booleans(),
            "severity": st.none() | st.integers(min_value=1, max_value=5),
            "issue": maybe_text,
            "dimension": st.none() | st.sampled_from(list(Dimension)),
            "complained": st.booleans(),
            "client": maybe_text,
        }
    ),
    complained_after=st.none() | delays,
    tags=st.lists(name, max_size=3),
    changes=st.fixed_dictionaries(
        {
            "timely": maybe_flag,
            "disputed": maybe_flag,
            "status": st.sampled_from(list(EncounterStatus)),
        }
    ),
    responses=st.lists(_timeline_item(responses), max_size=3),
    remedies=st.lists(_timeline_item(remedies), max_size=3),
    followups=st.lists(_timeline_item(followups), max_size=2),
    outcome=outcomes,
)


def write(journal: Journal, spec: Spec) -> int:
    """Record `spec` through the storage layer, as the commands would."""
    complained_at = (
        None if spec.complained_after is None else spec.occurred_at + spec.complained_after
    )
    draft = EncounterDraft(
        business=spec.business,
        category=spec.category,
        occurred_at=spec.occurred_at,
        complained_at=complained_at,
        tags=tuple(spec.tags),
        **spec.fields,
    )
    with command(journal, "add") as log:
        encounter_id = encounters.add(log, draft, NOW).encounter.id
        encounters.update(log, encounter_id, EncounterChanges(fields=spec.changes), NOW)
        started = complained_at or spec.occurred_at
        for kind, items in (
            (RecordKind.RESPONSE, spec.responses),
            (RecordKind.REMEDY, spec.remedies),
            (RecordKind.FOLLOWUP, spec.followups),
        ):
            # Added in reverse, so that time order and id order differ.
            for delay, zone, fields in reversed(items):
                at = (started + delay).astimezone(zone)
                timeline.add(log, kind, encounter_id, {"at": at, **fields}, NOW)
        if spec.outcome is not None:
            timeline.add(log, RecordKind.OUTCOME, encounter_id, spec.outcome, NOW)
    return encounter_id


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "records.db", FixedClock(NOW), create=True)
    yield opened
    opened.close()


# ----------------------------------------------------------------------------- the reference


def models(conn: Any, filters: EncounterFilter) -> list[Encounter]:
    """What the model path exports for `filters`: oldest first; with a limit, the newest."""
    if filters.limit is None:
        return list(encounters.select(conn, filters._replace(oldest_first=True)))
    return list(reversed(list(encounters.select(conn, filters))))


def fast_records(
    conn: Any, filters: EncounterFilter, timing: Timing, path: Path | None = None
) -> list[str]:
    """The records' JSON texts, read by `conn` alone or (given the journal's `path`) by two
    readers of their own."""
    chunks = export_records.json_records(conn, filters, timing.window, timing.now, path=path)
    with contextlib.closing(chunks):
        records: list[str] = []
        for chunk in chunks:
            lines = chunk.text.decode("utf-8").split("\n")
            assert len(lines) == chunk.size > 0
            records += lines
        return records


def fast_cells(conn: Any, filters: EncounterFilter, timing: Timing) -> list[list[Any]]:
    chunks = export_records.csv_rows(conn, filters, timing.window, timing.now)
    return [export_cells(row) for chunk in chunks for row in chunk]


def assert_same_as_models(
    conn: Any, filters: EncounterFilter, timing: Timing, path: Path | None = None
) -> int:
    """The fast path's records and CSV cells are the model path's, read alone and (given the
    journal's `path`) by two readers."""
    expected = models(conn, filters)
    texts = [json.dumps(record(e, timing), ensure_ascii=False) for e in expected]
    assert fast_records(conn, filters, timing) == texts
    if path is not None:
        assert fast_records(conn, filters, timing, path) == texts
    assert fast_cells(conn, filters, timing) == [csv_row(e, timing) for e in expected]
    return len(expected)


# ----------------------------------------------------------------------------- properties


def test_this_sqlite_writes_the_records_exactly(journal: Journal) -> None:
    assert export_records.supported(journal.conn)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(specs, min_size=1, max_size=4), now_after=delays)
def test_every_record_is_the_model_record(batch: list[Spec], now_after: timedelta) -> None:
    """Byte for byte, and with `now` anywhere around the first encounter's window."""
    with tempfile.TemporaryDirectory() as directory:
        journal = Journal.open(Path(directory) / "j.db", FixedClock(NOW), create=True)
        with journal:
            for spec in batch:
                write(journal, spec)
            first = batch[0]
            started = first.occurred_at + (first.complained_after or timedelta(0))
            for now in (NOW, started + now_after):
                with journal.reading() as conn:
                    timing = Timing(WINDOW, now)
                    count = assert_same_as_models(conn, EncounterFilter(), timing, journal.path)
                    assert count == len(batch)


def test_a_full_timeline_and_an_empty_one(journal: Journal) -> None:
    zone = timezone(timedelta(hours=5, minutes=30))
    occurred = datetime(2026, 3, 1, 23, 50, tzinfo=timezone(timedelta(hours=-5)))
    everything = Spec(
        business='Chez "Marguerite"',
        category="restaurant",
        occurred_at=occurred,
        fields={
            "channel": "in_person",
            "summary": "Dinner\tfor two",
            "note": "line\r\nbreak \x1b[31m",
            "failure": True,
            "severity": 4,
            "issue": "wait time",
            "dimension": Dimension.RESPONSIVENESS,
            "complained": True,
            "client": "Acme",
        },
        complained_after=timedelta(minutes=20),
        tags=["family", "=tag", "café"],
        changes={"timely": None, "disputed": True, "status": EncounterStatus.RESOLVED},
        responses=[
            (timedelta(hours=3), zone, {"by": ResponderLevel.SENIOR, "quality": 5, "note": "b"}),
            (timedelta(hours=1), timezone.utc, {"by": None, "quality": 2, "listened": True}),
        ],
        remedies=[
            (timedelta(hours=5), zone, {"type": RemedyType.REFUND, "value": "12.50"}),
            (timedelta(hours=2), zone, {"type": RemedyType.VOUCHER, "delivered": False}),
            (timedelta(hours=9), zone, {"type": RemedyType.REFUND, "currency": "EUR"}),
        ],
        followups=[
            (timedelta(days=1), zone, {"direction": Direction.THEM, "due": occurred}),
        ],
        outcome={"returned": False, "recommend": 0, "word_of_mouth": WordOfMouth.NEGATIVE},
    )
    nothing = Spec(
        business="Plain",
        category=None,
        occurred_at=datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc),
        fields={},
        complained_after=None,
        tags=[],
        changes={},
        responses=[],
        remedies=[],
        followups=[],
        outcome=None,
    )
    write(journal, everything)
    write(journal, nothing)
    with journal.reading() as conn:
        assert (
            assert_same_as_models(conn, EncounterFilter(), Timing(WINDOW, NOW), journal.path) == 2
        )
        [full_text, empty_text] = fast_records(conn, EncounterFilter(), Timing(WINDOW, NOW))
    full_record = json.loads(full_text)
    assert [r["quality"] for r in full_record["responses"]] == [2, 5]  # time order
    assert [m["type"] for m in full_record["remedies"]] == ["voucher", "refund", "refund"]
    assert full_record["timely"] is True  # derived: answered an hour after the complaint
    assert full_record["occurred_at"] == "2026-03-01T23:50:00-05:00"
    empty = json.loads(empty_text)
    assert (empty["tags"], empty["responses"], empty["outcome"]) == ([], [], None)


# ----------------------------------------------------------------------------- filters, limit


@pytest.fixture
def varied(journal: Journal) -> Journal:
    """Sixty encounters drawn with a fixed seed: three businesses, two clients, tags."""
    rng = random.Random(20261122)
    names = ["Burrito Bonito", "Golden Dragon", "Piazza Pizza Co."]
    for number in range(60):
        occurred = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(
            hours=rng.randrange(0, 24 * 300)
        )
        if number % 7 == 0:  # some share a moment: the id breaks the tie
            occurred = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
        failure = rng.random() < 0.5
        spec = Spec(
            business=rng.choice(names),
            category=None,
            occurred_at=occurred.astimezone(timezone(timedelta(hours=rng.choice([-5, 0, 1])))),
            fields={"failure": failure, "client": rng.choice([None, "Acme", "Northwind"])},
            complained_after=None,
            tags=rng.sample(["kids", "urgent", "work"], rng.randrange(0, 3)),
            changes={},
            responses=[(timedelta(hours=rng.randrange(1, 90)), timezone.utc, {"quality": 3})]
            if failure and rng.random() < 0.6
            else [],
            remedies=[],
            followups=[],
            outcome=None,
        )
        write(journal, spec)
    return journal


FILTERS = [
    EncounterFilter(),
    EncounterFilter(business_id=2),
    EncounterFilter(client="acme"),  # client matches without regard to case
    EncounterFilter(tag="URGENT"),
    EncounterFilter(failures_only=True),
    EncounterFilter(since=datetime(2026, 4, 1, tzinfo=timezone.utc)),
    EncounterFilter(until=datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))),
    EncounterFilter(limit=1),
    EncounterFilter(limit=5),
    EncounterFilter(limit=9),  # the oldest of the newest nine shares its moment with others
    EncounterFilter(limit=59),
    EncounterFilter(limit=60),
    EncounterFilter(limit=1000),
    EncounterFilter(limit=3, failures_only=True, tag="kids"),
    EncounterFilter(limit=4, business_id=1, since=datetime(2026, 3, 1, tzinfo=timezone.utc)),
    EncounterFilter(client="nobody"),
    EncounterFilter(client="nobody", limit=2),
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(i) for i in range(len(FILTERS))])
def test_filters_and_limit_select_what_the_model_path_selects(
    varied: Journal, filters: EncounterFilter
) -> None:
    with varied.reading() as conn:
        count = assert_same_as_models(conn, filters, Timing(WINDOW, NOW), varied.path)
    if filters.limit is not None and filters == EncounterFilter(limit=filters.limit):
        assert count == min(filters.limit, 60)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 30, 59, 60, 61])
def test_chunks_of_any_size_hold_every_record_once(
    varied: Journal, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Chunks end between encounters of the same moment too (the id decides)."""
    monkeypatch.setattr(export_records, "CHUNK", size)
    with varied.reading() as conn:
        for path in (None, varied.path):
            with export_records.json_records(
                conn, EncounterFilter(), WINDOW, NOW, path=path
            ) as chunks:
                sizes = [chunk.size for chunk in chunks]
            assert sizes == [size] * (60 // size) + ([60 % size] if 60 % size else [])
        for filters in (EncounterFilter(), EncounterFilter(limit=20), EncounterFilter(tag="kids")):
            assert assert_same_as_models(conn, filters, Timing(WINDOW, NOW), varied.path)


# ----------------------------------------------------------------------------- two readers


def _export_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "svclog-export"]


def test_two_readers_share_the_work(varied: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_records, "CHUNK", 4)
    written: list[str] = []
    original = export_records._lines

    def spy(*args: Any) -> Any:
        written.append(threading.current_thread().name)
        return original(*args)

    monkeypatch.setattr(export_records, "_lines", spy)
    with varied.reading() as conn:
        assert assert_same_as_models(conn, EncounterFilter(), Timing(WINDOW, NOW))
        written.clear()
        assert len(fast_records(conn, EncounterFilter(), Timing(WINDOW, NOW), varied.path)) == 60
    # 15 chunks of 4, then an empty one (nothing after the 60th): every other one each.
    assert written.count("MainThread") == written.count("svclog-export") == 8
    assert _export_threads() == []


def test_a_commit_between_the_readers_starts_leaves_the_work_to_one(
    varied: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = iter(range(1000))  # every look sees a new commit
    monkeypatch.setattr(snapshot, "data_version", lambda conn: next(versions))
    monkeypatch.setattr(export_records, "_together", None)  # would fail if called
    with varied.reading() as conn:
        assert assert_same_as_models(conn, EncounterFilter(), Timing(WINDOW, NOW), varied.path)


def test_a_commit_between_the_readers_starts_is_seen_by_both(
    varied: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write lands after the first reader took its snapshot, before the second did: the
    readers start again, together, and both see it."""
    monkeypatch.setattr(export_records, "CHUNK", 7)
    begun: list[object] = []
    original = snapshot.begin

    def begin(conn: sqlite3.Connection) -> None:
        original(conn)
        begun.append(conn)
        if len(begun) == 1:  # another command commits just now
            with Journal.open(varied.path, FixedClock(NOW)) as other:
                write(other, Spec("Late Shop", None, NOW, {}, None, [], {}, [], [], [], None))

    monkeypatch.setattr(snapshot, "begin", begin)
    with varied.reading() as conn:
        records = fast_records(conn, EncounterFilter(), Timing(WINDOW, NOW), varied.path)
    assert len(begun) == 4  # two, then two again
    assert len(records) == 61
    assert json.loads(records[-1])["business"]["name"] == "Late Shop"
    with varied.reading() as conn:
        assert [json.dumps(record(e, Timing(WINDOW, NOW)), ensure_ascii=False)
                for e in models(conn, EncounterFilter())] == records  # fmt: skip


def test_the_readers_are_read_only_and_find_any_journal_name(tmp_path: Path) -> None:
    odd = tmp_path / "my journal #1?é.db"
    with Journal.open(odd, FixedClock(NOW), create=True) as journal:
        for number in range(3):
            write(journal, Spec("Shop", None, NOW - timedelta(days=number), {}, None, [], {},
                                [], [], [], None))  # fmt: skip
        readers = snapshot.readers(journal.path)
        assert readers is not None
        for reader in readers:
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                reader.execute("DELETE FROM business")
            reader.close()
        with journal.reading() as conn:
            assert assert_same_as_models(conn, EncounterFilter(), Timing(WINDOW, NOW), odd) == 3


def test_an_error_in_the_helper_thread_is_raised_and_the_thread_ends(
    varied: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_records, "CHUNK", 5)
    original = export_records._lines

    def failing(*args: Any) -> Any:
        if threading.current_thread().name == "svclog-export":
            raise sqlite3.OperationalError("disk I/O error")
        return original(*args)

    monkeypatch.setattr(export_records, "_lines", failing)
    with varied.reading() as conn:
        chunks = export_records.json_records(conn, EncounterFilter(), WINDOW, NOW, path=varied.path)
        assert next(chunks).size == 5
        with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
            next(chunks)
        chunks.close()
    assert _export_threads() == []


def test_closing_early_stops_the_helper_thread(
    varied: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_records, "CHUNK", 5)
    with varied.reading() as conn:
        chunks = export_records.json_records(conn, EncounterFilter(), WINDOW, NOW, path=varied.path)
        assert next(chunks).size == 5
        assert len(_export_threads()) == 1
        chunks.close()
    assert _export_threads() == []


# ----------------------------------------------------------------------------- the command


def export_bytes(db: Path, target: Path, *args: str) -> bytes:
    result = cli("export", "--db", str(db), "--output", str(target), "--force", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Exported "), result.stderr
    return target.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "json"),
        ("--format", "ndjson"),
        ("--format", "csv"),
        ("--format", "csv", "--safe"),
        ("--format", "json", "--limit", "3"),
        ("--format", "csv", "--failures", "--since", "2026-05-01"),
    ],
)
def test_the_command_writes_what_the_model_path_writes(
    stories_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    """Where SQLite could not write the records (no JSON functions) the export falls back to
    the model path; both write the same bytes."""
    demo = copy_journal(stories_journal, tmp_path / "demo.db")
    fast = export_bytes(demo, tmp_path / "fast.out", *args)
    monkeypatch.setattr(export_records, "supported", lambda conn: False)
    slow = export_bytes(demo, tmp_path / "slow.out", *args)
    assert fast == slow
    assert fast


def test_a_progress_bar_on_a_terminal_leaves_the_file_exact(
    stories_journal: Path, tmp_path: Path
) -> None:
    demo = copy_journal(stories_journal, tmp_path / "demo.db")
    piped = export_bytes(demo, tmp_path / "piped.ndjson", "--format", "ndjson")
    target = tmp_path / "terminal.ndjson"
    command = [sys.executable, "-m", "svclog", "export", "--db", str(demo), "-f", "ndjson"]
    child = pexpect.spawn(
        shlex.join([*command, "--output", str(target)]),
        env=dict(os.environ),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert f"Exported 10 encounters to {target}." in str(child.before)
    assert target.read_bytes() == piped
