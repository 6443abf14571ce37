from pathlib import Path

from tests.conftest import add, cli


def test_add_then_list_as_json(db: Path) -> None:
    encounter_id = add("Smokey's BBQ", "Meal late and cold", "--failure", "--severity", "3")
    result = cli("list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    records = result.json()
    assert [r["id"] for r in records] == [encounter_id]
    assert records[0]["business"] == {"name": "Smokey's BBQ", "category": None}
    assert records[0]["occurred_at"] == "2026-11-22T15:30:00+01:00"
    assert records[0]["failure"] is True
    assert records[0]["status"] == "open"
