#!/usr/bin/env python3
"""Start-up benchmark: svclog's quick commands against jrnl, measured in the same run.

Times, interleaved round-robin so that machine noise hits every command alike:

    python -c pass                       the interpreter floor
    svclog --help, svclog --version      budget: <= 0.7 x `jrnl --help`
    jrnl --help
    svclog add ... --failure --quiet     budget: <= 0.65 x `jrnl "today: ..."`
    jrnl "today: ..."

and prints a Markdown table of medians, minimums, 90th percentiles and ratios against the
budgets of shared/docs/performance.md. The reference tools live in benchmarks/.venv (created
here when missing); svclog runs from the project's .venv. Standard library only.

    python benchmarks/startup.py [--rounds N] [--json FILE] [--svclog PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
REFERENCE_VENV = BENCH_DIR / ".venv"
REQUIREMENTS = BENCH_DIR / "requirements.txt"
STAMP = REFERENCE_VENV / ".requirements.sha256"
DEFAULT_SVCLOG = ROOT / ".venv" / "bin" / "svclog"

BUSINESS = "Smokey's BBQ"
SUMMARY = "Meal late and cold"
JRNL_ENTRY = f"today: {SUMMARY}"

#: A run that takes longer than this is killed and reported as a failure (it would be a hang,
#: e.g. a prompt). A watchdog thread does the killing: `Popen.wait(timeout=...)` polls with
#: sleeps of up to 50 ms on POSIX, which would round every measured time up.
RUN_TIMEOUT_SECONDS = 60.0


class BenchmarkError(Exception):
    """Something that makes the numbers meaningless: the run stops with this message."""


# --------------------------------------------------------------------------------------------
# The reference tools' virtual environment
# --------------------------------------------------------------------------------------------


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def ensure_reference_venv() -> Path:
    """benchmarks/.venv with the pinned reference tools; (re)installed when missing or stale.

    Returns its bin directory.
    """
    bin_dir = REFERENCE_VENV / "bin"
    digest = _requirements_digest()
    tools_present = all((bin_dir / tool).exists() for tool in ("python", "jrnl", "sqlite-utils"))
    if tools_present and STAMP.exists() and STAMP.read_text().strip() == digest:
        return bin_dir
    if not (bin_dir / "python").exists():
        _note(f"creating {REFERENCE_VENV.relative_to(ROOT)} for the reference tools ...")
        _run_setup([sys.executable, "-m", "venv", str(REFERENCE_VENV)], "python3 -m venv")
    _note(
        f"installing {REQUIREMENTS.relative_to(ROOT)} into {REFERENCE_VENV.relative_to(ROOT)} ..."
    )
    _run_setup(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(REQUIREMENTS),
        ],
        "pip install",
    )
    STAMP.write_text(digest + "\n")
    return bin_dir


def _run_setup(argv: Sequence[str], what: str) -> None:
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).strip()
        raise BenchmarkError(f"{what} failed (exit {completed.returncode}):\n{output}")


# --------------------------------------------------------------------------------------------
# Isolated homes, jrnl's configuration and a seeded svclog journal
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sandbox:
    """Every file the measured commands touch lives under one temporary directory."""

    root: Path
    home: Path
    svclog_db: Path
    jrnl_journal: Path
    jrnl_config: Path
    env: Mapping[str, str]


def make_sandbox(root: Path) -> Sandbox:
    home = root / "home"
    xdg = {
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_STATE_HOME": home / ".local" / "state",
    }
    for directory in xdg.values():
        directory.mkdir(parents=True, exist_ok=True)
    svclog_db = root / "svclog" / "journal.db"
    svclog_db.parent.mkdir()
    jrnl_journal = root / "jrnl" / "journal.txt"
    jrnl_journal.parent.mkdir()
    # Nothing from the caller's environment that changes what or how the commands run:
    # Python start-up switches (PYTHONPATH, PYTHONDONTWRITEBYTECODE, -X importtime ...),
    # svclog's own settings, editors, other XDG locations.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "SVCLOG_", "XDG_"))
        and name not in ("VIRTUAL_ENV", "VISUAL", "EDITOR")
    }
    env.update({name: str(path) for name, path in xdg.items()})
    env.update(
        HOME=str(home),
        SVCLOG_DB=str(svclog_db),
        SVCLOG_DATA_DIR=str(root / "svclog" / "data"),
    )
    return Sandbox(
        root=root,
        home=home,
        svclog_db=svclog_db,
        jrnl_journal=jrnl_journal,
        jrnl_config=xdg["XDG_CONFIG_HOME"] / "jrnl" / "jrnl.yaml",
        env=env,
    )


def _yaml_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write_jrnl_config(sandbox: Sandbox, jrnl_version: str) -> None:
    """jrnl 4.x's config, complete, so that it never prompts nor rewrites the file.

    `version` must equal jrnl's own `__version__` ("4.6", no "v"): on any difference, or on
    a missing key, jrnl rewrites its config and prints a notice on the next run.
    """
    sandbox.jrnl_config.parent.mkdir(parents=True, exist_ok=True)
    sandbox.jrnl_config.write_text(
        "\n".join(
            [
                "colors:",
                "  body: none",
                "  date: none",
                "  tags: none",
                "  title: none",
                "default_hour: 9",
                "default_minute: 0",
                "editor: ''",
                "encrypt: false",
                "highlight: false",
                "indent_character: '|'",
                "journals:",
                "  default:",
                f"    journal: {_yaml_string(str(sandbox.jrnl_journal))}",
                "linewrap: 79",
                "tagsymbols: '#@'",
                "template: false",
                "timeformat: '%F %r'",
                f"version: {_yaml_string(jrnl_version)}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    sandbox.jrnl_journal.write_text("", encoding="utf-8")


def check_jrnl_setup(jrnl: Path, sandbox: Sandbox) -> None:
    """One untimed `jrnl "today: ..."`: it must write silently and leave its config alone."""
    config_before = sandbox.jrnl_config.read_bytes()
    completed = subprocess.run(
        [str(jrnl), "today: set-up probe"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(sandbox.env),
        cwd=sandbox.root,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    output = (completed.stdout + completed.stderr).strip()
    if completed.returncode != 0:
        raise BenchmarkError(f"jrnl set-up failed (exit {completed.returncode}):\n{output}")
    if "set-up probe" not in sandbox.jrnl_journal.read_text(encoding="utf-8"):
        raise BenchmarkError(f"jrnl exited 0 but wrote nothing to {sandbox.jrnl_journal}")
    if sandbox.jrnl_config.read_bytes() != config_before:
        raise BenchmarkError(f"jrnl rewrote its config (an incomplete config?):\n{output}")
    sandbox.jrnl_journal.write_text("", encoding="utf-8")


#: Businesses of the seeded journal; each gets one encounter through the real `svclog add`,
#: with a different mix of options, and the rest are copies of those rows.
_SEED_BUSINESSES = [
    ("Smokey's BBQ", "restaurant"),
    ("Northside Dental", "health"),
    ("Acme Telecom", "telecom"),
    ("Riverside Hardware", "retail"),
    ("Blue Door Bakery", "restaurant"),
    ("Metro Transit", "transport"),
    ("CityBank", "bank"),
    ("QuickFix Plumbing", "trades"),
    ("Sunrise Hotel", "hospitality"),
    ("Green Grocer", "retail"),
    ("FastShip Couriers", "delivery"),
    ("Pixel Repair", "repair"),
]
_SEED_FAILURES = [
    ("Waited 40 minutes past the booking", "wait time", "reliability", "in_person"),
    ("Billed twice for one month", "billing", "reliability", "phone"),
    ("Nobody answered the chat", "no answer", "responsiveness", "chat"),
    ("Rude at the counter", "attitude", "empathy", "in_person"),
    ("Parcel left in the rain", "damaged goods", "tangibles", "app"),
    ("Wrong part ordered", "wrong item", "assurance", "email"),
]


def _seed_commands(rng: random.Random, now: datetime) -> list[list[str]]:
    commands: list[list[str]] = []
    for index, (business, category) in enumerate(_SEED_BUSINESSES):
        when = (now - timedelta(days=rng.randint(30, 700), minutes=rng.randint(0, 1440))).strftime(
            "%Y-%m-%dT%H:%M"
        )
        args = ["add", business, "--category", category, "--when", when, "--quiet"]
        if index % 3 == 2:
            args[2:2] = ["Quick and friendly", "--no-failure", "--channel", "in_person"]
        else:
            summary, issue, dimension, channel = _SEED_FAILURES[index % len(_SEED_FAILURES)]
            args[2:2] = [summary, "--severity", str(1 + index % 5), "--issue", issue]
            args += ["--dimension", dimension, "--channel", channel, "--tag", f"seed,t{index % 4}"]
            if index % 2:
                args += ["--client", f"Client {index % 3}", "--note", "Manager said sorry."]
        commands.append(args)
    return commands


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LIST_CHECK = 500


def _ulid(moment: datetime, rng: random.Random) -> str:
    value = (int(moment.timestamp() * 1000) << 80) | rng.getrandbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_svclog_journal(svclog: Path, sandbox: Sandbox, total: int, seed: int) -> int:
    """A fresh journal holding `total` encounters; returns the largest encounter id.

    A dozen encounters go through the real `svclog add` (creating the schema, businesses,
    tags and history); the rest copy those rows with new ids, ULIDs and times, in one
    transaction, which is what makes a few hundred (or a million) cheap to set up.
    """
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    commands = _seed_commands(rng, now)
    for args in commands:
        run_checked([str(svclog), *args], sandbox, "seeding the svclog journal")
    with closing(sqlite3.connect(sandbox.svclog_db)) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(encounter)")]
        tag_columns = [row[1] for row in conn.execute("PRAGMA table_info(encounter_tag)")]
        templates = [
            dict(zip(columns, row, strict=True))
            for row in conn.execute(f"SELECT {', '.join(columns)} FROM encounter ORDER BY id")
        ]
        tags = {
            template["id"]: [
                dict(zip(tag_columns, row, strict=True))
                for row in conn.execute(
                    f"SELECT {', '.join(tag_columns)} FROM encounter_tag WHERE encounter_id = ?",
                    (template["id"],),
                )
            ]
            for template in templates
        }
        copy_columns = [name for name in columns if name != "id"]
        tag_copy_columns = [name for name in tag_columns if name != "id"]
        insert = (
            f"INSERT INTO encounter ({', '.join(copy_columns)}) "
            f"VALUES ({', '.join('?' for _ in copy_columns)})"
        )
        insert_tag = (
            f"INSERT INTO encounter_tag ({', '.join(tag_copy_columns)}) "
            f"VALUES ({', '.join('?' for _ in tag_copy_columns)})"
        )
        with conn:
            for _ in range(max(0, total - len(templates))):
                template = rng.choice(templates)
                occurred = now - timedelta(seconds=rng.randint(3600, 3 * 365 * 86400))
                recorded = occurred + timedelta(minutes=rng.randint(1, 600))
                row = dict(template)
                row.update(
                    uid=_ulid(recorded, rng),
                    occurred_at=_utc_text(occurred),
                    occurred_offset="+00:00",
                    created_at=_utc_text(recorded),
                    updated_at=_utc_text(recorded),
                )
                cursor = conn.execute(insert, [row[name] for name in copy_columns])
                for tag in tags[template["id"]]:
                    tag_row = dict(tag, encounter_id=cursor.lastrowid)
                    conn.execute(insert_tag, [tag_row[name] for name in tag_copy_columns])
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BenchmarkError("the seeded svclog journal fails PRAGMA integrity_check")
        count, last_id = conn.execute("SELECT count(*), max(id) FROM encounter").fetchone()
    if count != max(total, len(commands)):
        raise BenchmarkError(f"seeding left {count} encounters, expected {total}")
    # svclog itself must read the copied rows back (the newest 500 cover every template).
    listed = subprocess.run(
        [str(svclog), "list", "--format", "json", "--limit", str(_LIST_CHECK)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(sandbox.env),
        cwd=sandbox.root,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    if listed.returncode != 0 or len(json.loads(listed.stdout or "[]")) != min(count, _LIST_CHECK):
        raise BenchmarkError(
            f"svclog list cannot read the seeded journal (exit {listed.returncode}):\n"
            f"{listed.stderr.strip()}"
        )
    return int(last_id)


def count_benchmark_adds(db: Path, after_id: int) -> tuple[int, int]:
    """(rows the timed `svclog add` runs stored, encounters in the journal)."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        added = conn.execute(
            """
            SELECT count(*) FROM encounter JOIN business ON business.id = encounter.business_id
            WHERE encounter.id > ? AND business.name = ? AND encounter.summary = ?
              AND encounter.failure = 1
            """,
            (after_id, BUSINESS, SUMMARY),
        ).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM encounter").fetchone()[0]
    return int(added), int(total)


