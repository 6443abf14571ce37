"""`svclog business list|show|rename|merge|alias|note|edit`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

import pytest

from tests.conftest import add, assert_one_error_line, cli, ok, snapshot

BUSINESS_KEYS = {
    "id",
    "uid",
    "name",
    "category",
    "location",
    "notes",
    "aliases",
    "encounters",
    "failures",
    "open",
    "last_seen",
    "created_at",
    "updated_at",
}


def businesses() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok("business", "list", "--format", "json"))
    return found


def by_name() -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in businesses()}


def encounter(encounter_id: int) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(ok("show", str(encounter_id), "--format", "json"))
    return record


def refused(code: int, *args: str, fragments: tuple[str, ...] = ()) -> None:
    """The command fails with `code`, one error line, and the journal is unchanged."""
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert_one_error_line(result.stderr, *fragments)
    assert snapshot() == before


@pytest.fixture
def ids() -> dict[str, int]:
    return {
        "bbq1": add(
            "Smokey's BBQ",
            "Meal late and cold",
            "--severity",
            "3",
            "--when",
            "2026-11-10T19:00:00+01:00",
            "--category",
            "restaurant",
        ),
        "bbq2": add("Smokey's BBQ", "Fine this time", "--when", "2026-11-21T19:00:00+01:00"),
        "burrito": add("Burrito Barn", "Great as ever", "--when", "2026-11-20T12:00:00+01:00"),
    }


# ----------------------------------------------------------------------------- list


def test_business_list_json(ids: dict[str, int]) -> None:
    found = businesses()
    assert [b["name"] for b in found] == ["Burrito Barn", "Smokey's BBQ"]
    for business in found:
        assert set(business) == BUSINESS_KEYS
        assert len(business["uid"]) == 26
    bbq = found[1]
    assert bbq["category"] == "restaurant"
    assert (bbq["encounters"], bbq["failures"], bbq["open"]) == (2, 1, 1)
    assert bbq["aliases"] == []
    assert bbq["notes"] is None
    assert bbq["location"] is None
    assert datetime.fromisoformat(bbq["last_seen"]) == datetime.fromisoformat(
        "2026-11-21T19:00:00+01:00"
    )
    burrito = found[0]
    assert (burrito["encounters"], burrito["failures"], burrito["open"]) == (1, 0, 0)
    assert burrito["category"] is None


def test_business_list_ndjson_csv_md_and_table(ids: dict[str, int]) -> None:
    lines = ok("business", "list", "--format", "ndjson").splitlines()
    assert [json.loads(line) for line in lines] == businesses()
    rows = list(csv.DictReader(io.StringIO(ok("business", "list", "--format", "csv"))))
    assert [row["name"] for row in rows] == ["Burrito Barn", "Smokey's BBQ"]
    assert rows[1]["encounters"] == "2"
    assert rows[0]["category"] == ""
    md = ok("business", "list", "--format", "md")
    assert md.splitlines()[0].startswith("| ID | Name |")
    assert "| Smokey's BBQ | restaurant |" in md
    table = ok("business", "list")
    assert "Burrito Barn" in table
    assert "Smokey's BBQ" in table
    assert "restaurant" in table


def test_business_list_empty() -> None:
    init = cli("init")
    assert init.exit_code == 0, init.stderr
    assert ok("business", "list", "--format", "json") == "[]\n"
    table = cli("business", "list")
    assert table.exit_code == 0
    assert table.stdout == ""
    assert table.stderr == "No businesses yet.\n"


# ----------------------------------------------------------------------------- show


@pytest.mark.parametrize("name", ["Smokey's BBQ", "smokey's bbq"])
def test_business_show_table(ids: dict[str, int], name: str) -> None:
    text = ok("business", "show", name)
    assert "Smokey's BBQ" in text
    assert "restaurant" in text
    assert "Meal late and cold" in text
    assert "Fine this time" in text
    assert "Great as ever" not in text
    assert text.index("Fine this time") < text.index("Meal late and cold")


def test_business_show_json_has_the_profile_and_its_timeline(ids: dict[str, int]) -> None:
    shown = json.loads(ok("business", "show", "Smokey's BBQ", "--format", "json"))
    assert isinstance(shown, dict)
    assert shown["name"] == "Smokey's BBQ"
    assert shown["category"] == "restaurant"
    assert shown["failures"] == 1
    assert shown["open"] == 1
    timelines = [
        value
        for value in shown.values()
        if isinstance(value, list) and value and isinstance(value[0], dict) and "uid" in value[0]
    ]
    assert len(timelines) == 1
    assert [e["id"] for e in timelines[0]] == [ids["bbq2"], ids["bbq1"]]
    assert timelines[0][0] == encounter(ids["bbq2"])


def test_business_show_json_keeps_every_field_of_the_list_record(ids: dict[str, int]) -> None:
    """A script reading `encounters` (the count) from `business list` must find the same
    field, with the same meaning, in `business show`."""
    listed = by_name()["Smokey's BBQ"]
    shown = json.loads(ok("business", "show", "Smokey's BBQ", "--format", "json"))
    assert {key: shown.get(key) for key in listed} == listed


def test_business_show_without_encounters_notes_it(ids: dict[str, int]) -> None:
    removed = cli("rm", str(ids["burrito"]))
    assert removed.exit_code == 0, removed.stderr
    result = cli("business", "show", "Burrito Barn")
    assert result.exit_code == 0, result.stderr
    assert "Burrito Barn" in result.stdout
    assert "Great as ever" not in result.stdout
    assert result.stderr == "No encounters yet.\n"
    shown = json.loads(ok("business", "show", "Burrito Barn", "--format", "json"))
    assert shown["name"] == "Burrito Barn"
    assert [] in shown.values()


def test_business_show_md(ids: dict[str, int]) -> None:
    text = ok("business", "show", "Burrito Barn", "--format", "md")
    assert text.startswith("## Burrito Barn")
    assert "Great as ever" in text


def test_business_show_unknown(ids: dict[str, int]) -> None:
    refused(1, "business", "show", "Nowhere", fragments=("no business named 'Nowhere'",))


# ----------------------------------------------------------------------------- rename


def test_business_rename(ids: dict[str, int]) -> None:
    result = cli("business", "rename", "Smokey's BBQ", "Smoky Joe's")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Renamed Smokey's BBQ → Smoky Joe's\n"
    assert result.stderr == ""
    assert set(by_name()) == {"Burrito Barn", "Smoky Joe's"}
    assert encounter(ids["bbq1"])["business"] == {"name": "Smoky Joe's", "category": "restaurant"}
    listed = json.loads(ok("list", "--business", "smoky joe's", "--format", "json"))
    assert [e["id"] for e in listed] == [ids["bbq2"], ids["bbq1"]]


def test_business_rename_only_the_case(ids: dict[str, int]) -> None:
    result = cli("business", "rename", "Smokey's BBQ", "SMOKEY'S BBQ")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Renamed Smokey's BBQ → SMOKEY'S BBQ\n"
    assert result.stderr == ""
    assert set(by_name()) == {"Burrito Barn", "SMOKEY'S BBQ"}


def test_business_rename_to_its_own_alias_drops_the_alias(ids: dict[str, int]) -> None:
    ok("business", "alias", "Smokey's BBQ", "Smokeys")
    result = cli("business", "rename", "Smokey's BBQ", "Smokeys")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    renamed = by_name()["Smokeys"]
    assert renamed["aliases"] == []


def test_business_rename_to_a_near_duplicate_warns(ids: dict[str, int]) -> None:
    """A new name that closely resembles another business's prints a warning naming it."""
    result = cli("business", "rename", "Burrito Barn", "Smokeys BBQ")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Renamed Burrito Barn → Smokeys BBQ\n"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "Smokey's BBQ" in warnings[0]
    assert set(by_name()) == {"Smokey's BBQ", "Smokeys BBQ"}


