"""`svclog report recovery` and `svclog report trends`: counts computed by hand on small
journals, the speed buckets at their boundaries, the lesson on the eight stories, and the
months of trends (empty ones included, each encounter in the offset it was entered in)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from svclog.cli.stories import STORIES, record
from tests.conftest import add, cli, ok

RECOVERY_KEYS = ["factor", "value", "failures", "retained", "lost", "undecided", "retention"]
TRENDS_HEADER = "month,encounters,failures,recoveries,losses"
LESSON = (
    "After a good or exemplary response, 4 of 4 decided failures kept the customer (100%); "
    "after a hostile or dismissive one, 0 of 2 (0%). The response, not the failure, decides."
)


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


def report(name: str, *args: str) -> list[dict[str, Any]]:
    result = cli("report", name, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows: list[dict[str, Any]] = result.json()
    return rows


def groups(*args: str) -> dict[tuple[str, str], tuple[int, int, int, int, float | None]]:
    rows = report("recovery", *args)
    for row in rows:
        assert list(row) == RECOVERY_KEYS
    table = {
        (row["factor"], row["value"]): (
            row["failures"],
            row["retained"],
            row["lost"],
            row["undecided"],
            row["retention"],
        )
        for row in rows
    }
    assert len(table) == len(rows), "a (factor, value) pair listed twice"
    return table


def failure(business: str, when: str, *extra: str) -> int:
    return add(business, "It went wrong", "--failure", "--when", when, *extra)


# --- recovery ----------------------------------------------------------------------------------


def recovery_journal() -> dict[str, int]:
    ids: dict[str, int] = {}
    # F1 retained (went back). Responders frontline then manager; best quality good; sincere;
    # listened and fixed; first response 10 min after the complaint; refund.
    ids["f1"] = failure("Alpha", "2026-10-01T19:00", "--complained-at", "2026-10-01T19:10")
    ok(
        "respond",
        str(ids["f1"]),
        "--by",
        "frontline",
        "--quality",
        "hostile",
        "--when",
        "2026-10-01T19:20",
    )
    ok(
        "respond",
        str(ids["f1"]),
        "--by",
        "manager",
        "--quality",
        "good",
        "--apology",
        "sincere",
        "--listened",
        "--fixed",
        "--when",
        "2026-10-01T23:00",
    )
    ok(
        "remedy",
        str(ids["f1"]),
        "refund",
        "--value",
        "30",
        "--currency",
        "EUR",
        "--when",
        "2026-10-01T23:00",
    )
    ok("outcome", str(ids["f1"]), "--returned", "--when", "2026-10-10T12:00")
    # F2 lost (did not go back). Owner, dismissive, perfunctory; 10 h; no remedy.
    ids["f2"] = failure("Beta", "2026-10-02T10:00")
    ok(
        "respond",
        str(ids["f2"]),
        "--by",
        "owner",
        "--quality",
        "dismissive",
        "--apology",
        "perfunctory",
        "--not-listened",
        "--when",
        "2026-10-02T20:00",
    )
    ok("outcome", str(ids["f2"]), "--not-returned", "--when", "2026-10-12T12:00")
    # F3 retained (would recommend 8). Corporate, exemplary, sincere, asked more, prevented;
    # 36 h; a voucher and a free item.
    ids["f3"] = failure("Gamma", "2026-10-03T10:00")
    ok(
        "respond",
        str(ids["f3"]),
        "--by",
        "corporate",
        "--quality",
        "exemplary",
        "--apology",
        "sincere",
        "--asked-more",
        "--prevented",
        "--when",
        "2026-10-04T22:00",
    )
    ok(
        "remedy",
        str(ids["f3"]),
        "voucher",
        "--value",
        "50",
        "--currency",
        "EUR",
        "--when",
        "2026-10-05T10:00",
    )
    ok("remedy", str(ids["f3"]), "free_item", "--when", "2026-10-05T10:00")
    ok("outcome", str(ids["f3"]), "--recommend", "8", "--when", "2026-10-15T12:00")
    # F4 undecided (recommend 5). Automated, adequate, apology not recorded; 72 h: late;
    # a discount still pending.
    ids["f4"] = failure("Delta", "2026-10-04T10:00")
    ok(
        "respond",
        str(ids["f4"]),
        "--by",
        "automated",
        "--quality",
        "adequate",
        "--when",
        "2026-10-07T10:00",
    )
    ok("remedy", str(ids["f4"]), "discount", "--pending", "--when", "2026-10-07T10:00")
    ok("outcome", str(ids["f4"]), "--recommend", "5", "--when", "2026-10-15T12:00")
    # F5 lost (switched), never answered.
    ids["f5"] = failure("Echo", "2026-10-05T10:00")
    ok("outcome", str(ids["f5"]), "--switched-to", "Rival", "--when", "2026-10-20T12:00")
    # F6 retained (a later encounter), never answered.
    ids["f6"] = failure("Foxtrot", "2026-09-01T10:00")
    ids["later"] = add("Foxtrot", "Back again", "--when", "2026-09-10T10:00")
    return ids


def test_recovery_counts_by_hand() -> None:
    recovery_journal()
    assert groups() == {
        ("all failures", "all"): (6, 3, 2, 1, 0.6),
        # the highest level that answered
        ("responder", "automated"): (1, 0, 0, 1, None),
        ("responder", "frontline"): (0, 0, 0, 0, None),
        ("responder", "manager"): (1, 1, 0, 0, 1.0),
        ("responder", "senior"): (0, 0, 0, 0, None),
        ("responder", "owner"): (1, 0, 1, 0, 0.0),
        ("responder", "corporate"): (1, 1, 0, 0, 1.0),
        ("responder", "no response"): (2, 1, 1, 0, 0.5),
        # the best quality, not the first
        ("best quality", "1 hostile"): (0, 0, 0, 0, None),
        ("best quality", "2 dismissive"): (1, 0, 1, 0, 0.0),
        ("best quality", "3 adequate"): (1, 0, 0, 1, None),
        ("best quality", "4 good"): (1, 1, 0, 0, 1.0),
        ("best quality", "5 exemplary"): (1, 1, 0, 0, 1.0),
        ("best quality", "no response"): (2, 1, 1, 0, 0.5),
        ("apology", "none"): (0, 0, 0, 0, None),
        ("apology", "perfunctory"): (1, 0, 1, 0, 0.0),
        ("apology", "sincere"): (2, 2, 0, 0, 1.0),
        ("apology", "no response"): (2, 1, 1, 0, 0.5),
        ("apology", "not recorded"): (1, 0, 0, 1, None),
        ("listened", "yes"): (1, 1, 0, 0, 1.0),
        ("listened", "no"): (5, 2, 2, 1, 0.5),
        ("fixed", "yes"): (1, 1, 0, 0, 1.0),
        ("fixed", "no"): (5, 2, 2, 1, 0.5),
        ("asked more", "yes"): (1, 1, 0, 0, 1.0),
        ("asked more", "no"): (5, 2, 2, 1, 0.5),
        ("prevented", "yes"): (1, 1, 0, 0, 1.0),
        ("prevented", "no"): (5, 2, 2, 1, 0.5),
        ("remedy", "discount"): (1, 0, 0, 1, None),
        ("remedy", "free item"): (1, 1, 0, 0, 1.0),
        ("remedy", "refund"): (1, 1, 0, 0, 1.0),
        ("remedy", "voucher"): (1, 1, 0, 0, 1.0),
        ("remedy", "no remedy"): (3, 1, 2, 0, 1 / 3),
        ("speed", "same hour"): (1, 1, 0, 0, 1.0),
        ("speed", "same day"): (1, 0, 1, 0, 0.0),
        ("speed", "within the window"): (1, 1, 0, 0, 1.0),
        ("speed", "late"): (1, 0, 0, 1, None),
        ("speed", "never"): (2, 1, 1, 0, 0.5),
    }


def test_recovery_groups_are_listed_in_order() -> None:
    recovery_journal()
    rows = report("recovery")
    assert [row["value"] for row in rows if row["factor"] == "responder"][:6] == [
        "automated",
        "frontline",
        "manager",
        "senior",
        "owner",
        "corporate",
    ]
    assert [row["value"] for row in rows if row["factor"] == "remedy"] == [
        "discount",
        "free item",
        "refund",
        "voucher",
        "no remedy",
    ]
    assert [row["value"] for row in rows if row["factor"] == "speed"] == [
        "same hour",
        "same day",
        "within the window",
        "late",
        "never",
    ]
    assert rows[0]["factor"] == "all failures"


def test_recovery_groups_of_one_factor_stay_together() -> None:
    # A response with no apology recorded (or no quality) adds an "apology: not recorded" group;
    # it belongs with the other apology groups, not after the speed groups.
    failed = failure("Alpha", "2026-10-01T19:00")
    ok("respond", str(failed), "--by", "manager", "--when", "2026-10-01T19:30")
    factors = [row["factor"] for row in report("recovery")]
    seen: list[str] = []
    for factor in factors:
        if not seen or seen[-1] != factor:
            assert factor not in seen, f"{factor!r} groups are split: {factors}"
            seen.append(factor)


def test_recovery_csv_and_table_agree_with_json() -> None:
    recovery_journal()
    rows = report("recovery")
    lines = ok("report", "recovery", "--format", "csv").splitlines()
    assert lines[0] == ",".join(RECOVERY_KEYS)
    assert len(lines) == len(rows) + 1
    assert "remedy,no remedy,3,1,2,0,0.3333333333333333" in lines
    assert "responder,frontline,0,0,0,0," in lines  # empty retention: an empty cell
    table = ok("report", "recovery")
    assert "33%" in table
    assert "0.333" not in table
    # The lesson: good/exemplary kept 2 of 2, hostile/dismissive 0 of 1.
    assert table.rstrip("\n").splitlines()[-1] == (
        "After a good or exemplary response, 2 of 2 decided failures kept the customer (100%); "
        "after a hostile or dismissive one, 0 of 1 (0%). The response, not the failure, decides."
    )


@pytest.mark.parametrize(
    ("answered_at", "bucket"),
    [
        ("2026-10-01T10:59", "same hour"),
        ("2026-10-01T11:00", "same hour"),  # exactly 1 h
        ("2026-10-01T11:01", "same day"),
        ("2026-10-02T10:00", "same day"),  # exactly 24 h
        ("2026-10-02T10:01", "within the window"),
        ("2026-10-03T10:00", "within the window"),  # exactly 48 h
        ("2026-10-03T10:01", "late"),
        (None, "never"),
    ],
)
def test_speed_buckets_at_their_boundaries(answered_at: str | None, bucket: str) -> None:
    failed = failure("Alpha", "2026-10-01T10:00")
    if answered_at:
        ok("respond", str(failed), "--by", "manager", "--when", answered_at)
    speeds = {value: counts[0] for (factor, value), counts in groups().items() if factor == "speed"}
    assert speeds == {name: int(name == bucket) for name in speeds}
    assert len(speeds) == 5


def test_speed_counts_from_the_complaint() -> None:
    failed = failure("Alpha", "2026-10-01T10:00", "--complained-at", "2026-10-02T09:00")
    ok("respond", str(failed), "--by", "manager", "--when", "2026-10-02T09:30")
    assert groups()[("speed", "same hour")][0] == 1


def test_the_window_follows_the_setting() -> None:
    failed = failure("Alpha", "2026-10-01T10:00")
    ok("respond", str(failed), "--by", "manager", "--when", "2026-10-02T22:00")  # 36 h
    assert groups()[("speed", "within the window")][0] == 1
    ok("config", "set", "timely_hours", "30")
    after = groups()
    assert after[("speed", "within the window")][0] == 0
    assert after[("speed", "late")][0] == 1


def test_the_won_back_threshold_moves_recovery_fates() -> None:
    failed = failure("Alpha", "2026-10-01T10:00")
    ok("outcome", str(failed), "--recommend", "7", "--when", "2026-10-05T12:00")
    assert groups()[("all failures", "all")] == (1, 1, 0, 0, 1.0)
    ok("config", "set", "loyalty.won_back_recommend", "8")
    assert groups()[("all failures", "all")] == (1, 0, 0, 1, None)


def test_recovery_filters() -> None:
    ids = recovery_journal()
    assert groups("--since", "2026-10-03")[("all failures", "all")] == (3, 1, 1, 1, 0.5)
    # Without the later Foxtrot encounter in the window, F6 is undecided.
    assert groups("--until", "2026-09-05")[("all failures", "all")] == (1, 0, 0, 1, None)
    assert ids["later"] > ids["f6"]


def test_recovery_without_failures() -> None:
    add("Alpha", "Fine", "--when", "2026-10-01T12:00")
    rows = report("recovery")
    assert rows[0] == {
        "factor": "all failures",
        "value": "all",
        "failures": 0,
        "retained": 0,
        "lost": 0,
        "undecided": 0,
        "retention": None,
    }
    assert all(row["failures"] == 0 and row["retention"] is None for row in rows)
    result = cli("report", "recovery")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No failures recorded" in result.stderr


def test_the_eight_stories_end_with_the_lesson() -> None:
    for story in STORIES:
        record(story, lambda args: ok(*args))
    result = cli("report", "recovery")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.endswith(LESSON + "\n")
    assert "Retention after failure" in result.stdout
    everything = groups()
    assert everything[("all failures", "all")] == (7, 4, 2, 1, 4 / 6)
    good = [everything[("best quality", v)] for v in ("4 good", "5 exemplary")]
    poor = [everything[("best quality", v)] for v in ("1 hostile", "2 dismissive")]
    assert sum(g[1] for g in good) == 4
    assert sum(g[2] for g in good) == 0
    assert sum(p[1] for p in poor) == 0
    assert sum(p[2] for p in poor) == 2
    # The lesson is for people: not in the data formats.
    for fmt in ("json", "csv", "md", "ndjson"):
        assert "The response, not the failure" not in ok("report", "recovery", "--format", fmt)


# --- trends --------------------------------------------------------------------------------------


def trends_journal() -> dict[str, int]:
    ids: dict[str, int] = {}
    ids["t1"] = add("Alpha", "Fine", "--when", "2026-01-15T12:00")
    ids["t2"] = failure("Alpha", "2026-01-20T19:00")  # Alpha comes back (t4): recovered
    # Still March in its own offset (and in UTC).
    ids["t3"] = failure("Beta", "2026-03-31T23:30+02:00")
    ok("outcome", str(ids["t3"]), "--not-returned", "--when", "2026-04-10T12:00")
    # April in its own offset, March in UTC.
    ids["t4"] = add("Alpha", "Back again", "--when", "2026-04-01T00:30+02:00")
    # March in its own offset; April in UTC and in Paris.
    ids["t5"] = failure("Gamma", "2026-03-31T23:30-05:00")
    ok("outcome", str(ids["t5"]), "--recommend", "9", "--when", "2026-04-10T12:00")
    ids["t6"] = failure("Delta", "2026-06-10T10:00")  # undecided
    return ids


TRENDS = [
    {"month": "2026-01", "encounters": 2, "failures": 1, "recoveries": 1, "losses": 0},
    {"month": "2026-02", "encounters": 0, "failures": 0, "recoveries": 0, "losses": 0},
    {"month": "2026-03", "encounters": 2, "failures": 2, "recoveries": 1, "losses": 1},
    {"month": "2026-04", "encounters": 1, "failures": 0, "recoveries": 0, "losses": 0},
    {"month": "2026-05", "encounters": 0, "failures": 0, "recoveries": 0, "losses": 0},
    {"month": "2026-06", "encounters": 1, "failures": 1, "recoveries": 0, "losses": 0},
]


def test_trends_json_by_hand() -> None:
    trends_journal()
    assert report("trends") == TRENDS


def test_trends_csv_is_exact() -> None:
    trends_journal()
    result = cli("report", "trends", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        f"{TRENDS_HEADER}\n"
        "2026-01,2,1,1,0\n"
        "2026-02,0,0,0,0\n"
        "2026-03,2,2,1,1\n"
        "2026-04,1,0,0,0\n"
        "2026-05,0,0,0,0\n"
        "2026-06,1,1,0,0\n"
    )


def test_trends_ndjson_and_table() -> None:
    trends_journal()
    lines = ok("report", "trends", "--format", "ndjson").splitlines()
    assert [json.loads(line) for line in lines] == TRENDS
    table = ok("report", "trends")
    months = [line.split()[0] for line in table.splitlines() if line.strip()[:5] == "2026-"]
    assert months == [row["month"] for row in TRENDS]


def test_trends_month_is_the_entered_offset_month() -> None:
    failure("Alpha", "2026-03-31T23:30+02:00")
    assert [row["month"] for row in report("trends")] == ["2026-03"]


def test_trends_across_a_year_end() -> None:
    add("Alpha", "Fine", "--when", "2025-11-30T12:00")
    add("Alpha", "Fine", "--when", "2026-02-01T12:00")
    assert [(row["month"], row["encounters"]) for row in report("trends")] == [
        ("2025-11", 1),
        ("2025-12", 0),
        ("2026-01", 0),
        ("2026-02", 1),
    ]


def test_trends_filters() -> None:
    trends_journal()
    ok("edit", "6", "--client", "acme")
    assert report("trends", "--client", "acme") == [TRENDS[-1]]
    # From 18 January on, Alpha's fine visit of the 15th is outside the window.
    assert report("trends", "--since", "2026-01-18") == [
        {"month": "2026-01", "encounters": 1, "failures": 1, "recoveries": 1, "losses": 0},
        *TRENDS[1:],
    ]
    # Up to March, Alpha's return in April is outside: its January failure is undecided.
    assert report("trends", "--until", "2026-03-15") == [
        {"month": "2026-01", "encounters": 2, "failures": 1, "recoveries": 0, "losses": 0},
    ]


def test_trends_on_an_empty_journal() -> None:
    add("Alpha", "Fine", "--when", "2026-01-15T12:00")
    assert report("trends", "--category", "bank") == []
    result = cli("report", "trends", "--format", "csv", "--category", "bank")
    assert (result.exit_code, result.stdout, result.stderr) == (0, TRENDS_HEADER + "\n", "")
    result = cli("report", "trends", "--category", "bank")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No encounters recorded." in result.stderr


def test_recovery_and_trends_do_not_load_encounters(monkeypatch: pytest.MonkeyPatch) -> None:
    recovery_journal()
    expected = (report("recovery"), report("trends"))

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("the report loaded encounters into Python")

    import svclog.storage.encounters as storage

    for name in ("select", "get", "search", "_hydrate", "_from_row"):
        monkeypatch.setattr(storage, name, refuse)
    tripped = cli("list", "--format", "json")
    assert tripped.exit_code == 1
    assert "loaded encounters" in tripped.stderr
    assert (report("recovery"), report("trends")) == expected
