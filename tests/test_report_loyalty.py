"""`svclog report loyalty` end to end: the eight stories of product.md §2, every rule and
threshold at its boundary, the metrics against hand-computed values, the exact md and csv
shapes, filters and sorting, `business show`'s loyalty object, and aggregation in SQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from svclog.cli.stories import STORIES, record
from tests.conftest import add, cli, ok, show_json

CSV_HEADER = (
    "business,status,reason,advocate,encounters,failures,open,last_seen,response_quality,"
    "median_response_hours,timely_rate,disputed_rate,recovery_rate,nps,told"
)
ROW_KEYS = CSV_HEADER.split(",")


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


def loyalty(*args: str) -> list[dict[str, Any]]:
    result = cli("report", "loyalty", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows: list[dict[str, Any]] = result.json()
    for row in rows:
        assert list(row) == ROW_KEYS
    return rows


def by_name(*args: str) -> dict[str, dict[str, Any]]:
    return {row["business"]: row for row in loyalty(*args)}


def row_of(name: str, *args: str) -> dict[str, Any]:
    return by_name(*args)[name]


def failure(business: str, when: str, *extra: str) -> int:
    return add(business, "It went wrong", "--failure", "--when", when, *extra)


# --- the eight stories ----------------------------------------------------------------------


def record_stories() -> dict[int, list[int]]:
    return {story.number: record(story, lambda args: ok(*args)) for story in STORIES}


EXPECTED_STORIES = {
    1: ("kept", False),
    2: ("lost", False),
    3: ("won_back", False),
    4: ("lost", False),
    5: ("won_back", False),
    6: ("at_risk", False),
    7: ("won_back", True),
    8: ("won_back", True),
}


def test_the_eight_stories_give_the_documented_statuses_and_advocates() -> None:
    record_stories()
    rows = by_name()
    assert len(rows) == 8
    got = {
        story.number: (rows[story.business]["status"], rows[story.business]["advocate"])
        for story in STORIES
    }
    assert got == EXPECTED_STORIES
    # stories.py agrees with the table
    assert {s.number: (s.status, s.advocate) for s in STORIES} == EXPECTED_STORIES


def test_story_two_reason_names_its_failure_and_date() -> None:
    ids = record_stories()
    reason = row_of("Smokey's Indoor BBQ")["reason"]
    assert f"#{ids[2][0]}" in reason
    assert "2026-03-14" in reason


REFERENCE = re.compile(r"#(\d+) \((\d{4}-\d{2}-\d{2})\)")


def test_every_story_reason_names_a_deciding_encounter_with_its_date() -> None:
    ids = record_stories()
    rows = by_name()
    unnamed = {}
    for story in STORIES:
        reason = rows[story.business]["reason"]
        dates = {i: show_json(i)["occurred_at"][:10] for i in ids[story.number]}
        named = [
            (int(number), day)
            for number, day in REFERENCE.findall(reason)
            if int(number) in dates and dates[int(number)] == day
        ]
        if not named:
            unnamed[story.number] = reason
    assert unnamed == {}, "reasons without '#id (date)' of one of the story's encounters"


# --- rule 1 at its boundaries ---------------------------------------------------------------


@pytest.mark.parametrize(("score", "status"), [("6", "at_risk"), ("7", "won_back")])
def test_recommend_six_or_seven_after_a_failure(score: str, status: str) -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok(
        "respond",
        str(failed),
        "--by",
        "manager",
        "--quality",
        "adequate",
        "--when",
        "2026-10-01T20:00",
    )
    ok("outcome", str(failed), "--recommend", score, "--when", "2026-10-05T12:00")
    row = row_of("Smokey's")
    assert row["status"] == status
    assert f"#{failed}" in row["reason"]
    assert "2026-10-01" in row["reason"]
    assert row["advocate"] is False


@pytest.mark.parametrize(("score", "advocate"), [("8", False), ("9", True)])
def test_recommend_eight_or_nine_for_advocate_after_a_return(score: str, advocate: bool) -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok("outcome", str(failed), "--returned", "--recommend", score, "--when", "2026-10-05T12:00")
    row = row_of("Smokey's")
    assert row["status"] == "won_back"
    assert row["advocate"] is advocate


def test_won_back_threshold_from_the_settings_file(settings_file: Path) -> None:
    seven = failure("Seven", "2026-10-01T19:00")
    ok("outcome", str(seven), "--recommend", "7", "--when", "2026-10-02T12:00")
    eight = failure("Eight", "2026-10-01T19:00")
    ok("outcome", str(eight), "--recommend", "8", "--when", "2026-10-02T12:00")
    before = by_name()
    assert (before["Seven"]["status"], before["Eight"]["status"]) == ("won_back", "won_back")
    assert before["Seven"]["recovery_rate"] == 1.0

    ok("config", "set", "loyalty.won_back_recommend", "8")
    assert settings_file.exists()
    after = by_name()
    assert (after["Seven"]["status"], after["Eight"]["status"]) == ("at_risk", "won_back")
    assert after["Seven"]["recovery_rate"] is None  # 7 is no longer a decision
    assert after["Eight"]["recovery_rate"] == 1.0


def test_advocate_threshold_from_the_settings_file() -> None:
    nine = failure("Nine", "2026-10-01T19:00")
    ok("outcome", str(nine), "--returned", "--recommend", "9", "--when", "2026-10-02T12:00")
    ten = failure("Ten", "2026-10-01T19:00")
    ok("outcome", str(ten), "--returned", "--recommend", "10", "--when", "2026-10-02T12:00")
    before = by_name()
    assert (before["Nine"]["advocate"], before["Ten"]["advocate"]) == (True, True)

    ok("config", "set", "loyalty.advocate_recommend", "10")
    after = by_name()
    assert (after["Nine"]["advocate"], after["Ten"]["advocate"]) == (False, True)
    assert after["Nine"]["status"] == after["Ten"]["status"] == "won_back"


def test_a_later_encounter_after_the_failure_is_a_return() -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok("outcome", str(failed), "--recommend", "2", "--when", "2026-10-02T12:00")
    assert row_of("Smokey's")["status"] == "at_risk"
    later = add("Smokey's", "Gave them another go", "--when", "2026-11-05T19:00")
    row = row_of("Smokey's")
    assert row["status"] == "won_back"
    assert f"#{later}" in row["reason"]
    assert "2026-11-05" in row["reason"]


def test_an_earlier_encounter_is_not_a_return() -> None:
    add("Smokey's", "Fine", "--when", "2026-09-01T19:00")
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok("respond", str(failed), "--by", "manager", "--quality", "good", "--when", "2026-10-01T19:30")
    row = row_of("Smokey's")
    assert row["status"] == "at_risk"
    assert f"#{failed}" in row["reason"]


def test_not_returned_is_lost() -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok(
        "outcome",
        str(failed),
        "--not-returned",
        "--recommend",
        "9",
        "--word-of-mouth",
        "positive",
        "--when",
        "2026-10-05T12:00",
    )
    row = row_of("Smokey's")
    assert row["status"] == "lost"
    assert f"#{failed}" in row["reason"]
    assert "2026-10-01" in row["reason"]
    assert row["advocate"] is False  # never beside lost


def test_switched_to_a_competitor_is_lost_and_named() -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok("outcome", str(failed), "--switched-to", "Rival Grill", "--when", "2026-10-05T12:00")
    row = row_of("Smokey's")
    assert row["status"] == "lost"
    assert "Rival Grill" in row["reason"]
    assert f"#{failed}" in row["reason"]
    assert "2026-10-01" in row["reason"]


def test_disputed_is_lost() -> None:
    failed = failure("Smokey's", "2026-10-01T19:00")
    ok(
        "respond",
        str(failed),
        "--by",
        "manager",
        "--quality",
        "adequate",
        "--when",
        "2026-10-01T20:00",
    )
    ok("outcome", str(failed), "--recommend", "8", "--when", "2026-10-02T12:00")
    assert row_of("Smokey's")["status"] == "won_back"
    ok("outcome", str(failed), "--disputed")
    row = row_of("Smokey's")
    assert row["status"] == "lost"
    assert "disput" in row["reason"]
    assert f"#{failed}" in row["reason"]
    assert "2026-10-01" in row["reason"]
    assert row["disputed_rate"] == 1.0
    ok("outcome", str(failed), "--accepted")
    assert row_of("Smokey's")["status"] == "won_back"


def test_an_open_failure_without_response_is_at_risk() -> None:
    failed = failure("Smokey's", "2026-11-21T19:00")
    row = row_of("Smokey's")
    assert row["status"] == "at_risk"
    assert "no response yet" in row["reason"]
    assert f"#{failed}" in row["reason"]
    assert "2026-11-21" in row["reason"]
    assert row["open"] == 1
    assert row["timely_rate"] is None  # inside the 48 h window: not known yet


# --- rule 2: no failure -----------------------------------------------------------------------


def test_one_encounter_is_new_two_are_kept() -> None:
    first = add("Burrito", "Fine", "--when", "2026-10-01T12:00")
    row = row_of("Burrito")
    assert row["status"] == "new"
    assert f"#{first}" in row["reason"]
    add("Burrito", "Fine again", "--when", "2026-10-08T12:00")
    assert row_of("Burrito")["status"] == "kept"


def test_one_encounter_with_a_return_is_kept() -> None:
    first = add("Burrito", "Fine", "--when", "2026-10-01T12:00")
    ok("outcome", str(first), "--returned", "--when", "2026-10-02T12:00")
    assert row_of("Burrito")["status"] == "kept"


def test_not_returned_without_failure_is_lost() -> None:
    add("Burrito", "Fine", "--when", "2026-10-01T12:00")
    second = add("Burrito", "Fine, but we are moving away", "--when", "2026-10-08T12:00")
    ok(
        "outcome",
        str(second),
        "--not-returned",
        "--word-of-mouth",
        "positive",
        "--when",
        "2026-10-09T12:00",
    )
    row = row_of("Burrito")
    assert row["status"] == "lost"
    assert f"#{second}" in row["reason"]
    assert row["advocate"] is False


def test_reasons_without_failure_name_an_encounter_and_its_date() -> None:
    # product.md §4: "a one-line reason that names the encounter that decided it"; the README:
    # "naming the encounter that decided it (its id and date)".
    encounters = {
        "New Place": [add("New Place", "Fine", "--when", "2026-10-01T12:00")],
        "Kept Place": [
            add("Kept Place", "Fine", "--when", "2026-09-01T12:00"),
            add("Kept Place", "Fine", "--when", "2026-09-08T12:00"),
        ],
        "Lost Place": [add("Lost Place", "Fine", "--when", "2026-10-03T12:00")],
    }
    ok("outcome", str(encounters["Lost Place"][0]), "--not-returned", "--when", "2026-10-04T12:00")
    rows = by_name()
    assert {name: rows[name]["status"] for name in rows} == {
        "New Place": "new",
        "Kept Place": "kept",
        "Lost Place": "lost",
    }
    unnamed = {}
    for name, ids in encounters.items():
        dates = {i: show_json(i)["occurred_at"][:10] for i in ids}
        found = [(int(n), d) for n, d in REFERENCE.findall(rows[name]["reason"])]
        if not any(dates.get(n) == d for n, d in found):
            unnamed[name] = rows[name]["reason"]
    assert unnamed == {}, "reasons without '#id (date)' of one of the business's encounters"


def test_positive_word_of_mouth_is_an_advocate_without_a_score() -> None:
    first = add("Burrito", "Fine", "--when", "2026-10-01T12:00")
    ok(
        "outcome",
        str(first),
        "--word-of-mouth",
        "positive",
        "--told",
        "4",
        "--when",
        "2026-10-02T12:00",
    )
    row = row_of("Burrito")
    assert row["status"] == "new"
    assert row["advocate"] is True
    assert row["nps"] is None
    assert row["told"] == 4


def test_a_score_of_nine_without_a_return_is_not_an_advocate() -> None:
    failed = failure("Chez", "2026-10-01T19:00")
    ok("outcome", str(failed), "--recommend", "9", "--when", "2026-10-02T12:00")
    row = row_of("Chez")
    assert (row["status"], row["advocate"]) == ("won_back", False)


# --- metrics against hand-computed values ---------------------------------------------------


def metrics_journal() -> dict[str, int]:
    ids: dict[str, int] = {}
    # Alpha Diner: a fine visit, then three failures.
    ids["a1"] = add(
        "Alpha Diner", "Lunch", "--category", "restaurant", "--when", "2026-09-01T12:00"
    )
    ids["a2"] = failure("Alpha Diner", "2026-09-10T19:00", "--complained-at", "2026-09-10T19:30")
    ok(
        "respond",
        str(ids["a2"]),
        "--by",
        "manager",
        "--quality",
        "good",
        "--when",
        "2026-09-10T20:30",
    )  # 1 h after the complaint
    ok(
        "respond",
        str(ids["a2"]),
        "--by",
        "senior",
        "--quality",
        "exemplary",
        "--when",
        "2026-09-11T10:00",
    )
    ok(
        "outcome",
        str(ids["a2"]),
        "--returned",
        "--recommend",
        "10",
        "--told",
        "3",
        "--when",
        "2026-09-20T12:00",
    )
    ok("resolve", str(ids["a2"]))
    ids["a3"] = failure("Alpha Diner", "2026-10-02T19:00")
    ok(
        "respond",
        str(ids["a3"]),
        "--by",
        "frontline",
        "--quality",
        "dismissive",
        "--when",
        "2026-10-05T19:00",
    )  # 72 h: derived late
    ok(
        "outcome",
        str(ids["a3"]),
        "--disputed",
        "--recommend",
        "3",
        "--told",
        "2",
        "--when",
        "2026-10-06T12:00",
    )
    ids["a4"] = failure("Alpha Diner", "2026-10-20T12:00")
    ok(
        "respond",
        str(ids["a4"]),
        "--by",
        "frontline",
        "--quality",
        "adequate",
        "--when",
        "2026-10-20T14:00",
    )  # 2 h: would be timely ...
    ok("edit", str(ids["a4"]), "--not-timely")  # ... but set explicitly
    ok(
        "outcome",
        str(ids["a4"]),
        "--not-returned",
        "--recommend",
        "9",
        "--word-of-mouth",
        "positive",
        "--when",
        "2026-10-25T12:00",
    )
    # Beta Bank: two failures, the second lost to a competitor.
    ids["b1"] = failure(
        "Beta Bank", "2026-10-01T10:00", "--category", "bank", "--complained-at", "2026-10-01T11:00"
    )
    ok(
        "respond",
        str(ids["b1"]),
        "--by",
        "automated",
        "--quality",
        "hostile",
        "--when",
        "2026-10-01T11:30",
    )  # 0.5 h
    ids["b2"] = failure("Beta Bank", "2026-10-15T10:00")
    ok(
        "respond",
        str(ids["b2"]),
        "--by",
        "manager",
        "--quality",
        "adequate",
        "--when",
        "2026-10-15T13:00",
    )  # 3 h
    ok(
        "outcome",
        str(ids["b2"]),
        "--switched-to",
        "Rival Bank",
        "--recommend",
        "5",
        "--when",
        "2026-10-20T12:00",
    )
    # Corner Shop: one fine visit, nothing else.
    ids["c1"] = add("Corner Shop", "Bread", "--category", "retail", "--when", "2026-11-01T10:00")
    # Delta Telecom: a failure yesterday, no response yet (inside the 48 h window).
    ids["d1"] = failure("Delta Telecom", "2026-11-21T10:00", "--category", "telecom")
    return ids


def test_metrics_against_hand_computed_values() -> None:
    ids = metrics_journal()
    rows = by_name()
    assert rows["Alpha Diner"] == {
        "business": "Alpha Diner",
        "status": "lost",
        "reason": f"did not go back after the failure #{ids['a4']} (2026-10-20)",
        "advocate": False,  # positive word of mouth and 9, but lost
        "encounters": 4,
        "failures": 3,
        "open": 2,  # a3 and a4; a2 was resolved
        "last_seen": "2026-10-20T12:00:00+02:00",
        "response_quality": 3.5,  # (4 + 5 + 2 + 3) / 4
        "median_response_hours": 2.0,  # median of 1, 72, 2
        "timely_rate": 1 / 3,  # a2 timely; a3 derived late; a4 set not timely
        "disputed_rate": 1 / 3,  # a3
        "recovery_rate": 2 / 3,  # a2 went back, a3 came back (a4), a4 lost
        "nps": 33,  # 10, 3, 9: round(100 * (2 - 1) / 3)
        "told": 5,
    }
    assert rows["Beta Bank"] == {
        "business": "Beta Bank",
        "status": "lost",
        "reason": f"switched to Rival Bank after the failure #{ids['b2']} (2026-10-15)",
        "advocate": False,
        "encounters": 2,
        "failures": 2,
        "open": 2,
        "last_seen": "2026-10-15T10:00:00+02:00",
        "response_quality": 2.0,  # (1 + 3) / 2
        "median_response_hours": 1.75,  # median of 0.5 and 3
        "timely_rate": 1.0,
        "disputed_rate": 0.0,
        "recovery_rate": 0.5,  # b1 came back (b2), b2 switched
        "nps": -100,
        "told": 0,
    }
    assert rows["Corner Shop"] == {
        "business": "Corner Shop",
        "status": "new",
        "reason": rows["Corner Shop"]["reason"],
        "advocate": False,
        "encounters": 1,
        "failures": 0,
        "open": 0,
        "last_seen": "2026-11-01T10:00:00+01:00",
        "response_quality": None,
        "median_response_hours": None,
        "timely_rate": None,
        "disputed_rate": None,
        "recovery_rate": None,
        "nps": None,
        "told": 0,
    }
    assert f"#{ids['c1']}" in rows["Corner Shop"]["reason"]
    assert rows["Delta Telecom"] == {
        "business": "Delta Telecom",
        "status": "at_risk",
        "reason": f"no response yet to the failure #{ids['d1']} (2026-11-21)",
        "advocate": False,
        "encounters": 1,
        "failures": 1,
        "open": 1,
        "last_seen": "2026-11-21T10:00:00+01:00",
        "response_quality": None,
        "median_response_hours": None,
        "timely_rate": None,
        "disputed_rate": 0.0,
        "recovery_rate": None,
        "nps": None,
        "told": 0,
    }


def test_fractions_are_exact_in_json_and_csv_and_percent_in_the_table() -> None:
    metrics_journal()
    raw = ok("report", "loyalty", "--format", "json")
    assert '"recovery_rate": 0.6666666666666666' in raw
    assert '"timely_rate": 0.3333333333333333' in raw

    lines = ok("report", "loyalty", "--format", "csv").splitlines()
    assert lines[0] == CSV_HEADER
    alpha = next(line for line in lines if line.startswith("Alpha Diner,"))
    assert alpha.endswith(",3.5,2.0,0.3333333333333333,0.3333333333333333,0.6666666666666666,33,5")
    corner = next(line for line in lines if line.startswith("Corner Shop,"))
    assert corner.endswith(",false,1,0,0,2026-11-01T10:00:00+01:00,,,,,,,0")

    result = cli("report", "loyalty", "--sort", "business", env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert result.stderr == ""
    line = next(line for line in result.stdout.splitlines() if "Alpha Diner" in line)
    cells = re.split(r"\s{2,}", line.strip())
    header = next(line for line in result.stdout.splitlines() if "Business" in line)
    names = re.split(r"\s{2,}", header.strip())
    shown = dict(zip([n for n in names if n != "★"], cells, strict=True))
    assert shown["Recov."] == "67%"
    assert shown["Timely"] == "33%"
    assert shown["Disp."] == "33%"
    assert shown["NPS"] == "33"
    assert shown["Quality"] == "3.5"
    assert shown["Resp. h"] == "2"
    assert "0.66" not in result.stdout
    assert "0.33" not in result.stdout


# --- exact md and csv ----------------------------------------------------------------------


def small_journal() -> None:
    assert (
        add("Alpha Diner", "Lunch", "--category", "restaurant", "--when", "2026-10-01T12:00") == 1
    )
    assert failure("Alpha Diner", "2026-10-05T19:00", "--complained-at", "2026-10-05T19:30") == 2
    ok("respond", "2", "--by", "manager", "--quality", "good", "--when", "2026-10-05T20:30")
    ok("outcome", "2", "--returned", "--recommend", "9", "--when", "2026-10-10T12:00")
    assert failure("Beta Bank", "2026-11-01T10:00", "--category", "bank") == 3


def test_csv_is_exact() -> None:
    small_journal()
    result = cli("report", "loyalty", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        f"{CSV_HEADER}\n"
        "Beta Bank,at_risk,no response yet to the failure #3 (2026-11-01),false,1,1,1,"
        "2026-11-01T10:00:00+01:00,,,0.0,0.0,,,0\n"
        "Alpha Diner,won_back,went back after the failure #2 (2026-10-05),true,2,1,1,"
        "2026-10-05T19:00:00+02:00,4.0,1.0,1.0,0.0,1.0,100,0\n"
    )


def test_md_is_exact() -> None:
    small_journal()
    result = cli("report", "loyalty", "--format", "md")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "| Business | Status | ★ | Reason | Enc. | Fail. | Recov. | NPS | Timely | Quality "
        "| Resp. h | Open | Disp. | Told | Last seen |\n"
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | --- |\n"
        "| Beta Bank | at\\_risk |  | no response yet to the failure \\#3 (2026-11-01) "
        "| 1 | 1 |  |  | 0% |  |  | 1 | 0% | 0 | 2026-11-01 |\n"
        "| Alpha Diner | won\\_back | ★ | went back after the failure \\#2 (2026-10-05) "
        "| 2 | 1 | 100% | 100 | 100% | 4 | 1 | 1 | 0% | 0 | 2026-10-05 |\n"
    )


def test_ndjson_rows_equal_json_rows() -> None:
    small_journal()
    rows = loyalty()
    lines = ok("report", "loyalty", "--format", "ndjson").splitlines()
    import json

    assert [json.loads(line) for line in lines] == rows


def test_empty_journal() -> None:
    add("Alpha Diner", "Lunch", "--when", "2026-10-01T12:00")
    result = cli("report", "loyalty", "--format", "json", "--category", "bank")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "")
    result = cli("report", "loyalty", "--format", "csv", "--category", "bank")
    assert (result.exit_code, result.stdout, result.stderr) == (0, CSV_HEADER + "\n", "")
    result = cli("report", "loyalty", "--category", "bank")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No businesses match." in result.stderr


# --- filters and sorting ---------------------------------------------------------------------


def filter_journal() -> dict[str, int]:
    ids: dict[str, int] = {}
    # Alpha Diner (restaurant, client acme): kept.
    ids["a1"] = add(
        "Alpha Diner",
        "Lunch",
        "--category",
        "restaurant",
        "--client",
        "acme",
        "--when",
        "2026-06-01T12:00",
    )
    ids["a2"] = add("Alpha Diner", "Dinner", "--client", "acme", "--when", "2026-07-01T19:00")
    ids["a3"] = add("Alpha Diner", "Dinner", "--client", "acme", "--when", "2026-08-01T19:00")
    # Beta Bank (bank, client bigco): a lost failure in February, won back in May.
    ids["b1"] = failure("Beta Bank", "2026-02-10T10:00", "--category", "bank", "--client", "bigco")
    ok(
        "respond",
        str(ids["b1"]),
        "--by",
        "frontline",
        "--quality",
        "hostile",
        "--when",
        "2026-02-10T12:00",
    )
    ok(
        "outcome",
        str(ids["b1"]),
        "--not-returned",
        "--recommend",
        "0",
        "--when",
        "2026-02-20T12:00",
    )
    ids["b2"] = failure("Beta Bank", "2026-05-10T10:00", "--client", "bigco")
    ok(
        "respond",
        str(ids["b2"]),
        "--by",
        "manager",
        "--quality",
        "exemplary",
        "--when",
        "2026-05-10T10:30",
    )
    ok(
        "outcome",
        str(ids["b2"]),
        "--returned",
        "--recommend",
        "10",
        "--told",
        "4",
        "--when",
        "2026-05-20T12:00",
    )
    # Corner Shop (retail): new.
    ids["c1"] = add("Corner Shop", "Bread", "--category", "retail", "--when", "2026-09-01T10:00")
    # Delta Telecom (telecom, client acme): at risk.
    ids["d1"] = failure(
        "Delta Telecom", "2026-09-15T10:00", "--category", "telecom", "--client", "acme"
    )
    ok(
        "respond",
        str(ids["d1"]),
        "--by",
        "manager",
        "--quality",
        "dismissive",
        "--when",
        "2026-09-18T10:00",
    )
    ok("outcome", str(ids["d1"]), "--recommend", "6", "--when", "2026-09-20T12:00")
    # Echo Cafe (restaurant): lost to a competitor.
    ids["e1"] = failure("Echo Cafe", "2026-04-01T09:00", "--category", "restaurant")
    ok(
        "outcome",
        str(ids["e1"]),
        "--switched-to",
        "Foxtrot Cafe",
        "--recommend",
        "8",
        "--when",
        "2026-04-02T12:00",
    )
    return ids


def names(*args: str) -> list[str]:
    return [row["business"] for row in loyalty(*args)]


def test_default_order_is_by_status() -> None:
    filter_journal()
    statuses = [(row["business"], row["status"]) for row in loyalty()]
    assert statuses == [
        ("Delta Telecom", "at_risk"),
        ("Echo Cafe", "lost"),
        ("Beta Bank", "won_back"),
        ("Alpha Diner", "kept"),
        ("Corner Shop", "new"),
    ]


def test_client_filter() -> None:
    filter_journal()
    assert names("--client", "acme") == ["Delta Telecom", "Alpha Diner"]
    assert names("--client", "ACME") == ["Delta Telecom", "Alpha Diner"]
    assert names("--client", "bigco") == ["Beta Bank"]
    assert names("--client", "nobody") == []


def test_category_filter() -> None:
    filter_journal()
    assert names("--category", "restaurant") == ["Echo Cafe", "Alpha Diner"]
    assert names("--category", "bank") == ["Beta Bank"]


def test_since_and_until_move_the_deciding_failure() -> None:
    ids = filter_journal()
    assert row_of("Beta Bank")["status"] == "won_back"
    # Up to April only the February failure is in the window: it decides, and it was lost.
    early = row_of("Beta Bank", "--until", "2026-04-30")
    assert early["status"] == "lost"
    assert f"#{ids['b1']}" in early["reason"]
    assert (early["encounters"], early["failures"], early["nps"]) == (1, 1, -100)
    # From March on the February failure is outside: May decides alone.
    late = row_of("Beta Bank", "--since", "2026-03-01")
    assert late["status"] == "won_back"
    assert f"#{ids['b2']}" in late["reason"]
    assert (late["encounters"], late["recovery_rate"], late["nps"]) == (1, 1.0, 100)
    # A window with no failure at Alpha: only the encounters inside count.
    assert row_of("Alpha Diner", "--until", "2026-06-30")["status"] == "new"
    assert names("--since", "2026-09-01", "--sort", "business") == [
        "Corner Shop",
        "Delta Telecom",
    ]


def test_until_a_date_means_its_whole_day() -> None:
    filter_journal()
    assert "Corner Shop" in names("--until", "2026-09-01")
    assert "Corner Shop" not in names("--until", "2026-08-31")


def test_since_after_until_is_refused() -> None:
    filter_journal()
    result = cli("report", "loyalty", "--since", "2026-09-01", "--until", "2026-08-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")


def test_status_filter_is_repeatable() -> None:
    filter_journal()
    assert names("--status", "lost") == ["Echo Cafe"]
    assert names("--status", "kept", "--status", "at_risk") == ["Delta Telecom", "Alpha Diner"]
    assert names("--status", "new", "--status", "won_back", "--sort", "business") == [
        "Beta Bank",
        "Corner Shop",
    ]


SORTED = {
    # numbers high to low, empty values last, ties by name
    "status": ["Delta Telecom", "Echo Cafe", "Beta Bank", "Alpha Diner", "Corner Shop"],
    "business": ["Alpha Diner", "Beta Bank", "Corner Shop", "Delta Telecom", "Echo Cafe"],
    "encounters": ["Alpha Diner", "Beta Bank", "Corner Shop", "Delta Telecom", "Echo Cafe"],
    "failures": ["Beta Bank", "Delta Telecom", "Echo Cafe", "Alpha Diner", "Corner Shop"],
    "last_seen": ["Delta Telecom", "Corner Shop", "Alpha Diner", "Beta Bank", "Echo Cafe"],
    "response_quality": ["Beta Bank", "Delta Telecom", "Alpha Diner", "Corner Shop", "Echo Cafe"],
    "median_response_hours": [
        "Delta Telecom",
        "Beta Bank",
        "Alpha Diner",
        "Corner Shop",
        "Echo Cafe",
    ],
    "timely_rate": ["Beta Bank", "Delta Telecom", "Echo Cafe", "Alpha Diner", "Corner Shop"],
    "recovery_rate": ["Beta Bank", "Echo Cafe", "Alpha Diner", "Corner Shop", "Delta Telecom"],
    "nps": ["Beta Bank", "Echo Cafe", "Delta Telecom", "Alpha Diner", "Corner Shop"],
    "told": ["Beta Bank", "Alpha Diner", "Corner Shop", "Delta Telecom", "Echo Cafe"],
}


@pytest.mark.parametrize("key", list(SORTED))
def test_sort_keys_and_reverse(key: str) -> None:
    filter_journal()
    assert names("--sort", key) == SORTED[key]
    assert names("--sort", key, "--reverse") == SORTED[key][::-1]


def test_sort_values_behind_the_expected_orders() -> None:
    filter_journal()
    rows = by_name()
    assert {name: rows[name]["encounters"] for name in rows} == {
        "Alpha Diner": 3,
        "Beta Bank": 2,
        "Corner Shop": 1,
        "Delta Telecom": 1,
        "Echo Cafe": 1,
    }
    assert {name: rows[name]["response_quality"] for name in rows} == {
        "Alpha Diner": None,
        "Beta Bank": 3.0,
        "Corner Shop": None,
        "Delta Telecom": 2.0,
        "Echo Cafe": None,
    }
    assert {name: rows[name]["median_response_hours"] for name in rows} == {
        "Alpha Diner": None,
        "Beta Bank": 1.25,
        "Corner Shop": None,
        "Delta Telecom": 72.0,
        "Echo Cafe": None,
    }
    assert {name: rows[name]["timely_rate"] for name in rows} == {
        # Echo Cafe's failure was never answered and the window passed long ago: late.
        "Alpha Diner": None,
        "Beta Bank": 1.0,
        "Corner Shop": None,
        "Delta Telecom": 0.0,
        "Echo Cafe": 0.0,
    }
    assert {name: rows[name]["recovery_rate"] for name in rows} == {
        "Alpha Diner": None,
        "Beta Bank": 1.0,
        "Corner Shop": None,
        "Delta Telecom": None,
        "Echo Cafe": 0.0,
    }
    assert {name: rows[name]["nps"] for name in rows} == {
        "Alpha Diner": None,
        "Beta Bank": 0,
        "Corner Shop": None,
        "Delta Telecom": -100,
        "Echo Cafe": 0,
    }


@pytest.mark.parametrize(
    "args",
    [
        ("--sort", "reason"),
        ("--sort", "business; DROP TABLE encounter"),
        ("--sort", "disputed_rate"),
        ("--status", "happy"),
        ("--status", "lost", "--status", "gone"),
    ],
)
def test_unknown_sort_key_or_status_is_a_usage_error(args: tuple[str, ...]) -> None:
    filter_journal()
    for fmt in ("json", "table"):
        result = cli("report", "loyalty", "--format", fmt, *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith("Error: ")
        assert args[-2] in result.stderr


# --- business show ---------------------------------------------------------------------------


def test_business_show_has_the_loyalty_row() -> None:
    record_stories()
    rows = by_name()
    for story in STORIES:
        shown = json_of("business", "show", story.business, "--format", "json")
        assert shown["loyalty"] == rows[story.business]


def test_business_show_loyalty_ignores_other_businesses() -> None:
    metrics_journal()
    rows = by_name()
    for name in rows:
        assert json_of("business", "show", name, "--format", "json")["loyalty"] == rows[name]


def json_of(*args: str) -> Any:
    import json

    return json.loads(ok(*args))


# --- scale by design ---------------------------------------------------------------------------


def test_report_loyalty_does_not_load_encounters(monkeypatch: pytest.MonkeyPatch) -> None:
    metrics_journal()
    expected = loyalty()

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("report loyalty loaded encounters into Python")

    import svclog.storage.encounters as storage

    for name in ("select", "get", "search", "_hydrate", "_from_row"):
        monkeypatch.setattr(storage, name, refuse)
    # The guard is live: a command that does load encounters trips it.
    tripped = cli("list", "--format", "json")
    assert tripped.exit_code == 1
    assert tripped.stdout == ""
    assert "loaded encounters" in tripped.stderr
    assert loyalty() == expected
    for fmt in ("table", "csv", "md", "ndjson"):
        result = cli("report", "loyalty", "--format", fmt)
        assert result.exit_code == 0
        assert result.stderr == ""
        assert "Alpha Diner" in result.stdout
