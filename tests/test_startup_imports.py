"""The quick paths stay quick: `svclog --help`, `--version` and `add` must not import the heavy
modules (an import check, not a timing — timings live in benchmarks/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["svclog", *json.loads(sys.argv[1])]
from svclog.cli.main import run
try:
    run()
except SystemExit as done:
    code = done.code
sys.stdout = sys.__stdout__
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

HEAVY = ("sqlite_utils", "dateparser", "rich", "pydantic", "click")


def imported(args: list[str]) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]}


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["add", "--help"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    code, modules = imported(args)
    assert code in (0, None)
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert "sqlite3" not in modules


def test_quick_add_to_an_existing_journal_imports_nothing_heavy(db: Path) -> None:
    code, _ = imported(["add", "Burrito Barn", "Lunch", "--quiet"])  # creates the journal
    assert code in (0, None)
    code, modules = imported(["add", "Burrito Barn", "Dinner", "--failure", "--quiet"])
    assert code in (0, None)
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    assert "platformdirs" not in modules  # --db/SVCLOG_DB given: no data directory lookup


def test_the_outline_for_the_root_help_matches_the_full_command_line() -> None:
    """`svclog --help` is built from an outline (names and help, no options): it must read
    exactly as the full command line's help does."""
    from typer.testing import CliRunner

    from svclog.cli.app import build

    full = CliRunner().invoke(build(None), ["--help"], prog_name="svclog")
    outline = CliRunner().invoke(build(None, outline=True), ["--help"], prog_name="svclog")
    assert full.exit_code == outline.exit_code == 0
    assert outline.stdout == full.stdout
    assert "report" in outline.stdout


def imported_modules(args: list[str]) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


#: What a table on its way to a pipe does without: Rich draws nothing (the plain table writer
#: uses only its cell widths and line breaking), nothing parses dates or settings it does not use.
NOT_FOR_A_PIPED_TABLE = ("rich.console", "rich.table", "rich.text", "sqlite_utils", "dateparser")


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--business", "Burrito Barn", "--limit", "20"],
        ["search", "lunch"],
        ["show", "1"],
    ],
)
def test_tables_in_a_pipe_import_no_rich_console(db: Path, args: list[str]) -> None:
    code, _ = imported(["add", "Burrito Barn", "Lunch", "--quiet"])
    assert code in (0, None)
    code, modules = imported_modules(args)
    assert code in (0, None)
    assert not modules & set(NOT_FOR_A_PIPED_TABLE), sorted(modules & set(NOT_FOR_A_PIPED_TABLE))
    if args[0] != "show":  # a listing's table shows nothing the settings change
        assert "tomllib" not in modules
