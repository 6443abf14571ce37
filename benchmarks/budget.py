#!/usr/bin/env python3
"""The performance budget: every line of shared/docs/performance.md against its reference.

One run builds a seeded journal of 1,000,000 encounters at 20,000 businesses through
`svclog import` (its time is reported), checks it, and times, each part interleaved with its
reference (the order rotated each round, after one discarded warm-up round):

    startup   svclog --help, svclog --version          <= 0.7 x `jrnl --help`
    add       svclog add BUSINESS SUMMARY --failure    <= 0.65 x `jrnl "today: ..."` (empty
              (an existing business; a new one extra)  journal); python -c pass and Python +
                                                       sqlite3 writing one row for context
    read      svclog list --business X --limit 20      <= 150 ms
              svclog show ID                           <= 150 ms
              svclog search WORD                       <= 250 ms
    report    svclog report loyalty                    <= 2 s and <= 3 x the same facts by a
                                                       hand-written query in the sqlite3 shell
                                                       (loyalty_reference.sql)
    import    svclog import of 100,000 encounters      >= 10,000/s and <= 2 x sqlite-utils
    export    svclog export --format ndjson            >= 100,000/s, peak RSS <= 100 MiB

and prints a Markdown table of medians, references, ratios and verdicts, with the machine,
the date and the commit. It reuses startup.py (sandbox, jrnl) and exchange.py (generator,
trampoline, import and export parts). Standard library only.

    python benchmarks/budget.py [--quick] [--rounds N] [--json FILE] [--strict]
                                [--skip PART] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import os
import re
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from exchange import (
    DEFAULT_IMPORT_COUNT,
    ENCOUNTERS_PER_BUSINESS,
    EXPORT_MAX_RSS_MIB,
    EXPORT_MIN_RATE,
    IMPORT_MAX_RATIO,
    IMPORT_MIN_RATE,
    QUICK_IMPORT_COUNT,
    Context,
    Generator,
    Invocation,
    Operation,
    Run,
    Tally,
    add_run_options,
    check_svclog_journal,
    duration,
    export_operations,
    import_part,
    machine_facts,
    measure,
    remove_database,
    run_checked,
    timed_run,
)
from startup import (
    BenchmarkError,
    Sandbox,
    check_jrnl_setup,
    ensure_reference_venv,
    interpreter_of,
    make_sandbox,
    run_checked_plain,
    write_jrnl_config,
)

BENCH_DIR = Path(__file__).resolve().parent
#: The reference query of the loyalty report, fed to the sqlite3 shell on standard input.
REFERENCE_SQL = BENCH_DIR / "loyalty_reference.sql"
#: Debian's sqlite3 shell (`apt-get install sqlite3`).
SQLITE3 = Path("/usr/bin/sqlite3")

PARTS = ("startup", "add", "read", "report", "import", "export")
#: The parts that need the large journal.
JOURNAL_PARTS = frozenset({"add", "read", "report", "export"})
#: The parts whose runs take seconds to minutes: they run `--heavy-rounds` rounds.
HEAVY_PARTS = frozenset({"report", "import", "export"})

DEFAULT_ENCOUNTERS = 1_000_000
QUICK_ENCOUNTERS = 100_000
DEFAULT_ROUNDS = 9
DEFAULT_HEAVY_ROUNDS = 3
#: Slowness is a budget miss, not a failure: only a run this long is killed (and fails).
DEFAULT_TIMEOUT_SECONDS = 3600.0

SUMMARY = "Meal late and cold"
JRNL_ENTRY = f"today: {SUMMARY}"
LIST_LIMIT = 20
#: A word of the generated journal: "Hair in the soup; the server shrugged" is one of the
#: restaurant failures, about 0.7 % of all encounters (7,029 of 1M with seed 1).
SEARCH_WORD = "soup"
#: svclog's default loyalty thresholds (core/settings.py), as the reference query uses them.
WON_BACK_RECOMMEND = 7
ADVOCATE_RECOMMEND = 9

#: Python + sqlite3 writing one row: the floor for a journal write in Python.
_SQLITE_FLOOR = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "conn.execute('INSERT INTO entry (text) VALUES (?)', (sys.argv[2],))\n"
    "conn.commit()\n"
    "conn.close()\n"
)


# --------------------------------------------------------------------------------------------
# Budgets, lines of the table, verdicts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One line of performance.md's budget, as it is judged."""

    text: str
    max_ratio: float | None = None
    max_seconds: float | None = None
    min_rate: float | None = None
    max_rss_mib: float | None = None


@dataclass(frozen=True)
class Line:
    """One row of the table: an operation, its budget (if it has one) and its role."""

    part: str
    operation: Operation  # from exchange.py: key, label, encounters (for a rate), reference
    target: Target | None = None
    #: "budget" (judged, counted by --strict), "extra" (judged, not counted), "reference",
    #: "context", "info"
    role: str = "budget"

    @property
    def key(self) -> str:
        return self.operation.key


@dataclass(frozen=True)
class Row:
    line: Line
    median: float
    minimum: float
    runs: int
    rate: float | None
    peak_rss_mib: float
    reference_label: str | None
    reference_median: float | None
    ratio: float | None
    misses: tuple[str, ...] | None  # None: not judged

    @property
    def meets(self) -> bool | None:
        return None if self.misses is None else not self.misses

    @property
    def verdict(self) -> str:
        if self.misses is None:
            return "—"
        missed = ", ".join(self.misses)
        if self.line.role == "budget":
            return f"misses ({missed})" if self.misses else "meets"
        return f"(misses: {missed})" if self.misses else "(meets)"


