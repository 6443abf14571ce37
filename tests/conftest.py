"""Shared fixtures: every test runs against a journal in its own temporary directory, with a
fixed clock, a fixed time zone, no colour and a fixed terminal width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from svclog.cli.app import build, requested_command

NOW = "2026-11-22T15:30:00+01:00"
TZ = "Europe/Paris"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--stress", action="store_true", help="run the long stress scenarios")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--stress"):
        return
    skip = pytest.mark.skip(reason="stress scenario: run with --stress")
    for item in items:
        if "stress" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point svclog at a journal under tmp_path; fix clock, zone, colour and width."""
    db = tmp_path / "journal.db"
    for name in list(os.environ):
        if name.startswith("SVCLOG_") or name in ("VISUAL", "EDITOR"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SVCLOG_DB", str(db))
    monkeypatch.setenv("SVCLOG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SVCLOG_NOW", NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TZ", TZ)
    time.tzset()
    yield db
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(isolated: Path) -> Path:
    return isolated


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run svclog in-process, as the console script would, and capture its streams."""
    runner = CliRunner()
    app = build(requested_command(args))
    result = runner.invoke(app, list(args), input=input, env=env, prog_name="svclog")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def run_svclog(
    args: Sequence[str],
    *,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run svclog as a separate process (for umask, signals, pipes and concurrency)."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "svclog", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def add(*args: str) -> int:
    """Record an encounter and return its id."""
    result = cli("add", *args, "--quiet")
    assert result.exit_code == 0, result.stderr
    return int(result.stdout.strip())


#: The encounter record of product.md §6, in its documented order.
ENCOUNTER_FIELDS = (
    "id",
    "uid",
    "business",
    "occurred_at",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "client",
    "tags",
    "status",
    "timely",
    "disputed",
    "responses",
    "remedies",
    "followups",
    "outcome",
    "created_at",
    "updated_at",
)


def ok(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed quietly; return its stdout."""
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def show_json(encounter_id: int) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(ok("show", str(encounter_id), "--format", "json"))
    return record


def snapshot() -> tuple[Any, Any]:
    """The whole visible state of the journal: every encounter and every business."""
    return (
        json.loads(ok("list", "--format", "json")),
        json.loads(ok("business", "list", "--format", "json")),
    )


def assert_one_error_line(stderr: str, *fragments: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], stderr


@pytest.fixture(scope="session")
def stories_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The eight stories of product.md §2, built once per test run by `svclog demo` in a
    process of its own (with the fixed clock and zone above); tests take a copy."""
    path = tmp_path_factory.mktemp("stories") / "stories.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SVCLOG_")}
    env.update(SVCLOG_NOW=NOW, TZ=TZ, NO_COLOR="1", SVCLOG_DATA_DIR=str(path.parent / "data"))
    built = subprocess.run(
        [sys.executable, "-m", "svclog", "demo", "--db", str(path), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.strip() == str(path)
    return path


def copy_journal(template: Path, path: Path) -> Path:
    """A copy of the journal `template` (and its WAL, if any) at `path`."""
    import shutil

    for suffix in ("", "-wal"):
        source = Path(f"{template}{suffix}")
        if source.exists():
            shutil.copy2(source, f"{path}{suffix}")
    return path
