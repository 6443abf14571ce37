"""`svclog config` and the settings file: path, show, set, unset, checks, --no-config, and
the settings' effect on other commands."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import add, assert_one_error_line, cli, ok, show_json

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULTS = {
    "timely_hours": 48.0,
    "loyalty.won_back_recommend": 7,
    "loyalty.advocate_recommend": 9,
    "currency": None,
    "journal": None,
}


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "settings" / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


def shown() -> dict[str, tuple[Any, str]]:
    """`config show --format json` as {key: (value, source)}."""
    result = cli("config", "show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = result.json()
    for row in rows:
        assert list(row) == ["key", "value", "source", "help"]
        assert row["help"]
    return {row["key"]: (row["value"], row["source"]) for row in rows}


def config_set(key: str, value: str, stdout: str) -> None:
    result = cli("config", "set", key, value)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == stdout
    assert result.stderr == ""


def file_values(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- path


def test_config_path_honours_svclog_config(settings_file: Path) -> None:
    result = cli("config", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{settings_file}\n"
    assert result.stderr == ""
    assert not settings_file.exists()  # asking where it is creates nothing


def test_config_path_default_is_in_the_config_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SVCLOG_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    result = cli("config", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / 'xdg' / 'svclog' / 'config.toml'}\n"


# ----------------------------------------------------------------------------- show


def test_config_show_defaults_without_a_file(settings_file: Path) -> None:
    assert shown() == {key: (value, "default") for key, value in DEFAULTS.items()}
    assert not settings_file.exists()


def test_config_show_table(settings_file: Path) -> None:
    config_set("currency", "EUR", "currency = EUR\n")
    result = cli("config", "show")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    assert lines["timely_hours"][1:3] == ["48", "default"]
    assert lines["currency"][1:3] == ["EUR", "file"]
    assert lines["journal"][1] == "default"


def test_config_show_csv_header() -> None:
    result = cli("config", "show", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "key,value,source,help"
    assert len(result.stdout.splitlines()) == 1 + len(DEFAULTS)


# ----------------------------------------------------------------------------- set and unset


ROUND_TRIP = [
    ("timely_hours", "24", 24.0, "timely_hours = 24\n"),
    ("timely_hours", "1.5", 1.5, "timely_hours = 1.5\n"),
    ("timely_hours", "8760", 8760.0, "timely_hours = 8760\n"),
    ("loyalty.won_back_recommend", "6", 6, "loyalty.won_back_recommend = 6\n"),
    ("loyalty.won_back_recommend", "0", 0, "loyalty.won_back_recommend = 0\n"),
    ("loyalty.advocate_recommend", "10", 10, "loyalty.advocate_recommend = 10\n"),
    ("currency", "usd", "USD", "currency = USD\n"),
    ("currency", "EUR", "EUR", "currency = EUR\n"),
    ("journal", "acme", "acme", "journal = acme\n"),
    ("journal", "client-2.b_x", "client-2.b_x", "journal = client-2.b_x\n"),
]


@pytest.mark.parametrize(
    ("key", "typed", "value", "stdout"), ROUND_TRIP, ids=[f"{k}={t}" for k, t, _, _ in ROUND_TRIP]
)
def test_config_set_show_unset_round_trip(
    settings_file: Path, key: str, typed: str, value: object, stdout: str
) -> None:
    config_set(key, typed, stdout)
    expected = {k: (v, "default") for k, v in DEFAULTS.items()}
    expected[key] = (value, "file")
    assert shown() == expected

    table, _, leaf = key.rpartition(".")
    data = file_values(settings_file)
    assert (data[table] if table else data) == {leaf: value}

    result = cli("config", "unset", key)
    assert result.exit_code == 0
    default = DEFAULTS[key]
    printed = (
        "" if default is None else str(int(default) if isinstance(default, float) else default)
    )
    assert result.stdout == f"{key} = {printed} (default)\n"
    assert result.stderr == ""
    assert shown() == {k: (v, "default") for k, v in DEFAULTS.items()}
    assert file_values(settings_file) == {}


def test_config_every_key_together(settings_file: Path) -> None:
    config_set("timely_hours", "12", "timely_hours = 12\n")
    config_set("loyalty.won_back_recommend", "6", "loyalty.won_back_recommend = 6\n")
    config_set("loyalty.advocate_recommend", "8", "loyalty.advocate_recommend = 8\n")
    config_set("currency", "gbp", "currency = GBP\n")
    config_set("journal", "acme", "journal = acme\n")
    assert shown() == {
        "timely_hours": (12.0, "file"),
        "loyalty.won_back_recommend": (6, "file"),
        "loyalty.advocate_recommend": (8, "file"),
        "currency": ("GBP", "file"),
        "journal": ("acme", "file"),
    }
    assert file_values(settings_file) == {
        "timely_hours": 12.0,
        "currency": "GBP",
        "journal": "acme",
        "loyalty": {"won_back_recommend": 6, "advocate_recommend": 8},
    }
    # Setting one key again keeps the others.
    config_set("timely_hours", "36", "timely_hours = 36\n")
    assert shown()["currency"] == ("GBP", "file")
    assert shown()["loyalty.advocate_recommend"] == (8, "file")
    ok("config", "unset", "loyalty.won_back_recommend")
    assert file_values(settings_file)["loyalty"] == {"advocate_recommend": 8}


def test_config_unset_of_a_key_not_set_is_fine(settings_file: Path) -> None:
    result = cli("config", "unset", "currency")
    assert result.exit_code == 0
    assert result.stdout == "currency =  (default)\n"
    assert shown()["currency"] == (None, "default")


def test_config_set_hand_written_file_keeps_its_values(settings_file: Path) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text('currency = "CHF"\n[loyalty]\nadvocate_recommend = 10\n')
    config_set("timely_hours", "6", "timely_hours = 6\n")
    assert file_values(settings_file) == {
        "timely_hours": 6.0,
        "currency": "CHF",
        "loyalty": {"advocate_recommend": 10},
    }


# ----------------------------------------------------------------------------- refused values


REFUSED = [
    ("timely_hours", "0", ("timely_hours",)),
    ("timely_hours", "-3", ("timely_hours",)),
    ("timely_hours", "abc", ("timely_hours", "abc")),
    ("timely_hours", "nan", ("timely_hours",)),
    ("timely_hours", "inf", ("timely_hours",)),
    ("timely_hours", "8761", ("timely_hours",)),
    ("loyalty.won_back_recommend", "11", ("loyalty.won_back_recommend", "11")),
    ("loyalty.won_back_recommend", "-1", ("loyalty.won_back_recommend",)),
    ("loyalty.advocate_recommend", "9.5", ("loyalty.advocate_recommend",)),
    ("loyalty.advocate_recommend", "five", ("loyalty.advocate_recommend",)),
    ("currency", "EURO", ("currency", "EURO")),
    ("currency", "E1", ("currency",)),
    ("journal", "../x", ("journal", "../x")),
    ("journal", "a/b", ("journal",)),
    ("journal", "", ("journal",)),
    ("nope", "1", ("unknown setting", "nope", "timely_hours")),
    ("won_back_recommend", "7", ("unknown setting", "won_back_recommend")),
    # advocate below won_back
    ("loyalty.advocate_recommend", "5", ("loyalty.advocate_recommend", "won_back")),
    ("loyalty.won_back_recommend", "10", ("loyalty.advocate_recommend", "won_back")),
]


@pytest.mark.parametrize(
    ("key", "value", "fragments"), REFUSED, ids=[f"{k}={v}" for k, v, _ in REFUSED]
)
def test_config_set_refuses_bad_values(
    settings_file: Path, key: str, value: str, fragments: tuple[str, ...]
) -> None:
    config_set("currency", "EUR", "currency = EUR\n")
    before = settings_file.read_bytes()
    result = cli("config", "set", "--", key, value)  # `--`: a value may start with `-`
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, *fragments)
    assert settings_file.read_bytes() == before
    assert [p.name for p in settings_file.parent.iterdir()] == ["config.toml"]


def test_config_set_refused_creates_no_file(settings_file: Path) -> None:
    result = cli("config", "set", "timely_hours", "0")
    assert result.exit_code == 1
    assert not settings_file.exists()


def test_config_unset_refuses_an_unknown_key(settings_file: Path) -> None:
    config_set("currency", "EUR", "currency = EUR\n")
    before = settings_file.read_bytes()
    result = cli("config", "unset", "bogus")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "unknown setting", "bogus")
    assert settings_file.read_bytes() == before


def test_config_unset_that_would_break_a_rule_is_refused(settings_file: Path) -> None:
    config_set("loyalty.won_back_recommend", "3", "loyalty.won_back_recommend = 3\n")
    config_set("loyalty.advocate_recommend", "5", "loyalty.advocate_recommend = 5\n")
    before = settings_file.read_bytes()
    result = cli("config", "unset", "loyalty.won_back_recommend")  # back to 7, above 5
    assert result.exit_code == 1
    assert_one_error_line(result.stderr, "loyalty.advocate_recommend")
    assert settings_file.read_bytes() == before


# ----------------------------------------------------------------------------- the file


def test_config_file_is_private(settings_file: Path) -> None:
    config_set("currency", "EUR", "currency = EUR\n")
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    settings_file.chmod(0o644)
    config_set("currency", "USD", "currency = USD\n")
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "args",
    [("config", "show"), ("config", "set", "currency", "EUR"), ("show", "{id}"), ("due",)],
)
def test_a_broken_settings_file_names_the_file(settings_file: Path, args: tuple[str, ...]) -> None:
    encounter = add("Smokey's BBQ", "Late", "--failure", "--when", "2026-11-20T19:00")
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("timely_hours = [\n")
    result = cli(*(a.replace("{id}", str(encounter)) for a in args))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(settings_file), "TOML")
    assert settings_file.read_text() == "timely_hours = [\n"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("timely_hours = 0\n", ("timely_hours",)),
        ('timely_hours = "soon"\n', ("timely_hours",)),
        ("[loyalty]\nwon_back_recommend = 11\n", ("loyalty.won_back_recommend",)),
        ("[loyalty]\nwon_back_recommend = 9\nadvocate_recommend = 8\n", ("advocate_recommend",)),
        ('currency = "EURO"\n', ("currency",)),
        ("colour = true\n", ("colour",)),
    ],
)
def test_a_bad_value_in_the_file_names_key_and_file(
    settings_file: Path, text: str, fragments: tuple[str, ...]
) -> None:
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(text)
    result = cli("config", "show")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, str(settings_file), *fragments)


def test_no_config_ignores_the_file(settings_file: Path) -> None:
    encounter = add("Smokey's BBQ", "Late", "--failure", "--when", "2026-11-20T19:00")
    ok("respond", str(encounter), "--when", "2026-11-20T21:00")  # 2 h later
    assert show_json(encounter)["timely"] is True
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("timely_hours = 1\n")
    assert show_json(encounter)["timely"] is False
    record = cli("--no-config", "show", str(encounter), "--format", "json").json()
    assert record["timely"] is True
    result = cli("--no-config", "config", "show", "--format", "json")
    assert result.exit_code == 0
    assert {row["key"]: row["source"] for row in result.json()} == dict.fromkeys(
        DEFAULTS, "default"
    )


def test_no_config_works_with_a_broken_file(settings_file: Path) -> None:
    encounter = add("Smokey's BBQ", "Late", "--failure", "--when", "2026-11-20T19:00")
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text("this is not toml\n")
    result = cli("--no-config", "show", str(encounter), "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.json()["id"] == encounter


def test_no_config_ignores_the_default_currency(settings_file: Path) -> None:
    encounter = add("Smokey's BBQ", "Late", "--failure", "--when", "2026-11-20T19:00")
    config_set("currency", "EUR", "currency = EUR\n")
    ok("--no-config", "remedy", str(encounter), "refund", "--value", "5")
    ok("remedy", str(encounter), "refund", "--value", "6")
    remedies = show_json(encounter)["remedies"]
    assert [(m["value"], m["currency"]) for m in remedies] == [("5", None), ("6", "EUR")]


# ----------------------------------------------------------------------------- journal


def test_configured_journal_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SVCLOG_DB")
    data = tmp_path / "data"
    config_set("journal", "acme", "journal = acme\n")
    result = cli("db", "path")
    assert result.exit_code == 0
    assert result.stdout == f"{data / 'acme.db'}\n"

    encounter = add("Smokey's BBQ", "Late")
    assert (data / "acme.db").is_file()
    assert not (data / "svclog.db").exists()
    listed = cli("list", "--format", "json").json()
    assert [e["id"] for e in listed] == [encounter]

    # A journal named on the command line or in the environment still wins.
    other = cli("list", "--journal", "other", "--format", "json")
    assert other.exit_code == 66
    monkeypatch.setenv("SVCLOG_JOURNAL", "beta")
    assert cli("db", "path").stdout == f"{data / 'beta.db'}\n"
    monkeypatch.delenv("SVCLOG_JOURNAL")

    ok("config", "unset", "journal")
    assert cli("db", "path").stdout == f"{data / 'svclog.db'}\n"


def test_svclog_db_wins_over_the_configured_journal(db: Path) -> None:
    config_set("journal", "acme", "journal = acme\n")
    result = cli("db", "path")
    assert result.stdout == f"{db}\n"
