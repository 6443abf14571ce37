"""`svclog edit`, `rm` and `undo`: every edit option, deletion, and reverting commands."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import add, assert_one_error_line, cli, show_json, snapshot

LATER = "2026-11-23T09:00:00+01:00"


def edit(encounter_id: int, *args: str, env: dict[str, str] | None = None) -> None:
    result = cli("edit", str(encounter_id), *args, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{encounter_id}\n"
    assert result.stderr == ""


def undo() -> str:
    result = cli("undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("Reverted: ")
    assert result.stdout.count("\n") == 1
    return result.stdout


@pytest.fixture
def bbq() -> int:
    return add(
        "Smokey's BBQ",
        "Meal late and cold",
        "--when",
        "2026-11-21T19:00:00+01:00",
        "--severity",
        "3",
        "--issue",
        "wait time",
        "--dimension",
        "reliability",
        "--channel",
        "in person",
        "--complained-at",
        "2026-11-21T19:30:00+01:00",
        "--client",
        "Acme",
        "--note",
        "Iced tea over the cola.",
        "--tag",
        "dinner,kids",
        "--category",
        "restaurant",
    )


@pytest.fixture
def fine() -> int:
    return add("Burrito Barn", "Great as ever", "--when", "2026-11-20T12:00:00+01:00")


# ----------------------------------------------------------------------------- edit: options


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (("--summary", "Meal very late"), "summary", "Meal very late"),
        (("--when", "2026-11-20T08:15:00-05:00"), "occurred_at", "2026-11-20T08:15:00-05:00"),
        (("-w", "yesterday 8pm"), "occurred_at", "2026-11-21T20:00:00+01:00"),
        (("--channel", "E Mail"), "channel", "e_mail"),
        (("--severity", "5"), "severity", 5),
        (("--issue", "food quality"), "issue", "food quality"),
        (("--dimension", "Empathy"), "dimension", "empathy"),
        (
            ("--complained-at", "2026-11-21T21:00:00+01:00"),
            "complained_at",
            "2026-11-21T21:00:00+01:00",
        ),
        (("--client", "Beta"), "client", "Beta"),
        (("--note", "line one\nline two"), "note", "line one\nline two"),
        (("--status", "resolved"), "status", "resolved"),
        (("--status", "abandoned"), "status", "abandoned"),
        (("--tag", "weekend"), "tags", ["dinner", "kids", "weekend"]),
        (("--tag", "a, b", "-t", "c"), "tags", ["dinner", "kids", "a", "b", "c"]),
        (("--untag", "kids"), "tags", ["dinner"]),
        (("--untag", "KIDS", "--untag", "dinner"), "tags", []),
    ],
)
def test_edit_option_changes_only_its_field(
    bbq: int, args: tuple[str, ...], field: str, value: object
) -> None:
    before = show_json(bbq)
    edit(bbq, *args)
    after = show_json(bbq)
    assert after[field] == value
    unchanged = {k for k in before if k not in (field, "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


@pytest.mark.parametrize(
    "field", ["channel", "summary", "note", "severity", "issue", "dimension", "client"]
)
def test_edit_clear_empties_a_field(bbq: int, field: str) -> None:
    before = show_json(bbq)
    assert before[field] is not None
    edit(bbq, "--clear", field)
    after = show_json(bbq)
    assert after[field] is None
    unchanged = {k for k in before if k not in (field, "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_edit_clear_tags_and_complained_at(bbq: int) -> None:
    edit(bbq, "--clear", "tags", "--clear", "complained_at")
    after = show_json(bbq)
    assert after["tags"] == []
    assert after["complained_at"] is None


def test_edit_clear_with_a_new_value_for_the_same_field_is_a_usage_error(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--clear", "summary", "--summary", "new")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--clear summary")
    assert snapshot() == before


def test_edit_clear_unknown_field_is_a_usage_error(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--clear", "business")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--clear")
    assert snapshot() == before


def test_edit_business_moves_to_a_new_business(bbq: int) -> None:
    edit(bbq, "--business", "Pizza Place")
    assert show_json(bbq)["business"] == {"name": "Pizza Place", "category": None}
    _, businesses = snapshot()
    counts = {b["name"]: b["encounters"] for b in businesses}
    assert counts == {"Pizza Place": 1, "Smokey's BBQ": 0}


def test_edit_business_to_an_existing_one_by_other_case(bbq: int, fine: int) -> None:
    edit(bbq, "-b", "burrito barn")
    assert show_json(bbq)["business"] == {"name": "Burrito Barn", "category": None}
    _, businesses = snapshot()
    assert {b["name"]: b["encounters"] for b in businesses} == {
        "Burrito Barn": 2,
        "Smokey's BBQ": 0,
    }


def test_edit_business_to_a_near_duplicate_new_name_warns(bbq: int, fine: int) -> None:
    """A new business created by `edit --business` follows the rule of `add`: a name that
    closely resembles an existing one prints a warning naming it, and is never merged."""
    result = cli("edit", str(fine), "--business", "Smokeys BBQ")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{fine}\n"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1, result.stderr
    assert "Smokey's BBQ" in warnings[0]
    assert show_json(fine)["business"]["name"] == "Smokeys BBQ"
    assert show_json(bbq)["business"]["name"] == "Smokey's BBQ"


def test_edit_failure_opens_a_case(fine: int) -> None:
    edit(fine, "--failure")
    record = show_json(fine)
    assert (record["failure"], record["severity"], record["status"]) == (True, None, "open")


def test_edit_severity_on_a_non_failure_makes_it_one(fine: int) -> None:
    edit(fine, "--severity", "2")
    record = show_json(fine)
    assert (record["failure"], record["severity"], record["status"]) == (True, 2, "open")


def test_edit_no_failure_clears_severity_and_resolves(bbq: int) -> None:
    edit(bbq, "--no-failure")
    record = show_json(bbq)
    assert (record["failure"], record["severity"], record["status"]) == (False, None, "resolved")


def test_edit_no_failure_with_an_explicit_status_keeps_that_status(bbq: int) -> None:
    edit(bbq, "--no-failure", "--status", "abandoned")
    record = show_json(bbq)
    assert (record["failure"], record["severity"], record["status"]) == (
        False,
        None,
        "abandoned",
    )


def test_edit_severity_with_no_failure_is_refused(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--no-failure", "--severity", "2")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "severity")
    assert snapshot() == before


def test_edit_complained_flags(fine: int) -> None:
    edit(fine, "--complained")
    assert show_json(fine)["complained"] is True
    edit(fine, "--not-complained")
    record = show_json(fine)
    assert (record["complained"], record["complained_at"]) == (False, None)


def test_edit_not_complained_drops_the_complaint_time(bbq: int) -> None:
    edit(bbq, "--not-complained")
    record = show_json(bbq)
    assert record["complained"] is False
    assert record["complained_at"] is None


def test_edit_updates_updated_at_but_not_created_at(bbq: int) -> None:
    before = show_json(bbq)
    edit(bbq, "--summary", "Meal very late", env={"SVCLOG_NOW": LATER})
    after = show_json(bbq)
    assert after["created_at"] == before["created_at"]
    assert after["updated_at"] != before["updated_at"]
    assert after["updated_at"] in ("2026-11-23T08:00:00+00:00", LATER)
    assert after["uid"] == before["uid"]


def test_edit_to_the_same_value_changes_nothing(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--summary", "Meal late and cold", env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Nothing changed in #{bbq}.\n"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("--dimension", "niceness"), 1, "empathy"),
        (("--severity", "9"), 1, "severity"),
        (("--when", "next year"), 1, "future"),
        (("--when", "blorp glorp"), 1, "'blorp glorp'"),
        (("--untag", "nosuchtag"), 1, "nosuchtag"),
        (("--summary", "two\nlines"), 1, "summary"),
        (("--status", "bogus"), 1, "abandoned"),
        (("--bogus",), 2, "--bogus"),
    ],
)
def test_edit_refusals_change_nothing(
    bbq: int, args: tuple[str, ...], code: int, fragment: str
) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert_one_error_line(result.stderr, fragment)
    assert snapshot() == before


def test_edit_future_date_with_allow_future(bbq: int) -> None:
    edit(bbq, "--when", "2026-12-24T20:00:00+01:00", "--allow-future")
    assert show_json(bbq)["occurred_at"] == "2026-12-24T20:00:00+01:00"


def test_edit_untag_missing_alongside_a_valid_change_changes_nothing(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--summary", "changed", "--untag", "nosuchtag")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "nosuchtag")
    assert snapshot() == before


def test_edit_missing_id(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", "99", "--summary", "x")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: no encounter with id 99\n"
    assert snapshot() == before


def test_edit_without_options_off_a_terminal_is_a_usage_error(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--editor")
    assert snapshot() == before


# ----------------------------------------------------------------------------- edit: $EDITOR


def write_editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import re, sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n" + body + "\n"
        "open(path, 'w', encoding='utf-8').write(text)\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {script}"


def test_edit_in_editor_changes_what_was_rewritten(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(
        tmp_path,
        "text = re.sub(r'(?m)^summary:.*$', 'summary: Edited in the editor', text)\n"
        "text = re.sub(r'(?m)^tags:.*$', 'tags: dinner, weekend', text)\n"
        "text = text.replace('Iced tea over the cola.', 'A longer note.\\nTwo lines.')",
    )
    before = show_json(bbq)
    result = cli("edit", str(bbq), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{bbq}\n"
    assert result.stderr == ""
    after = show_json(bbq)
    assert after["summary"] == "Edited in the editor"
    assert after["tags"] == ["dinner", "weekend"]
    assert after["note"] == "A longer note.\nTwo lines."
    same = ("occurred_at", "channel", "severity", "issue", "dimension", "client", "status")
    assert {k: after[k] for k in same} == {k: before[k] for k in same}
    assert after["complained_at"] == before["complained_at"]


def test_edit_in_editor_uses_visual_first(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "text = re.sub(r'(?m)^issue:.*$', 'issue: billing', text)")
    result = cli("edit", str(bbq), "-e", env={"VISUAL": editor, "EDITOR": "/nonexistent/editor"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{bbq}\n"
    assert result.stderr == ""
    assert show_json(bbq)["issue"] == "billing"


def test_edit_in_editor_can_move_the_encounter(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(
        tmp_path, "text = re.sub(r'(?m)^business:.*$', 'business: Burrito Barn', text)"
    )
    result = cli("edit", str(bbq), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{bbq}\n"
    assert result.stderr == ""
    assert show_json(bbq)["business"]["name"] == "Burrito Barn"


def test_edit_in_editor_keeps_a_future_date_it_did_not_touch(tmp_path: Path) -> None:
    """A booking recorded with --allow-future can still be edited in $EDITOR: the date the
    person left alone is not re-judged as a new future date."""
    booked = add(
        "Burrito Barn", "Table booked", "--when", "2026-12-24T20:00:00+01:00", "--allow-future"
    )
    editor = write_editor(
        tmp_path, "text = re.sub(r'(?m)^summary:.*$', 'summary: Table for six', text)"
    )
    result = cli("edit", str(booked), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Updated #{booked}\n"
    assert result.stderr == ""
    record = show_json(booked)
    assert record["summary"] == "Table for six"
    assert record["occurred_at"] == "2026-12-24T20:00:00+01:00"


def test_edit_in_editor_without_changes_changes_nothing(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "pass")
    before = snapshot()
    result = cli("edit", str(bbq), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Nothing changed in #{bbq}.\n"
    assert snapshot() == before


def test_editor_failing_changes_nothing(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(
        tmp_path,
        "text = re.sub(r'(?m)^summary:.*$', 'summary: should not land', text)\n"
        "open(path, 'w', encoding='utf-8').write(text)\n"
        "sys.exit(1)",
    )
    before = snapshot()
    result = cli("edit", str(bbq), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "editor", "status 1", "nothing was changed")
    assert snapshot() == before


def test_editor_writing_a_bad_line_changes_nothing(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "text = text.replace('summary:', 'sumary =')")
    before = snapshot()
    result = cli("edit", str(bbq), "--editor", env={"EDITOR": editor})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "sumary")
    assert snapshot() == before


def test_editor_missing_is_an_error(bbq: int) -> None:
    before = snapshot()
    result = cli("edit", str(bbq), "--editor")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "EDITOR")
    assert snapshot() == before


def test_editor_with_options_is_a_usage_error(bbq: int, tmp_path: Path) -> None:
    editor = write_editor(tmp_path, "pass")
    before = snapshot()
    result = cli("edit", str(bbq), "--editor", "--summary", "x", env={"EDITOR": editor})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--editor")
    assert snapshot() == before


# ----------------------------------------------------------------------------- rm


def test_rm_one(bbq: int, fine: int) -> None:
    result = cli("rm", str(bbq))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Removed #{bbq} · Smokey's BBQ\n"
    assert result.stderr == "svclog undo brings it back.\n"
    encounters, businesses = snapshot()
    assert [e["id"] for e in encounters] == [fine]
    assert {b["name"] for b in businesses} == {"Smokey's BBQ", "Burrito Barn"}
    gone = cli("show", str(bbq))
    assert gone.exit_code == 1
    assert gone.stdout == ""
    assert gone.stderr == f"Error: no encounter with id {bbq}\n"


def test_rm_several(bbq: int, fine: int) -> None:
    third = add("Pizza Place", "Pizzas not started")
    result = cli("rm", str(bbq), str(fine))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Removed #{bbq} · Smokey's BBQ\nRemoved #{fine} · Burrito Barn\n"
    assert result.stderr == "svclog undo brings them back.\n"
    encounters, _ = snapshot()
    assert [e["id"] for e in encounters] == [third]


def test_rm_same_id_twice_removes_it_once(bbq: int, fine: int) -> None:
    result = cli("rm", str(bbq), str(bbq))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Removed #{bbq} · Smokey's BBQ\n"
    assert result.stderr == "svclog undo brings it back.\n"
    encounters, _ = snapshot()
    assert [e["id"] for e in encounters] == [fine]


@pytest.mark.parametrize("order", ["valid_first", "missing_first"])
def test_rm_with_a_missing_id_removes_nothing(bbq: int, fine: int, order: str) -> None:
    before = snapshot()
    ids = [str(bbq), "99", str(fine)] if order == "valid_first" else ["99", str(bbq)]
    result = cli("rm", *ids)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: no encounter with id 99\n"
    assert snapshot() == before


def test_rm_without_ids_is_a_usage_error(bbq: int) -> None:
    before = snapshot()
    result = cli("rm")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "ID")
    assert snapshot() == before


# ----------------------------------------------------------------------------- undo


def test_undo_of_add_removes_the_encounter_and_its_new_business(db: Path) -> None:
    add("Smokey's BBQ", "Cold", "--tag", "dinner", "--category", "restaurant")
    result = cli("undo")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("Reverted: add encounter #1 at Smokey's BBQ")
    assert result.stdout.count("\n") == 1
    assert snapshot() == ([], [])
    assert db.exists()


def test_undo_of_add_keeps_a_business_that_existed(fine: int) -> None:
    before = snapshot()
    add("Burrito Barn", "Another lunch")
    assert "add encounter #2 at Burrito Barn" in undo()
    assert snapshot() == before


def test_undo_of_edit_restores_the_exact_record(bbq: int) -> None:
    before = show_json(bbq)
    edit(
        bbq,
        "--summary",
        "changed",
        "--no-failure",
        "--untag",
        "kids",
        "--tag",
        "new",
        "--business",
        "Elsewhere",
        "--clear",
        "note",
        env={"SVCLOG_NOW": LATER},
    )
    assert show_json(bbq) != before
    assert f"edit encounter #{bbq}" in undo()
    assert show_json(bbq) == before
    _, businesses = snapshot()
    assert [b["name"] for b in businesses] == ["Smokey's BBQ"]


def test_undo_of_rm_brings_back_the_same_ids_uids_and_tags(bbq: int, fine: int) -> None:
    before = snapshot()
    result = cli("rm", str(bbq), str(fine))
    assert result.exit_code == 0, result.stderr
    assert snapshot() != before
    text = undo()
    assert "rm" in text
    assert snapshot() == before
    assert show_json(bbq)["tags"] == ["dinner", "kids"]


def test_undo_of_rm_restores_search(bbq: int) -> None:
    result = cli("rm", str(bbq))
    assert result.exit_code == 0, result.stderr
    undo()
    found = cli("search", "iced", "--format", "json")
    assert found.exit_code == 0, found.stderr
    assert found.stderr == ""
    assert [r["id"] for r in found.json()] == [bbq]


def test_undo_of_business_rename(bbq: int) -> None:
    before = snapshot()
    result = cli("business", "rename", "Smokey's BBQ", "Smoky Joe's", env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert show_json(bbq)["business"]["name"] == "Smoky Joe's"
    assert "rename" in undo()
    assert snapshot() == before
    found = cli("search", "smokey", "--format", "json")
    assert found.exit_code == 0, found.stderr
    assert [r["id"] for r in found.json()] == [bbq]


def test_undo_of_business_merge(bbq: int, fine: int) -> None:
    note = cli("business", "note", "Smokey's BBQ", "Closed six weeks later.")
    assert note.exit_code == 0, note.stderr
    alias = cli("business", "alias", "Smokey's BBQ", "Smokeys")
    assert alias.exit_code == 0, alias.stderr
    before = snapshot()
    result = cli("business", "merge", "Smokey's BBQ", "Burrito Barn", env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert show_json(bbq)["business"]["name"] == "Burrito Barn"
    assert "merge" in undo()
    assert snapshot() == before
    listed = cli("list", "--business", "Smokeys", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert [r["id"] for r in listed.json()] == [bbq]


def test_undo_of_business_alias(bbq: int) -> None:
    before = snapshot()
    result = cli("business", "alias", "Smokey's BBQ", "SBBQ")
    assert result.exit_code == 0, result.stderr
    assert "alias" in undo()
    assert snapshot() == before
    listed = cli("list", "--business", "SBBQ")
    assert listed.exit_code == 1
    assert listed.stdout == ""
    assert_one_error_line(listed.stderr, "'SBBQ'")


def test_repeated_undo_walks_back_in_order() -> None:
    first = add("Smokey's BBQ", "Cold")
    after_first = snapshot()
    second = add("Burrito Barn", "Great")
    after_second = snapshot()
    edit(first, "--summary", "Very cold")
    after_edit = snapshot()
    result = cli("rm", str(second))
    assert result.exit_code == 0, result.stderr
    assert f"rm encounter #{second}" in undo()
    assert snapshot() == after_edit
    assert f"edit encounter #{first}" in undo()
    assert snapshot() == after_second
    assert f"add encounter #{second}" in undo()
    assert snapshot() == after_first
    assert f"add encounter #{first}" in undo()
    assert snapshot() == ([], [])
    final = cli("undo")
    assert final.exit_code == 1
    assert final.stdout == ""
    assert final.stderr == "Error: nothing to undo\n"


def test_undo_then_a_new_command_then_undo_again() -> None:
    first = add("Smokey's BBQ", "Cold")
    before = snapshot()
    second = add("Burrito Barn", "Great")
    assert f"add encounter #{second}" in undo()
    edit(first, "--summary", "Very cold")
    assert f"edit encounter #{first}" in undo()
    assert snapshot() == before
    assert f"add encounter #{first}" in undo()
    assert snapshot() == ([], [])


def test_refused_and_no_op_commands_leave_nothing_to_undo(bbq: int, fine: int) -> None:
    refused = cli("rm", str(fine), "99")
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr == "Error: no encounter with id 99\n"
    unchanged = cli("edit", str(fine), "--summary", "Great as ever")
    assert unchanged.exit_code == 0
    assert unchanged.stdout == ""
    assert unchanged.stderr == f"Nothing changed in #{fine}.\n"
    assert f"add encounter #{fine} at Burrito Barn" in undo()
    assert [e["id"] for e in snapshot()[0]] == [bbq]


def test_undo_on_a_fresh_journal_has_nothing_to_undo(db: Path) -> None:
    init = cli("init")
    assert init.exit_code == 0, init.stderr
    content = db.read_bytes()
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: nothing to undo\n"
    assert db.read_bytes() == content


def test_undo_quiet_prints_nothing(fine: int) -> None:
    result = cli("undo", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""
    assert snapshot() == ([], [])


def test_undo_names_the_command_and_its_time(fine: int) -> None:
    result = cli("undo", env={"SVCLOG_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"Reverted: add encounter #{fine} at Burrito Barn")
    assert "2026-11-22 15:30" in result.stdout
    assert result.stdout.count("\n") == 1