@pytest.mark.parametrize("taken", ["Burrito Barn", "burrito barn", "BB"])
def test_business_rename_to_a_name_in_use_is_refused(ids: dict[str, int], taken: str) -> None:
    ok("business", "alias", "Burrito Barn", "BB")
    refused(1, "business", "rename", "Smokey's BBQ", taken, fragments=(repr(taken), "Burrito Barn"))


def test_business_rename_unknown_or_blank(ids: dict[str, int]) -> None:
    refused(1, "business", "rename", "Nowhere", "Somewhere", fragments=("'Nowhere'",))
    refused(1, "business", "rename", "Smokey's BBQ", "   ", fragments=("empty",))


# ----------------------------------------------------------------------------- merge


def test_business_merge(ids: dict[str, int]) -> None:
    ok("business", "note", "Burrito Barn", "Kids love it.")
    ok("business", "edit", "Burrito Barn", "--location", "Main St")
    ok("business", "alias", "Burrito Barn", "BB")
    result = cli("business", "merge", "Burrito Barn", "Smokey's BBQ")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Merged Burrito Barn into Smokey's BBQ (1 encounter moved")
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""
    found = by_name()
    assert list(found) == ["Smokey's BBQ"]
    kept = found["Smokey's BBQ"]
    assert set(kept["aliases"]) == {"Burrito Barn", "BB"}
    assert kept["encounters"] == 3
    assert kept["notes"] == "Kids love it."
    assert kept["location"] == "Main St"
    assert kept["category"] == "restaurant"
    assert encounter(ids["burrito"])["business"]["name"] == "Smokey's BBQ"
    for name in ("Burrito Barn", "BB", "burrito barn"):
        listed = json.loads(ok("list", "--business", name, "--format", "json"))
        assert [e["id"] for e in listed] == [ids["bbq2"], ids["burrito"], ids["bbq1"]]