@dataclass
class Part:
    """What a part measured: its lines, every run, and what was checked."""

    name: str
    lines: list[Line]
    samples: dict[str, list[Run]]
    warmup: dict[str, Run]
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluate(part: Part) -> list[Row]:
    medians = {
        key: statistics.median(run.seconds for run in runs) for key, runs in part.samples.items()
    }
    labels = {line.key: line.operation.label for line in part.lines}
    rows = []
    for line in part.lines:
        runs = part.samples[line.key]
        median = medians[line.key]
        op = line.operation
        rate = op.encounters / median if op.encounters else None
        peak = max(run.peak_rss_mib for run in runs)
        reference_median = medians[op.reference] if op.reference else None
        ratio = median / reference_median if reference_median else None
        misses: tuple[str, ...] | None = None
        target = line.target
        if target is not None:
            found = []
            if target.max_seconds is not None and median > target.max_seconds:
                found.append("time")
            if target.max_ratio is not None and (ratio is None or ratio > target.max_ratio):
                found.append("ratio")
            if target.min_rate is not None and (rate is None or rate < target.min_rate):
                found.append("rate")
            if target.max_rss_mib is not None and peak > target.max_rss_mib:
                found.append("memory")
            misses = tuple(found)
        rows.append(
            Row(
                line=line,
                median=median,
                minimum=min(run.seconds for run in runs),
                runs=len(runs),
                rate=rate,
                peak_rss_mib=peak,
                reference_label=labels.get(op.reference) if op.reference else None,
                reference_median=reference_median,
                ratio=ratio,
                misses=misses,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# The journal: generated, imported through svclog, checked
# --------------------------------------------------------------------------------------------


@dataclass
class Probes:
    """What the generated journal holds for the read commands, to check their output."""

    business: str = ""  # the most visited business: for list, and for add
    business_encounters: int = 0
    newest_ids: list[int] = field(default_factory=list)  # its newest LIST_LIMIT encounters
    search_matches: int = 0  # encounters with a word starting with SEARCH_WORD
    show_id: int = 0  # a failure with a long timeline
    show_uid: str = ""
    show_timeline: str = ""
    businesses: int = 0
    counted_in: str = "counted in the generated records"


@dataclass
class Journal:
    db: Path
    encounters: int
    probes: Probes
    tally: Tally | None  # None: a journal given with --journal, not generated here
    built: dict[str, Any] = field(default_factory=dict)


#: A word starting with SEARCH_WORD, as FTS5's unicode61 tokenizer splits words (letters and
#: digits; everything else separates) and svclog matches them (a prefix query).
_SEARCH = re.compile(rf"(?<![^\W_]){re.escape(SEARCH_WORD)}", re.IGNORECASE)


def _timeline_text(record: Mapping[str, Any]) -> str:
    parts = [
        f"{len(record['responses'])} responses",
        f"{len(record['remedies'])} remed{'y' if len(record['remedies']) == 1 else 'ies'}",
        f"{len(record['followups'])} follow-up{'' if len(record['followups']) == 1 else 's'}",
    ]
    if record["outcome"] is not None:
        parts.append("an outcome")
    return ", ".join(parts)


def write_journal_file(generator: Generator, path: Path, tally: Tally) -> Probes:
    """The generator's encounters as ndjson (svclog's export shape), and the probes."""
    probes = Probes(business=generator.businesses[0].name)  # the most popular (Zipf rank 1)
    newest: list[tuple[float, int]] = []
    show_from = generator.count // 2
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for generated in generator.encounters(False, tally):
            handle.write(generated.line + "\n")
            record = generated.record
            if record["business"]["name"] == probes.business:
                probes.business_encounters += 1
                when = datetime.fromisoformat(record["occurred_at"]).timestamp()
                heapq.heappush(newest, (when, record["id"]))
                if len(newest) > LIST_LIMIT:
                    heapq.heappop(newest)
            texts = (record["summary"], record["note"], record["issue"], record["business"]["name"])
            if any(text and _SEARCH.search(text) for text in texts):
                probes.search_matches += 1
            if (
                not probes.show_id
                and record["id"] >= show_from
                and len(record["responses"]) >= 2
                and record["remedies"]
                and record["followups"]
                and record["outcome"] is not None
            ):
                probes.show_id, probes.show_uid = record["id"], record["uid"]
                probes.show_timeline = _timeline_text(record)
    probes.newest_ids = [item[1] for item in sorted(newest, reverse=True)]
    probes.businesses = len(tally.businesses_used)
    if not probes.show_id:
        raise BenchmarkError("the generated journal has no encounter to show (too small?)")
    return probes


def build_journal(context: Context, count: int) -> Journal:
    """A seeded file of `count` encounters, imported by one timed `svclog import` into a new
    journal, whose every table must then hold exactly what was generated."""
    generator = Generator(count, context.seed + 1, context.now)
    tally = Tally()
    source = context.work / "journal.ndjson"
    db = context.work / "journal.db"
    remove_database(db)
    _note(f"generating {count:,} encounters into {source.name} ...")
    started = time.perf_counter()
    probes = write_journal_file(generator, source, tally)
    generated_seconds = time.perf_counter() - started
    file_mib = source.stat().st_size / 2**20
    _note(
        f"  {file_mib:.0f} MiB, {probes.businesses:,} businesses, {generated_seconds:.0f} s; "
        f"importing it with `svclog import` (one timed run) ..."
    )
    log = context.work / "build.log"
    argv = [str(context.svclog), "import", str(source)]
    run = timed_run(argv, context.journal_env(db), context.work, log, context.timeout)
    if run.status != 0:
        killed = f" (killed after {context.timeout:.0f} s)" if run.status == -9 else ""
        raise BenchmarkError(
            f"building the journal: svclog import exited {run.status}{killed}\n"
            f"{shlex.join(argv)}\n{_tail(log)}"
        )
    found = check_svclog_journal(db, tally, "svclog import (building the journal)")
    source.unlink()
    log.unlink(missing_ok=True)
    journal_mib = db.stat().st_size / 2**20
    _note(
        f"  {duration(run.seconds)} ({count / run.seconds:,.0f} encounters/s), "
        f"{journal_mib:.0f} MiB; " + ", ".join(f"{n:,} {table}" for table, n in found.items())
    )
    return Journal(
        db=db,
        encounters=count,
        probes=probes,
        tally=tally,
        built={
            "run": run,
            "generated_seconds": generated_seconds,
            "file_mib": file_mib,
            "journal_mib": journal_mib,
            "rows": found,
        },
    )


def given_journal(context: Context, path: Path) -> Journal:
    """(For developing the benchmark: `--journal PATH`.) A copy of an existing journal, with
    the probes read from it by SQL instead of a generator; nothing is checked against a
    generator, and the export is not compared with one."""
    db = context.work / "journal.db"
    _note(f"copying {path} (--journal) ...")
    copy_journal(path, db)
    probes = Probes(counted_in="counted with FTS5 in the --journal given")
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        count = conn.execute("SELECT count(*) FROM encounter").fetchone()[0]
        business_id, probes.business, probes.business_encounters = conn.execute(
            "SELECT b.id, b.name, count(*) FROM encounter e JOIN business b ON b.id = e.business_id"
            " GROUP BY b.id ORDER BY count(*) DESC, b.id LIMIT 1"
        ).fetchone()
        probes.newest_ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM encounter WHERE business_id = ?"
                " ORDER BY occurred_at DESC, id DESC LIMIT ?",
                (business_id, LIST_LIMIT),
            )
        ]
        probes.search_matches = conn.execute(
            "SELECT count(*) FROM encounter_fts WHERE encounter_fts MATCH ?",
            (f"{SEARCH_WORD}*",),
        ).fetchone()[0]
        probes.show_id, probes.show_uid = conn.execute(
            "SELECT e.id, e.uid FROM encounter e WHERE e.id >= ? AND e.failure = 1"
            " AND EXISTS (SELECT 1 FROM remedy WHERE encounter_id = e.id)"
            " AND EXISTS (SELECT 1 FROM followup WHERE encounter_id = e.id)"
            " AND EXISTS (SELECT 1 FROM outcome WHERE encounter_id = e.id)"
            " ORDER BY e.id LIMIT 1",
            (count // 2,),
        ).fetchone()
        probes.show_timeline = "a remedy, a follow-up and an outcome"
        probes.businesses = conn.execute(
            "SELECT count(DISTINCT business_id) FROM encounter"
        ).fetchone()[0]
    return Journal(db=db, encounters=int(count), probes=probes, tally=None)


def copy_journal(source: Path, target: Path) -> None:
    remove_database(target)
    shutil.copyfile(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{target}-wal"))


def encounter_count(db: Path) -> int:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM encounter").fetchone()[0])


# --------------------------------------------------------------------------------------------
# The parts
# --------------------------------------------------------------------------------------------


@dataclass
class Tools:
    svclog: Path
    python: Path  # the interpreter svclog runs on
    jrnl: Path
    sandbox: Sandbox


def _output(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _same_as_warmup(key: str, label: str) -> Callable[[int, Path], None]:
    """A check that every run printed what the warm-up printed (byte for byte), which must not
    be empty; returns a function of (run number, output file)."""
    first: dict[str, bytes] = {}

    def check(run_number: int, out: Path) -> None:
        data = out.read_bytes()
        if run_number == 0:
            if not data.strip():
                raise BenchmarkError(f"{label} exited 0 but printed nothing")
            first[key] = data
        elif data != first[key]:
            raise BenchmarkError(f"{label} printed something else than in the warm-up round")
        out.unlink()

    return check


def startup_part(context: Context, tools: Tools, rounds: int) -> Part:
    work = context.work

    def simple(key: str, argv: list[str], expect: str, env: Mapping[str, str]) -> Operation:
        label = f"`{' '.join(['svclog' if argv[0] == str(tools.svclog) else 'jrnl', *argv[1:]])}`"

        def prepare(run_number: int) -> Invocation:
            out = work / f"{key}-{run_number}.out"

            def after() -> None:
                text = _output(out)
                if expect.casefold() not in text.casefold():
                    raise BenchmarkError(f"{label} exited 0 without {expect!r}:\n{text[:500]}")
                out.unlink()

            return Invocation(argv, env, after, stdout=out)

        return Operation(key, label, 0, prepare)

    env = context.env
    help_op = simple("svclog_help", [str(tools.svclog), "--help"], "Usage", env)
    version_op = simple("svclog_version", [str(tools.svclog), "--version"], "svclog", env)
    jrnl_op = simple("jrnl_help", [str(tools.jrnl), "--help"], "usage", tools.sandbox.env)
    ratio_target = Target("≤ 0.7 × ref", max_ratio=0.7)
    lines = [
        Line("startup", replace(help_op, reference="jrnl_help"), ratio_target),
        Line("startup", replace(version_op, reference="jrnl_help"), ratio_target),
        Line("startup", jrnl_op, role="reference"),
    ]
    _note(f"startup: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure([line.operation for line in lines], rounds, work, context.timeout)
    part = Part("startup", lines, samples, warmup)
    part.checks.append(
        f"startup: all {(rounds + 1) * len(lines)} runs exited 0 and printed their usage or version"
    )
    return part


def add_part(context: Context, tools: Tools, journal: Journal, rounds: int) -> Part:
    work = context.work
    sandbox = tools.sandbox
    copy = work / "add-journal.db"
    _note("add: copying the journal (the timed adds write to the copy) ...")
    copy_journal(journal.db, copy)
    before = encounter_count(copy)
    env = context.journal_env(copy)
    business = journal.probes.business
    stored: dict[str, list[int]] = {"existing": [], "new": []}

    def stored_row(out: Path, label: str) -> tuple[int, str, str | None, int]:
        text = _output(out).strip()
        if not text.isdigit():
            raise BenchmarkError(f"{label} --quiet printed {text[:200]!r}, not an id")
        with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as conn:
            row = conn.execute(
                "SELECT e.id, b.name, e.summary, e.failure FROM encounter e"
                " JOIN business b ON b.id = e.business_id WHERE e.id = ?",
                (int(text),),
            ).fetchone()
        if row is None:
            raise BenchmarkError(f"{label} printed id {text}, which the journal does not hold")
        out.unlink()
        return row

    def svclog_adds(
        kind: str, label: str, name_of: Callable[[int], str]
    ) -> Callable[[int], Invocation]:
        """The `svclog add` of round r, at the business `name_of(r)`, kept in `stored[kind]`."""

        def prepare(run_number: int) -> Invocation:
            out = work / f"add-{kind}-{run_number}.out"
            name = name_of(run_number)

            def after() -> None:
                row = stored_row(out, label)
                if row[1:] != (name, SUMMARY, 1):
                    raise BenchmarkError(f"{label} stored {row!r}")
                stored[kind].append(row[0])

            argv = [str(tools.svclog), "add", name, SUMMARY, "--failure", "--quiet"]
            return Invocation(argv, env, after, stdout=out)

        return prepare

    svclog_add = svclog_adds("existing", "svclog add (an existing business)", lambda _: business)
    svclog_add_new = svclog_adds(
        "new", "svclog add (a new business)", lambda number: f"Benchmark Newcomer {number:02d}"
    )

    jrnl_writes = 0

    def jrnl_add(run_number: int) -> Invocation:
        sandbox.jrnl_journal.write_text("", encoding="utf-8")  # as performance.md: empty

        def after() -> None:
            nonlocal jrnl_writes
            if SUMMARY not in sandbox.jrnl_journal.read_text(encoding="utf-8"):
                raise BenchmarkError("jrnl exited 0 but its journal holds no new entry")
            jrnl_writes += 1

        return Invocation([str(tools.jrnl), JRNL_ENTRY], sandbox.env, after)

    def python_floor(run_number: int) -> Invocation:
        return Invocation([str(tools.python), "-c", "pass"], context.env, lambda: None)

    floor_db = work / "floor.db"
    with closing(sqlite3.connect(floor_db)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")  # as svclog's journals
        conn.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        conn.commit()
    floor_rows = 0

    def sqlite_floor(run_number: int) -> Invocation:
        def after() -> None:
            nonlocal floor_rows
            floor_rows += 1
            with closing(sqlite3.connect(f"file:{floor_db}?mode=ro", uri=True)) as conn:
                found = conn.execute("SELECT count(*) FROM entry").fetchone()[0]
            if found != floor_rows:
                raise BenchmarkError(f"Python + sqlite3 left {found} rows after {floor_rows} runs")

        argv = [str(tools.python), "-c", _SQLITE_FLOOR, str(floor_db), f"{SUMMARY} {run_number}"]
        return Invocation(argv, context.env, after)

    add_target = Target("≤ 0.65 × ref", max_ratio=0.65)
    lines = [
        Line(
            "add",
            Operation(
                "svclog_add",
                "`svclog add BUSINESS SUMMARY --failure --quiet` (existing business)",
                0,
                svclog_add,
                reference="jrnl_add",
            ),
            add_target,
        ),
        Line(
            "add",
            Operation(
                "svclog_add_new",
                "`svclog add NEW SUMMARY --failure --quiet` (new business)",
                0,
                svclog_add_new,
                reference="jrnl_add",
            ),
            add_target,
            role="extra",
        ),
        Line(
            "add",
            Operation("jrnl_add", '`jrnl "today: SUMMARY"` (empty journal)', 0, jrnl_add),
            role="reference",
        ),
        Line(
            "add",
            Operation("python_floor", "`python -c pass`", 0, python_floor),
            role="context",
        ),
        Line(
            "add",
            Operation("sqlite_floor", "Python + sqlite3 writing one row", 0, sqlite_floor),
            role="context",
        ),
    ]
    _note(f"add: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure([line.operation for line in lines], rounds, work, context.timeout)
    runs = rounds + 1
    after_count = encounter_count(copy)
    if (len(stored["existing"]), len(stored["new"]), jrnl_writes) != (runs, runs, runs) or (
        after_count != before + 2 * runs
    ):
        raise BenchmarkError(
            f"add: {runs} runs each stored {len(stored['existing'])} and {len(stored['new'])} "
            f"encounters, jrnl {jrnl_writes}; the journal went from {before:,} to "
            f"{after_count:,} encounters"
        )
    remove_database(copy)
    part = Part("add", lines, samples, warmup)
    part.notes.append(
        f"add: BUSINESS = {business!r}, the journal's most visited business "
        f"({journal.probes.business_encounters:,} encounters), SUMMARY = {SUMMARY!r}; into a "
        f"copy of the {journal.encounters:,}-encounter journal. NEW = 'Benchmark Newcomer NN', "
        "a new name each run, which svclog compares with every known name (an extra row, "
        "not counted by --strict). jrnl writes to an emptied journal each run"
    )
    part.checks.append(
        f"add: all {runs * len(lines)} runs exited 0; each svclog add printed the id of a "
        f"stored row with its business, summary and failure (read back with sqlite3), the "
        f"copy of the journal went from {before:,} to {after_count:,} encounters; each jrnl "
        "write left its entry; each Python + sqlite3 run left its row"
    )
    return part


def read_part(context: Context, tools: Tools, journal: Journal, rounds: int) -> Part:
    work = context.work
    env = context.journal_env(journal.db)
    probes = journal.probes
    svclog = str(tools.svclog)
    list_argv = [svclog, "list", "--business", probes.business, "--limit", str(LIST_LIMIT)]
    show_argv = [svclog, "show", str(probes.show_id)]
    search_argv = [svclog, "search", SEARCH_WORD]

    # Untimed, once: the same commands in JSON must return what the journal holds.
    listed = json.loads(
        run_checked([*list_argv, "--format", "json"], env, work, "svclog list --format json")
    )
    names = {item["business"]["name"] for item in listed}
    if [item["id"] for item in listed] != probes.newest_ids or names != {probes.business}:
        raise BenchmarkError(
            f"svclog list --business gave ids {[item['id'] for item in listed]} at {names}, "
            f"expected {probes.newest_ids} at {probes.business!r}"
        )
    shown = json.loads(run_checked([*show_argv, "--format", "json"], env, work, "svclog show"))
    if (shown.get("id"), shown.get("uid")) != (probes.show_id, probes.show_uid):
        raise BenchmarkError(f"svclog show {probes.show_id} showed {shown.get('id')}")
    found = json.loads(
        run_checked([*search_argv, "--format", "json"], env, work, "svclog search --format json")
    )
    if len(found) != probes.search_matches:
        raise BenchmarkError(
            f"svclog search {SEARCH_WORD} found {len(found):,} encounters; the journal holds "
            f"{probes.search_matches:,} with a word starting with {SEARCH_WORD!r}"
        )

    def timed(key: str, argv: list[str], label: str) -> Operation:
        check = _same_as_warmup(key, label)

        def prepare(run_number: int) -> Invocation:
            out = work / f"{key}-{run_number}.out"
            return Invocation(argv, env, lambda: check(run_number, out), stdout=out)

        return Operation(key, label, 0, prepare)

    lines = [
        Line(
            "read",
            timed(
                "svclog_list",
                list_argv,
                f"`svclog list --business BUSINESS --limit {LIST_LIMIT}`",
            ),
            Target("≤ 150 ms", max_seconds=0.150),
        ),
        Line(
            "read",
            timed(
                "svclog_show",
                show_argv,
                f"`svclog show {probes.show_id}`",
            ),
            Target("≤ 150 ms", max_seconds=0.150),
        ),
        Line(
            "read",
            timed(
                "svclog_search",
                search_argv,
                f"`svclog search {SEARCH_WORD}` ({probes.search_matches:,} matches)",
            ),
            Target("≤ 250 ms", max_seconds=0.250),
        ),
    ]
    _note(f"read: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure([line.operation for line in lines], rounds, work, context.timeout)
    part = Part("read", lines, samples, warmup)
    part.notes.append(
        f"read: BUSINESS = {probes.business!r} ({probes.business_encounters:,} encounters); "
        f"#{probes.show_id} is a failure with {probes.show_timeline}; "
        f"{SEARCH_WORD!r} matches {probes.search_matches:,} encounters (a word of a restaurant "
        "failure's summary); output to a file in the default format (a table: not a terminal)"
    )
    part.checks.append(
        f"read: all {(rounds + 1) * len(lines)} runs exited 0 and printed the same (non-empty) "
        f"table as in the warm-up; untimed, in JSON: list gave the {LIST_LIMIT} newest "
        f"encounters of its business, show the encounter's id and uid, search all "
        f"{probes.search_matches:,} encounters with a word starting with {SEARCH_WORD!r} "
        f"({probes.counted_in})"
    )
    return part


def report_part(context: Context, tools: Tools, journal: Journal, rounds: int) -> Part:
    work = context.work
    env = context.journal_env(journal.db)
    businesses = journal.probes.businesses
    report_argv = [str(tools.svclog), "report", "loyalty"]
    # Untimed, once: the JSON report, one row per business, to check the reference against.
    report = json.loads(
        run_checked(
            [*report_argv, "--format", "json"], env, work, "svclog report loyalty --format json"
        )
    )
    if len(report) != businesses:
        raise BenchmarkError(
            f"svclog report loyalty --format json has {len(report):,} rows; the journal has "
            f"{businesses:,} businesses with encounters"
        )
    check_report = _same_as_warmup("svclog_report", "svclog report loyalty")
    agreed: list[int] = []

    def svclog_report(run_number: int) -> Invocation:
        out = work / f"report-{run_number}.out"
        return Invocation(report_argv, env, lambda: check_report(run_number, out), stdout=out)

    reference_output: dict[str, bytes] = {}

    def reference(run_number: int) -> Invocation:
        out = work / f"reference-{run_number}.tsv"

        def after() -> None:
            data = out.read_bytes()
            lines = data.count(b"\n")
            if lines != businesses + 1:
                raise BenchmarkError(
                    f"the reference query printed {lines - 1:,} rows, expected {businesses:,}"
                )
            if run_number == 0:
                reference_output["first"] = data
                agreed.append(cross_check_loyalty(out, report))
            elif data != reference_output["first"]:
                raise BenchmarkError("the reference query printed other rows than in the warm-up")
            out.unlink()

        return Invocation(
            [str(SQLITE3), str(journal.db)], env, after, stdout=out, stdin=REFERENCE_SQL
        )

    lines = [
        Line(
            "report",
            Operation(
                "svclog_report",
                "`svclog report loyalty`",
                0,
                svclog_report,
                reference="loyalty_sql",
            ),
            Target("≤ 2 s, ≤ 3 × ref", max_seconds=2.0, max_ratio=3.0),
        ),
        Line(
            "report",
            Operation(
                "loyalty_sql",
                "`sqlite3 JOURNAL < loyalty_reference.sql`",
                0,
                reference,
            ),
            role="reference",
        ),
    ]
    _note(f"report: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure([line.operation for line in lines], rounds, work, context.timeout)
    part = Part("report", lines, samples, warmup)
    part.notes.append(
        f"report: {businesses:,} businesses; output to a file in the default format (a "
        "table). The reference, benchmarks/loyalty_reference.sql, computes the same "
        "per-business facts by hand-written SQL in the sqlite3 shell (one row per business, "
        "to a file)"
    )
    part.checks.append(
        f"report: all {(rounds + 1) * len(lines)} runs exited 0 and printed what they printed "
        f"in the warm-up; the reference printed {businesses:,} rows; untimed, "
        f"`svclog report loyalty --format json` had {len(report):,} rows, and for all "
        f"{agreed[0]:,} businesses its encounters, failures, open, last seen, response "
        "quality, median response hours, timely, disputed and recovery rates, NPS, told, "
        "status and advocate flag follow from the reference query's facts"
    )
    return part


def cross_check_loyalty(reference: Path, report: list[dict[str, Any]]) -> int:
    """svclog's JSON report against the reference query's facts: each row's numbers, and its
    status and advocate flag by the rules of product.md §4 (as svclog's reports/loyalty.py
    words them), with svclog's default thresholds. Returns the businesses compared."""
    with reference.open(encoding="utf-8", newline="") as handle:
        facts = {
            row["name"]: row
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        }
    by_name = {row["business"]: row for row in report}
    if set(facts) != set(by_name):
        missing = sorted(set(facts) ^ set(by_name))[:5]
        raise BenchmarkError(f"svclog's report and the reference name other businesses: {missing}")
    wrong: dict[str, list[str]] = {}
    for name, got in by_name.items():
        for key, (want, have) in _loyalty_differences(facts[name], got).items():
            wrong.setdefault(key, []).append(f"{name!r}: svclog {have!r}, reference {want!r}")
    if wrong:
        detail = "\n".join(
            f"  {key} differs for {len(items):,} businesses, e.g. {items[0]}"
            for key, items in wrong.items()
        )
        raise BenchmarkError(
            "svclog report loyalty --format json disagrees with the reference query's facts "
            f"(so one of them is wrong, or computes something else):\n{detail}"
        )
    return len(by_name)


def _loyalty_differences(fact: Mapping[str, str], got: Mapping[str, Any]) -> dict[str, Any]:
    def number(key: str) -> int | None:
        return None if fact[key] == "" else int(fact[key])

    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    encounters, failures = int(fact["encounters"]), int(fact["failures"])
    quality_count = int(fact["quality_count"])
    retained = int(fact["failures_returned"]) + int(fact["undecided_would_recommend"])
    lost = int(fact["failures_lost"])
    respondents = int(fact["respondents"])
    if fact["failure_id"]:
        recommend = number("failure_recommend")
        if number("failure_returned") == 1 or fact["after_failure_id"]:
            status = "won_back"
        elif (
            number("failure_returned") == 0
            or fact["failure_switched_to"]
            or number("failure_disputed") == 1
        ):
            status = "lost"
        elif recommend is not None and recommend >= WON_BACK_RECOMMEND:
            status = "won_back"
        else:
            status = "at_risk"
    elif number("outcome_returned") == 0:
        status = "lost"
    elif encounters >= 2 or number("outcome_returned") == 1:
        status = "kept"
    else:
        status = "new"
    advocate = False
    if status != "lost" and fact["outcome_encounter_id"]:
        went_back = number("outcome_returned") == 1 or fact["outcome_later"] == "1"
        score = number("outcome_recommend")
        advocate = fact["outcome_word_of_mouth"] == "positive" or (
            went_back and score is not None and score >= ADVOCATE_RECOMMEND
        )
    expected: dict[str, Any] = {
        "encounters": encounters,
        "failures": failures,
        "open": int(fact["open"]),
        "told": int(fact["told"]),
        "response_quality": (
            round(int(fact["quality_sum"]) / quality_count, 2) if quality_count else None
        ),
        "median_response_hours": (
            float(fact["median_response_hours"]) if fact["median_response_hours"] else None
        ),
        "timely_rate": rate(int(fact["timely"]), int(fact["timely_known"])),
        "disputed_rate": rate(int(fact["disputed"]), failures),
        "recovery_rate": rate(retained, retained + lost),
        "nps": (
            round(100 * (int(fact["promoters"]) - int(fact["detractors"])) / respondents)
            if respondents
            else None
        ),
        "status": status,
        "advocate": advocate,
    }
    differences: dict[str, Any] = {}
    for key, want in expected.items():
        have = got.get(key)
        if isinstance(want, float) and isinstance(have, (int, float)):
            # both round to 2 decimals, svclog from a median of hours, SQL from seconds
            tolerance = 0.0101 if key == "median_response_hours" else 1e-9
            same = abs(want - have) <= tolerance
        else:
            same = want == have and type(want) is type(have)
        if not same:
            differences[key] = (want, have)
    last_seen = datetime.fromisoformat(fact["last_seen"].replace("Z", "+00:00"))
    shown = str(got.get("last_seen"))
    try:
        same_moment = datetime.fromisoformat(shown) == last_seen
    except ValueError:
        same_moment = False
    if not (same_moment and shown.endswith(fact["last_offset"])):
        differences["last_seen"] = (f"{fact['last_seen']} ({fact['last_offset']})", shown)
    return differences


def import_budget_part(context: Context, count: int, rounds: int) -> Part:
    """exchange.py's import part, as it is."""
    found = import_part(context, count, rounds)
    svclog_op, reference_op = (
        replace(op, label=f"{op.label} ({count:,})") for op in found["operations"]
    )
    part = Part(
        "import",
        [
            Line(
                "import",
                svclog_op,
                Target(
                    f"≥ {IMPORT_MIN_RATE:,.0f}/s, ≤ {IMPORT_MAX_RATIO:g} × ref",
                    min_rate=IMPORT_MIN_RATE,
                    max_ratio=IMPORT_MAX_RATIO,
                ),
            ),
            Line("import", reference_op, role="reference"),
        ],
        found["samples"],
        found["warmup"],
    )
    part.checks.append(context.checks.pop())
    part.notes.append(
        f"import: a seeded file of {count:,} encounters ({found['file_mib']:.0f} MiB, "
        f"{found['businesses']:,} businesses) into a fresh journal each run; sqlite-utils "
        "into a fresh database each run"
    )
    return part


def export_budget_part(context: Context, journal: Journal, rounds: int) -> Part:
    """exchange.py's export timing, on the shared journal."""
    tally = journal.tally if journal.tally is not None else Tally(encounters=journal.encounters)
    operations = export_operations(
        context, journal.db, tally, journal.encounters, check_content=journal.tally is not None
    )
    _note(f"export: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure(operations, rounds, context.work, context.timeout)
    svclog_op, context_op = (
        replace(op, label=f"{op.label} ({journal.encounters:,})") for op in operations
    )
    part = Part(
        "export",
        [
            Line(
                "export",
                svclog_op,
                Target(
                    f"≥ {EXPORT_MIN_RATE:,.0f}/s, ≤ {EXPORT_MAX_RSS_MIB:g} MiB",
                    min_rate=EXPORT_MIN_RATE,
                    max_rss_mib=EXPORT_MAX_RSS_MIB,
                ),
            ),
            Line("export", context_op, role="context"),
        ],
        samples,
        warmup,
    )
    content = (
        "and the warm-up's lines were the generated records byte for byte (an "
        "order-independent BLAKE2b digest)"
        if journal.tally is not None
        else "(not compared with generated records: --journal)"
    )
    part.checks.append(
        f"export: every run exited 0; every svclog export held {journal.encounters:,} lines "
        f"{content}; every sqlite-utils output held {journal.encounters:,} lines"
    )
    return part


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def build_part(journal: Journal) -> Part | None:
    """The journal's build as an information row."""
    if "run" not in journal.built:
        return None
    run: Run = journal.built["run"]
    line = Line(
        "build",
        Operation(
            "build_import",
            "build: `svclog import` of the generated journal (one run)",
            journal.encounters,
            lambda _: Invocation([], {}, lambda: None),
        ),
        role="info",
    )
    return Part("build", [line], {line.key: [run]}, {})


_COLUMNS = (
    "| operation | median | min | rate /s | peak RSS MiB | reference | ref. median | ratio "
    "| budget | verdict |"
)


def render(
    facts: Mapping[str, Any],
    settings: Mapping[str, Any],
    parts: Sequence[tuple[Part, list[Row]]],
    notes: Sequence[str],
    checks: Sequence[str],
) -> str:
    load = facts.get("load_average")
    lines = [
        "## svclog performance budget (shared/docs/performance.md)",
        "",
        f"- date: {facts['date']}; commit {facts.get('git') or 'unknown'}",
        f"- machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['platform']}"
        + (
            f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before timing"
            if load
            else ""
        ),
        f"- python: {facts['python']} ({facts['python_path']}), its SQLite {facts['sqlite']}; "
        f"sqlite3 shell {facts.get('sqlite3_shell') or '—'}; runner {facts['runner_python']}",
        f"- versions: {facts['svclog']}, jrnl {facts.get('jrnl') or '—'}, sqlite-utils "
        f"{facts['sqlite_utils']}",
        f"- method: {settings['method']}",
        *(f"- {note}" for note in notes),
        "",
        _COLUMNS,
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for _, rows in parts:
        for row in rows:
            line = row.line
            if line.role == "info":
                budget = "info"
            elif line.role in ("reference", "context"):
                budget = line.role
            else:
                assert line.target is not None
                budget = line.target.text + (" (extra)" if line.role == "extra" else "")
            judged = line.role not in ("reference", "info")
            reference = reference_median = "—"
            if judged and row.reference_label is not None and row.reference_median is not None:
                reference = row.reference_label
                reference_median = duration(row.reference_median)
            cells = [
                line.operation.label,
                duration(row.median),
                duration(row.minimum) if row.runs > 1 else "—",
                f"{row.rate:,.0f}" if row.rate is not None else "—",
                f"{row.peak_rss_mib:.0f}",
                reference,
                reference_median,
                f"{row.ratio:.2f}" if judged and row.ratio is not None else "—",
                budget,
                row.verdict,
            ]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", *(f"- checks: {check}" for check in checks)]
    return "\n".join(lines)


def _runs_json(runs: Sequence[Run]) -> list[dict[str, float]]:
    return [
        {
            "seconds": run.seconds,
            "peak_rss_mib": run.peak_rss_mib,
            "user_seconds": run.user,
            "system_seconds": run.system,
        }
        for run in runs
    ]


def report_json(
    facts: Mapping[str, Any],
    settings: Mapping[str, Any],
    journal: Journal | None,
    parts: Sequence[tuple[Part, list[Row]]],
    notes: Sequence[str],
    checks: Sequence[str],
) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for part, rows in parts:
        for row in rows:
            line = row.line
            target = line.target
            operations[line.key] = {
                "part": part.name,
                "label": line.operation.label,
                "role": line.role,
                "encounters": line.operation.encounters or None,
                "warmup": _runs_json([part.warmup[line.key]])[0]
                if line.key in part.warmup
                else None,
                "samples": _runs_json(part.samples[line.key]),
                "median_seconds": row.median,
                "min_seconds": row.minimum,
                "rate_per_second": row.rate,
                "peak_rss_mib": row.peak_rss_mib,
                "reference": line.operation.reference,
                "reference_median_seconds": row.reference_median,
                "ratio": row.ratio,
                "budget": None
                if target is None
                else {
                    "text": target.text,
                    "max_ratio": target.max_ratio,
                    "max_seconds": target.max_seconds,
                    "min_rate": target.min_rate,
                    "max_rss_mib": target.max_rss_mib,
                },
                "meets": row.meets,
                "misses": list(row.misses) if row.misses else [],
                "counted": line.role == "budget",
            }
    found: dict[str, Any] = {
        "benchmark": "svclog performance budget",
        "machine": facts,
        "settings": settings,
        "unit": "s",
        "notes": list(notes),
        "checks": list(checks),
        "operations": operations,
    }
    if journal is not None:
        probes = journal.probes
        found["journal"] = {
            "encounters": journal.encounters,
            "businesses": probes.businesses,
            "generated": journal.tally is not None,
            "list_business": probes.business,
            "list_business_encounters": probes.business_encounters,
            "show_id": probes.show_id,
            "search_word": SEARCH_WORD,
            "search_matches": probes.search_matches,
            **{key: value for key, value in journal.built.items() if key != "run"},
        }
    return found


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _tail(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
    except OSError:
        return ""


def _count(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parts(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown part {', '.join(unknown)} (choose from {', '.join(PARTS)})"
        )
    return names


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure every line of performance.md's budget against its reference, "
        "in one run (see benchmarks/README.md).",
    )
    parser.add_argument(
        "--rounds",
        type=_count,
        default=DEFAULT_ROUNDS,
        metavar="N",
        help=f"timed rounds per part, after one warm-up round (default {DEFAULT_ROUNDS})",
    )
    parser.add_argument(
        "--heavy-rounds",
        type=_count,
        default=DEFAULT_HEAVY_ROUNDS,
        metavar="N",
        help="timed rounds of the report, import and export parts, whose runs take seconds "
        f"to minutes (default {DEFAULT_HEAVY_ROUNDS}; never more than --rounds)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a smoke run: a journal of {QUICK_ENCOUNTERS:,} encounters, "
        f"{QUICK_IMPORT_COUNT:,} imported",
    )
    parser.add_argument(
        "--encounters",
        type=_count,
        metavar="N",
        help=f"encounters in the journal (default {DEFAULT_ENCOUNTERS:,}; --quick "
        f"{QUICK_ENCOUNTERS:,}); one business per {ENCOUNTERS_PER_BUSINESS}",
    )
    parser.add_argument(
        "--import-count",
        type=_count,
        metavar="N",
        help=f"encounters in the import part's file (default {DEFAULT_IMPORT_COUNT:,}; "
        f"--quick {QUICK_IMPORT_COUNT:,})",
    )
    parser.add_argument(
        "--skip",
        type=_parts,
        action="append",
        default=[],
        metavar="PART",
        help=f"leave out parts (repeatable or comma-separated): {', '.join(PARTS)}",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the raw data here")
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="where the temporary files go (default: the system's temporary directory); the "
        "default run needs about 5 GiB",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when an operation misses its budget (exit 2: the run itself failed)",
    )
    add_run_options(parser, DEFAULT_TIMEOUT_SECONDS)
    # For developing the benchmark: an existing journal instead of building one (copied first;
    # nothing is checked against a generator).
    parser.add_argument("--journal", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.skip = {name for names in args.skip for name in names}
    if args.encounters is None:
        args.encounters = QUICK_ENCOUNTERS if args.quick else DEFAULT_ENCOUNTERS
    if args.import_count is None:
        args.import_count = QUICK_IMPORT_COUNT if args.quick else DEFAULT_IMPORT_COUNT
    args.heavy_rounds = min(args.heavy_rounds, args.rounds)
    if args.skip >= set(PARTS):
        parser.error("every part is skipped")
    return args


def settle() -> None:
    """Before a part: write out what earlier steps left in the page cache (the built journal,
    an export's output), so that its writeback does not run beside, and slow down, the timed
    commands (a 1M build leaves about a gigabyte to write)."""
    if hasattr(os, "sync"):
        os.sync()
    time.sleep(1.0)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [part for part in PARTS if part not in args.skip]
    svclog = args.svclog.expanduser().absolute()
    if not os.access(svclog, os.X_OK):
        raise BenchmarkError(f"no svclog executable at {svclog} (install the project, or --svclog)")
    if "report" in selected and not os.access(SQLITE3, os.X_OK):
        raise BenchmarkError(
            f"the loyalty report's reference needs the sqlite3 shell at {SQLITE3}: "
            "apt-get install sqlite3 (or --skip report)"
        )
    if args.journal is not None and not args.journal.exists():
        raise BenchmarkError(f"no journal at {args.journal}")
    python = interpreter_of(svclog)
    ref_bin = ensure_reference_venv()
    jrnl_version = run_checked_plain(
        [str(ref_bin / "python"), "-c", "import importlib.metadata as m; print(m.version('jrnl'))"]
    ).strip()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="svclog-budget-", dir=args.workdir) as tmp:
        root = Path(tmp)
        sandbox = make_sandbox(root)
        work = root / "work"
        work.mkdir()
        write_jrnl_config(sandbox, jrnl_version)
        check_jrnl_setup(ref_bin / "jrnl", sandbox)
        # no settings file: svclog's defaults (the 48 h timely window, thresholds 7 and 9)
        env = {**sandbox.env, "SVCLOG_CONFIG": str(root / "no-such-config.toml")}
        context = Context(
            svclog=svclog,
            sqlite_utils=ref_bin / "sqlite-utils",
            work=work,
            env=env,
            timeout=args.timeout,
            seed=args.seed,
            now=datetime.now(timezone.utc),
        )
        facts = machine_facts(context, python)
        facts["jrnl"] = jrnl_version
        facts["sqlite3_shell"] = (
            run_checked_plain([str(SQLITE3), "--version"]).split()[0] if SQLITE3.exists() else None
        )
        tools = Tools(svclog=svclog, python=python, jrnl=ref_bin / "jrnl", sandbox=sandbox)

        journal: Journal | None = None
        notes: list[str] = []
        if JOURNAL_PARTS & set(selected):
            if args.journal is not None:
                journal = given_journal(context, args.journal)
                notes.append(
                    f"journal: {args.journal} (--journal), {journal.encounters:,} encounters at "
                    f"{journal.probes.businesses:,} businesses: not built by this run, so "
                    "not checked against a generator"
                )
            else:
                journal = build_journal(context, args.encounters)
                built = journal.built
                notes.append(
                    f"journal: {journal.encounters:,} encounters at "
                    f"{journal.probes.businesses:,} businesses, generated (seed "
                    f"{args.seed + 1}, {built['file_mib']:.0f} MiB of ndjson in "
                    f"{built['generated_seconds']:.0f} s) and written by one `svclog import` "
                    f"into a new journal ({built['journal_mib']:.0f} MiB), shared by the "
                    "add (a copy), read, report and export parts"
                )
        if args.quick or (journal is not None and journal.encounters != DEFAULT_ENCOUNTERS):
            notes.append(
                "the budget is stated for 1,000,000 encounters; at this size the verdicts of "
                "the add, read, report and export lines are indicative only"
            )

        parts: list[Part] = []
        if journal is not None and (build := build_part(journal)) is not None:
            parts.append(build)
        for name in selected:
            rounds = args.heavy_rounds if name in HEAVY_PARTS else args.rounds
            settle()
            if name == "startup":
                parts.append(startup_part(context, tools, rounds))
            elif name == "add":
                assert journal is not None
                parts.append(add_part(context, tools, journal, rounds))
            elif name == "read":
                assert journal is not None
                parts.append(read_part(context, tools, journal, rounds))
            elif name == "report":
                assert journal is not None
                parts.append(report_part(context, tools, journal, rounds))
            elif name == "import":
                parts.append(import_budget_part(context, args.import_count, rounds))
            elif name == "export":
                assert journal is not None
                parts.append(export_budget_part(context, journal, rounds))

    elapsed = time.perf_counter() - started
    if journal is not None and journal.tally is not None:
        rows = journal.built["rows"]
        checks = [
            "journal: after the build, sqlite3 counted exactly the generated "
            + ", ".join(f"{n:,} {table}" for table, n in rows.items())
        ]
    else:
        checks = []
    for part in parts:
        checks += part.checks
        notes += part.notes
    heavy = ", ".join(sorted(HEAVY_PARTS & set(selected)))
    method = (
        f"{args.rounds} timed round{'s' if args.rounds != 1 else ''} per part"
        + (
            f" ({args.heavy_rounds} for {heavy})"
            if heavy and args.heavy_rounds != args.rounds
            else ""
        )
        + ", each operation interleaved with its reference (the order rotated each round), "
        "after one discarded warm-up round; medians; wall time of each run and its own peak "
        "RSS, through exchange.py's fork/exec trampoline; output to files, default format; "
        f"{'--quick; ' if args.quick else ''}the whole run took {elapsed / 60:.1f} min"
    )
    settings = {
        "method": method,
        "rounds": args.rounds,
        "heavy_rounds": args.heavy_rounds,
        "quick": args.quick,
        "encounters": args.encounters,
        "import_count": args.import_count,
        "seed": args.seed,
        "skipped": sorted(args.skip),
        "timeout_seconds": args.timeout,
        "elapsed_seconds": elapsed,
    }
    evaluated = [(part, evaluate(part)) for part in parts]
    print(render(facts, settings, evaluated, notes, checks), flush=True)

    if args.json is not None:
        data = report_json(facts, settings, journal, evaluated, notes, checks)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        _note(f"raw data saved to {args.json}")

    missed = [
        row for _, rows in evaluated for row in rows if row.line.role == "budget" and not row.meets
    ]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as error:
        print(f"budget.py: error: {error}", file=sys.stderr)
        sys.exit(2)
