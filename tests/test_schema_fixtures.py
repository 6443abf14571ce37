"""Every released schema has a fixture journal that the current svclog must open (migrating it
when it is older) with every value intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from svclog.storage.identity import SCHEMA_VERSION
from tests.conftest import NOW, cli

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_schema_version_has_a_fixture() -> None:
    """Adding a migration without building its fixture (tests/fixtures/build.py) fails here."""
    missing = [
        version
        for version in range(1, SCHEMA_VERSION + 1)
        if not (FIXTURES / f"schema-{version}.db").exists()
        or not (FIXTURES / f"schema-{version}.json").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_a_fixture_journal_opens_with_every_value_intact(version: int, tmp_path: Path) -> None:
    journal = tmp_path / f"schema-{version}.db"
    shutil.copyfile(FIXTURES / f"schema-{version}.db", journal)
    expected = json.loads((FIXTURES / f"schema-{version}.json").read_text(encoding="utf-8"))
    env = {"SVCLOG_NOW": NOW}

    def data(*args: str) -> object:
        result = cli("--db", str(journal), *args, "--format", "json", env=env)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    assert data("export") == expected["export"]
    assert data("business", "list") == expected["businesses"]
    assert data("report", "loyalty") == expected["loyalty"]
    checked = cli("--db", str(journal), "db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1] == "Verdict: ok"
    assert f"Schema: {SCHEMA_VERSION} " in checked.stdout


def test_a_journal_of_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    journal = tmp_path / "newer.db"
    shutil.copyfile(FIXTURES / f"schema-{SCHEMA_VERSION}.db", journal)
    conn = sqlite3.connect(journal)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = journal.read_bytes()
    for args in (["list"], ["db", "check"], ["db", "migrate"], ["add", "X", "y"]):
        result = cli("--db", str(journal), *args)
        assert result.exit_code == 78, (args, result.stderr)
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ")
        assert "newer svclog" in result.stderr
    assert journal.read_bytes() == before