def test_business_merge_adds_an_encounter_to_the_target_by_the_old_name(
    ids: dict[str, int],
) -> None:
    ok("business", "merge", "Burrito Barn", "Smokey's BBQ")
    new_id = add("burrito barn", "Back again")
    assert encounter(new_id)["business"]["name"] == "Smokey's BBQ"
    assert list(by_name()) == ["Smokey's BBQ"]


def test_business_merge_appends_notes(ids: dict[str, int]) -> None:
    ok("business", "note", "Smokey's BBQ", "Target note.")
    ok("business", "note", "Burrito Barn", "Source note.")
    ok("business", "merge", "Burrito Barn", "Smokey's BBQ")
    assert by_name()["Smokey's BBQ"]["notes"] == "Target note.\n\nSource note."


@pytest.mark.parametrize(
    ("source", "target"),
    [("Smokey's BBQ", "Smokey's BBQ"), ("smokey's bbq", "Smokey's BBQ"), ("SBBQ", "Smokey's BBQ")],
)
def test_business_merge_into_itself_is_refused(
    ids: dict[str, int], source: str, target: str
) -> None:
    ok("business", "alias", "Smokey's BBQ", "SBBQ")
    refused(1, "business", "merge", source, target, fragments=("itself",))


def test_business_merge_unknown(ids: dict[str, int]) -> None:
    refused(1, "business", "merge", "Nowhere", "Smokey's BBQ", fragments=("'Nowhere'",))
    refused(1, "business", "merge", "Smokey's BBQ", "Nowhere", fragments=("'Nowhere'",))


# ----------------------------------------------------------------------------- alias


