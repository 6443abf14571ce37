"""What `list`, `search`, `show` and `add` read on their quick paths agrees with the whole
records and the exhaustive comparisons they replace: encounter lines against encounters,
near-duplicate warnings from indexed candidates against difflib over every known name, local
times against `datetime.strftime`."""

from __future__ import annotations

import difflib
import random
import string
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svclog.core import text
from svclog.core.clock import FixedClock
from svclog.core.models import EncounterDraft, EncounterFilter
from svclog.core.vocabulary import EncounterStatus
from svclog.core.when import local, shown
from svclog.storage import businesses, encounters
from svclog.storage.encounters import _from_utc_text
from svclog.storage.journal import Journal, command
from svclog.storage.timestamps import from_utc_text, utc_text
from tests.conftest import add, cli

NOW = datetime.fromisoformat("2026-11-22T15:30:00+01:00")

FIRST = ["Smokey's", "Burrito", "Lighthouse", "Orchard", "Élan", "Zoë's", "Metro", "Union", "Oak"]
SECOND = ["Street", "Valley", "Family", "Central", "& Sons", "Co.", "City", "Corner"]
THIRD = ["BBQ", "Barn", "Hardware", "Grill", "Bistro", "Telecom", "Eye Care", "Physio", "Motors"]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "j.db", FixedClock(NOW), create=True)
    yield opened
    opened.close()


@pytest.fixture
def many(journal: Journal) -> list[str]:
    """A journal of 648 businesses with look-alike names, one encounter each."""
    names = [f"{a} {b} {c}" for a in FIRST for b in SECOND for c in THIRD]
    with command(journal, "add") as log:
        for number, name in enumerate(names):
            draft = EncounterDraft(
                business=name,
                occurred_at=NOW - timedelta(minutes=number),
                summary=f"visit {number} cold" if number % 3 else f"visit {number}",
                failure=number % 2 == 0,
                severity=3 if number % 4 == 0 else None,
                issue="wait time" if number % 4 == 0 else None,
                tags=("lunch",) if number % 5 == 0 else (),
            )
            encounters.add(log, draft, NOW)
    return names


def _every_name(journal: Journal, name: str) -> list[str]:
    """The near-duplicate warning as it was: difflib over every name and alias."""
    key = text.name_key(name)
    known = dict(journal.conn.execute("SELECT name_key, name FROM business").fetchall())
    known.update(
        journal.conn.execute(
            "SELECT alias_key, business.name FROM business_alias"
            " JOIN business ON business.id = business_alias.business_id"
        ).fetchall()
    )
    known.pop(key, None)
    return [known[m] for m in difflib.get_close_matches(key, list(known), n=3, cutoff=0.85)]


def _slip(name: str, rng: random.Random) -> str:
    letters = list(name)
    at = rng.randrange(len(letters))
    kind = rng.choice("changed missing extra swapped")
    if kind == "changed":
        letters[at] = rng.choice(string.ascii_lowercase)
    elif kind == "missing":
        del letters[at]
    elif kind == "extra":
        letters.insert(at, rng.choice(string.ascii_lowercase))
    elif at + 1 < len(letters):
        letters[at], letters[at + 1] = letters[at + 1], letters[at]
    return "".join(letters)


def test_a_slip_anywhere_in_a_known_name_warns_about_it(journal: Journal, many: list[str]) -> None:
    """One slip (a letter changed, missing, extra, or two swapped), wherever it falls, and
    the known name it was made in is among the warnings, as when the new name was compared
    with every name."""
    rng = random.Random(20261122)
    tried = 0
    for _ in range(300):
        known = rng.choice(many)
        typed = _slip(known, rng)
        if text.name_key(typed) == text.name_key(known):
            continue
        exhaustive = _every_name(journal, typed)
        if known not in exhaustive:  # difflib itself does not find it close (short names)
            continue
        tried += 1
        assert known in businesses.similar_names(journal.conn, typed), (typed, known)
    assert tried > 200


@pytest.mark.parametrize(
    "typed",
    [
        "Amokey's Street BBQ",  # the first letter changed
        "mokey's Street BBQ",  # the first letter missing
        "SSmokey's Street BBQ",  # a letter more at the start
        "mSokey's Street BBQ",  # the first two swapped
        "Smokey's Street BBW",  # the last letter changed
        "Smokey's Stret BBQ",  # a letter missing in the middle
    ],
)
def test_slips_at_the_start_and_at_the_end_warn(
    journal: Journal, many: list[str], typed: str
) -> None:
    assert "Smokey's Street BBQ" in businesses.similar_names(journal.conn, typed)


def test_an_unrelated_name_among_many_gets_no_warning(journal: Journal, many: list[str]) -> None:
    assert businesses.similar_names(journal.conn, "Quantum Flux Laundromat") == []
    assert _every_name(journal, "Quantum Flux Laundromat") == []


def test_a_slip_in_an_alias_warns_about_its_business(journal: Journal, many: list[str]) -> None:
    business = businesses.find(journal.conn, "Oak Corner Motors")
    assert business is not None
    with command(journal, "alias") as log:
        businesses.add_alias(log, business, "Grandpa Joe's Garage", NOW)
    assert businesses.similar_names(journal.conn, "Grandpa Joes Garage") == ["Oak Corner Motors"]
    assert businesses.similar_names(journal.conn, "Grandpa Joe's Garrage") == ["Oak Corner Motors"]


