"""Choosing the journal (`--db`, `--journal`, environment), `init`, `db path`, `--version`,
`--help`, and every documented exit code with the journal left untouched."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import svclog
from svclog.storage.identity import APPLICATION_ID, SCHEMA_VERSION
from tests.conftest import add, assert_one_error_line, cli, run_svclog


def ids_in(*args: str) -> list[int]:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return [record["id"] for record in result.json()]


# ----------------------------------------------------------------------------- --db


def test_db_at_the_root_and_on_the_command(tmp_path: Path, db: Path) -> None:
    other = tmp_path / "other.db"
    root = cli("--db", str(other), "add", "Burrito Barn", "Lunch", "--quiet")
    assert (root.exit_code, root.stdout, root.stderr) == (0, "1\n", "")
    on_command = cli("add", "Smokey's BBQ", "Dinner", "--quiet", "--db", str(other))
    assert (on_command.exit_code, on_command.stdout, on_command.stderr) == (0, "2\n", "")
    assert other.exists()
    assert not db.exists()
    assert ids_in("--db", str(other), "list") == [2, 1]
    assert ids_in("list", "--db", str(other)) == [2, 1]


def test_db_on_the_command_wins_over_the_root(tmp_path: Path) -> None:
    first = tmp_path / "first.db"
    second = tmp_path / "second.db"
    assert cli("--db", str(first), "add", "A", "one", "-q").exit_code == 0
    assert cli("--db", str(second), "add", "B", "two", "-q").exit_code == 0
    assert cli("--db", str(second), "add", "B", "three", "-q").exit_code == 0
    assert ids_in("--db", str(first), "list", "--db", str(second)) == [2, 1]


def test_svclog_db_environment_is_the_default(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    assert db.exists()
    assert ids_in("list") == [1]


@pytest.mark.parametrize(
    "args",
    [
        ("--db", "x.db", "--journal", "acme", "list"),
        ("list", "--db", "x.db", "--journal", "acme"),
        ("add", "Burrito Barn", "Lunch", "--db", "x.db", "-j", "acme"),
    ],
)
def test_db_and_journal_together_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--db", "--journal")
    assert not (tmp_path / "x.db").exists()
    assert not (tmp_path / "data").exists()


def test_empty_db_path_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("--db", "", "add", "Burrito Barn", "Lunch")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--db")
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- --journal


def test_journal_name_is_a_file_in_the_data_directory(tmp_path: Path, db: Path) -> None:
    result = cli("--journal", "acme", "add", "Burrito Barn", "Lunch", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "1\n", "")
    assert (tmp_path / "data" / "acme.db").is_file()
    assert not db.exists()
    assert ids_in("--journal", "acme", "list") == [1]
    assert ids_in("list", "-j", "acme") == [1]
    assert ids_in("list", "--journal", "acme.db") == [1]


def test_journals_are_separate(db: Path) -> None:
    assert cli("-j", "acme", "add", "Burrito Barn", "Lunch", "-q").exit_code == 0
    assert cli("-j", "beta", "add", "Smokey's BBQ", "Dinner", "-q").exit_code == 0
    assert cli("-j", "beta", "add", "Smokey's BBQ", "Again", "-q").exit_code == 0
    assert ids_in("-j", "acme", "list") == [1]
    assert ids_in("-j", "beta", "list") == [2, 1]
    result = cli("-j", "acme", "list", "--business", "Smokey's BBQ")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "Smokey's BBQ")


def test_svclog_journal_environment(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SVCLOG_DB")
    monkeypatch.setenv("SVCLOG_JOURNAL", "acme")
    result = cli("db", "path")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'data' / 'acme.db'}\n"
    assert result.stderr == ""
    add("Burrito Barn", "Lunch")
    assert (tmp_path / "data" / "acme.db").is_file()
    assert not db.exists()


def test_default_journal_is_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SVCLOG_DB")
    result = cli("db", "path")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'data' / 'svclog.db'}\n"
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["../evil", "a/b", "/etc/passwd", ".hidden", ""])
def test_journal_name_that_is_a_path_is_refused(tmp_path: Path, name: str) -> None:
    result = cli("--journal", name, "add", "Burrito Barn", "Lunch")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "journal name")
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "evil.db").exists()


# ----------------------------------------------------------------------------- db path, init


def test_db_path_prints_the_path_without_creating_it(tmp_path: Path, db: Path) -> None:
    result = cli("db", "path")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{db}\n", "")
    other = tmp_path / "x" / "other.db"
    result = cli("db", "path", "--db", str(other))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{other}\n", "")
    result = cli("--journal", "acme", "db", "path")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"{tmp_path / 'data' / 'acme.db'}\n",
        "",
    )
    assert not db.exists()
    assert not other.parent.exists()
    assert not (tmp_path / "data").exists()


def test_init_creates_the_journal(db: Path) -> None:
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{db}\n"
    assert result.stderr == "Created a new journal.\n"
    assert db.is_file()
    assert (db.stat().st_mode & 0o777) == 0o600
    again = cli("init")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == f"{db}\n"
    assert again.stderr == "The journal already existed.\n"


def test_init_keeps_an_existing_journal(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{db}\n"
    assert result.stderr == "The journal already existed.\n"
    assert ids_in("list") == [1]


def test_init_creates_missing_directories(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "j.db"
    result = cli("init", "--db", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{target}\n"
    assert result.stderr == "Created a new journal.\n"
    assert target.is_file()
    assert ids_in("list", "--db", str(target)) == []


# ----------------------------------------------------------------------------- exit 66


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "1"),
        ("search", "burrito"),
        ("edit", "1", "--summary", "x"),
        ("rm", "1"),
        ("undo",),
        ("business", "list"),
        ("business", "show", "Burrito Barn"),
        ("business", "rename", "A", "B"),
        ("business", "merge", "A", "B"),
        ("business", "alias", "A", "B"),
        ("business", "note", "A", "text"),
        ("business", "edit", "A", "--category", "x"),
    ],
)
def test_missing_journal_is_exit_66_and_nothing_is_created(
    tmp_path: Path, db: Path, args: tuple[str, ...]
) -> None:
    typo = tmp_path / "typo" / "jorunal.db"
    for command in ([*args, "--db", str(typo)], ["--db", str(typo), *args], list(args)):
        result = cli(*command)
        assert result.exit_code == 66, command
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "no journal at")
    assert not typo.exists()
    assert not typo.parent.exists()
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_missing_journal_in_a_real_process(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    done = run_svclog(["--db", str(typo), "list", "--format", "json"])
    assert done.returncode == 66
    assert done.stdout == ""
    assert_one_error_line(done.stderr, str(typo))
    assert not typo.exists()


# ----------------------------------------------------------------------------- exit 65


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"shopping list\nmilk\neggs\n" * 50)
    return path


def _foreign_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipe (name) VALUES ('soup')")
    conn.commit()
    conn.close()
    return path


def _other_application(tmp_path: Path) -> Path:
    path = tmp_path / "app.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("CREATE TABLE business (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("make", [_text_file, _foreign_sqlite, _other_application])
@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("add", "Burrito Barn", "Lunch"),
        ("init",),
        ("undo",),
        ("search", "soup"),
        ("business", "list"),
        ("rm", "1"),
    ],
)
def test_not_a_journal_is_exit_65_and_left_untouched(
    tmp_path: Path, make: Callable[[Path], Path], args: tuple[str, ...]
) -> None:
    path = make(tmp_path)
    content = path.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())
    result = cli("--db", str(path), *args)
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(path))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def test_directory_as_journal_is_exit_65(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in (("list",), ("add", "Burrito Barn", "Lunch")):
        result = cli("--db", str(folder), *args)
        assert result.exit_code == 65
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "directory")
    assert list(folder.iterdir()) == []


def test_empty_file_is_not_a_journal_for_reading(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = cli("--db", str(empty), "list")
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(empty))
    assert empty.read_bytes() == b""


# ----------------------------------------------------------------------------- exit 78


def _too_new(db: Path) -> bytes:
    add("Burrito Barn", "Lunch")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    return db.read_bytes()


@pytest.mark.parametrize(
    "args",
    [("list",), ("add", "Burrito Barn", "Dinner"), ("init",), ("undo",), ("rm", "1")],
)
def test_journal_from_a_newer_svclog_is_exit_78_and_untouched(
    db: Path, args: tuple[str, ...]
) -> None:
    content = _too_new(db)
    result = cli(*args)
    assert result.exit_code == 78
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "newer svclog")
    assert db.read_bytes() == content
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


# ----------------------------------------------------------------------------- exit 75


def test_writer_that_cannot_get_the_lock_is_exit_75_and_changes_nothing(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    listed = cli("list", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stderr == ""
    before = listed.json()
    holder = sqlite3.connect(db, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for args in (
            ("add", "Smokey's BBQ", "Dinner"),
            ("edit", "1", "--summary", "changed"),
            ("rm", "1"),
            ("undo",),
            ("business", "rename", "Burrito Barn", "Casa"),
        ):
            result = cli(*args, env={"SVCLOG_BUSY_TIMEOUT": "0"})
            assert result.exit_code == 75, args
            assert result.stdout == ""
            assert_one_error_line(result.stderr, "busy")
        reading = cli("list", "--format", "json", env={"SVCLOG_BUSY_TIMEOUT": "0"})
        assert reading.exit_code == 0, reading.stderr
        assert reading.stderr == ""
        assert reading.json() == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = cli("list", "--format", "json")
    assert after.exit_code == 0, after.stderr
    assert after.stderr == ""
    assert after.json() == before
    undo = cli("undo")
    assert undo.exit_code == 0, undo.stderr
    assert undo.stderr == ""
    assert undo.stdout.startswith("Reverted: add encounter #1")


# ----------------------------------------------------------------------------- exit 1 and 2


def test_domain_error_is_exit_1_with_one_error_line(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    result = cli("show", "42")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: no encounter with id 42\n"


@pytest.mark.parametrize(
    "args",
    [
        ("nonsense",),
        ("list", "--status", "bogus"),
        ("list", "--sort", "nope"),
        ("list", "--format", "yaml"),
        ("list", "--nope"),
        ("--nope", "list"),
        ("show",),
        ("show", "one"),
        ("rm", "x"),
        ("add", "--severity"),
    ],
)
def test_usage_errors_are_exit_2_with_one_error_line(db: Path, args: tuple[str, ...]) -> None:
    add("Burrito Barn", "Lunch")
    content = db.read_bytes()
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr)
    assert db.read_bytes() == content


def test_usage_error_in_a_real_process(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    done = run_svclog(["list", "--sort", "occurred_at; DROP TABLE encounter"])
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_error_line(done.stderr, "--sort")
    assert ids_in("list") == [1]


# ----------------------------------------------------------------------------- --version, --help


def test_version() -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"svclog {svclog.__version__}\n"
    assert result.stderr == ""


def test_version_creates_no_journal(db: Path) -> None:
    result = cli("--version", "list")
    assert result.exit_code == 0
    assert result.stdout == f"svclog {svclog.__version__}\n"
    assert result.stderr == ""
    assert not db.exists()


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("add",),
        ("list",),
        ("show",),
        ("edit",),
        ("rm",),
        ("search",),
        ("undo",),
        ("init",),
        ("business",),
        ("business", "list"),
        ("business", "show"),
        ("business", "rename"),
        ("business", "merge"),
        ("business", "alias"),
        ("business", "note"),
        ("business", "edit"),
        ("db",),
        ("db", "path"),
    ],
)
def test_help_for_every_command(db: Path, command: tuple[str, ...]) -> None:
    flag = "-h" if len(command) % 2 else "--help"
    result = cli(*command, flag)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Usage: {' '.join(('svclog', *command))} ")
    assert "--help" in result.stdout
    assert not db.exists()


def test_root_help_lists_every_command() -> None:
    result = cli("--help")
    assert result.exit_code == 0
    assert result.stderr == ""
    for command in ("add", "list", "show", "edit", "rm", "search", "undo", "business", "init"):
        assert any(line.strip().startswith(command + " ") for line in result.stdout.splitlines())


@pytest.mark.parametrize("command", [(), ("db",)])
def test_bare_group_shows_readable_usage(db: Path, command: tuple[str, ...]) -> None:
    """`svclog` or `svclog db` alone shows its usage (as Click does: exit 2, on stderr) as help
    text over several lines, not squeezed into one `Error:` line."""
    result = cli(*command)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Usage: {' '.join(('svclog', *command))} ")
    assert any(line.strip().startswith("Commands:") for line in lines)
    assert not result.stderr.startswith("Error: Usage:")
    assert not db.exists()


def test_no_color_option_is_accepted(db: Path) -> None:
    add("Burrito Barn", "Lunch")
    result = cli("--no-color", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "Lunch" in result.stdout
    assert "\x1b[" not in result.stdout


def test_list_json_output_from_a_real_process_is_valid(db: Path) -> None:
    add("Burrito Barn", "Lunch", "--tag", "kids")
    done = run_svclog(["list", "--format", "json"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert [record["tags"] for record in json.loads(done.stdout)] == [["kids"]]