def test_business_alias_lookups(ids: dict[str, int]) -> None:
    result = cli("business", "alias", "Smokey's BBQ", "SBBQ")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added alias SBBQ (Smokey's BBQ)\n"
    assert result.stderr == ""
    assert by_name()["Smokey's BBQ"]["aliases"] == ["SBBQ"]
    listed = json.loads(ok("list", "--business", "sbbq", "--format", "json"))
    assert [e["id"] for e in listed] == [ids["bbq2"], ids["bbq1"]]
    shown = json.loads(ok("business", "show", "SBBQ", "--format", "json"))
    assert shown["name"] == "Smokey's BBQ"
    new_id = add("SBBQ", "Recorded by alias")
    assert encounter(new_id)["business"]["name"] == "Smokey's BBQ"
    assert len(businesses()) == 2


def test_business_alias_remove(ids: dict[str, int]) -> None:
    ok("business", "alias", "Smokey's BBQ", "SBBQ")
    result = cli("business", "alias", "Smokey's BBQ", "sbbq", "--remove")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Removed alias sbbq (Smokey's BBQ)\n"
    assert result.stderr == ""
    assert by_name()["Smokey's BBQ"]["aliases"] == []
    refused(1, "list", "--business", "SBBQ", fragments=("'SBBQ'",))


def test_business_alias_remove_missing(ids: dict[str, int]) -> None:
    refused(1, "business", "alias", "Smokey's BBQ", "Nope", "--remove", fragments=("'Nope'",))


@pytest.mark.parametrize("taken", ["Burrito Barn", "BURRITO BARN", "Smokey's BBQ", "BB"])
def test_business_alias_already_in_use_is_refused(ids: dict[str, int], taken: str) -> None:
    ok("business", "alias", "Burrito Barn", "BB")
    refused(1, "business", "alias", "Smokey's BBQ", taken, fragments=(repr(taken),))


# ----------------------------------------------------------------------------- note and edit


def test_business_note_append_replace_clear(ids: dict[str, int]) -> None:
    first = cli("business", "note", "Smokey's BBQ", "Manager was dismissive.")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == "Noted on Smokey's BBQ\n"
    assert first.stderr == ""
    ok("business", "note", "smokey's bbq", "Closed six weeks later.")
    assert by_name()["Smokey's BBQ"]["notes"] == (
        "Manager was dismissive.\n\nClosed six weeks later."
    )
    ok("business", "note", "Smokey's BBQ", "Only this.", "--replace")
    assert by_name()["Smokey's BBQ"]["notes"] == "Only this."
    cleared = cli("business", "note", "Smokey's BBQ", "--clear")
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.stdout == "Cleared the notes of Smokey's BBQ\n"
    assert cleared.stderr == ""
    assert by_name()["Smokey's BBQ"]["notes"] is None
    assert "Only this." not in ok("business", "show", "Smokey's BBQ")


def test_business_note_is_shown(ids: dict[str, int]) -> None:
    ok("business", "note", "Smokey's BBQ", "Line one\nLine two")
    text = ok("business", "show", "Smokey's BBQ")
    assert "Line one\nLine two" in text


@pytest.mark.parametrize(
    "args",
    [
        ("business", "note", "Smokey's BBQ"),
        ("business", "note", "Smokey's BBQ", "text", "--clear"),
        ("business", "note", "Smokey's BBQ", "--clear", "--replace"),
    ],
)
def test_business_note_usage_errors(ids: dict[str, int], args: tuple[str, ...]) -> None:
    refused(2, *args)


def test_business_note_unknown(ids: dict[str, int]) -> None:
    refused(1, "business", "note", "Nowhere", "text", fragments=("'Nowhere'",))


def test_business_edit(ids: dict[str, int]) -> None:
    result = cli(
        "business", "edit", "Burrito Barn", "--category", "restaurant", "--location", "Elm"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Updated Burrito Barn\n"
    assert result.stderr == ""
    burrito = by_name()["Burrito Barn"]
    assert (burrito["category"], burrito["location"]) == ("restaurant", "Elm")
    assert encounter(ids["burrito"])["business"] == {
        "name": "Burrito Barn",
        "category": "restaurant",
    }
    ok("business", "edit", "Burrito Barn", "--category", "")
    burrito = by_name()["Burrito Barn"]
    assert (burrito["category"], burrito["location"]) == (None, "Elm")


def test_business_edit_without_changes_is_a_usage_error(ids: dict[str, int]) -> None:
    refused(2, "business", "edit", "Burrito Barn", fragments=("--category",))


def test_business_edit_unknown(ids: dict[str, int]) -> None:
    refused(1, "business", "edit", "Nowhere", "--category", "x", fragments=("'Nowhere'",))


def test_business_without_subcommand_shows_readable_help() -> None:
    """`svclog business` alone shows its usage (as Click does: exit 2, on stderr), as help
    text with one command per line, not squeezed into an error line."""
    result = cli("business")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: svclog business")
    assert any(line.strip().startswith("rename") for line in lines)
    assert any(line.strip().startswith("merge") for line in lines)
    assert not result.stderr.startswith("Error: Usage:")


def test_undo_of_business_note_and_edit(ids: dict[str, int]) -> None:
    ok("business", "note", "Burrito Barn", "Kids love it.")
    before = snapshot()
    for args in (
        ("business", "note", "Burrito Barn", "--clear"),
        ("business", "edit", "Burrito Barn", "--category", "restaurant", "--location", "Elm"),
    ):
        ok(*args)
    assert snapshot() != before
    for expected in ("edit business 'Burrito Barn'", "clear business 'Burrito Barn'"):
        result = cli("undo")
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        assert result.stdout.startswith(f"Reverted: {expected}")
    assert snapshot() == before
