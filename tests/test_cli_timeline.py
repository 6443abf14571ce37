"""The recovery timeline on the command line: respond, remedy, followup, outcome, resolve,
abandon; the nested `show` record; derived timeliness; editing, removing and undoing records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    NOW,
    add,
    assert_one_error_line,
    cli,
    ok,
    show_json,
    snapshot,
)

LATER = "2026-11-23T09:00:00+01:00"
OCCURRED = "2026-11-20T19:00:00+01:00"
COMPLAINED = "2026-11-20T19:30:00+01:00"
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")

RESPONSE_FIELDS = [
    "id",
    "uid",
    "at",
    "by",
    "quality",
    "apology",
    "listened",
    "fixed",
    "asked_more",
    "prevented",
    "note",
    "created_at",
    "updated_at",
]
REMEDY_FIELDS = [
    "id",
    "uid",
    "at",
    "type",
    "value",
    "currency",
    "delivered",
    "note",
    "created_at",
    "updated_at",
]
FOLLOWUP_FIELDS = [
    "id",
    "uid",
    "at",
    "direction",
    "channel",
    "note",
    "due",
    "done",
    "created_at",
    "updated_at",
]
OUTCOME_FIELDS = [
    "id",
    "uid",
    "returned",
    "recommend",
    "word_of_mouth",
    "told",
    "review",
    "switched_to",
    "at",
    "created_at",
    "updated_at",
]
REMEDY_TYPES = [
    "refund",
    "partial_refund",
    "replacement",
    "redo",
    "discount",
    "voucher",
    "free_item",
    "credit",
    "waived_fee",
    "upgrade",
    "other",
]
#: created_at/updated_at of anything written at NOW, as stored (UTC).
STAMP = "2026-11-22T14:30:00+00:00"


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


@pytest.fixture
def case() -> int:
    """An open failure with a complaint and nothing on its timeline yet."""
    return add(
        "Smokey's BBQ",
        "Meal late and cold",
        "--when",
        OCCURRED,
        "--failure",
        "--severity",
        "3",
        "--complained-at",
        COMPLAINED,
        "--category",
        "restaurant",
    )


@pytest.fixture
def full(case: int) -> int:
    """`case` with one record of each kind: r1, m1, f1, o1."""
    ok("respond", str(case), "--by", "manager", "--quality", "2", "--when", "2026-11-21T10:00")
    ok("remedy", str(case), "voucher", "--value", "10", "--currency", "EUR", "--pending")
    ok("followup", str(case), "--by", "them", "--due", "2026-11-25", "--note", "call back")
    ok("outcome", str(case), "--recommend", "6", "--told", "1")
    return case


def run(*args: str, stdout: str, env: dict[str, str] | None = None) -> None:
    """A command that must succeed with exactly `stdout` and nothing on stderr."""
    result = cli(*args, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == stdout
    assert result.stderr == ""


def without(record: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in names}


# ----------------------------------------------------------------------------- respond


def test_respond_stores_every_option(case: int) -> None:
    run(
        "respond",
        str(case),
        "--by",
        "manager",
        "--quality",
        "4",
        "--apology",
        "sincere",
        "--listened",
        "--fixed",
        "--asked-more",
        "--prevented",
        "--when",
        "2026-11-21T10:15",
        "--note",
        "Called, apologised, comped the meal.",
        stdout=f"Added response r1 to #{case}\n",
    )
    [response] = show_json(case)["responses"]
    assert ULID.match(response["uid"])
    assert without(response, "uid") == {
        "id": 1,
        "at": "2026-11-21T10:15:00+01:00",
        "by": "manager",
        "quality": 4,
        "apology": "sincere",
        "listened": True,
        "fixed": True,
        "asked_more": True,
        "prevented": True,
        "note": "Called, apologised, comped the meal.",
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def test_respond_with_no_options_is_a_bare_response_now(case: int) -> None:
    run("respond", str(case), stdout=f"Added response r1 to #{case}\n")
    [response] = show_json(case)["responses"]
    assert response["at"] == NOW
    for name in ("by", "quality", "apology", "listened", "fixed", "asked_more", "prevented"):
        assert response[name] is None, name
    assert response["note"] is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("1", 1),
        ("2", 2),
        ("3", 3),
        ("4", 4),
        ("5", 5),
        ("hostile", 1),
        ("dismissive", 2),
        ("adequate", 3),
        ("Good", 4),
        ("EXEMPLARY", 5),
    ],
)
def test_respond_quality_as_number_or_name(case: int, given: str, stored: int) -> None:
    run("respond", str(case), "--quality", given, stdout=f"Added response r1 to #{case}\n")
    assert show_json(case)["responses"][0]["quality"] == stored


@pytest.mark.parametrize(
    "level", ["frontline", "manager", "senior", "owner", "corporate", "automated"]
)
def test_respond_by_each_level(case: int, level: str) -> None:
    run("respond", str(case), "--by", level.upper(), stdout=f"Added response r1 to #{case}\n")
    assert show_json(case)["responses"][0]["by"] == level


@pytest.mark.parametrize("apology", ["none", "perfunctory", "sincere"])
def test_respond_apology(case: int, apology: str) -> None:
    run("respond", str(case), "--apology", apology, stdout=f"Added response r1 to #{case}\n")
    assert show_json(case)["responses"][0]["apology"] == apology


STEPS = ["listened", "fixed", "asked_more", "prevented"]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("value", [True, False])
def test_respond_each_recovery_step(case: int, step: str, value: bool) -> None:
    flag = "--" + ("" if value else "not-") + step.replace("_", "-")
    run("respond", str(case), flag, stdout=f"Added response r1 to #{case}\n")
    response = show_json(case)["responses"][0]
    assert response[step] is value
    for other in STEPS:
        if other != step:
            assert response[other] is None, other


@pytest.mark.parametrize(
    ("when", "stored"),
    [
        ("yesterday 7pm", "2026-11-21T19:00:00+01:00"),
        ("2026-11-21T08:00:00-05:00", "2026-11-21T08:00:00-05:00"),
        ("2026-11-21", "2026-11-21T00:00:00+01:00"),
        ("3 hours ago", "2026-11-22T12:30:00+01:00"),
    ],
)
def test_respond_when(case: int, when: str, stored: str) -> None:
    run("respond", str(case), "--when", when, stdout=f"Added response r1 to #{case}\n")
    assert show_json(case)["responses"][0]["at"] == stored


def test_respond_in_the_future_needs_allow_future(case: int) -> None:
    before = snapshot()
    result = cli("respond", str(case), "--when", "2026-11-25T10:00")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "future", "--allow-future")
    assert snapshot() == before
    run(
        "respond",
        str(case),
        "--when",
        "2026-11-25T10:00",
        "--allow-future",
        stdout=f"Added response r1 to #{case}\n",
    )
    assert show_json(case)["responses"][0]["at"] == "2026-11-25T10:00:00+01:00"


def test_respond_numbers_responses_across_encounters(case: int) -> None:
    other = add("Burrito Barn", "Cold burrito", "--failure", "--when", OCCURRED)
    run("respond", str(case), stdout=f"Added response r1 to #{case}\n")
    run("respond", str(other), stdout=f"Added response r2 to #{other}\n")
    run("respond", str(case), stdout=f"Added response r3 to #{case}\n")
    assert [r["id"] for r in show_json(case)["responses"]] == [1, 3]
    assert [r["id"] for r in show_json(other)["responses"]] == [2]


# ----------------------------------------------------------------------------- remedy


def test_remedy_stores_every_option(case: int) -> None:
    run(
        "remedy",
        str(case),
        "partial_refund",
        "--value",
        "12.50",
        "--currency",
        "eur",
        "--pending",
        "--when",
        "2026-11-21T12:00",
        "--note",
        "Half the bill, by bank transfer",
        stdout=f"Added remedy m1 to #{case}\n",
    )
    [remedy] = show_json(case)["remedies"]
    assert ULID.match(remedy["uid"])
    assert without(remedy, "uid") == {
        "id": 1,
        "at": "2026-11-21T12:00:00+01:00",
        "type": "partial_refund",
        "value": "12.50",
        "currency": "EUR",
        "delivered": False,
        "note": "Half the bill, by bank transfer",
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def test_remedy_defaults(case: int) -> None:
    run("remedy", str(case), "free_item", stdout=f"Added remedy m1 to #{case}\n")
    [remedy] = show_json(case)["remedies"]
    assert remedy["at"] == NOW
    assert remedy["type"] == "free_item"
    assert remedy["value"] is None
    assert remedy["currency"] is None
    assert remedy["delivered"] is True
    assert remedy["note"] is None


@pytest.mark.parametrize("kind", REMEDY_TYPES)
def test_remedy_each_type(case: int, kind: str) -> None:
    run("remedy", str(case), kind, stdout=f"Added remedy m1 to #{case}\n")
    assert show_json(case)["remedies"][0]["type"] == kind


@pytest.mark.parametrize(
    ("given", "stored"), [("Free item", "free_item"), ("waived-fee", "waived_fee")]
)
def test_remedy_type_spelling(case: int, given: str, stored: str) -> None:
    run("remedy", str(case), given, stdout=f"Added remedy m1 to #{case}\n")
    assert show_json(case)["remedies"][0]["type"] == stored


@pytest.mark.parametrize(
    ("given", "stored"), [("25", "25"), ("12.50", "12.50"), ("0.99", "0.99"), ("1,200", "1200")]
)
def test_remedy_value_is_kept_exactly(case: int, given: str, stored: str) -> None:
    run(
        "remedy",
        str(case),
        "refund",
        "--value",
        given,
        "--currency",
        "USD",
        stdout=f"Added remedy m1 to #{case}\n",
    )
    remedy = show_json(case)["remedies"][0]
    assert remedy["value"] == stored
    assert isinstance(remedy["value"], str)


PLAIN_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


@pytest.mark.parametrize("given", ["1e3", "1E-2", "1e999999"])
def test_remedy_value_in_exponent_form_is_refused_or_written_plainly(case: int, given: str) -> None:
    """An amount is "25 or 12.50": never stored as `1E+3`, never a thousand-digit number."""
    result = cli("remedy", str(case), "refund", "--value", given, "--currency", "USD")
    if result.exit_code == 1:
        assert result.stdout == ""
        assert_one_error_line(result.stderr, given)
        assert show_json(case)["remedies"] == []
    else:
        assert result.exit_code == 0, result.stderr
        value = show_json(case)["remedies"][0]["value"]
        assert PLAIN_AMOUNT.match(value), value
        assert len(value) < 30, value


def test_remedy_currency_defaults_to_the_configured_one(case: int) -> None:
    run("config", "set", "currency", "EUR", stdout="currency = EUR\n")
    run("remedy", str(case), "refund", "--value", "25", stdout=f"Added remedy m1 to #{case}\n")
    run(
        "remedy",
        str(case),
        "refund",
        "--value",
        "5",
        "--currency",
        "usd",
        stdout=f"Added remedy m2 to #{case}\n",
    )
    run("remedy", str(case), "voucher", stdout=f"Added remedy m3 to #{case}\n")
    remedies = show_json(case)["remedies"]
    assert [(m["value"], m["currency"]) for m in remedies] == [
        ("25", "EUR"),
        ("5", "USD"),
        (None, None),
    ]


def test_remedy_without_configured_currency_has_none(case: int) -> None:
    run("remedy", str(case), "refund", "--value", "25", stdout=f"Added remedy m1 to #{case}\n")
    assert show_json(case)["remedies"][0]["currency"] is None


# ----------------------------------------------------------------------------- followup


def test_followup_stores_every_option(case: int) -> None:
    run(
        "followup",
        str(case),
        "--by",
        "me",
        "--channel",
        "Phone",
        "--note",
        "They said they'd call back by Friday",
        "--due",
        "friday",
        "--when",
        "2026-11-22T10:00",
        stdout=f"Added follow-up f1 to #{case}\n",
    )
    [followup] = show_json(case)["followups"]
    assert ULID.match(followup["uid"])
    # 2026-11-22 is a Sunday: "friday" is the coming one, a date-only value is its start.
    assert without(followup, "uid") == {
        "id": 1,
        "at": "2026-11-22T10:00:00+01:00",
        "direction": "me",
        "channel": "phone",
        "note": "They said they'd call back by Friday",
        "due": "2026-11-27T00:00:00+01:00",
        "done": False,
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def test_followup_defaults(case: int) -> None:
    run("followup", str(case), stdout=f"Added follow-up f1 to #{case}\n")
    [followup] = show_json(case)["followups"]
    assert followup["at"] == NOW
    assert followup["direction"] is None
    assert followup["channel"] is None
    assert followup["due"] is None
    assert followup["done"] is False


@pytest.mark.parametrize("by", ["me", "them"])
def test_followup_by(case: int, by: str) -> None:
    run("followup", str(case), "--by", by, stdout=f"Added follow-up f1 to #{case}\n")
    assert show_json(case)["followups"][0]["direction"] == by


@pytest.mark.parametrize(
    ("due", "stored"),
    [
        ("friday", "2026-11-27T00:00:00+01:00"),
        ("2026-12-01", "2026-12-01T00:00:00+01:00"),
        ("2027-01-15T09:30", "2027-01-15T09:30:00+01:00"),
        ("in 3 days", "2026-11-25T00:00:00+01:00"),
        ("2026-11-20", "2026-11-20T00:00:00+01:00"),
    ],
)
def test_followup_due_future_welcome(case: int, due: str, stored: str) -> None:
    run("followup", str(case), "--due", due, stdout=f"Added follow-up f1 to #{case}\n")
    assert show_json(case)["followups"][0]["due"] == stored


def test_followup_done(case: int) -> None:
    run("followup", str(case), "--by", "them", "--done", stdout=f"Added follow-up f1 to #{case}\n")
    assert show_json(case)["followups"][0]["done"] is True


# ----------------------------------------------------------------------------- outcome


def test_outcome_stores_every_option(case: int) -> None:
    run(
        "outcome",
        str(case),
        "--not-returned",
        "--recommend",
        "2",
        "--told",
        "5",
        "--word-of-mouth",
        "negative",
        "--review",
        "Google, 1 star",
        "--switched-to",
        "Burrito Barn",
        "--disputed",
        "--when",
        "2026-11-22T09:00",
        stdout=f"Outcome of #{case} set\n",
    )
    record = show_json(case)
    outcome = record["outcome"]
    assert ULID.match(outcome["uid"])
    assert without(outcome, "uid") == {
        "id": 1,
        "returned": False,
        "recommend": 2,
        "word_of_mouth": "negative",
        "told": 5,
        "review": "Google, 1 star",
        "switched_to": "Burrito Barn",
        "at": "2026-11-22T09:00:00+01:00",
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    assert record["disputed"] is True


def test_outcome_returned_defaults_at_to_now(case: int) -> None:
    run("outcome", str(case), "--returned", stdout=f"Outcome of #{case} set\n")
    record = show_json(case)
    assert record["outcome"]["returned"] is True
    assert record["outcome"]["at"] == NOW
    assert record["outcome"]["recommend"] is None
    assert record["disputed"] is None


@pytest.mark.parametrize("mouth", ["positive", "negative", "none"])
def test_outcome_word_of_mouth(case: int, mouth: str) -> None:
    run("outcome", str(case), "--word-of-mouth", mouth, stdout=f"Outcome of #{case} set\n")
    assert show_json(case)["outcome"]["word_of_mouth"] == mouth


@pytest.mark.parametrize("recommend", ["0", "10"])
def test_outcome_recommend_bounds(case: int, recommend: str) -> None:
    run("outcome", str(case), "--recommend", recommend, stdout=f"Outcome of #{case} set\n")
    assert show_json(case)["outcome"]["recommend"] == int(recommend)


@pytest.mark.parametrize(("flag", "value"), [("--disputed", True), ("--accepted", False)])
def test_outcome_disputed_sets_the_encounter(case: int, flag: str, value: bool) -> None:
    run("outcome", str(case), flag, stdout=f"Outcome of #{case} set\n")
    record = show_json(case)
    assert record["disputed"] is value
    assert record["outcome"] is None  # only the encounter's flag was given


def test_outcome_twice_updates_only_the_given_fields(case: int) -> None:
    run(
        "outcome",
        str(case),
        "--returned",
        "--recommend",
        "8",
        "--told",
        "2",
        "--review",
        "Yelp",
        "--when",
        "2026-11-21T12:00",
        stdout=f"Outcome of #{case} set\n",
    )
    first = show_json(case)["outcome"]
    run(
        "outcome",
        str(case),
        "--recommend",
        "6",
        "--disputed",
        env={"SVCLOG_NOW": LATER},
        stdout=f"Outcome of #{case} set\n",
    )
    record = show_json(case)
    second = record["outcome"]
    assert second["id"] == first["id"]
    assert second["uid"] == first["uid"]
    assert second["recommend"] == 6
    assert second["updated_at"] == "2026-11-23T08:00:00+00:00"
    assert without(second, "recommend", "updated_at") == without(first, "recommend", "updated_at")
    assert record["disputed"] is True
    run("outcome", str(case), "--accepted", "--not-returned", stdout=f"Outcome of #{case} set\n")
    record = show_json(case)
    assert record["disputed"] is False
    assert record["outcome"]["returned"] is False
    assert record["outcome"]["told"] == 2
    assert record["outcome"]["review"] == "Yelp"


def test_outcome_with_no_options_is_a_usage_error(case: int) -> None:
    before = snapshot()
    result = cli("outcome", str(case))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "nothing to set")
    assert snapshot() == before


# ----------------------------------------------------------------------------- resolve, abandon


@pytest.mark.parametrize("status", ["resolved", "abandoned"])
def test_close_sets_status_and_twice_says_already(case: int, status: str) -> None:
    command = {"resolved": "resolve", "abandoned": "abandon"}[status]
    run("respond", str(case), "--quality", "3", stdout=f"Added response r1 to #{case}\n")
    assert show_json(case)["status"] == "open"
    run(command, str(case), stdout=f"#{case} is {status}\n")
    closed = show_json(case)
    assert closed["status"] == status

    again = cli(command, str(case))
    assert again.exit_code == 0
    assert again.stdout == ""
    assert again.stderr == f"#{case} was already {status}.\n"
    assert show_json(case) == closed

    # The second run wrote no history: undo reverts the first, then the response.
    undone = cli("undo")
    assert undone.exit_code == 0
    assert undone.stderr == ""
    assert undone.stdout.startswith(f"Reverted: mark encounter #{case} at Smokey's BBQ {status} ")
    assert show_json(case)["status"] == "open"
    assert show_json(case)["responses"] != []
    undone = cli("undo")
    assert undone.exit_code == 0
    assert undone.stdout.startswith(f"Reverted: add response r1 to encounter #{case} ")
    assert show_json(case)["responses"] == []


def test_abandon_then_resolve(case: int) -> None:
    run("abandon", str(case), stdout=f"#{case} is abandoned\n")
    run("resolve", str(case), stdout=f"#{case} is resolved\n")
    assert show_json(case)["status"] == "resolved"


def test_a_non_failure_is_already_resolved() -> None:
    fine = add("Burrito Barn", "Great as ever", "--when", OCCURRED)
    result = cli("resolve", str(fine))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"#{fine} was already resolved.\n"


# ----------------------------------------------------------------------------- refused values


REFUSED = [
    (("respond", "{id}", "--quality", "6"), ("quality", "1 to 5")),
    (("respond", "{id}", "--quality", "0"), ("quality", "1 to 5")),
    (("respond", "{id}", "--quality", "superb"), ("superb", "exemplary")),
    (("respond", "{id}", "--by", "boss"), ("--by", "boss", "frontline", "automated")),
    (("respond", "{id}", "--apology", "maybe"), ("--apology", "maybe", "perfunctory")),
    (("respond", "{id}", "--when", "tomorrow 3pm"), ("future", "--allow-future")),
    (("respond", "{id}", "--when", "not a date"), ("not a date",)),
    (("remedy", "{id}", "cake"), ("cake", *REMEDY_TYPES)),
    (("remedy", "{id}", "refund", "--value", "abc"), ("abc",)),
    (("remedy", "{id}", "refund", "--value", "-5"), ("-5",)),
    (("remedy", "{id}", "refund", "--value", "5", "--currency", "EURO"), ("EURO",)),
    (("remedy", "{id}", "refund", "--value", "5", "--currency", "E1"), ("E1",)),
    (("remedy", "{id}", "refund", "--when", "2026-12-01"), ("future", "--allow-future")),
    (("followup", "{id}", "--due", "not a date"), ("not a date",)),
    (("followup", "{id}", "--by", "us"), ("--by", "us", "me", "them")),
    (("followup", "{id}", "--when", "next week"), ("future", "--allow-future")),
    (("outcome", "{id}", "--recommend", "11"), ("--recommend", "0 to 10")),
    (("outcome", "{id}", "--recommend=-1"), ("--recommend", "0 to 10")),
    (("outcome", "{id}", "--told=-1"), ("--told",)),
    (("outcome", "{id}", "--word-of-mouth", "great"), ("great", "positive")),
    (("outcome", "{id}", "--returned", "--when", "2026-12-24"), ("future",)),
    (("respond", "99"), ("no encounter with id 99",)),
    (("remedy", "99", "refund", "--value", "10"), ("no encounter with id 99",)),
    (("followup", "99", "--due", "friday"), ("no encounter with id 99",)),
    (("outcome", "99", "--returned"), ("no encounter with id 99",)),
    (("resolve", "99"), ("no encounter with id 99",)),
    (("abandon", "99"), ("no encounter with id 99",)),
]


@pytest.mark.parametrize(("args", "fragments"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_refused_values_change_nothing(
    full: int, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = snapshot()
    result = cli(*(a.replace("{id}", str(full)) for a in args))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, *fragments)
    assert snapshot() == before


# ----------------------------------------------------------------------------- show: the record


def test_show_json_nests_the_timeline(full: int) -> None:
    record = show_json(full)
    assert [list(r) for r in record["responses"]] == [RESPONSE_FIELDS]
    assert [list(m) for m in record["remedies"]] == [REMEDY_FIELDS]
    assert [list(f) for f in record["followups"]] == [FOLLOWUP_FIELDS]
    assert list(record["outcome"]) == OUTCOME_FIELDS
    assert record["responses"][0]["by"] == "manager"
    assert record["responses"][0]["quality"] == 2
    assert record["remedies"][0]["value"] == "10"
    assert record["remedies"][0]["delivered"] is False
    assert record["followups"][0]["due"] == "2026-11-25T00:00:00+01:00"
    assert record["outcome"]["recommend"] == 6
    assert record["outcome"]["told"] == 1
    uids = [
        record["uid"],
        record["responses"][0]["uid"],
        record["remedies"][0]["uid"],
        record["followups"][0]["uid"],
        record["outcome"]["uid"],
    ]
    assert all(ULID.match(uid) for uid in uids)
    assert len(set(uids)) == 5


def test_show_json_empty_timeline(case: int) -> None:
    record = show_json(case)
    assert record["responses"] == []
    assert record["remedies"] == []
    assert record["followups"] == []
    assert record["outcome"] is None


def test_list_json_carries_the_timeline_too(full: int) -> None:
    [listed] = cli("list", "--format", "json").json()
    assert listed == show_json(full)


EVENT_LINE = re.compile(
    r"^\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2})\s+(#\d+|[rmfo]\d+)?\s*"
    r"(failure|encounter|complaint|response|remedy|follow-up|outcome)\b"
)


def timeline_rows(encounter_id: int) -> list[tuple[str, str, str]]:
    stdout = ok("show", str(encounter_id))
    rows = []
    for line in stdout.splitlines():
        found = EVENT_LINE.match(line)
        if found:
            rows.append((found[1], found[2] or "", found[3]))
    return rows


def test_timeline_is_in_time_order_whatever_the_entry_order(case: int) -> None:
    c = str(case)
    ok("respond", c, "--quality", "3", "--when", "2026-11-21T10:00")  # r1
    ok("respond", c, "--quality", "1", "--when", "2026-11-20T20:30")  # r2, earlier
    ok("remedy", c, "refund", "--when", "2026-11-21T12:00")  # m1
    ok("remedy", c, "voucher", "--when", "2026-11-20T19:45")  # m2, before both responses
    ok("followup", c, "--by", "me", "--when", "2026-11-22T09:00")  # f1
    # f2: 15:30 in New York is 21:30 in Paris, between r2 and r1.
    ok("followup", c, "--by", "them", "--when", "2026-11-20T15:30:00-05:00")
    ok("outcome", c, "--recommend", "5", "--when", "2026-11-22T12:00")  # o1
    # r3: 02:00 in New York is 08:00 in Paris, before r1 (entered last).
    ok("respond", c, "--by", "owner", "--when", "2026-11-21T02:00:00-05:00")

    record = show_json(case)
    assert [r["id"] for r in record["responses"]] == [2, 3, 1]
    assert [r["at"] for r in record["responses"]] == [
        "2026-11-20T20:30:00+01:00",
        "2026-11-21T02:00:00-05:00",
        "2026-11-21T10:00:00+01:00",
    ]
    assert [m["id"] for m in record["remedies"]] == [2, 1]
    assert [f["id"] for f in record["followups"]] == [2, 1]

    assert timeline_rows(case) == [
        ("2026-11-20 19:00", f"#{case}", "failure"),
        ("2026-11-20 19:30", "", "complaint"),
        ("2026-11-20 19:45", "m2", "remedy"),
        ("2026-11-20 20:30", "r2", "response"),
        ("2026-11-20 21:30", "f2", "follow-up"),
        ("2026-11-21 08:00", "r3", "response"),
        ("2026-11-21 10:00", "r1", "response"),
        ("2026-11-21 12:00", "m1", "remedy"),
        ("2026-11-22 09:00", "f1", "follow-up"),
        ("2026-11-22 12:00", "o1", "outcome"),
    ]


def test_editing_a_records_time_moves_it_in_the_timeline(case: int) -> None:
    c = str(case)
    ok("respond", c, "--by", "frontline", "--when", "2026-11-20T20:00")  # r1
    ok("respond", c, "--by", "manager", "--when", "2026-11-21T10:00")  # r2
    assert [r["id"] for r in show_json(case)["responses"]] == [1, 2]
    run("edit", "r2", "--when", "2026-11-20T19:50", stdout=f"Updated response r2 of #{case}\n")
    assert [r["id"] for r in show_json(case)["responses"]] == [2, 1]
    assert [row[1] for row in timeline_rows(case)] == [f"#{case}", "", "r2", "r1"]


def test_show_table_describes_each_record(full: int) -> None:
    stdout = ok("show", str(full))
    lines = {row[1]: row for row in timeline_rows(full)}
    assert set(lines) == {f"#{full}", "", "r1", "m1", "f1", "o1"}
    assert "manager · dismissive (2)" in stdout
    assert "voucher · 10 EUR · promised, pending" in stdout
    assert "they contacted me · call back · due 2026-11-25 00:00" in stdout
    assert "would recommend 6/10 · told 1" in stdout


# ----------------------------------------------------------------------------- timely


def timely_after(*add_args: str, respond_at: str | None) -> bool | None:
    encounter = add("Piazza Pizza", "Pizzas not started", *add_args)
    if respond_at is not None:
        ok("respond", str(encounter), "--when", respond_at)
    value: bool | None = show_json(encounter)["timely"]
    return value


@pytest.mark.parametrize(
    ("respond_at", "expected"),
    [
        ("2026-11-21T10:00", True),  # 48 h after the complaint
        ("2026-11-21T10:01", False),  # 48 h 1 min after it
    ],
)
def test_timely_measured_from_the_complaint(respond_at: str, expected: bool) -> None:
    # The encounter is a day earlier: from occurred_at both would be late.
    value = timely_after(
        "--failure",
        "--when",
        "2026-11-18T10:00",
        "--complained-at",
        "2026-11-19T10:00",
        respond_at=respond_at,
    )
    assert value is expected


@pytest.mark.parametrize(
    ("respond_at", "expected"),
    [("2026-11-21T10:00", True), ("2026-11-21T10:01", False)],
)
def test_timely_measured_from_the_encounter(respond_at: str, expected: bool) -> None:
    value = timely_after("--failure", "--when", "2026-11-19T10:00", respond_at=respond_at)
    assert value is expected


@pytest.mark.parametrize(
    ("occurred", "expected"),
    [
        ("2026-11-20T16:30", None),  # 47 h ago: still within the window
        ("2026-11-20T14:30", False),  # 49 h ago: the window has passed
    ],
)
def test_timely_without_a_response(occurred: str, expected: bool | None) -> None:
    assert timely_after("--failure", "--when", occurred, respond_at=None) is expected


def test_timely_no_response_counts_from_the_complaint() -> None:
    value = timely_after(
        "--failure",
        "--when",
        "2026-11-10T12:00",
        "--complained-at",
        "2026-11-21T12:00",
        respond_at=None,
    )
    assert value is None


def test_timely_only_the_first_response_counts() -> None:
    encounter = add("Piazza Pizza", "Pizzas not started", "--failure", "--when", "2026-11-19T10:00")
    ok("respond", str(encounter), "--when", "2026-11-22T10:00")  # late
    assert show_json(encounter)["timely"] is False
    ok("respond", str(encounter), "--when", "2026-11-19T11:00")  # entered later, came first
    assert show_json(encounter)["timely"] is True


def test_timely_is_null_for_a_non_failure_without_complaint() -> None:
    value = timely_after("--when", "2026-11-01T10:00", respond_at="2026-11-20T10:00")
    assert value is None
    assert timely_after("--when", "2026-11-01T10:00", respond_at=None) is None


def test_timely_for_a_complaint_about_a_non_failure() -> None:
    assert (
        timely_after("--complained", "--when", "2026-11-19T10:00", respond_at="2026-11-19T12:00")
        is True
    )
    assert timely_after("--complained", "--when", "2026-11-10T10:00", respond_at=None) is False


@pytest.mark.parametrize(
    ("respond_at", "derived", "flag"),
    [("2026-11-19T11:00", True, "--not-timely"), ("2026-11-22T10:00", False, "--timely")],
)
def test_explicit_timely_wins_and_clear_goes_back(
    respond_at: str, derived: bool, flag: str
) -> None:
    encounter = add("Piazza Pizza", "Pizzas not started", "--failure", "--when", "2026-11-19T10:00")
    ok("respond", str(encounter), "--when", respond_at)
    assert show_json(encounter)["timely"] is derived
    run("edit", str(encounter), flag, stdout=f"Updated #{encounter}\n")
    assert show_json(encounter)["timely"] is (not derived)
    run("edit", str(encounter), "--clear", "timely", stdout=f"Updated #{encounter}\n")
    assert show_json(encounter)["timely"] is derived


def test_explicit_timely_on_an_encounter_with_no_response() -> None:
    encounter = add("Piazza Pizza", "Pizzas not started", "--failure", "--when", "2026-11-22T10:00")
    assert show_json(encounter)["timely"] is None
    run("edit", str(encounter), "--not-timely", stdout=f"Updated #{encounter}\n")
    assert show_json(encounter)["timely"] is False


def test_configured_window_changes_the_derived_value() -> None:
    encounter = add("Piazza Pizza", "Pizzas not started", "--failure", "--when", "2026-11-19T10:00")
    ok("respond", str(encounter), "--when", "2026-11-20T16:00")  # 30 h later
    assert show_json(encounter)["timely"] is True
    run("config", "set", "timely_hours", "24", stdout="timely_hours = 24\n")
    assert show_json(encounter)["timely"] is False
    run("config", "set", "timely_hours", "30", stdout="timely_hours = 30\n")
    assert show_json(encounter)["timely"] is True


def test_show_table_says_how_fast_they_answered() -> None:
    encounter = add(
        "Piazza Pizza",
        "Pizzas not started",
        "--failure",
        "--when",
        "2026-11-19T10:00",
        "--complained-at",
        "2026-11-19T10:30",
    )
    ok("respond", str(encounter), "--when", "2026-11-19T14:00")
    assert "3.5 h after the complaint · timely" in ok("show", str(encounter))
    run("edit", str(encounter), "--not-timely", stdout=f"Updated #{encounter}\n")
    assert "3.5 h after the complaint · late (set)" in ok("show", str(encounter))


# ----------------------------------------------------------------------------- edit records


@pytest.mark.parametrize(
    ("ref", "args", "section", "expected"),
    [
        ("r1", ("--quality", "good"), "responses", {"quality": 4}),
        (
            "r1",
            ("--by", "senior", "--apology", "sincere", "--listened", "--not-fixed"),
            "responses",
            {"by": "senior", "apology": "sincere", "listened": True, "fixed": False},
        ),
        (
            "r1",
            ("--asked-more", "--prevented"),
            "responses",
            {"asked_more": True, "prevented": True},
        ),
        (
            "r1",
            ("--when", "2026-11-21T11:00", "--note", "called"),
            "responses",
            {"at": "2026-11-21T11:00:00+01:00", "note": "called"},
        ),
        ("m1", ("--delivered",), "remedies", {"delivered": True}),
        (
            "m1",
            ("--type", "refund", "--value", "12.50", "--currency", "usd"),
            "remedies",
            {"type": "refund", "value": "12.50", "currency": "USD"},
        ),
        ("m1", ("--note", "posted"), "remedies", {"note": "posted"}),
        ("f1", ("--done",), "followups", {"done": True}),
        (
            "f1",
            ("--by", "me", "--channel", "Email", "--due", "friday"),
            "followups",
            {"direction": "me", "channel": "email", "due": "2026-11-27T00:00:00+01:00"},
        ),
        (
            "f1",
            (
                "--note",
                "",
            ),
            "followups",
            {"note": None},
        ),
        ("o1", ("--recommend", "5"), "outcome", {"recommend": 5}),
        (
            "o1",
            (
                "--returned",
                "--told",
                "4",
                "--word-of-mouth",
                "positive",
                "--review",
                "Yelp",
                "--switched-to",
                "Rival",
            ),
            "outcome",
            {
                "returned": True,
                "told": 4,
                "word_of_mouth": "positive",
                "review": "Yelp",
                "switched_to": "Rival",
            },
        ),
        ("o1", ("--when", "2026-11-20T20:00"), "outcome", {"at": "2026-11-20T20:00:00+01:00"}),
    ],
)
def test_edit_record_changes_only_its_fields(
    full: int, ref: str, args: tuple[str, ...], section: str, expected: dict[str, Any]
) -> None:
    kind = {"r": "response", "m": "remedy", "f": "followup", "o": "outcome"}[ref[0]]
    before = show_json(full)
    run("edit", ref, *args, env={"SVCLOG_NOW": LATER}, stdout=f"Updated {kind} {ref} of #{full}\n")
    after = show_json(full)
    old = before[section] if section == "outcome" else before[section][0]
    new = after[section] if section == "outcome" else after[section][0]
    assert {k: new[k] for k in expected} == expected
    assert new["updated_at"] == "2026-11-23T08:00:00+00:00"
    unchanged = set(old) - set(expected) - {"updated_at"}
    assert {k: new[k] for k in unchanged} == {k: old[k] for k in unchanged}
    assert after["updated_at"] == "2026-11-23T08:00:00+00:00"
    others = set(before) - {section, "updated_at", "timely"}
    assert {k: after[k] for k in others} == {k: before[k] for k in others}


def test_edit_record_with_the_same_value_changes_nothing(full: int) -> None:
    before = show_json(full)
    result = cli("edit", "r1", "--quality", "dismissive", env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Nothing changed in r1.\n"
    assert show_json(full) == before


@pytest.mark.parametrize(
    ("ref", "args", "fragments"),
    [
        ("m1", ("--quality", "3"), ("--quality", "remedy")),
        ("r1", ("--done",), ("--done", "response")),
        ("r1", ("--summary", "x"), ("--summary", "response")),
        ("f1", ("--value", "3"), ("--value", "followup")),
        ("f1", ("--apology", "none"), ("--apology", "followup")),
        ("o1", ("--note", "x"), ("--note", "outcome")),
        ("o1", ("--by", "me"), ("--by", "outcome")),
        ("m1", ("--due", "friday"), ("--due", "remedy")),
        ("1", ("--quality", "3"), ("--quality", "encounter")),
        ("1", ("--remove",), ("--remove", "encounter")),
        ("r1", ("--remove", "--quality", "3"), ("--remove",)),
        ("r1", (), ("nothing to change",)),
    ],
)
def test_edit_record_refuses_options_that_do_not_apply(
    full: int, ref: str, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = snapshot()
    result = cli("edit", ref, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, *fragments)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("ref", "args", "fragments"),
    [
        ("r1", ("--quality", "9"), ("quality",)),
        ("m1", ("--type", "cake"), ("cake",)),
        ("m1", ("--currency", "EURO"), ("EURO",)),
        ("f1", ("--due", "not a date"), ("not a date",)),
        ("o1", ("--recommend", "11"), ("--recommend",)),
        ("o1", ("--told=-2",), ("--told",)),
    ],
)
def test_edit_record_refuses_bad_values(
    full: int, ref: str, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    before = snapshot()
    result = cli("edit", ref, *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, *fragments)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("ref", "section", "empty"),
    [
        ("r1", "responses", []),
        ("m1", "remedies", []),
        ("f1", "followups", []),
        ("o1", "outcome", None),
    ],
)
def test_edit_remove_removes_the_record(full: int, ref: str, section: str, empty: object) -> None:
    kind = {"r": "response", "m": "remedy", "f": "followup", "o": "outcome"}[ref[0]]
    before = show_json(full)
    run("edit", ref, "--remove", stdout=f"Removed {kind} {ref} of #{full}\n")
    after = show_json(full)
    assert after[section] == empty
    others = set(before) - {section, "updated_at", "timely"}
    assert {k: after[k] for k in others} == {k: before[k] for k in others}


def test_rm_takes_several_records(full: int) -> None:
    result = cli("rm", "r1", "m1", "o1")
    assert result.exit_code == 0
    assert result.stdout == (
        f"Removed response r1 of #{full}\n"
        f"Removed remedy m1 of #{full}\n"
        f"Removed outcome o1 of #{full}\n"
    )
    assert result.stderr == "svclog undo brings them back.\n"
    record = show_json(full)
    assert record["responses"] == []
    assert record["remedies"] == []
    assert record["outcome"] is None
    assert len(record["followups"]) == 1


def test_rm_one_record(full: int) -> None:
    result = cli("rm", "f1")
    assert result.exit_code == 0
    assert result.stdout == f"Removed followup f1 of #{full}\n"
    assert result.stderr == "svclog undo brings it back.\n"
    assert show_json(full)["followups"] == []


def test_rm_an_encounter_with_one_of_its_own_records(full: int) -> None:
    """`rm 1 r1` removes both, in either order on the command line; undo restores both."""
    before = show_json(full)
    result = cli("rm", str(full), "r1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Removed response r1 of #{full}",
        f"Removed #{full} · {before['business']['name']}",
    ]
    assert json.loads(ok("list", "--format", "json")) == []
    assert cli("undo").exit_code == 0
    assert show_json(full) == before


def test_rm_keeps_other_encounters_records(full: int) -> None:
    other = add("Burrito Barn", "Cold burrito", "--failure", "--when", OCCURRED)
    ok("respond", str(other), "--quality", "5")  # r2
    result = cli("rm", "r1")
    assert result.exit_code == 0
    assert result.stdout == f"Removed response r1 of #{full}\n"
    assert show_json(full)["responses"] == []
    assert [r["id"] for r in show_json(other)["responses"]] == [2]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("edit", "r99", "--quality", "3"), "no response r99"),
        (("edit", "m99", "--delivered"), "no remedy m99"),
        (("edit", "f99", "--done"), "no followup f99"),
        (("edit", "o99", "--recommend", "3"), "no outcome o99"),
        (("edit", "r99", "--remove"), "no response r99"),
        (("rm", "r99"), "no response r99"),
        (("rm", "m1", "f99"), "no followup f99"),
    ],
)
def test_unknown_record_is_not_found(full: int, args: tuple[str, ...], fragment: str) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, fragment)
    assert snapshot() == before


@pytest.mark.parametrize(
    "args",
    [
        ("edit", "x1", "--quality", "3"),
        ("edit", "zz", "--quality", "3"),
        ("edit", "r", "--quality", "3"),
        ("edit", "r0", "--quality", "3"),
        ("rm", "x1"),
        ("rm", "zz"),
        ("rm", "r1", "q2"),
    ],
)
def test_malformed_ref_is_a_usage_error(full: int, args: tuple[str, ...]) -> None:
    before = snapshot()
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "is not an encounter id or a record")
    assert snapshot() == before


# ----------------------------------------------------------------------------- undo


UNDOABLE = [
    (
        ("respond", "{id}", "--by", "owner", "--quality", "5", "--apology", "sincere"),
        "add response r2",
    ),
    (("remedy", "{id}", "refund", "--value", "25", "--currency", "USD"), "add remedy m2"),
    (("followup", "{id}", "--by", "me", "--due", "friday"), "add followup f2"),
    (("outcome", "{id}", "--returned", "--recommend", "9", "--disputed"), "set the outcome"),
    (("outcome", "{id}", "--accepted"), "set the outcome"),
    (("resolve", "{id}"), "resolved"),
    (("abandon", "{id}"), "abandoned"),
    (("edit", "r1", "--quality", "5", "--fixed"), "edit response r1"),
    (("edit", "m1", "--delivered", "--value", "11"), "edit remedy m1"),
    (("edit", "f1", "--done"), "edit followup f1"),
    (("edit", "o1", "--recommend", "0", "--not-returned"), "edit outcome o1"),
    (("edit", "r1", "--remove"), "remove response r1"),
    (("edit", "o1", "--remove"), "remove outcome o1"),
    (("rm", "r1"), "rm response r1"),
    (("rm", "r1", "m1", "f1", "o1"), "rm response r1"),
]


@pytest.mark.parametrize(("args", "described"), UNDOABLE, ids=[" ".join(a) for a, _ in UNDOABLE])
def test_undo_reverts_the_whole_command(full: int, args: tuple[str, ...], described: str) -> None:
    before = show_json(full)
    result = cli(*(a.replace("{id}", str(full)) for a in args), env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert show_json(full) != before
    undone = cli("undo")
    assert undone.exit_code == 0
    assert undone.stderr == ""
    assert undone.stdout.startswith("Reverted: ")
    assert described in undone.stdout
    assert "(run 2026-11-23 09:00;" in undone.stdout
    assert show_json(full) == before


def test_undo_an_outcome_update_keeps_the_first_outcome(case: int) -> None:
    ok("outcome", str(case), "--recommend", "4", "--told", "2")
    before = show_json(case)
    ok("outcome", str(case), "--recommend", "9", "--returned", env={"SVCLOG_NOW": LATER})
    assert show_json(case)["outcome"]["recommend"] == 9
    ok("undo")
    assert show_json(case) == before
    ok("undo")
    assert show_json(case)["outcome"] is None


def test_undo_rm_of_an_encounter_brings_back_its_timeline(full: int) -> None:
    before = show_json(full)
    result = cli("rm", str(full))
    assert result.exit_code == 0
    assert show_json_missing(full)
    ok("undo")
    assert show_json(full) == before


def show_json_missing(encounter_id: int) -> bool:
    result = cli("show", str(encounter_id), "--format", "json")
    return result.exit_code == 1 and result.stdout == ""
