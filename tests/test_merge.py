"""`svclog merge OTHER.db`: another journal's records come in by uid (new ones added, newer
versions replace older ones, nothing deleted), businesses by name; merging two journals both
ways leaves both with the same content (product.md §5, README "Export, import and merge")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import assert_one_error_line, cli, copy_journal

#: Three later moments: the laptop's edits, the desktop's edits, the merges.
LAPTOP = "2026-11-23T09:00:00+01:00"
DESKTOP = "2026-11-23T18:00:00+01:00"
MERGE = "2026-11-24T08:00:00+01:00"


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- helpers


def run(db: Path, *args: str, now: str | None = None) -> str:
    """Run a command against `db` that must succeed; its stdout."""
    env = {"SVCLOG_NOW": now} if now else None
    result = cli(*args, "--db", str(db), env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def merge(mine: Path, other: Path, now: str = MERGE) -> str:
    """`svclog --db mine merge other`, which must succeed; its one stderr line."""
    result = cli("merge", str(other), "--db", str(mine), env={"SVCLOG_NOW": now})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def without_ids(value: Any) -> Any:
    """A record with every `id` (the encounter's and its timeline's) left out: ids are per
    journal; uids are what merge matches on."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def content(db: Path) -> list[dict[str, Any]]:
    """Every encounter of `db`, sorted by uid, ids removed."""
    data = json.loads(run(db, "export", "--format", "json"))
    return sorted((without_ids(r) for r in data), key=lambda r: r["uid"])


def businesses(db: Path) -> list[dict[str, Any]]:
    data = json.loads(run(db, "business", "list", "--format", "json"))
    return sorted((without_ids(b) for b in data), key=lambda b: b["name"])


def snapshot(db: Path) -> tuple[Any, Any]:
    return (
        json.loads(run(db, "export", "--format", "json")),
        json.loads(run(db, "business", "list", "--format", "json")),
    )


def new_journal(path: Path) -> Path:
    result = cli("init", "--db", str(path))
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def laptop(tmp_path: Path, stories_journal: Path) -> Path:
    """Journal A: the eight stories."""
    return copy_journal(stories_journal, tmp_path / "laptop.db")


@pytest.fixture
def desktop(tmp_path: Path, laptop: Path) -> Path:
    """Journal B: a copy of A made with merge (so it shares A's uids, businesses' too)."""
    path = new_journal(tmp_path / "desktop.db")
    assert merge(path, laptop, now="2026-11-22T16:00:00+01:00") == (
        f"Merged {laptop}: 10 added, 0 updated, 0 skipped encounters; 8 new businesses."
    )
    return path


def edit_separately(laptop: Path, desktop: Path) -> None:
    """Each journal changes on its own: new encounters (and a new business) in each, one
    encounter edited in each, business notes, an alias, a location."""
    run(laptop, "add", "Laptop Corner Café", "Espresso on the go", "--category", "cafe",
        "--when", "2026-11-22T08:00", "--quiet", now=LAPTOP)  # fmt: skip
    run(laptop, "edit", "3", "--summary", "Friday dinner, again", now=LAPTOP)
    run(laptop, "respond", "8", "--by", "manager", "--quality", "good", "--apology",
        "sincere", "--when", "2026-11-02T10:00", now=LAPTOP)  # fmt: skip
    run(laptop, "business", "note", "Casa Tejana", "Ask for the patio.", now=LAPTOP)
    run(laptop, "business", "edit", "Burrito Bonito", "--location", "Main St", now=LAPTOP)

    run(desktop, "add", "Desktop Deli", "Sandwich order lost", "--failure", "--severity", "2",
        "--when", "2026-11-21T12:30", "--note", "line one\r\nline two", "--quiet",
        now=DESKTOP)  # fmt: skip
    run(desktop, "outcome", "6", "--switched-to", "Jade Palace", now=DESKTOP)
    run(desktop, "remedy", "10", "credit", "--value", "12.50", "--currency", "EUR",
        "--when", "2026-10-03T09:00", now=DESKTOP)  # fmt: skip
    run(desktop, "business", "note", "Golden Dragon", "Now a noodle bar.", now=DESKTOP)
    run(desktop, "business", "alias", "Piazza Pizza Co.", "Piazza", now=DESKTOP)


# ----------------------------------------------------------------------------- convergence


