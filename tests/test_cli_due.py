"""`svclog due`: follow-up reminders due or overdue, and open failures past the timely window.

The clock is fixed at 2026-11-22 15:30 (+01:00); every `overdue_hours` below is worked out by
hand from it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import add, cli, ok

HEADER = "kind,encounter_id,followup_id,business,summary,note,due_at,overdue_hours"
FIELDS = HEADER.split(",")


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


def due(*args: str) -> Any:
    result = cli("due", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.json()


@pytest.fixture
def journal() -> dict[str, int]:
    """One of each case `due` must tell apart; the ids by name."""
    ids: dict[str, int] = {}
    ids["ace"] = add("Ace Hardware", "Asked for a callback", "--when", "2026-11-10T12:00")
    a = str(ids["ace"])
    ok("followup", a, "--due", "2026-11-21T09:00")  # f1: yesterday
    ok("followup", a, "--due", "2026-11-19T15:30", "--note", "call back about the refund")  # f2
    ok("followup", a, "--due", "2026-11-20T09:00", "--done")  # f3: done
    ok("followup", a, "--due", "2026-11-24T12:00", "--note", "check the refund")  # f4: future
    ok("followup", a, "--by", "me", "--note", "no reminder")  # f5: no due date
    # An open failure, no response, 3.5 days ago: its window ended 2026-11-21 12:00.
    ids["bistro"] = add("Bistro Nord", "Cold soup", "--failure", "--when", "2026-11-19T12:00")
    # Answered: nothing is waiting.
    ids["cafe"] = add("Cafe Sud", "Wrong order", "--failure", "--when", "2026-11-18T12:00")
    ok("respond", str(ids["cafe"]), "--when", "2026-11-22T09:00")
    # Closed without a response: nothing is waiting.
    ids["deli"] = add("Deli Est", "Stale bread", "--failure", "--when", "2026-11-17T12:00")
    ok("resolve", str(ids["deli"]))
    ids["diner"] = add("Diner Ouest", "Lost booking", "--failure", "--when", "2026-11-16T12:00")
    ok("abandon", str(ids["diner"]))
    # Recent: its window ends tomorrow, 2026-11-23 12:00.
    ids["espresso"] = add("Espresso Bar", "Burnt coffee", "--failure", "--when", "2026-11-21T12:00")
    # Measured from the complaint: window ends 2026-11-21 20:00 (from the visit: 11-17 12:00).
    ids["fromage"] = add(
        "Fromagerie",
        "Mouldy cheese",
        "--failure",
        "--when",
        "2026-11-15T12:00",
        "--complained-at",
        "2026-11-19T20:00",
    )
    # Fine, no complaint: nothing to answer.
    ids["gelato"] = add("Gelato Uno", "Lovely", "--when", "2026-11-01T12:00")
    return ids


def expected_overdue(ids: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "kind": "followup",
            "encounter_id": ids["ace"],
            "followup_id": 2,
            "business": "Ace Hardware",
            "summary": "Asked for a callback",
            "note": "call back about the refund",
            "due_at": "2026-11-19T15:30:00+01:00",
            "overdue_hours": 72.0,
        },
        {
            "kind": "followup",
            "encounter_id": ids["ace"],
            "followup_id": 1,
            "business": "Ace Hardware",
            "summary": "Asked for a callback",
            "note": None,
            "due_at": "2026-11-21T09:00:00+01:00",
            "overdue_hours": 30.5,
        },
        {
            "kind": "response",
            "encounter_id": ids["bistro"],
            "followup_id": None,
            "business": "Bistro Nord",
            "summary": "Cold soup",
            "note": None,
            "due_at": "2026-11-21T12:00:00+01:00",
            "overdue_hours": 27.5,
        },
        {
            "kind": "response",
            "encounter_id": ids["fromage"],
            "followup_id": None,
            "business": "Fromagerie",
            "summary": "Mouldy cheese",
            "note": None,
            "due_at": "2026-11-21T20:00:00+01:00",
            "overdue_hours": 19.5,
        },
    ]


ESPRESSO = {
    "kind": "response",
    "followup_id": None,
    "business": "Espresso Bar",
    "summary": "Burnt coffee",
    "note": None,
    "due_at": "2026-11-23T12:00:00+01:00",
    "overdue_hours": -20.5,
}
CHECK_REFUND = {
    "kind": "followup",
    "followup_id": 4,
    "business": "Ace Hardware",
    "summary": "Asked for a callback",
    "note": "check the refund",
    "due_at": "2026-11-24T12:00:00+01:00",
    "overdue_hours": -44.5,
}


def test_due_json_most_overdue_first(journal: dict[str, int]) -> None:
    assert due() == expected_overdue(journal)


def test_due_json_items_have_the_documented_fields(journal: dict[str, int]) -> None:
    for item in due():
        assert list(item) == FIELDS


def test_due_days_covers_what_falls_due_soon(journal: dict[str, int]) -> None:
    espresso = {**ESPRESSO, "encounter_id": journal["espresso"]}
    refund = {**CHECK_REFUND, "encounter_id": journal["ace"]}
    assert due("--days", "0") == expected_overdue(journal)
    assert due("--days", "1") == [*expected_overdue(journal), espresso]
    assert due("--days", "2") == [*expected_overdue(journal), espresso, refund]
    assert due("-d", "30") == [*expected_overdue(journal), espresso, refund]


def test_due_days_must_not_be_negative(journal: dict[str, int]) -> None:
    result = cli("due", "--days=-1")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--days" in result.stderr


def test_due_table_lists_most_overdue_first(journal: dict[str, int]) -> None:
    result = cli("due", "--days", "2")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = [
        line
        for line in result.stdout.splitlines()
        if re.match(r"^\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s", line)
    ]
    found = [re.search(r"\s(#\d+)\s", row)[1] for row in rows]  # type: ignore[index]
    ace, bistro = f"#{journal['ace']}", f"#{journal['bistro']}"
    fromage, espresso = f"#{journal['fromage']}", f"#{journal['espresso']}"
    assert found == [ace, ace, bistro, fromage, espresso, ace]
    assert rows[0].lstrip().startswith("2026-11-19 15:30   3 days overdue")
    assert " f2 " in rows[0]
    assert "call back about the refund" in rows[0]
    assert " f1 " in rows[1]
    assert "30.5 h overdue" in rows[1]
    assert "27.5 h overdue" in rows[2]
    assert "no response" in rows[2]
    assert "in 20.5 h" in rows[4]
    assert " f4 " in rows[5]


def test_due_csv(journal: dict[str, int]) -> None:
    result = cli("due", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = expected_overdue(journal)
    assert [row["kind"] for row in rows] == [item["kind"] for item in expected]
    assert [row["due_at"] for row in rows] == [item["due_at"] for item in expected]
    assert [float(row["overdue_hours"]) for row in rows] == [72.0, 30.5, 27.5, 19.5]
    assert rows[0]["followup_id"] == "2"
    assert rows[2]["followup_id"] == ""
    assert rows[2]["note"] == ""


def test_due_ndjson(journal: dict[str, int]) -> None:
    import json

    result = cli("due", "--format", "ndjson")
    assert result.exit_code == 0
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected_overdue(journal)


def test_due_follows_the_configured_window(journal: dict[str, int]) -> None:
    ok("config", "set", "timely_hours", "72")
    items = due()
    # The Bistro's window now ends 2026-11-22 12:00 (3.5 h ago); the Fromagerie's and the
    # Espresso Bar's have not ended yet.
    assert [(i["kind"], i["encounter_id"], i["overdue_hours"]) for i in items] == [
        ("followup", journal["ace"], 72.0),
        ("followup", journal["ace"], 30.5),
        ("response", journal["bistro"], 3.5),
    ]


def test_due_a_response_or_done_removes_the_item(journal: dict[str, int]) -> None:
    ok("respond", str(journal["bistro"]), "--when", "2026-11-22T10:00")
    ok("edit", "f2", "--done")
    kinds = [(i["kind"], i["encounter_id"], i["followup_id"]) for i in due()]
    assert kinds == [
        ("followup", journal["ace"], 1),
        ("response", journal["fromage"], None),
    ]


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_nothing_due(fmt: str) -> None:
    add("Gelato Uno", "Lovely", "--when", "2026-11-01T12:00")
    fine = add("Cafe Sud", "Wrong order", "--failure", "--when", "2026-11-18T12:00")
    ok("respond", str(fine))
    ok("followup", str(fine), "--due", "2026-11-30")
    result = cli("due", "--format", fmt)
    assert result.exit_code == 0
    assert result.stderr == "Nothing is due.\n"
    if fmt == "table":
        assert result.stdout == ""
    elif fmt == "json":
        assert result.json() == []
    else:
        assert result.stdout.splitlines() == [HEADER]


def test_due_needs_a_journal(tmp_path: Path) -> None:
    result = cli("due", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 66
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")


def test_due_agrees_with_timely_at_the_window_boundary() -> None:
    """Exactly 48 h after the complaint with no response, `timely` is still unknown and the
    encounter is not yet due; a minute later it is late and due."""
    at_boundary = add("Edge Cafe", "Cold soup", "--failure", "--when", "2026-11-20T15:30")
    past = add("Late Cafe", "Cold soup", "--failure", "--when", "2026-11-20T15:29")
    shown = {e["id"]: e["timely"] for e in json.loads(ok("list", "--format", "json"))}
    assert shown == {at_boundary: None, past: False}
    due = json.loads(ok("due", "--format", "json"))
    assert [(item["encounter_id"], item["overdue_hours"]) for item in due] == [(past, 0.02)]
