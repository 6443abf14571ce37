"""svclog as real processes: concurrency, file modes under any umask, pipes, locks, terminals."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pexpect
import pytest

from svclog.core.clock import FixedClock
from svclog.core.models import EncounterDraft
from svclog.storage import encounters
from svclog.storage.journal import Journal, command
from tests.conftest import NOW, cli, run_svclog

WORKERS = 8
ADDS_PER_WORKER = 50


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert stderr.endswith("\n")
    return lines[0]


def count_encounters(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM encounter").fetchone()[0])
    finally:
        conn.close()


def fill(db: Path, how_many: int, *, summary: str = "visit", note: str | None = None) -> None:
    """Record encounters straight through the storage layer (fast)."""
    now = datetime.fromisoformat(NOW)
    with Journal.open(db, FixedClock(now), create=True) as journal, command(journal, "add") as log:
        for n in range(how_many):
            draft = EncounterDraft(
                business=("Burrito Place", "Pizza Chain")[n % 2],
                occurred_at=now - timedelta(minutes=n),
                summary=f"{summary} {n}",
                note=note,
            )
            encounters.add(log, draft, now)


def run_with_umask(
    args: list[str], umask: int, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Like conftest's run_svclog, with the child's umask set before it starts."""
    full_env = dict(os.environ)
    full_env.update(env or {})

    def set_umask() -> None:
        os.umask(umask)

    return subprocess.run(
        [sys.executable, "-m", "svclog", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
        preexec_fn=set_umask,
    )


# ----------------------------------------------------------------------------- (a) concurrency

_WORKER = textwrap.dedent(
    """
    import sys
    from svclog.cli.main import run

    db, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for n in range(count):
        business = ("Burrito Place", "Pizza Chain")[n % 2]
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


def test_concurrent_adds_all_land(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    init = run_svclog(["init", "--db", str(db)])
    assert init.returncode == 0, init.stderr
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(db), str(worker), str(ADDS_PER_WORKER)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(WORKERS)
    ]
    outputs = [process.communicate(timeout=120) for process in workers]

    for process, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert stderr == ""
        assert len(stdout.split()) == ADDS_PER_WORKER
    printed_ids = sorted(int(i) for stdout, _ in outputs for i in stdout.split())
    total = WORKERS * ADDS_PER_WORKER
    assert printed_ids == list(range(1, total + 1))

    listed = cli("list", "--format", "json", "--db", str(db))
    assert listed.exit_code == 0, listed.stderr
    assert listed.stderr == ""
    records = listed.json()
    assert len(records) == total
    assert sorted(r["summary"] for r in records) == sorted(
        f"worker {w} entry {n}" for w in range(WORKERS) for n in range(ADDS_PER_WORKER)
    )
    assert all(r["tags"] == [f"w{r['summary'].split()[1]}"] for r in records)
    businesses = cli("business", "list", "--format", "json", "--db", str(db)).json()
    assert sorted((b["name"], b["encounters"]) for b in businesses) == [
        ("Burrito Place", total // 2),
        ("Pizza Chain", total // 2),
    ]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM history WHERE command = 'add'").fetchone()[0] == total
    conn.close()


# ----------------------------------------------------------------------------- (b) file modes

_EDITOR_HOOK = textwrap.dedent(
    """
    import json, os, stat, sys
    journal = os.environ["HOOK_JOURNAL"]
    modes = {}
    for suffix in ("", "-wal", "-shm"):
        path = journal + suffix
        if os.path.exists(path):
            modes[suffix or "db"] = oct(stat.S_IMODE(os.stat(path).st_mode))
    with open(os.environ["HOOK_REPORT"], "w") as report:
        json.dump(modes, report)
    """
)


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask000", "umask022"])
def test_created_files_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    data_dir = tmp_path / "not-yet" / "svclog-data"
    journal = data_dir / "client-a.db"
    env = {"SVCLOG_DATA_DIR": str(data_dir)}

    added = run_with_umask(["add", "Burrito Place", "fine", "--journal", "client-a"], umask, env)
    assert added.returncode == 0, added.stderr
    assert journal.is_file()
    assert mode(data_dir) == 0o700
    assert mode(data_dir.parent) == 0o700
    assert mode(journal) == 0o600
    for extra in data_dir.iterdir():
        assert mode(extra) == 0o600, extra

    # While svclog has the journal open (here: waiting for the editor), its WAL files exist.
    hook = tmp_path / "hook.py"
    hook.write_text(_EDITOR_HOOK)
    report = tmp_path / "modes.json"
    editor_env = {
        **env,
        "EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(hook))}",
        "HOOK_JOURNAL": str(journal),
        "HOOK_REPORT": str(report),
    }
    edited = run_with_umask(["edit", "1", "--editor", "--journal", "client-a"], umask, editor_env)
    assert edited.returncode == 0, edited.stderr
    modes = json.loads(report.read_text())
    assert modes == {"db": "0o600", "-wal": "0o600", "-shm": "0o600"}


@pytest.mark.parametrize("umask", [0o000, 0o022], ids=["umask000", "umask022"])
def test_a_db_in_a_new_directory_is_private(tmp_path: Path, umask: int) -> None:
    db = tmp_path / "new-dir" / "journal.db"
    created = run_with_umask(["init", "--db", str(db)], umask)
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"{db}\n"
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600


# ----------------------------------------------------------------------------- (c) a typo


@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["undo"], ["business", "list"]])
def test_a_mistyped_db_is_exit_66_and_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    typo = tmp_path / "jornal" / "jornal.db"
    result = run_svclog([*command, "--db", str(typo)])
    assert result.returncode == 66
    assert result.stdout == ""
    assert str(typo) in one_error_line(result.stderr)
    assert not typo.exists()
    assert not typo.parent.exists()


# ----------------------------------------------------------------------------- (d) pipes


def _pipeline(tmp_path: Path, svclog_args: list[str], env: dict[str, str] | None = None) -> Any:
    status_file = tmp_path / "svclog-status"
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "svclog", *svclog_args])
    script = f"set +o pipefail; {command} | head -1; echo ${{PIPESTATUS[0]}} > {status_file}"
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=full_env, timeout=60
    )
    return result, int(status_file.read_text())


@pytest.mark.parametrize(
    ("fmt", "env"),
    [("table", {"COLUMNS": "2000"}), ("ndjson", {}), ("csv", {}), ("json", {})],
)
def test_list_into_head_ends_quietly(
    tmp_path: Path, db: Path, fmt: str, env: dict[str, str]
) -> None:
    fill(db, 200, summary="a long summary " * 100, note="a long note " * 100)
    whole = run_svclog(["list", "--format", fmt], env=env)
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout.encode()) > 4 * 65536  # far more than a pipe holds: head must cut it

    result, svclog_status = _pipeline(tmp_path, ["list", "--format", fmt], env)
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    assert result.stdout == whole.stdout.splitlines(keepends=True)[0]
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert "BrokenPipeError" not in result.stderr
    assert result.stderr == ""
    assert svclog_status == 0


def test_list_with_200_encounters_into_head(tmp_path: Path, db: Path) -> None:
    fill(db, 200)
    result, svclog_status = _pipeline(tmp_path, ["list"])
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1
    assert result.stdout.rstrip() == "Encounters"
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert result.stderr == ""
    assert svclog_status == 0


# ----------------------------------------------------------------------------- (e) a held lock


def _history(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM history ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    "command",
    [
        ["add", "Burrito Place", "blocked", "--quiet"],
        ["add", "Brand New Place", "blocked"],
        ["rm", "1"],
        ["edit", "1", "--summary", "changed"],
        ["undo"],
        ["business", "rename", "Burrito Place", "Burrito Palace"],
    ],
    ids=["add", "add-new-business", "rm", "edit", "undo", "rename"],
)
def test_a_lock_held_past_the_timeout_is_exit_75_and_changes_nothing(
    db: Path, command: list[str]
) -> None:
    fill(db, 3)
    before_count = count_encounters(db)
    before_history = _history(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_svclog(command, env={"SVCLOG_BUSY_TIMEOUT": "0.2"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 75
    assert result.stdout == ""
    assert "busy" in one_error_line(result.stderr)
    assert count_encounters(db) == before_count
    assert _history(db) == before_history
    listed = cli("list", "--format", "json")
    assert [r["summary"] for r in listed.json()] == ["visit 0", "visit 1", "visit 2"]


def test_after_the_lock_is_released_the_write_goes_through(db: Path) -> None:
    fill(db, 1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")
    holder.close()
    result = run_svclog(
        ["add", "Burrito Place", "now free", "--quiet"], env={"SVCLOG_BUSY_TIMEOUT": "0.2"}
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "2\n", "")
    assert count_encounters(db) == 2


INTERRUPTING_PROBE = """
import os, signal, sys
from svclog.storage import encounters

def add_interrupted(*args, **kwargs):
    # Ctrl-C landing in code compiled from a string, as when a dataclass builds its methods.
    source = "os.kill(os.getpid(), signal.SIGINT)\\nfor _ in range(10**6): pass"
    exec(source, {"os": os, "signal": signal})
    raise AssertionError("SIGINT did not interrupt")

encounters.add = add_interrupted
from svclog.cli.main import run
run()
"""


def test_ctrl_c_inside_string_compiled_code_still_exits_130(tmp_path: Path, db: Path) -> None:
    """Under `python -m`, CPython turns a bare KeyboardInterrupt that passed through code
    compiled from a string into death by SIGINT, even after svclog has chosen exit 130."""
    fill(db, 1)
    (tmp_path / "interrupting_probe.py").write_text(INTERRUPTING_PROBE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "interrupting_probe", "add", "Burrito Place", "never stored"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert result.stdout == ""
    assert one_error_line(result.stderr) == (
        "Error: interrupted; nothing was changed by the unfinished command"
    )
    assert count_encounters(db) == 1


STARTING_PROBE = """
import os, signal
from svclog.cli import app

def build_interrupted(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the command line is being built
    for _ in range(10**7):
        pass
    raise AssertionError("SIGINT did not interrupt")

app.build = build_interrupted
from svclog.cli.main import run
run()
"""


@pytest.mark.parametrize("debug", ["", "1"])
def test_ctrl_c_before_the_command_starts_exits_130_in_one_line(
    tmp_path: Path, db: Path, debug: str
) -> None:
    """Before the root group handles errors (svclog's own imports, building the command
    line): the one-line error and exit 130 too, the traceback only with SVCLOG_DEBUG."""
    (tmp_path / "starting_probe.py").write_text(STARTING_PROBE)
    env = dict(os.environ, SVCLOG_DEBUG=debug)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "starting_probe", "list", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.stdout == ""
    if debug:
        assert result.returncode != 0
        assert "Traceback" in result.stderr
        assert result.stderr.rstrip().endswith("Interrupted")
    else:
        assert result.returncode == 130, result.stderr
        assert one_error_line(result.stderr) == (
            "Error: interrupted; nothing was changed by the unfinished command"
        )
    assert not db.exists()


# ----------------------------------------------------------------------------- (f) a terminal


def _spawn(args: list[str]) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "svclog", *args],
        env=dict(os.environ),
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )


def _finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return str(child.before)


def test_add_on_a_terminal_asks_for_what_is_missing(db: Path) -> None:
    child = _spawn(["add"])
    child.expect_exact("Business:")
    child.sendline("Smokey's BBQ")
    child.expect_exact("What happened (one line):")
    child.sendline("Meal late and cold")
    child.expect_exact("Did something go wrong? [y/N]:")
    child.sendline("y")
    child.expect_exact("Severity 1-5 (blank to skip):")
    child.sendline("3")
    child.expect_exact("Issue, e.g. wait time (blank to skip):")
    child.sendline("wait time")
    tail = _finish(child)
    assert "Added #1 · Smokey's BBQ · 2026-11-22 15:30 [failure, severity 3]" in tail

    shown = cli("show", "1", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    data = shown.json()
    assert data["business"]["name"] == "Smokey's BBQ"
    assert data["summary"] == "Meal late and cold"
    assert data["failure"] is True
    assert data["severity"] == 3
    assert data["issue"] == "wait time"
    assert data["status"] == "open"
    assert data["occurred_at"] == "2026-11-22T15:30:00+01:00"


def test_add_on_a_terminal_without_a_failure_asks_no_more(db: Path) -> None:
    child = _spawn(["add", "Burrito Place"])
    child.expect_exact("What happened (one line):")
    child.sendline("Great as ever")
    child.expect_exact("Did something go wrong? [y/N]:")
    child.sendline("")
    tail = _finish(child)
    assert "Severity" not in tail
    assert "Issue" not in tail
    data = cli("show", "1", "--format", "json").json()
    assert (data["business"]["name"], data["summary"]) == ("Burrito Place", "Great as ever")
    assert (data["failure"], data["severity"], data["issue"]) == (False, None, None)
    assert data["status"] == "resolved"


def test_add_off_a_terminal_never_asks(db: Path) -> None:
    result = run_svclog(["add"], input="Smokey's BBQ\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "BUSINESS" in one_error_line(result.stderr)
    assert not db.exists()


# ----------------------------------------------------------------------------- (g) SVCLOG_DEBUG

ERRORS: dict[str, tuple[list[str], int, str, Callable[[Path], None]]] = {
    "not found": (["show", "99"], 1, "NotFoundError", lambda db: fill(db, 1)),
    "bad value": (["add", "Place", "--severity", "9"], 1, "InvalidValueError", lambda db: None),
    "missing journal": (["list"], 66, "JournalMissingError", lambda db: None),
}


@pytest.mark.parametrize(("args", "code", "error", "prepare"), ERRORS.values(), ids=ERRORS.keys())
def test_errors_are_one_line_without_debug(
    db: Path, args: list[str], code: int, error: str, prepare: Callable[[Path], None]
) -> None:
    prepare(db)
    result = run_svclog(args)
    assert result.returncode == code
    assert result.stdout == ""
    one_error_line(result.stderr)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "code", "error", "prepare"), ERRORS.values(), ids=ERRORS.keys())
def test_svclog_debug_shows_the_traceback(
    db: Path, args: list[str], code: int, error: str, prepare: Callable[[Path], None]
) -> None:
    prepare(db)
    result = run_svclog(args, env={"SVCLOG_DEBUG": "1"})
    assert result.returncode == code  # the documented exit code survives debugging
    assert result.stdout == ""
    assert result.stderr.startswith("Traceback (most recent call last):")
    lines = result.stderr.splitlines()
    assert f"svclog.core.errors.{error}: " in lines[-2]
    assert lines[-1].startswith("Error: ")


def test_show_not_found_message_exactly(db: Path) -> None:
    fill(db, 1)
    result = run_svclog(["show", "99"])
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: no encounter with id 99\n"
