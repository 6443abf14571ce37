"""`svclog add`: the one-liner, every option, date parsing, refusals and business names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import add, assert_one_error_line, cli, show_json, snapshot

# ----------------------------------------------------------------------------- the one-liner


def test_one_liner_records_and_reports_what_was_stored(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Meal late and cold")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #1 · Smokey's BBQ · 2026-11-22 15:30\n"
    assert result.stderr == "New business: Smokey's BBQ\n"
    assert db.exists()
    record = show_json(1)
    assert record["business"] == {"name": "Smokey's BBQ", "category": None}
    assert record["summary"] == "Meal late and cold"
    assert record["occurred_at"] == "2026-11-22T15:30:00+01:00"
    assert record["failure"] is False
    assert record["severity"] is None
    assert record["status"] == "resolved"
    assert record["channel"] is None
    assert record["note"] is None
    assert record["tags"] == []
    assert record["complained"] is False
    assert record["complained_at"] is None


def test_business_alone_is_enough_off_a_terminal() -> None:
    result = cli("add", "Burrito Barn", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"
    assert result.stderr == ""
    record = show_json(1)
    assert record["business"]["name"] == "Burrito Barn"
    assert record["summary"] is None


def test_quiet_prints_only_the_id() -> None:
    first = cli("add", "Burrito Barn", "Great as ever", "--quiet")
    second = cli("add", "Burrito Barn", "Great again", "-q")
    assert (first.exit_code, first.stdout, first.stderr) == (0, "1\n", "")
    assert (second.exit_code, second.stdout, second.stderr) == (0, "2\n", "")


def test_existing_business_is_not_announced_again() -> None:
    add("Burrito Barn", "first")
    result = cli("add", "Burrito Barn", "second")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #2 · Burrito Barn · 2026-11-22 15:30\n"
    assert result.stderr == ""


def test_failure_with_severity_is_shown_in_the_added_line() -> None:
    result = cli("add", "Smokey's BBQ", "Cold food", "--severity", "3", "--when", "yesterday 7pm")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added #1 · Smokey's BBQ · 2026-11-21 19:00")
    assert "severity 3" in result.stdout
    assert result.stdout.count("\n") == 1
    assert result.stderr == "New business: Smokey's BBQ\n"


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("yesterday 7pm", "2026-11-21T19:00:00+01:00"),
        ("last friday 7pm", "2026-11-20T19:00:00+01:00"),
        ("friday 7pm", "2026-11-20T19:00:00+01:00"),
        ("7pm", "2026-11-21T19:00:00+01:00"),
        ("2 hours ago", "2026-11-22T13:30:00+01:00"),
        ("yesterday at noon", "2026-11-21T12:00:00+01:00"),
        ("yesterday", "2026-11-21T00:00:00+01:00"),
        ("december 1", "2025-12-01T00:00:00+01:00"),
        ("now", "2026-11-22T15:30:00+01:00"),
        ("2026-11-20T08:15:00-05:00", "2026-11-20T08:15:00-05:00"),
        ("2026-11-21T19:00", "2026-11-21T19:00:00+01:00"),
        ("2026-11-20", "2026-11-20T00:00:00+01:00"),
        ("2026-07-14T12:00:00Z", "2026-07-14T12:00:00+00:00"),
        ("2026-07-14 09:30", "2026-07-14T09:30:00+02:00"),
    ],
)
def test_when_is_parsed_against_the_fixed_clock(typed: str, stored: str) -> None:
    result = cli("add", "Burrito Barn", "Lunch", "--when", typed, "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"
    assert result.stderr == ""
    assert show_json(1)["occurred_at"] == stored


def test_parsed_date_is_echoed_in_local_time() -> None:
    result = cli("add", "Burrito Barn", "Lunch", "-w", "2026-11-20T08:15:00-05:00")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #1 · Burrito Barn · 2026-11-20 14:15\n"
    assert result.stderr == "New business: Burrito Barn\n"


@pytest.mark.parametrize("typed", ["tomorrow", "2026-11-23T09:00:00+01:00", "in 3 days"])
def test_future_date_is_refused_and_nothing_is_written(db: Path, typed: str) -> None:
    result = cli("add", "Burrito Barn", "Lunch", "--when", typed)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, repr(typed), "future", "--allow-future")
    assert not db.exists()


def test_future_date_refused_leaves_an_existing_journal_unchanged() -> None:
    add("Burrito Barn", "Lunch")
    before = snapshot()
    result = cli("add", "Tomorrow Diner", "Dinner", "--when", "2026-12-25T12:00:00+01:00")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'2026-12-25T12:00:00+01:00'", "future")
    assert snapshot() == before


def test_allow_future_accepts_a_future_date() -> None:
    result = cli(
        "add", "Burrito Barn", "Booked", "--when", "2026-12-25T12:00:00+01:00", "--allow-future"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #1 · Burrito Barn · 2026-12-25 12:00\n"
    assert result.stderr == "New business: Burrito Barn\n"
    assert show_json(1)["occurred_at"] == "2026-12-25T12:00:00+01:00"


@pytest.mark.parametrize("typed", ["blorp glorp", "2026-02-30", "2026-13-01T10:00", "   "])
def test_unparseable_date_is_refused(db: Path, typed: str) -> None:
    result = cli("add", "Burrito Barn", "Lunch", "--when", typed)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr)
    assert not db.exists()


def test_unparseable_date_message_quotes_the_input(db: Path) -> None:
    result = cli("add", "Burrito Barn", "Lunch", "--when", "blorp glorp")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'blorp glorp'")
    assert not db.exists()


# ----------------------------------------------------------------------------- every option


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("In Person", "in_person"),
        ("PHONE", "phone"),
        ("E-mail", "e_mail"),
        ("  Chat  ", "chat"),
        ("walk up window", "walk_up_window"),
    ],
)
def test_channel_is_normalised(typed: str, stored: str) -> None:
    encounter_id = add("Burrito Barn", "Lunch", "--channel", typed)
    assert show_json(encounter_id)["channel"] == stored


def test_failure_flag_opens_a_case_without_severity() -> None:
    encounter_id = add("Smokey's BBQ", "Cold food", "--failure")
    record = show_json(encounter_id)
    assert record["failure"] is True
    assert record["severity"] is None
    assert record["status"] == "open"


def test_severity_implies_failure_and_opens_a_case() -> None:
    encounter_id = add("Smokey's BBQ", "Cold food", "--severity", "4")
    record = show_json(encounter_id)
    assert record["failure"] is True
    assert record["severity"] == 4
    assert record["status"] == "open"


def test_no_failure_is_resolved() -> None:
    encounter_id = add("Burrito Barn", "Great", "--no-failure")
    record = show_json(encounter_id)
    assert record["failure"] is False
    assert record["severity"] is None
    assert record["status"] == "resolved"


@pytest.mark.parametrize("severity", ["0", "6", "-1"])
def test_severity_out_of_range_is_refused(db: Path, severity: str) -> None:
    result = cli("add", "Smokey's BBQ", "Cold food", "--severity", severity)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "severity", "1", "5")
    assert not db.exists()


def test_severity_not_a_number_is_a_usage_error(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Cold food", "--severity", "bad")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--severity")
    assert not db.exists()


def test_severity_with_no_failure_is_refused(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Cold food", "--severity", "2", "--no-failure")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "severity")
    assert not db.exists()


def test_issue_is_stored() -> None:
    encounter_id = add("Smokey's BBQ", "Slow", "--failure", "--issue", "wait time")
    assert show_json(encounter_id)["issue"] == "wait time"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("empathy", "empathy"),
        ("Reliability", "reliability"),
        ("RESPONSIVENESS", "responsiveness"),
        ("assurance", "assurance"),
        ("tangibles", "tangibles"),
    ],
)
def test_dimension_is_stored(typed: str, stored: str) -> None:
    encounter_id = add("Smokey's BBQ", "Rude", "--dimension", typed)
    assert show_json(encounter_id)["dimension"] == stored


def test_unknown_dimension_is_refused_listing_the_allowed_values(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Rude", "--dimension", "niceness")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(
        result.stderr,
        "'niceness'",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
        "tangibles",
    )
    assert not db.exists()


def test_complained_without_a_time() -> None:
    encounter_id = add("Smokey's BBQ", "Cold", "--failure", "--complained")
    record = show_json(encounter_id)
    assert record["complained"] is True
    assert record["complained_at"] is None


def test_complained_at_implies_complained() -> None:
    encounter_id = add(
        "Smokey's BBQ", "Cold", "--when", "yesterday 7pm", "--complained-at", "yesterday 8pm"
    )
    record = show_json(encounter_id)
    assert record["complained"] is True
    assert record["complained_at"] == "2026-11-21T20:00:00+01:00"


def test_complained_at_in_the_future_is_refused(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Cold", "--complained-at", "2027-01-01T10:00:00+01:00")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "future")
    assert not db.exists()


def test_client_and_note_are_stored_exactly() -> None:
    note = 'The manager said:\n  "our customers are satisfied"\n\n\tthen walked off.'
    encounter_id = add("Smokey's BBQ", "Cold", "--client", "Acme Corp", "--note", note)
    record = show_json(encounter_id)
    assert record["client"] == "Acme Corp"
    assert record["note"] == note


def test_tags_repeatable_and_comma_separated() -> None:
    encounter_id = add(
        "Smokey's BBQ", "Cold", "--tag", "dinner", "-t", "kids, weekend", "--tag", "late,"
    )
    assert show_json(encounter_id)["tags"] == ["dinner", "kids", "weekend", "late"]


def test_duplicate_tags_are_kept_once() -> None:
    encounter_id = add("Smokey's BBQ", "Cold", "--tag", "dinner", "--tag", "Dinner")
    assert show_json(encounter_id)["tags"] == ["dinner"]


def test_category_is_given_to_a_new_business() -> None:
    result = cli("add", "Smokey's BBQ", "Cold", "--category", "restaurant")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #1 · Smokey's BBQ · 2026-11-22 15:30\n"
    assert result.stderr == "New business: Smokey's BBQ (restaurant)\n"
    assert show_json(1)["business"] == {"name": "Smokey's BBQ", "category": "restaurant"}


def test_every_option_at_once() -> None:
    encounter_id = add(
        "Smokey's BBQ",
        "  Meal late and cold  ",
        "--when",
        "yesterday 7pm",
        "--channel",
        "In Person",
        "--severity",
        "3",
        "--issue",
        "food quality",
        "--dimension",
        "reliability",
        "--complained-at",
        "yesterday 7:30pm",
        "--client",
        "Acme",
        "--tag",
        "dinner,kids",
        "--note",
        "Iced tea poured over the cola.",
        "--category",
        "restaurant",
    )
    record = show_json(encounter_id)
    expected = {
        "id": encounter_id,
        "business": {"name": "Smokey's BBQ", "category": "restaurant"},
        "occurred_at": "2026-11-21T19:00:00+01:00",
        "channel": "in_person",
        "summary": "Meal late and cold",
        "note": "Iced tea poured over the cola.",
        "failure": True,
        "severity": 3,
        "issue": "food quality",
        "dimension": "reliability",
        "complained": True,
        "complained_at": "2026-11-21T19:30:00+01:00",
        "client": "Acme",
        "tags": ["dinner", "kids"],
        "status": "open",
        "timely": None,
        "disputed": None,
        "responses": [],
        "remedies": [],
        "followups": [],
        "outcome": None,
    }
    assert {key: record[key] for key in expected} == expected


def test_multi_line_summary_is_refused(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "line one\nline two")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "summary")
    assert not db.exists()


def test_nul_byte_in_note_is_refused(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Cold", "--note", "a\x00b")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "NUL")
    assert not db.exists()


def test_unknown_option_is_a_usage_error(db: Path) -> None:
    result = cli("add", "Smokey's BBQ", "Cold", "--flavour", "smoky")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--flavour")
    assert not db.exists()


# ----------------------------------------------------------------------------- missing business


def test_missing_business_off_a_terminal_is_a_usage_error(db: Path) -> None:
    result = cli("add")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "BUSINESS")
    assert not db.exists()


def test_missing_business_never_prompts_even_with_input_waiting(db: Path) -> None:
    result = cli("add", input="Smokey's BBQ\nCold food\n")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "BUSINESS")
    assert not db.exists()


def test_blank_business_is_refused(db: Path) -> None:
    result = cli("add", "   ", "Cold food")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "BUSINESS")
    assert not db.exists()


def test_on_a_terminal_missing_fields_are_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import svclog.cli.encounters as encounters

    monkeypatch.setattr(encounters, "stdin_is_terminal", lambda: True)
    result = cli("add", input="Smokey's BBQ\nCold food\ny\n4\nwait time\n")
    assert result.exit_code == 0, result.stderr
    assert "Added #1 · Smokey's BBQ · 2026-11-22 15:30" in result.stdout
    assert "New business: Smokey's BBQ" in result.stderr
    record = show_json(1)
    assert record["summary"] == "Cold food"
    assert record["failure"] is True
    assert record["severity"] == 4
    assert record["issue"] == "wait time"


# ----------------------------------------------------------------------------- business names


def test_near_duplicate_business_warns_and_creates_a_separate_one() -> None:
    add("Smokey's BBQ", "Cold", "--category", "restaurant")
    result = cli("add", "Smokeys BBQ", "Late", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Warning: ")
    assert "Smokey's BBQ" in lines[0]
    assert "Smokeys BBQ" in lines[0]
    _, businesses = snapshot()
    assert sorted(b["name"] for b in businesses) == ["Smokey's BBQ", "Smokeys BBQ"]
    assert show_json(1)["business"]["name"] == "Smokey's BBQ"
    assert show_json(2)["business"] == {"name": "Smokeys BBQ", "category": None}


def test_near_duplicate_warning_without_quiet() -> None:
    add("Smokey's BBQ", "Cold")
    result = cli("add", "smokeys b.b.q.", "Late")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Added #2 · smokeys b.b.q. · 2026-11-22 15:30\n"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "Smokey's BBQ" in warnings[0]
    assert "New business: smokeys b.b.q." in result.stderr.splitlines()


def test_same_name_in_another_case_reuses_the_business() -> None:
    add("Smokey's BBQ", "Cold", "--category", "restaurant")
    result = cli("add", "SMOKEY'S bbq", "Better", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"
    assert result.stderr == ""
    encounters, businesses = snapshot()
    assert [b["name"] for b in businesses] == ["Smokey's BBQ"]
    assert businesses[0]["encounters"] == 2
    assert {e["business"]["name"] for e in encounters} == {"Smokey's BBQ"}


def test_same_name_with_extra_spaces_reuses_the_business() -> None:
    add("Smokey's BBQ", "Cold")
    result = cli("add", "  Smokey's   BBQ ", "Better", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"
    assert result.stderr == ""
    _, businesses = snapshot()
    assert [b["name"] for b in businesses] == ["Smokey's BBQ"]


def test_unrelated_business_gets_no_warning() -> None:
    add("Smokey's BBQ", "Cold")
    result = cli("add", "Burrito Barn", "Great", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2\n"
    assert result.stderr == ""


# ----------------------------------------------------------------------------- --editor


def write_editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_editor.py"
    script.write_text(body, encoding="utf-8")
    return f"{sys.executable} {script}"


def test_add_in_editor_fills_the_template(tmp_path: Path) -> None:
    editor = write_editor(
        tmp_path,
        "import sys, re\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "text = re.sub(r'(?m)^business:.*$', 'business: Burrito Barn', text)\n"
        "text = re.sub(r'(?m)^summary:.*$', 'summary: Best burrito in town', text)\n"
        "text = re.sub(r'(?m)^tags:.*$', 'tags: kids, lunch', text)\n"
        "text = text + 'The kids loved it.\\n'\n"
        "open(path, 'w', encoding='utf-8').write(text)\n",
    )
    result = cli("add", "--editor", "--quiet", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"
    assert result.stderr == ""
    record = show_json(1)
    assert record["business"]["name"] == "Burrito Barn"
    assert record["summary"] == "Best burrito in town"
    assert record["tags"] == ["kids", "lunch"]
    assert record["note"] == "The kids loved it."
    assert record["occurred_at"] == "2026-11-22T15:30:00+01:00"


def test_add_in_editor_that_fails_writes_nothing(db: Path, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "import sys\nsys.exit(3)\n")
    result = cli("add", "Burrito Barn", "Lunch", "--editor", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "editor", "3")
    assert not db.exists()