# --------------------------------------------------------------------------------------------
# Running and timing
# --------------------------------------------------------------------------------------------


def timed_run(argv: Sequence[str], sandbox: Sandbox) -> tuple[float, int]:
    """Wall seconds and exit status of one run, all output to /dev/null."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(sandbox.env),
        cwd=sandbox.root,
    )
    watchdog = threading.Timer(RUN_TIMEOUT_SECONDS, process.kill)
    watchdog.start()
    try:
        status = process.wait()
    finally:
        watchdog.cancel()
    return time.perf_counter() - start, status


def run_checked(argv: Sequence[str], sandbox: Sandbox, what: str) -> str:
    """An untimed run that must succeed; returns its stdout."""
    completed = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(sandbox.env),
        cwd=sandbox.root,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchmarkError(
            f"{what}: {shlex.join(argv)} exited {completed.returncode}:\n"
            f"{(completed.stdout + completed.stderr).strip()}"
        )
    return completed.stdout


def _diagnose(argv: Sequence[str], sandbox: Sandbox) -> str:
    """The output of a failing command, run once more with its streams captured."""
    completed = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(sandbox.env),
        cwd=sandbox.root,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    output = (completed.stdout + completed.stderr).strip()
    return f"(run again: exit {completed.returncode})\n{output[-2000:]}"


@dataclass(frozen=True)
class Budget:
    reference: str
    factor: float


@dataclass(frozen=True)
class Operation:
    key: str
    label: str
    argv: list[str]
    budget: Budget | None = None
    before: Callable[[], None] | None = None
    check: Callable[[], None] | None = None


@dataclass(frozen=True)
class Summary:
    median: float
    minimum: float
    p90: float


def summarize(samples: Sequence[float]) -> Summary:
    if len(samples) >= 2:
        p90 = statistics.quantiles(samples, n=10, method="inclusive")[-1]
    else:
        p90 = samples[0]
    return Summary(statistics.median(samples), min(samples), p90)


def measure(
    operations: Sequence[Operation], rounds: int, sandbox: Sandbox
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Round 0 is the warm-up (discarded); in round r the order starts at operation r."""
    samples: dict[str, list[float]] = {op.key: [] for op in operations}
    warmup: dict[str, float] = {}
    interactive = sys.stderr.isatty()
    for round_index in range(rounds + 1):
        if interactive:
            label = "warm-up" if round_index == 0 else f"round {round_index}/{rounds}"
            print(f"\r{label} ...  ", end="", file=sys.stderr, flush=True)
        shift = round_index % len(operations)
        for op in [*operations[shift:], *operations[:shift]]:
            if op.before is not None:
                op.before()
            elapsed, status = timed_run(op.argv, sandbox)
            if status != 0:
                raise BenchmarkError(
                    f"{op.label} exited {status} in round {round_index}; "
                    f"its timing would be meaningless\n{_diagnose(op.argv, sandbox)}"
                )
            if op.check is not None:
                op.check()
            if round_index == 0:
                warmup[op.key] = elapsed
            else:
                samples[op.key].append(elapsed)
    if interactive:
        print("\r" + " " * 30 + "\r", end="", file=sys.stderr, flush=True)
    return samples, warmup