def test_a_name_without_letters_is_compared_by_its_key(journal: Journal) -> None:
    with command(journal, "add") as log:
        businesses.ensure(log, "!!!???", None, NOW)
    assert businesses.similar_names(journal.conn, "!!!??") == ["!!!???"]


# ----------------------------------------------------------------------------- lines


@pytest.mark.parametrize(
    "filters",
    [
        EncounterFilter(),
        EncounterFilter(limit=7),
        EncounterFilter(oldest_first=True, limit=30),
        EncounterFilter(failures_only=True),
        EncounterFilter(status=EncounterStatus.RESOLVED),
        EncounterFilter(tag="LUNCH"),
        EncounterFilter(since=NOW - timedelta(minutes=90), until=NOW - timedelta(minutes=30)),
    ],
)
def test_lines_are_the_encounters_select_reads(
    journal: Journal, many: list[str], filters: EncounterFilter
) -> None:
    whole = list(encounters.select(journal.conn, filters))
    lines = list(encounters.lines(journal.conn, filters))
    assert [line.id for line in lines] == [encounter.id for encounter in whole]
    for line, encounter in zip(lines, whole, strict=True):
        for field in ("business", "channel", "summary", "failure", "severity", "issue", "status"):
            assert getattr(line, field) == getattr(encounter, field), field
        assert line.occurred_at == encounter.occurred_at  # the same moment


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("cold", EncounterFilter()),
        ("cold", EncounterFilter(failures_only=True, limit=5)),
        ("visit", EncounterFilter(tag="lunch")),
        ("barn cold", EncounterFilter()),
        ("100%", EncounterFilter()),
        ("   ", EncounterFilter()),
    ],
)
def test_search_lines_are_the_encounters_search_finds(
    journal: Journal, many: list[str], query: str, filters: EncounterFilter
) -> None:
    whole = list(encounters.search(journal.conn, query, filters))
    lines = list(encounters.search_lines(journal.conn, query, filters))
    assert [line.id for line in lines] == [encounter.id for encounter in whole]
    assert [line.summary for line in lines] == [encounter.summary for encounter in whole]


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(8999, 12, 30),
        timezones=st.sampled_from(
            [timezone.utc, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=45))]
        ),
    )
)
def test_moments_are_shown_and_read_as_before(moment: datetime) -> None:
    assert shown(moment) == local(moment).strftime("%Y-%m-%d %H:%M")
    stored = utc_text(moment)
    assert _from_utc_text(stored) == from_utc_text(stored)


def test_moments_around_a_change_of_summer_time_are_shown_in_local_time() -> None:
    """The tests run in Europe/Paris: 2026-03-29 02:00 local does not exist."""
    start = datetime(2026, 3, 29, 0, 0, tzinfo=timezone.utc)
    for minutes in range(0, 240, 7):
        moment = start + timedelta(minutes=minutes)
        assert shown(moment) == local(moment).strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------- the CLI


def test_search_in_a_pipe_lists_every_match_best_first() -> None:
    for number in range(40):
        add("Burrito Barn", f"cold dinner {number}", "--when", f"2026-11-{1 + number % 20:02d}")
    add("Burrito Barn", "cold cold cold", "--when", "2026-10-01")
    result = cli("search", "cold")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = [line for line in result.stdout.splitlines() if "Burrito Barn" in line]
    assert len(rows) == 41
    assert "cold cold cold" in rows[0]  # best match first, whatever its date


def test_list_and_search_tables_need_no_settings(tmp_path: Path) -> None:
    """A table shows nothing the settings change: a broken settings file does not stop it
    (the json of the same listing reads the settings, for `timely`)."""
    add("Burrito Barn", "cold dinner")
    broken = tmp_path / "config.toml"
    broken.write_text("timely_hours = [\n")
    env = {"SVCLOG_CONFIG": str(broken)}
    for args in (("list",), ("search", "cold")):
        table = cli(*args, env=env)
        assert table.exit_code == 0, table.stderr
        assert "cold dinner" in table.stdout
        assert cli(*args, "--format", "json", env=env).exit_code == 1


def test_utc_text_reads_back_in_utc() -> None:
    moment = _from_utc_text("2026-11-22T14:30:00Z")
    assert moment == datetime(2026, 11, 22, 14, 30, tzinfo=timezone.utc)
    assert moment.utcoffset() == timedelta(0)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
def test_epoch_seconds_are_the_same_with_and_without_unixepoch(moment: datetime) -> None:
    import sqlite3

    from svclog.storage.timestamps import epoch_seconds

    stored = utc_text(moment.replace(tzinfo=timezone.utc))
    conn = sqlite3.connect(":memory:")
    fast = epoch_seconds("?1")
    with pytest.MonkeyPatch.context() as patched:  # an SQLite before 3.38
        patched.setattr(sqlite3, "sqlite_version_info", (3, 37, 2))
        slow = epoch_seconds("?1")
    assert slow.startswith("CAST(strftime(")
    if sqlite3.sqlite_version_info >= (3, 38, 0):
        assert fast == "unixepoch(?1)"
    both = conn.execute(f"SELECT {fast}, {slow}", (stored,)).fetchone()
    # SQLite reads neither form of a year before 1000 (its text is not padded): both give null.
    whole = moment.replace(tzinfo=timezone.utc, microsecond=0)
    expected = int(whole.timestamp()) if moment.year >= 1000 else None
    assert both == (expected, expected)
