"""Fault and stress scenarios of reliability.md: `kill -9` and Ctrl-C in the middle of an
import, concurrent writers, a lock held past the busy timeout, readers during an import, a
backup during writes, and a full disk (promises 1-4; scenarios 1, 2, 5, 6, 7 and 17).

Every test here is marked `stress` (run with `pytest --stress`) except two quick
representative ones: three kills of a 2,000-row import and 4 x 25 concurrent adds.

Import files are built here in svclog's export shape (NDJSON, Crockford ULID uids, ISO-8601
moments with an offset) from a seeded generator, so every run imports the same records; the
kill moments come from a seeded generator too. Journals are checked with `svclog db check`
and, independently of it, with SQLite's `PRAGMA integrity_check` and `foreign_key_check`.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_one_error_line, cli, run_svclog

SEED = 20261122
BIG = 20_000
SMALL = 2_000
KILLS = 24
QUICK_KILLS = 3
INTERRUPTS = 5

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Part of every seventh note: accents, CJK, an emoji, right-to-left text, quotes and a CRLF.
NOTE = '\u00e9t\u00e9, \u65e5\u672c, \U0001f600, \u05e9\u05dc\u05d5\u05dd, "q"\r\nline 2'

#: The journal every import scenario starts from: five encounters, older than anything imported.
SEEDS = (
    ("Corner Bakery", "seed 1", "2023-03-01T08:00"),
    ("Corner Bakery", "seed 2", "2023-03-02T08:00"),
    ("Pizza Chain", "seed 3", "2023-03-03T19:00"),
    ("Telecom Co", "seed 4", "2023-03-04T10:00"),
    ("Telecom Co", "seed 5", "2023-03-05T10:00"),
)
SEED_TOP = [summary for _, summary, _ in reversed(SEEDS)]  # `list` shows the newest first

INTERRUPTED = "Error: interrupted; nothing was changed by the unfinished command\n"


def report(text: str) -> None:
    """A line for the run's record (shown with -s or -rA)."""
    print(f"[stress] {text}")


# ----------------------------------------------------------------------------- import files


def ulid(rng: random.Random, moment: datetime) -> str:
    """A ULID as svclog writes them: 48 bits of milliseconds, 80 (seeded) random bits."""
    value = (int(moment.timestamp() * 1000) << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(value >> (5 * place)) & 31] for place in reversed(range(26)))