def test_two_journals_edited_separately_converge_after_merging_both_ways(
    laptop: Path, desktop: Path
) -> None:
    edit_separately(laptop, desktop)
    assert content(laptop) != content(desktop)

    into_laptop = merge(laptop, desktop)
    # from the desktop: its new encounter; #6 and #10 edited there; the rest already here
    assert into_laptop == (
        f"Merged {desktop}: 1 added, 2 updated, 8 skipped encounters; 1 new businesses."
    )
    into_desktop = merge(desktop, laptop)
    # from the laptop: its new encounter; #3 and #8 edited there; the rest now the same
    assert into_desktop == (
        f"Merged {laptop}: 1 added, 2 updated, 9 skipped encounters; 1 new businesses."
    )

    assert content(laptop) == content(desktop)
    assert businesses(laptop) == businesses(desktop)

    merged = {r["summary"]: r for r in content(laptop)}
    assert len(merged) == 12
    assert "Friday dinner, again" in merged
    assert merged["Sandwich order lost"]["note"] == "line one\r\nline two"
    assert merged["Espresso on the go"]["business"] == {
        "name": "Laptop Corner Café",
        "category": "cafe",
    }
    dragon = merged["A friend's once-favourite: poor service, worse supervisor"]
    assert dragon["outcome"]["switched_to"] == "Jade Palace"
    pizza = merged["Pizzas not even started at pick-up time"]
    assert [(m["type"], m["value"], m["currency"]) for m in pizza["remedies"]] == [
        ("refund", "42.50", "USD"),
        ("credit", "12.50", "EUR"),
    ]
    brightway = merged["Rude email about a late payment; terms were unclear"]
    assert [r["by"] for r in brightway["responses"]] == ["frontline", "manager"]

    names = {b["name"]: b for b in businesses(desktop)}
    assert names["Casa Tejana"]["notes"] == "Ask for the patio."
    assert names["Golden Dragon"]["notes"] == "Now a noodle bar."
    assert names["Burrito Bonito"]["location"] == "Main St"
    assert names["Piazza Pizza Co."]["aliases"] == ["Piazza"]
    assert names["Desktop Deli"]["encounters"] == 1
    assert names["Laptop Corner Café"]["category"] == "cafe"


def test_merging_again_changes_nothing(laptop: Path, desktop: Path) -> None:
    edit_separately(laptop, desktop)
    merge(laptop, desktop)
    merge(desktop, laptop)
    before = (snapshot(laptop), snapshot(desktop))
    assert merge(laptop, desktop, now="2026-11-25T08:00:00+01:00") == (
        f"Merged {desktop}: 0 added, 0 updated, 12 skipped encounters; 0 new businesses."
    )
    assert merge(desktop, laptop, now="2026-11-25T08:00:00+01:00") == (
        f"Merged {laptop}: 0 added, 0 updated, 12 skipped encounters; 0 new businesses."
    )
    assert (snapshot(laptop), snapshot(desktop)) == before


def test_merge_copies_a_journal_exactly_ids_included(laptop: Path, desktop: Path) -> None:
    """Into an empty journal, a merge keeps every id and uid: the export is byte-identical."""
    assert run(desktop, "export", "--format", "json") == run(laptop, "export", "--format", "json")
    assert json.loads(run(desktop, "business", "list", "--format", "json")) == json.loads(
        run(laptop, "business", "list", "--format", "json")
    )


def test_merge_never_deletes(laptop: Path, desktop: Path) -> None:
    run(laptop, "rm", "1", now=LAPTOP)
    assert merge(laptop, desktop).startswith(f"Merged {desktop}: 1 added, 0 updated, 9 skipped")
    assert len(content(laptop)) == 10
    assert merge(desktop, laptop).startswith(f"Merged {laptop}: 0 added, 0 updated, 10 skipped")
    assert len(content(desktop)) == 10


def test_the_newer_side_wins_when_both_edited_the_same_encounter(
    laptop: Path, desktop: Path
) -> None:
    run(laptop, "edit", "5", "--summary", "laptop's words", now=LAPTOP)
    run(desktop, "edit", "5", "--summary", "desktop's later words", now=DESKTOP)
    assert merge(laptop, desktop).startswith(f"Merged {desktop}: 0 added, 1 updated, 9 skipped")
    assert merge(desktop, laptop).startswith(f"Merged {laptop}: 0 added, 0 updated, 10 skipped")
    for db in (laptop, desktop):
        summaries = {r["summary"] for r in content(db)}
        assert "desktop's later words" in summaries
        assert "laptop's words" not in summaries
    assert content(laptop) == content(desktop)


def test_a_business_both_journals_created_is_matched_by_name(tmp_path: Path) -> None:
    one = tmp_path / "one.db"
    two = tmp_path / "two.db"
    run(one, "add", "Nouveau Bistro", "first visit", "--category", "restaurant", "--when",
        "2026-11-01T19:00", "--quiet", now=LAPTOP)  # fmt: skip
    run(two, "add", "Nouveau Bistro", "second visit", "--category", "restaurant", "--when",
        "2026-11-08T19:00", "--quiet", now=DESKTOP)  # fmt: skip
    run(two, "business", "note", "Nouveau Bistro", "Opened in November.", now=DESKTOP)
    merge(one, two)
    merge(two, one)
    assert content(one) == content(two)
    assert len(content(one)) == 2
    for db in (one, two):
        [bistro] = businesses(db)
        assert bistro["name"] == "Nouveau Bistro"
        assert bistro["category"] == "restaurant"
        assert bistro["notes"] == "Opened in November."
        assert bistro["encounters"] == 2
    # each journal keeps its own business record (its uid); what it holds is the same
    strip = ("uid", "created_at")
    assert [{k: v for k, v in b.items() if k not in strip} for b in businesses(one)] == [
        {k: v for k, v in b.items() if k not in strip} for b in businesses(two)
    ]