# --------------------------------------------------------------------------------------------
# Machine, versions, report
# --------------------------------------------------------------------------------------------


def interpreter_of(script: Path) -> Path:
    """The Python a console script runs on (its shebang), else this one."""
    try:
        with script.open("rb") as handle:
            first = handle.readline(512).decode("utf-8", "replace").strip()
    except OSError:
        return Path(sys.executable)
    if first.startswith("#!"):
        parts = first[2:].split()
        if parts and Path(parts[0]).name == "env" and len(parts) > 1:
            found = shutil.which(parts[1])
            if found:
                return Path(found)
        elif parts and "python" in Path(parts[0]).name and Path(parts[0]).exists():
            return Path(parts[0])
    return Path(sys.executable)


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))  # what `nproc` reports
    return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_facts(python: Path, svclog_version: str, jrnl_version: str) -> dict[str, Any]:
    svclog_python = subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z"),
        "nproc": cpu_count(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": svclog_python,
        "python_path": str(python),
        "runner_python": platform.python_version(),
        "load_average": list(load) if load else None,
        "svclog": svclog_version,
        "jrnl": jrnl_version,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def verdicts(
    operations: Sequence[Operation], summaries: Mapping[str, Summary]
) -> dict[str, tuple[float, bool]]:
    """For each operation with a budget: (ratio of medians, meets)."""
    found: dict[str, tuple[float, bool]] = {}
    for op in operations:
        if op.budget is not None:
            ratio = summaries[op.key].median / summaries[op.budget.reference].median
            found[op.key] = (ratio, ratio <= op.budget.factor)
    return found


def render(
    operations: Sequence[Operation],
    summaries: Mapping[str, Summary],
    judged: Mapping[str, tuple[float, bool]],
    facts: Mapping[str, Any],
    rounds: int,
    encounters: int,
    checks: Sequence[str],
) -> str:
    labels = {op.key: op.label for op in operations}
    load = facts["load_average"]
    lines = [
        "## svclog start-up benchmark",
        "",
        f"- date: {facts['date']}",
        f"- machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['platform']}"
        + (
            f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before timing"
            if load
            else ""
        ),
        f"- python: {facts['python']} ({facts['python_path']}); runner {facts['runner_python']}",
        f"- versions: {facts['svclog']}, jrnl {facts['jrnl']}",
        f"- method: {rounds} rounds, interleaved round-robin (rotated each round), after one "
        "discarded warm-up round; wall time per run",
        f"- svclog add writes to a fresh journal that held {encounters} encounters; "
        "jrnl writes to an empty journal",
        "",
        "| operation | median ms | min ms | p90 ms | reference | ratio | budget | verdict |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for op in operations:
        summary = summaries[op.key]
        cells = [op.label, _ms(summary.median), _ms(summary.minimum), _ms(summary.p90)]
        if op.budget is None:
            cells += ["—", "—", "—", "—"]
        else:
            ratio, meets = judged[op.key]
            cells += [
                labels[op.budget.reference],
                f"{ratio:.3f}",
                f"≤ {op.budget.factor:.2f}",
                "meets" if meets else "misses",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *(f"- {check}" for check in checks)]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time svclog's start-up against jrnl in the same run (see README.md).",
    )
    parser.add_argument("--rounds", type=_positive, default=25, help="timed rounds (default 25)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="save the raw timings here")
    parser.add_argument(
        "--svclog",
        type=Path,
        default=DEFAULT_SVCLOG,
        metavar="PATH",
        help="the svclog executable (default: the project's .venv/bin/svclog)",
    )
    parser.add_argument(
        "--encounters",
        type=_positive,
        default=300,
        metavar="N",
        help="encounters in the journal before the first timed add (default 300)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the journal generator")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when an operation misses its budget"
    )
    return parser.parse_args(argv)


def run_checked_plain(argv: Sequence[str]) -> str:
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchmarkError(
            f"{shlex.join(argv)} exited {completed.returncode}:\n{completed.stderr}"
        )
    return completed.stdout


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    svclog = args.svclog.expanduser().absolute()
    if not os.access(svclog, os.X_OK):
        raise BenchmarkError(f"no svclog executable at {svclog} (install the project, or --svclog)")
    python = interpreter_of(svclog)
    ref_bin = ensure_reference_venv()
    jrnl = ref_bin / "jrnl"
    jrnl_version = run_checked_plain(
        [
            str(ref_bin / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('jrnl'))",
        ]
    ).strip()

    with tempfile.TemporaryDirectory(prefix="svclog-startup-") as tmp:
        sandbox = make_sandbox(Path(tmp))
        write_jrnl_config(sandbox, jrnl_version)
        check_jrnl_setup(jrnl, sandbox)
        _note(f"seeding a journal of {args.encounters} encounters ...")
        last_seeded_id = seed_svclog_journal(svclog, sandbox, args.encounters, args.seed)
        svclog_version = run_checked([str(svclog), "--version"], sandbox, "svclog --version")
        facts = machine_facts(python, svclog_version.strip(), jrnl_version)

        jrnl_writes = 0

        def empty_jrnl_journal() -> None:
            sandbox.jrnl_journal.write_text("", encoding="utf-8")

        def check_jrnl_entry() -> None:
            nonlocal jrnl_writes
            if SUMMARY not in sandbox.jrnl_journal.read_text(encoding="utf-8"):
                raise BenchmarkError("jrnl exited 0 but its journal holds no new entry")
            jrnl_writes += 1

        add_argv = [str(svclog), "add", BUSINESS, SUMMARY, "--failure", "--quiet"]
        operations = [
            Operation("python_floor", "`python -c pass`", [str(python), "-c", "pass"]),
            Operation(
                "svclog_help", "`svclog --help`", [str(svclog), "--help"], Budget("jrnl_help", 0.7)
            ),
            Operation(
                "svclog_version",
                "`svclog --version`",
                [str(svclog), "--version"],
                Budget("jrnl_help", 0.7),
            ),
            Operation("jrnl_help", "`jrnl --help`", [str(jrnl), "--help"]),
            Operation(
                "svclog_add",
                f'`svclog add "{BUSINESS}" "{SUMMARY}" --failure --quiet`',
                add_argv,
                Budget("jrnl_add", 0.65),
            ),
            Operation(
                "jrnl_add",
                f'`jrnl "{JRNL_ENTRY}"`',
                [str(jrnl), JRNL_ENTRY],
                before=empty_jrnl_journal,
                check=check_jrnl_entry,
            ),
        ]
        _note(
            f"timing {len(operations)} commands: 1 warm-up round + {args.rounds} "
            f"round{'s' if args.rounds > 1 else ''} ..."
        )
        samples, warmup = measure(operations, args.rounds, sandbox)

        runs = args.rounds + 1
        added, total = count_benchmark_adds(sandbox.svclog_db, last_seeded_id)
        if added != runs:
            raise BenchmarkError(
                f"svclog add exited 0 {runs} times but stored {added} rows: timings are void"
            )
        if jrnl_writes != runs:
            raise BenchmarkError(f"jrnl wrote {jrnl_writes} entries in {runs} runs")

    summaries = {key: summarize(values) for key, values in samples.items()}
    judged = verdicts(operations, summaries)
    checks = [
        f"checks: all {runs * len(operations)} runs exited 0 (warm-up included); "
        f"svclog add stored {added}/{runs} rows ({total} encounters at the end, "
        f"counted with sqlite3); jrnl wrote its entry in {jrnl_writes}/{runs} runs",
    ]
    print(
        render(operations, summaries, judged, facts, args.rounds, args.encounters, checks),
        flush=True,
    )

    if args.json is not None:
        report = {
            "benchmark": "svclog start-up",
            "machine": facts,
            "rounds": args.rounds,
            "encounters_seeded": args.encounters,
            "seed": args.seed,
            "unit": "ms",
            "operations": {
                op.key: {
                    "label": op.label.strip("`"),
                    "argv": op.argv,
                    "warmup_ms": warmup[op.key] * 1000,
                    "samples_ms": [value * 1000 for value in samples[op.key]],
                    "median_ms": summaries[op.key].median * 1000,
                    "min_ms": summaries[op.key].minimum * 1000,
                    "p90_ms": summaries[op.key].p90 * 1000,
                    "budget": None
                    if op.budget is None
                    else {
                        "reference": op.budget.reference,
                        "factor": op.budget.factor,
                        "ratio": judged[op.key][0],
                        "meets": judged[op.key][1],
                    },
                }
                for op in operations
            },
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        _note(f"raw timings saved to {args.json}")

    missed = [key for key, (_, meets) in judged.items() if not meets]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as error:
        print(f"startup.py: error: {error}", file=sys.stderr)
        sys.exit(2)
