"""`svclog demo`: the eight stories in a journal of their own, rebuilt on every run, never the
user's journal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from svclog.cli.stories import STORIES
from tests.conftest import assert_one_error_line, cli, ok

EXPECTED = {story.business: (story.status, story.advocate) for story in STORIES}


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "svclog-demo.db"


def counts(path: Path) -> tuple[int, int]:
    encounters = json.loads(ok("--db", str(path), "list", "--format", "json"))
    businesses = json.loads(ok("--db", str(path), "business", "list", "--format", "json"))
    return len(encounters), len(businesses)


def scoreboard(path: Path) -> dict[str, tuple[str, bool]]:
    rows: list[dict[str, Any]] = json.loads(
        ok("--db", str(path), "report", "loyalty", "--format", "json")
    )
    return {row["business"]: (row["status"], row["advocate"]) for row in rows}


def test_demo_builds_in_the_data_dir_and_prints_the_scoreboard(demo_db: Path, db: Path) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    assert demo_db.is_file()
    assert not db.exists(), "the demo touched the SVCLOG_DB journal"
    assert str(demo_db) in result.stderr
    assert str(demo_db) not in result.stdout
    # stdout is the scoreboard, exactly as `report loyalty` prints it for the demo journal
    assert result.stdout == ok("--db", str(demo_db), "report", "loyalty")
    assert result.stdout.lstrip().startswith("Loyalty")
    for story in STORIES:  # names may wrap in the 120-column table
        assert story.business.split()[0] in result.stdout
    assert scoreboard(demo_db) == EXPECTED
    assert counts(demo_db) == (10, 8)
    assert not db.exists()


def test_demo_twice_rebuilds(demo_db: Path, db: Path) -> None:
    first = cli("demo")
    assert first.exit_code == 0, first.stderr
    before = json.loads(ok("--db", str(demo_db), "list", "--format", "json"))
    second = cli("demo")
    assert second.exit_code == 0, second.stderr
    assert second.stdout == first.stdout
    after = json.loads(ok("--db", str(demo_db), "list", "--format", "json"))
    assert len(after) == len(before) == 10
    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert counts(demo_db) == (10, 8)
    assert scoreboard(demo_db) == EXPECTED
    assert not db.exists()


def test_demo_rebuilds_over_a_changed_demo_journal(demo_db: Path) -> None:
    ok("demo", "--quiet")
    ok("--db", str(demo_db), "add", "Someone Else", "An extra visit", "--quiet")
    assert counts(demo_db) == (11, 9)
    ok("demo", "--quiet")
    assert counts(demo_db) == (10, 8)


def test_demo_quiet_prints_only_the_path(demo_db: Path, db: Path) -> None:
    result = cli("demo", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == f"{demo_db}\n"
    assert result.stderr == ""
    assert counts(demo_db) == (10, 8)
    assert not db.exists()
    short = cli("demo", "-q")
    assert (short.exit_code, short.stdout, short.stderr) == (0, f"{demo_db}\n", "")


def test_demo_into_a_new_db_path(tmp_path: Path, demo_db: Path, db: Path) -> None:
    target = tmp_path / "elsewhere" / "stories.db"
    target.parent.mkdir()
    result = cli("demo", "--db", str(target), "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{target}\n", "")
    assert scoreboard(target) == EXPECTED
    assert not demo_db.exists()
    assert not db.exists()


def test_demo_refuses_an_existing_db_without_force(tmp_path: Path, db: Path) -> None:
    target = tmp_path / "precious.db"
    target.write_bytes(b"my own data, not a journal\n")
    result = cli("demo", "--db", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(target), "--force")
    assert target.read_bytes() == b"my own data, not a journal\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("precious")) == [
        "precious.db"
    ]
    assert not db.exists()


def test_demo_refuses_an_existing_journal_without_force(db: Path) -> None:
    ok("add", "My Place", "Lunch", "--quiet")
    before = db.read_bytes()
    result = cli("demo", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--force")
    assert db.read_bytes() == before
    assert counts(db) == (1, 1)


def test_demo_force_replaces_an_existing_db(tmp_path: Path) -> None:
    target = tmp_path / "old.db"
    target.write_bytes(b"stale")
    result = cli("demo", "--db", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert str(target) in result.stderr
    assert result.stdout == ok("--db", str(target), "report", "loyalty")
    assert scoreboard(target) == EXPECTED
    assert counts(target) == (10, 8)


def test_demo_ignores_the_settings_file(demo_db: Path) -> None:
    ok("config", "set", "loyalty.advocate_recommend", "10")
    ok("config", "set", "loyalty.won_back_recommend", "10")
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ok("--db", str(demo_db), "--no-config", "report", "loyalty")
    assert scoreboard_without_config(demo_db) == EXPECTED
    # the setting is live for the user's own commands: Chez Marguerite's 9 no longer wins back
    assert scoreboard(demo_db)["Chez Marguerite"] == ("at_risk", False)


def scoreboard_without_config(path: Path) -> dict[str, tuple[str, bool]]:
    rows: list[dict[str, Any]] = json.loads(
        ok("--db", str(path), "--no-config", "report", "loyalty", "--format", "json")
    )
    return {row["business"]: (row["status"], row["advocate"]) for row in rows}