def test_a_business_first_seen_later_elsewhere_does_not_erase_what_is_known(
    tmp_path: Path,
) -> None:
    """The desktop met "Nouveau Bistro" later, through a bare `add` with no category; merging
    must not wipe the category the laptop recorded (merge deletes nothing)."""
    one = tmp_path / "one.db"
    two = tmp_path / "two.db"
    run(one, "add", "Nouveau Bistro", "first visit", "--category", "restaurant", "--when",
        "2026-11-01T19:00", "--quiet", now=LAPTOP)  # fmt: skip
    run(two, "add", "Nouveau Bistro", "second visit", "--when", "2026-11-08T19:00", "--quiet",
        now=DESKTOP)  # fmt: skip
    merge(one, two)
    merge(two, one)
    assert content(one) == content(two)
    for db in (one, two):
        [bistro] = businesses(db)
        assert bistro["category"] == "restaurant", db.name


def test_the_same_moment_on_both_sides_still_converges(tmp_path: Path) -> None:
    """Both journals give the business a different category at the same moment (a fixed
    clock): merging both ways must still agree on one."""
    one = tmp_path / "one.db"
    two = tmp_path / "two.db"
    run(one, "add", "Twin Diner", "a", "--category", "diner", "--when", "2026-11-01T19:00",
        "--quiet", now=LAPTOP)  # fmt: skip
    run(two, "add", "Twin Diner", "b", "--category", "restaurant", "--when", "2026-11-02T19:00",
        "--quiet", now=LAPTOP)  # fmt: skip
    merge(one, two)
    merge(two, one)
    assert content(one) == content(two)
    categories = {businesses(db)[0]["category"] for db in (one, two)}
    assert categories == {"restaurant"}


# ----------------------------------------------------------------------------- refusals, undo


def test_merging_a_journal_into_itself_is_a_usage_error(laptop: Path, tmp_path: Path) -> None:
    before = snapshot(laptop)
    alias = tmp_path / "same.db"
    alias.symlink_to(laptop)
    for other in (str(laptop), str(tmp_path / "." / "laptop.db"), str(alias)):
        result = cli("merge", other, "--db", str(laptop))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert_one_error_line(result.stderr, "itself")
    assert snapshot(laptop) == before


def test_a_missing_other_journal_is_exit_66_and_not_created(laptop: Path, tmp_path: Path) -> None:
    before = snapshot(laptop)
    missing = tmp_path / "typo.db"
    result = cli("merge", str(missing), "--db", str(laptop))
    assert result.exit_code == 66
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "typo.db")
    assert not missing.exists()
    assert snapshot(laptop) == before


def test_a_missing_own_journal_is_exit_66_and_not_created(laptop: Path, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = cli("merge", str(laptop), "--db", str(missing))
    assert result.exit_code == 66
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "typo.db")
    assert not missing.exists()


def test_another_kind_of_file_is_refused_and_left_alone(laptop: Path, tmp_path: Path) -> None:
    before = snapshot(laptop)
    notes = tmp_path / "notes.db"
    notes.write_text("not a journal at all\n", encoding="utf-8")
    result = cli("merge", str(notes), "--db", str(laptop))
    assert result.exit_code == 65
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "notes.db")
    assert notes.read_text(encoding="utf-8") == "not a journal at all\n"
    assert snapshot(laptop) == before


def test_undo_takes_a_merge_back_whole(laptop: Path, desktop: Path) -> None:
    edit_separately(laptop, desktop)
    before = snapshot(laptop)
    merge(laptop, desktop)
    assert snapshot(laptop) != before
    undone = cli("undo", "--db", str(laptop), env={"SVCLOG_NOW": MERGE})
    assert undone.exit_code == 0, undone.stderr
    assert undone.stderr == ""
    assert undone.stdout.startswith(f"Reverted: merge {desktop} (1 added, 2 updated, 8 skipped)")
    assert snapshot(laptop) == before


def test_merge_leaves_the_other_journal_untouched(laptop: Path, desktop: Path) -> None:
    edit_separately(laptop, desktop)
    other_before = snapshot(desktop)
    merge(laptop, desktop)
    assert snapshot(desktop) == other_before