def bulk_records(count: int) -> Iterator[dict[str, Any]]:
    """`count` encounters in svclog's export shape, dated from 2025 on (newer than SEEDS), with
    a response on every tenth and an outcome on every 25th; ids from 1001 (kept on import)."""
    rng = random.Random(SEED + count)
    start = datetime(2025, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    for n in range(count):
        at = start + timedelta(minutes=7 * n)
        stamp = at.isoformat()
        failure = n % 3 == 0
        record: dict[str, Any] = {
            "id": 1001 + n,
            "uid": ulid(rng, at),
            "business": {"name": f"Bulk Shop {n % 40}", "category": "retail"},
            "occurred_at": stamp,
            "channel": "in_person",
            "summary": f"bulk visit {n}",
            "note": f"Visit {n}: {NOTE}" if n % 7 == 0 else None,
            "failure": failure,
            "severity": 2 if failure else None,
            "issue": "wait time" if failure else None,
            "dimension": "responsiveness" if failure else None,
            "complained": False,
            "complained_at": None,
            "client": None,
            "tags": ["bulk"],
            "status": "open" if failure else "resolved",
            "timely": None,
            "disputed": None,
            "responses": [],
            "remedies": [],
            "followups": [],
            "outcome": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        if n % 10 == 0:
            answered = at + timedelta(hours=1)
            record["responses"].append(
                {
                    "id": 1001 + n // 10,
                    "uid": ulid(rng, answered),
                    "at": answered.isoformat(),
                    "by": "manager",
                    "quality": 3,
                    "apology": "sincere",
                    "listened": True,
                    "fixed": None,
                    "asked_more": None,
                    "prevented": None,
                    "note": None,
                    "created_at": answered.isoformat(),
                    "updated_at": answered.isoformat(),
                }
            )
        if n % 25 == 0:
            later = at + timedelta(days=3)
            record["outcome"] = {
                "id": 1001 + n // 25,
                "uid": ulid(rng, later),
                "returned": True,
                "recommend": 7,
                "word_of_mouth": None,
                "told": None,
                "review": None,
                "switched_to": None,
                "at": later.isoformat(),
                "created_at": later.isoformat(),
                "updated_at": later.isoformat(),
            }
        yield record


@dataclass(frozen=True)
class Bulk:
    """An NDJSON import file and what importing it must add."""

    path: Path
    count: int
    rows: tuple[tuple[int, str, str, str | None], ...]  # (id, uid, summary, note) of each
    responses: int
    outcomes: int

    @property
    def message(self) -> str:
        return f"Imported {self.path}: {self.count} added, 0 updated, 0 skipped.\n"

    @property
    def history(self) -> tuple[str, str]:
        return ("import", f"import {self.path} ({self.count} added, 0 updated, 0 skipped)")

    @property
    def top(self) -> list[str]:
        """What `list --limit 5` shows once the file is imported."""
        return [f"bulk visit {n}" for n in range(self.count - 1, self.count - 6, -1)]


@pytest.fixture(scope="session")
def bulk_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Bulk]:
    """Import files of a given size, each written once per session."""
    folder = tmp_path_factory.mktemp("bulk")
    made: dict[int, Bulk] = {}

    def make(count: int) -> Bulk:
        if count not in made:
            path = folder / f"bulk-{count}.ndjson"
            rows = []
            responses = outcomes = 0
            with path.open("w", encoding="utf-8") as handle:
                for record in bulk_records(count):
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    rows.append((record["id"], record["uid"], record["summary"], record["note"]))
                    responses += len(record["responses"])
                    outcomes += record["outcome"] is not None
            made[count] = Bulk(path, count, tuple(rows), responses, outcomes)
        return made[count]

    return make


# ----------------------------------------------------------------------------- journals


def seed_journal(path: Path) -> Path:
    """A journal holding SEEDS, with no WAL left beside it."""
    for business, summary, when in SEEDS:
        result = cli("add", business, summary, "--when", when, "--quiet", "--db", str(path))
        assert result.exit_code == 0, result.stderr
    assert not Path(f"{path}-wal").exists()
    return path


def copy_journal(source: Path, target: Path) -> Path:
    """The journal's files (with a WAL and its index, if any) copied over `target`'s."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            shutil.copy2(f"{source}{suffix}", f"{target}{suffix}")
    return target


def remove_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def connect(db: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    target = f"{db.as_uri()}?mode=ro" if read_only else f"{db.as_uri()}?mode=rw"
    conn = sqlite3.connect(target, uri=True)  # never creates a file
    try:
        yield conn
    finally:
        conn.close()


def dump(db: Path) -> list[str]:
    """Every byte of content of a journal, as SQL."""
    with connect(db) as conn:
        return list(conn.iterdump())


def count_encounters(db: Path) -> int:
    with connect(db, read_only=True) as conn:
        return int(conn.execute("SELECT count(*) FROM encounter").fetchone()[0])


def check_integrity(db: Path) -> None:
    """`svclog db check` (integrity and foreign-key checks), and SQLite's own checks run from
    here too, so that a fault in `db check` itself cannot hide a damaged journal."""
    checked = run_svclog(["db", "check", "--db", str(db)], timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stderr == ""
    assert "Verdict: ok" in checked.stdout.splitlines(), checked.stdout
    with connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def listed_top(db: Path) -> list[str]:
    """The summaries `svclog list --format json --limit 5` shows, in a process of its own."""
    result = run_svclog(["list", "--format", "json", "--limit", "5", "--db", str(db)])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [record["summary"] for record in json.loads(result.stdout)]


def assert_imported(db: Path, bulk: Bulk) -> None:
    """The journal holds the seeds and every record of `bulk`, ids and uids as given."""
    with connect(db, read_only=True) as conn:
        rows = conn.execute("SELECT id, uid, summary, note FROM encounter ORDER BY id").fetchall()
        assert [row[2] for row in rows[: len(SEEDS)]] == [s for _, s, _ in SEEDS]
        assert tuple(rows[len(SEEDS) :]) == bulk.rows
        assert conn.execute("SELECT count(*) FROM response").fetchone()[0] == bulk.responses
        assert conn.execute("SELECT count(*) FROM outcome").fetchone()[0] == bulk.outcomes
        tagged = conn.execute("SELECT count(*) FROM encounter_tag WHERE tag = 'bulk'").fetchone()
        assert tagged[0] == bulk.count
        history = conn.execute("SELECT command, description FROM history ORDER BY id").fetchall()
    assert [command for command, _ in history[: len(SEEDS)]] == ["add"] * len(SEEDS)
    assert history[len(SEEDS) :] == [bulk.history]


def start_svclog(args: list[str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "svclog", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        **kwargs,
    )


def has_open(pid: int, db: Path) -> bool:
    """Whether process `pid` has the journal file open: from Linux's /proc, or elsewhere
    whether the journal's WAL exists (a journal at rest has none)."""
    if not Path("/proc/self/fd").is_dir():
        return Path(f"{db}-wal").exists()
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:  # it has ended, or closed a file while we looked
        return False
    return str(db) in links


def wait_for_open(process: subprocess.Popen[str], db: Path) -> None:
    """Until the process has opened the journal, or has ended."""
    while process.poll() is None and not has_open(process.pid, db):
        time.sleep(0.002)


def timed_import(db: Path, bulk: Bulk) -> float:
    """Import `bulk` whole into `db`, checking the result; return how long it took."""
    started = time.monotonic()
    done = run_svclog(["import", str(bulk.path), "--db", str(db)], timeout=600)
    took = time.monotonic() - started
    assert (done.returncode, done.stdout, done.stderr) == (0, "", bulk.message)
    return took


# ----------------------------------------------------------------------------- 1. kill -9


def kill_imports(tmp_path: Path, bulk: Bulk, kills: int) -> None:
    """Scenario 1: SIGKILL an import at `kills` seeded-random moments of its measured run.

    The journal is reused from kill to kill (so each import also starts on the hot WAL the
    previous kill left) until one import lands whole; each time, a copy of its files is
    checked: all of `bulk` or none of it, and a sound journal."""
    rng = random.Random(SEED + kills)
    template = seed_journal(tmp_path / "template.db")
    before = dump(template)
    whole = timed_import(copy_journal(template, tmp_path / "whole.db"), bulk)
    assert_imported(tmp_path / "whole.db", bulk)
    remove_journal(tmp_path / "whole.db")

    db = copy_journal(template, tmp_path / "journal.db")
    check = tmp_path / "check.db"
    outcomes: Counter[str] = Counter()
    for _ in range(kills):
        delay = rng.random() * whole
        process = start_svclog(["import", str(bulk.path), "--db", str(db)])
        time.sleep(delay)
        if has_open(process.pid, db):
            outcomes["killed with the journal open"] += 1
        os.kill(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=60)
        killed = process.returncode == -signal.SIGKILL
        assert killed or process.returncode == 0, stderr
        assert stdout == ""
        outcomes["killed" if killed else "finished before the kill"] += 1

        copy_journal(db, check)  # the files as the kill left them, hot WAL and all
        top = listed_top(check)
        check_integrity(check)
        count = count_encounters(check)
        if count == len(SEEDS):
            assert dump(check) == before
            assert top == SEED_TOP
            assert killed
            assert stderr == ""
            outcomes["none"] += 1
        else:
            assert count == len(SEEDS) + bulk.count
            assert_imported(check, bulk)
            assert top == bulk.top
            assert stderr in ("", bulk.message)  # killed after the commit, or not at all
            outcomes["all"] += 1
            copy_journal(template, db)
        remove_journal(check)

    # After all that, the journal takes the import whole.
    if count_encounters(db) == len(SEEDS):
        timed_import(db, bulk)
    check_integrity(db)
    assert_imported(db, bulk)
    report(
        f"{bulk.count}-row import (whole run {whole:.2f} s), {kills} SIGKILLs: "
        + ", ".join(f"{what} {n}" for what, n in sorted(outcomes.items()))
    )
    assert outcomes["none"] + outcomes["all"] == kills
    assert outcomes["killed"] >= 1
    if kills >= 20:  # of so many kills in a run of seconds, some surely land mid-import
        assert outcomes["killed with the journal open"] >= 1


def test_quick_kills_of_an_import_leave_all_or_nothing(
    tmp_path: Path, bulk_file: Callable[[int], Bulk]
) -> None:
    kill_imports(tmp_path, bulk_file(SMALL), QUICK_KILLS)


@pytest.mark.stress
def test_kill_9_at_random_moments_of_a_big_import_leaves_all_or_nothing(
    tmp_path: Path, bulk_file: Callable[[int], Bulk]
) -> None:
    kill_imports(tmp_path, bulk_file(BIG), KILLS)


# ----------------------------------------------------------------------------- 2. Ctrl-C


@pytest.mark.stress
def test_ctrl_c_during_an_import_is_exit_130_and_adds_nothing(
    tmp_path: Path, bulk_file: Callable[[int], Bulk]
) -> None:
    bulk = bulk_file(BIG)
    rng = random.Random(SEED + INTERRUPTS)
    template = seed_journal(tmp_path / "template.db")
    before = dump(template)
    db = copy_journal(template, tmp_path / "journal.db")
    whole = timed_import(db, bulk)
    copy_journal(template, db)

    for _ in range(INTERRUPTS):
        process = start_svclog(["import", str(bulk.path), "--db", str(db)])
        began = time.monotonic()
        wait_for_open(process, db)
        opened = time.monotonic() - began
        time.sleep(rng.uniform(0.0, 0.6) * max(whole - opened, 0.0))
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        assert stdout == ""
        assert_one_error_line(stderr, "interrupted")
        assert stderr == INTERRUPTED
        assert dump(db) == before
        check_integrity(db)
    assert listed_top(db) == SEED_TOP
    report(f"{INTERRUPTS} SIGINTs during a {bulk.count}-row import: exit 130, nothing added")


# ----------------------------------------------------------------------------- 3. concurrent adds

_ADDER = textwrap.dedent(
    """
    import sys
    from svclog.cli.main import run

    db, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for n in range(count):
        business = ("Burrito Place", "Pizza Chain", "Telecom Co")[n % 3]
        sys.argv = ["svclog", "add", business, f"worker {worker} entry {n}", "--quiet",
                    "--db", db, "--tag", f"w{worker}"]
        try:
            run()
        except SystemExit as done:
            if done.code not in (0, None):
                sys.stderr.write(f"add {n} of worker {worker} exited {done.code}\\n")
                sys.exit(3)
    """
)


def start_adders(db: Path, workers: int, adds: int) -> list[subprocess.Popen[str]]:
    """`workers` processes, each running `svclog add` `adds` times (in-process, one after the
    other, opening and closing the journal each time, as the console script does)."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", _ADDER, str(db), str(worker), str(adds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for worker in range(workers)
    ]


def finish_adders(processes: list[subprocess.Popen[str]], adds: int) -> list[int]:
    """Wait for the adders; each must exit 0 quietly, printing one id per add."""
    ids: list[int] = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr
        assert stderr == ""
        printed = stdout.split()
        assert len(printed) == adds, stdout
        ids.extend(int(i) for i in printed)
    return ids


def concurrent_adds(tmp_path: Path, workers: int, adds: int) -> None:
    """Scenario 5: `workers` x `adds` concurrent adds all land, each once, nothing else."""
    db = tmp_path / "busy.db"
    init = run_svclog(["init", "--db", str(db)])
    assert (init.returncode, init.stdout, init.stderr) == (
        0,
        f"{db}\n",
        "Created a new journal.\n",
    )
    total = workers * adds
    ids = finish_adders(start_adders(db, workers, adds), adds)
    assert sorted(ids) == list(range(1, total + 1))

    check_integrity(db)
    with connect(db, read_only=True) as conn:
        rows = conn.execute(
            "SELECT e.id, e.summary, t.tag FROM encounter e JOIN encounter_tag t"
            " ON t.encounter_id = e.id ORDER BY e.id"
        ).fetchall()
        history = conn.execute("SELECT command, count(*) FROM history GROUP BY command").fetchall()
        businesses = conn.execute(
            "SELECT b.name, count(e.id) FROM business b JOIN encounter e ON e.business_id = b.id"
            " GROUP BY b.name ORDER BY b.name"
        ).fetchall()
    assert [row[0] for row in rows] == list(range(1, total + 1))
    assert sorted(summary for _, summary, _ in rows) == sorted(
        f"worker {w} entry {n}" for w in range(workers) for n in range(adds)
    )
    assert all(tag == f"w{summary.split()[1]}" for _, summary, tag in rows)
    assert history == [("add", total)]
    per_business = [sum(1 for n in range(adds) if n % 3 == k) * workers for k in range(3)]
    assert businesses == list(
        zip(("Burrito Place", "Pizza Chain", "Telecom Co"), per_business, strict=True)
    )
    listed = run_svclog(["list", "--format", "ndjson", "--db", str(db)])
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr == ""
    assert len(listed.stdout.splitlines()) == total
    report(f"{workers} processes x {adds} concurrent adds: {len(ids)} encounters landed")


def test_quick_concurrent_adds_all_land(tmp_path: Path) -> None:
    concurrent_adds(tmp_path, 4, 25)


@pytest.mark.stress
def test_8_processes_x_200_concurrent_adds_all_land(tmp_path: Path) -> None:
    concurrent_adds(tmp_path, 8, 200)


# ----------------------------------------------------------------------------- 4. a held lock


@pytest.mark.stress
def test_a_lock_held_past_the_timeout_is_exit_75_and_changes_nothing(
    tmp_path: Path, bulk_file: Callable[[int], Bulk]
) -> None:
    bulk = bulk_file(SMALL)
    db = seed_journal(tmp_path / "journal.db")
    before = dump(db)
    busy = {"SVCLOG_BUSY_TIMEOUT": "0.3"}
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        added = run_svclog(["add", "Pizza Chain", "blocked", "--quiet", "--db", str(db)], env=busy)
        imported = run_svclog(["import", str(bulk.path), "--db", str(db)], env=busy)
        new_business = run_svclog(["add", "Brand New Place", "blocked", "--db", str(db)], env=busy)
        # Readers are never blocked by a writer.
        assert listed_top(db) == SEED_TOP
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for result in (added, imported, new_business):
        assert result.returncode == 75, result.stderr
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "busy", str(db))
    assert dump(db) == before
    check_integrity(db)

    # Once the lock is gone, both go through.
    added = run_svclog(["add", "Pizza Chain", "now free", "--quiet", "--db", str(db)], env=busy)
    assert (added.returncode, added.stdout, added.stderr) == (0, f"{len(SEEDS) + 1}\n", "")
    imported = run_svclog(["import", str(bulk.path), "--db", str(db)], env=busy)
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "", bulk.message)
    assert count_encounters(db) == len(SEEDS) + 1 + bulk.count
    check_integrity(db)


# ----------------------------------------------------------------------------- 5. readers


@pytest.mark.stress
def test_list_in_a_loop_during_an_import_never_fails(
    tmp_path: Path, bulk_file: Callable[[int], Bulk]
) -> None:
    bulk = bulk_file(BIG)
    db = seed_journal(tmp_path / "journal.db")
    process = start_svclog(["import", str(bulk.path), "--db", str(db)])
    wait_for_open(process, db)
    seen: Counter[str] = Counter()
    runs = 0
    while runs < 50 or (process.poll() is None and runs < 1000):
        during = process.poll() is None
        result = run_svclog(["list", "--format", "json", "--limit", "5", "--db", str(db)])
        runs += 1
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        top = [record["summary"] for record in json.loads(result.stdout)]
        # Each reader sees the journal before the import or after it, never a part of it.
        assert top in (SEED_TOP, bulk.top), top
        state = "before" if top == SEED_TOP else "after"
        seen[f"{state} (import running)" if during else state] += 1
    stdout, stderr = process.communicate(timeout=600)
    assert (process.returncode, stdout, stderr) == (0, "", bulk.message)
    assert_imported(db, bulk)
    check_integrity(db)
    report(f"{runs} lists during/after a {bulk.count}-row import, all exit 0: {dict(seen)}")
    assert seen["before (import running)"] >= 1


# ----------------------------------------------------------------------------- 6. backups


@pytest.mark.stress
def test_a_backup_taken_during_writes_passes_the_integrity_check(tmp_path: Path) -> None:
    db = seed_journal(tmp_path / "journal.db")
    workers, adds = 2, 150
    processes = start_adders(db, workers, adds)
    backups = []
    for n in range(4):
        target = tmp_path / f"backup-{n}.db"
        result = run_svclog(["db", "backup", str(target), "--db", str(db)], timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{target}\n"
        said = re.fullmatch(r"Backed up and checked: (\d+) encounters\.\n", result.stderr)
        assert said, result.stderr
        backups.append((target, int(said[1])))
        time.sleep(0.2)
    ids = finish_adders(processes, adds)
    assert sorted(ids) == list(range(len(SEEDS) + 1, len(SEEDS) + workers * adds + 1))
    counts = []
    for target, said_count in backups:
        assert target.stat().st_mode & 0o777 == 0o600
        assert not Path(f"{target}-wal").exists()
        check_integrity(target)
        count = count_encounters(target)
        assert count == said_count
        assert len(SEEDS) <= count <= len(SEEDS) + workers * adds
        with connect(target, read_only=True) as conn:
            # A snapshot: the encounters and their history entries agree.
            assert conn.execute("SELECT count(*) FROM history").fetchone()[0] == count
            assert [row[0] for row in conn.execute("SELECT id FROM encounter ORDER BY id")] == (
                list(range(1, count + 1))
            )
        assert listed_top(target)
        counts.append(count)
    assert counts == sorted(counts)
    check_integrity(db)
    assert count_encounters(db) == len(SEEDS) + workers * adds
    report(f"{len(backups)} backups during {workers} x {adds} adds, holding {counts} encounters")


# ----------------------------------------------------------------------------- 7. full disk


@contextlib.contextmanager
def small_tmpfs(folder: Path) -> Iterator[None]:
    """A 2 MiB tmpfs at `folder`, or a skip where mounting is not allowed."""
    folder.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot mount a tmpfs here ({error}); the RLIMIT_FSIZE variant covers it")
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({mounted.stderr.strip()}); "
            "the RLIMIT_FSIZE variant covers it"
        )
    try:
        yield
    finally:
        unmounted = subprocess.run(["umount", str(folder)], capture_output=True, check=False)
        if unmounted.returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def limit_file_size(limit: int) -> Callable[[], None]:
    """A preexec_fn: files the child writes cannot grow past `limit` bytes (EFBIG, no signal)."""

    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.mark.stress
@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_an_import_that_fills_the_disk_changes_nothing(
    tmp_path: Path, bulk_file: Callable[[int], Bulk], how: str
) -> None:
    """Promise 3: a 2 MiB tmpfs (where mounting is allowed), or a file-size limit on the
    importing process (EFBIG, wherever it runs), stops an 11 MB import part-way."""
    bulk = bulk_file(BIG)
    folder = tmp_path / "small"
    with contextlib.ExitStack() as stack:
        if how == "tmpfs":
            stack.enter_context(small_tmpfs(folder))
        else:
            folder.mkdir()
        db = seed_journal(folder / "journal.db")
        before = dump(db)
        limit = None if how == "tmpfs" else limit_file_size(db.stat().st_size + 512 * 1024)
        process = start_svclog(["import", str(bulk.path), "--db", str(db)], preexec_fn=limit)
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 1, stderr
        assert stdout == ""
        assert_one_error_line(stderr, str(db))
        if how == "tmpfs":
            assert stderr == f"Error: the disk is full; nothing was written to {db}\n"
        report(f"import onto a full disk ({how}): exit {process.returncode}, {stderr.strip()}")

        assert listed_top(db) == SEED_TOP
        check_integrity(db)
        assert dump(db) == before
        # The space the failed import took is given back: the journal still takes writes.
        added = run_svclog(["add", "Pizza Chain", "after", "--quiet", "--db", str(db)])
        assert (added.returncode, added.stdout, added.stderr) == (0, f"{len(SEEDS) + 1}\n", "")
        check_integrity(db)
        assert count_encounters(db) == len(SEEDS) + 1
