"""Schema 2 keeps each encounter's response facts (`first_response_at`, `quality_sum`,
`quality_count`) on the encounter row, by triggers. Through every write path — respond, edit
and rm of a response, rm of an encounter, undo, import, merge, business merge, and the
migration of a schema-1 journal — the stored facts stay what the responses say, read with
sqlite3 directly, and `svclog db check` agrees; a tampered journal fails the check."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import add, assert_one_error_line, cli

FIXTURE = Path(__file__).parent / "fixtures" / "schema-1.db"
LATER = "2026-11-23T10:00:00+01:00"
EVEN_LATER = "2026-11-24T10:00:00+01:00"

#: (first_response_at, quality_sum, quality_count) of one encounter.
Facts = tuple[str | None, int, int]


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


# ----------------------------------------------------------------------------- helpers


def read(db: Path, sql: str) -> list[tuple[Any, ...]]:
    assert db.exists()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [tuple(row) for row in conn.execute(sql)]
    finally:
        conn.close()


def stored_facts(db: Path) -> dict[int, Facts]:
    """The facts stored on every encounter, by id."""
    rows = read(db, "SELECT id, first_response_at, quality_sum, quality_count FROM encounter")
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def expected_facts(db: Path) -> dict[int, Facts]:
    """The facts every encounter's responses say, computed here from the response rows."""
    ids = [row[0] for row in read(db, "SELECT id FROM encounter")]
    responses: dict[int, list[tuple[str, int | None]]] = {i: [] for i in ids}
    for encounter_id, at, quality in read(db, "SELECT encounter_id, at, quality FROM response"):
        responses[encounter_id].append((at, quality))
    expected: dict[int, Facts] = {}
    for encounter_id, answers in responses.items():
        qualities = [quality for _, quality in answers if quality is not None]
        first = min((at for at, _ in answers), default=None)
        expected[encounter_id] = (first, sum(qualities), len(qualities))
    return expected


def db_check(db: Path) -> None:
    result = cli("--db", str(db), "db", "check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "Schema: 2 (this svclog: 2)" in lines
    assert not [line for line in lines if line.startswith("Problem:")], result.stdout
    assert lines[-1] == "Verdict: ok"


def consistent(db: Path) -> dict[int, Facts]:
    """Assert that the stored facts are the responses' and `db check` passes; the facts."""
    stored = stored_facts(db)
    assert stored == expected_facts(db)
    db_check(db)
    return stored


def run(db: Path, *args: str, now: str | None = None) -> tuple[str, str]:
    """A command against `db` that must succeed: its (stdout, stderr)."""
    result = cli(*args, "--db", str(db), env={"SVCLOG_NOW": now} if now else None)
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def respond(db: Path, encounter_id: int, when: str, *extra: str, now: str | None = None) -> int:
    """Record a response; return its id, read from the confirmation."""
    stdout, stderr = run(db, "respond", str(encounter_id), "--when", when, *extra, now=now)
    assert stderr == ""
    found = re.fullmatch(rf"Added response r(\d+) to #{encounter_id}\n", stdout)
    assert found, stdout
    return int(found.group(1))


def undo(db: Path, now: str | None = None) -> str:
    stdout, stderr = run(db, "undo", now=now)
    assert stderr == ""
    assert stdout.startswith("Reverted: "), stdout
    return stdout


def export(db: Path, target: Path, fmt: str) -> Path:
    stdout, stderr = run(db, "export", "--format", fmt, "--output", str(target))
    assert stdout == ""
    assert re.fullmatch(rf"Exported \d+ encounters? to {re.escape(str(target))}\.\n", stderr)
    return target


def facts_by_uid(db: Path) -> dict[str, Facts]:
    rows = read(db, "SELECT uid, first_response_at, quality_sum, quality_count FROM encounter")
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def uid_of(db: Path, encounter_id: int) -> str:
    rows = read(db, f"SELECT uid FROM encounter WHERE id = {int(encounter_id)}")
    assert len(rows) == 1
    return str(rows[0][0])


def journal(path: Path) -> Path:
    stdout, _ = run(path, "init")
    assert path.exists(), stdout
    return path


def story(db: Path) -> dict[str, int]:
    """A small journal: a failure answered three times, out of time order (one without a
    quality, one before the encounter itself), a complaint answered once, an encounter never
    answered."""
    ids = {
        "failure": add("--db", str(db), "Smokey's BBQ", "Cold brisket", "--failure",
                       "--when", "2026-11-10 19:00"),
        "complaint": add("--db", str(db), "Northwind Bank", "Fee charged twice",
                         "--complained-at", "2026-11-12 09:00", "--when", "2026-11-12 08:00"),
        "quiet": add("--db", str(db), "Corner Cafe", "Coffee", "--when", "2026-11-15 08:30"),
    }  # fmt: skip
    respond(db, ids["failure"], "2026-11-12 10:00", "--quality", "good")
    respond(db, ids["failure"], "2026-11-11 10:00")
    respond(db, ids["failure"], "2026-11-10 18:00", "--quality", "2")
    respond(db, ids["complaint"], "2026-11-13 09:00", "--quality", "exemplary")
    return ids


# ----------------------------------------------------------------------------- respond


def test_responses_out_of_time_order_with_and_without_quality(db: Path) -> None:
    bbq = add("Smokey's BBQ", "Cold brisket", "--failure", "--when", "2026-11-10 19:00")
    fine = add("Corner Cafe", "Coffee", "--when", "2026-11-11 08:00")
    assert consistent(db) == {bbq: (None, 0, 0), fine: (None, 0, 0)}

    respond(db, bbq, "2026-11-12 10:00", "--quality", "4")
    assert consistent(db)[bbq] == ("2026-11-12T09:00:00Z", 4, 1)
    respond(db, bbq, "2026-11-13 10:00", "--by", "manager")  # later, no quality
    assert consistent(db)[bbq] == ("2026-11-12T09:00:00Z", 4, 1)
    respond(db, bbq, "2026-11-11 10:00")  # earlier, no quality
    assert consistent(db)[bbq] == ("2026-11-11T09:00:00Z", 4, 1)
    respond(db, bbq, "2026-11-10 18:30", "--quality", "hostile")  # before the encounter
    assert consistent(db)[bbq] == ("2026-11-10T17:30:00Z", 5, 2)
    respond(db, bbq, "2026-11-10 18:30", "--quality", "5")  # the same moment again
    assert consistent(db) == {bbq: ("2026-11-10T17:30:00Z", 10, 3), fine: (None, 0, 0)}


# ----------------------------------------------------------------------------- edit rN, rm


def test_editing_a_response_time_and_quality(db: Path) -> None:
    bbq = add("Smokey's BBQ", "Cold brisket", "--failure", "--when", "2026-11-10 19:00")
    early = respond(db, bbq, "2026-11-11 10:00", "--quality", "2")
    late = respond(db, bbq, "2026-11-12 10:00")
    assert consistent(db)[bbq] == ("2026-11-11T09:00:00Z", 2, 1)

    def edit(ref: int, *args: str) -> dict[int, Facts]:
        stdout, stderr = run(db, "edit", f"r{ref}", *args)
        assert stdout == f"Updated response r{ref} of #{bbq}\n"
        assert stderr == ""
        return consistent(db)

    assert edit(early, "--when", "2026-11-13 10:00")[bbq] == ("2026-11-12T09:00:00Z", 2, 1)
    assert edit(late, "--when", "2026-11-10 20:00")[bbq] == ("2026-11-10T19:00:00Z", 2, 1)
    assert edit(late, "--quality", "exemplary")[bbq] == ("2026-11-10T19:00:00Z", 7, 2)
    assert edit(early, "--quality", "1")[bbq] == ("2026-11-10T19:00:00Z", 6, 2)
    both = edit(early, "--when", "2026-11-09 10:00", "--quality", "3")
    assert both[bbq] == ("2026-11-09T09:00:00Z", 8, 2)
    # an edit of something else leaves the facts alone
    assert edit(late, "--note", "called back", "--by", "owner")[bbq] == both[bbq]


def test_removing_responses_and_an_encounter_with_responses(db: Path) -> None:
    ids = story(db)
    bbq, bank = ids["failure"], ids["complaint"]
    assert consistent(db) == {
        bbq: ("2026-11-10T17:00:00Z", 6, 2),
        bank: ("2026-11-13T08:00:00Z", 5, 1),
        ids["quiet"]: (None, 0, 0),
    }
    refs = {
        at: ref for ref, at in read(db, f"SELECT id, at FROM response WHERE encounter_id = {bbq}")
    }

    stdout, stderr = run(db, "rm", f"r{refs['2026-11-10T17:00:00Z']}")  # the first response
    assert stdout == f"Removed response r{refs['2026-11-10T17:00:00Z']} of #{bbq}\n"
    assert stderr == "svclog undo brings it back.\n"
    assert consistent(db)[bbq] == ("2026-11-11T09:00:00Z", 4, 1)

    stdout, stderr = run(db, "rm", f"r{refs['2026-11-12T09:00:00Z']}")  # the only quality
    assert stderr == "svclog undo brings it back.\n"
    assert consistent(db)[bbq] == ("2026-11-11T09:00:00Z", 0, 0)

    stdout, stderr = run(db, "rm", f"r{refs['2026-11-11T09:00:00Z']}")  # the last one
    assert stderr == "svclog undo brings it back.\n"
    assert consistent(db)[bbq] == (None, 0, 0)

    stdout, stderr = run(db, "rm", str(bank))
    assert stdout == f"Removed #{bank} · Northwind Bank\n"
    assert stderr == "svclog undo brings it back.\n"
    assert consistent(db) == {bbq: (None, 0, 0), ids["quiet"]: (None, 0, 0)}
    assert read(db, f"SELECT count(*) FROM response WHERE encounter_id = {bank}") == [(0,)]


# ----------------------------------------------------------------------------- undo


def test_undo_of_every_write_restores_the_facts_step_by_step(db: Path) -> None:
    bbq = add("Smokey's BBQ", "Cold brisket", "--failure", "--when", "2026-11-10 19:00")
    bank = add("Northwind Bank", "Fee charged twice", "--failure", "--when", "2026-11-12 08:00")
    states = [consistent(db)]
    first = respond(db, bbq, "2026-11-12 10:00", "--quality", "4")
    states.append(consistent(db))
    second = respond(db, bbq, "2026-11-11 10:00")
    states.append(consistent(db))
    respond(db, bank, "2026-11-12 09:00", "--quality", "3")
    states.append(consistent(db))
    steps: list[tuple[str, ...]] = [
        ("edit", f"r{second}", "--when", "2026-11-13 10:00"),
        ("edit", f"r{first}", "--quality", "1"),
        ("edit", f"r{second}", "--quality", "5", "--when", "2026-11-09 10:00"),
        ("rm", f"r{first}"),
        ("rm", str(bank)),
        ("rm", f"r{second}", str(bbq)),
    ]
    for step in steps:
        run(db, *step)
        states.append(consistent(db))
    assert states[-1] == {}
    assert len({tuple(sorted(state.items())) for state in states}) == len(states)  # all differ

    # undo everything, one command at a time: each brings back the facts as they were
    described = []
    while len(states) > 1:
        states.pop()
        described.append(undo(db))
        assert consistent(db) == states[-1]
    assert described[0].startswith(f"Reverted: rm response r{second} of #{bbq}; #{bbq} ")
    assert described[-1].startswith(f"Reverted: add response r{first} to encounter #{bbq} ")
    # what the respond of `answer` did is gone too: the bank's encounter is bare again
    assert states[-1] == {bbq: (None, 0, 0), bank: (None, 0, 0)}
    assert read(db, "SELECT count(*) FROM response") == [(0,)]


# ----------------------------------------------------------------------------- import


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_import_of_an_export_and_of_a_newer_version(tmp_path: Path, db: Path, fmt: str) -> None:
    ids = story(db)
    mine = consistent(db)
    fresh = tmp_path / "fresh.db"
    source = export(db, tmp_path / f"first.{fmt}", fmt)
    result = cli("import", str(source), "--db", str(fresh))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Imported {source}: 3 added, 0 updated, 0 skipped.\n"
    assert consistent(fresh) == mine  # ids are kept when free
    assert facts_by_uid(fresh) == facts_by_uid(db)

    # Later, in the first journal: the failure's responses change in every way.
    bbq = ids["failure"]
    refs = dict(read(db, f"SELECT at, id FROM response WHERE encounter_id = {bbq}"))
    run(db, "rm", f"r{refs['2026-11-10T17:00:00Z']}", now=LATER)
    run(db, "edit", f"r{refs['2026-11-11T09:00:00Z']}", "--quality", "3", now=LATER)
    run(db, "edit", f"r{refs['2026-11-12T09:00:00Z']}", "--when", "2026-11-14 10:00", now=LATER)
    respond(db, bbq, "2026-11-10 21:00", now=LATER)
    assert consistent(db)[bbq] == ("2026-11-10T20:00:00Z", 7, 2)
    newer = export(db, tmp_path / f"second.{fmt}", fmt)

    result = cli("import", str(newer), "--db", str(fresh), env={"SVCLOG_NOW": EVEN_LATER})
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Imported {newer}: 0 added, 1 updated, 2 skipped.\n"
    assert consistent(fresh)[bbq] == ("2026-11-10T20:00:00Z", 7, 2)
    assert facts_by_uid(fresh) == facts_by_uid(db)

    # the same file again changes nothing; undo takes the update back, facts and all
    again = cli("import", str(newer), "--db", str(fresh), env={"SVCLOG_NOW": EVEN_LATER})
    assert again.exit_code == 0, again.stderr
    assert again.stderr == f"Imported {newer}: 0 added, 0 updated, 3 skipped.\n"
    assert undo(fresh).startswith(f"Reverted: import {newer} (0 added, 1 updated, 2 skipped)")
    assert consistent(fresh) == mine
    assert undo(fresh).startswith(f"Reverted: import {source} (3 added, 0 updated, 0 skipped)")
    assert consistent(fresh) == {}


def test_import_into_a_journal_where_the_ids_are_taken(tmp_path: Path, db: Path) -> None:
    story(db)
    other = journal(tmp_path / "other.db")
    taken = add("--db", str(other), "Elsewhere Diner", "Lunch", "--failure",
                "--when", "2026-11-01 12:00")  # fmt: skip
    respond(other, taken, "2026-11-01 13:00", "--quality", "1")
    respond(other, taken, "2026-11-01 12:30")
    before = consistent(other)
    source = export(db, tmp_path / "all.ndjson", "ndjson")
    stdout, stderr = run(other, "import", str(source))
    assert stdout == ""
    assert stderr == f"Imported {source}: 3 added, 0 updated, 0 skipped.\n"
    after = consistent(other)
    assert after[taken] == before[taken] == ("2026-11-01T11:30:00Z", 1, 1)
    assert facts_by_uid(other) == {
        **facts_by_uid(db),
        uid_of(other, taken): before[taken],
    }


def own_record(n: int, answers: list[tuple[str, int | None]]) -> dict[str, Any]:
    """Encounter `n` in svclog's own export shape, answered at the UTC moments `answers`."""
    return {
        "uid": f"01M81TKXJ0{n:016d}",
        "business": {"name": f"Shop number {n % 3}", "category": "retail"},
        "occurred_at": f"2026-10-{n % 28 + 1:02d}T12:00:00+01:00",
        "summary": f"visit {n}",
        "failure": n % 2 == 0,
        "tags": [],
        "responses": [
            {
                "uid": f"01M81TKXJ1{n:013d}{k:03d}",
                "at": at,
                "by": None,
                "quality": quality,
                "note": None,
                "created_at": "2026-11-01T10:00:00+00:00",
                "updated_at": "2026-11-01T10:00:00+00:00",
            }
            for k, (at, quality) in enumerate(answers)
        ],
        "remedies": [],
        "followups": [],
        "outcome": None,
        "created_at": "2026-11-01T10:00:00+00:00",
        "updated_at": "2026-11-01T10:00:00+00:00",
    }


def answers_for(n: int) -> list[tuple[str, int | None]]:
    """0-3 responses, out of time order (the last one earliest), some without a quality."""
    day = n % 28 + 1
    moments = [f"2026-10-{day:02d}T{hour:02d}:00:00+00:00" for hour in (20, 15, 9)]
    return [
        (at, None if (n + k) % 3 == 0 else (n + k) % 5 + 1) for k, at in enumerate(moments[: n % 4])
    ]


def facts_of(answers: list[tuple[str, int | None]]) -> Facts:
    qualities = [quality for _, quality in answers if quality is not None]
    first = min((at.replace("+00:00", "Z") for at, _ in answers), default=None)
    return (first, sum(qualities), len(qualities))


@pytest.mark.parametrize("taken", [False, True])
def test_a_batch_import_keeps_the_facts(tmp_path: Path, db: Path, taken: bool) -> None:
    """Enough records for the batched import path (rows inserted several at a time), into a
    fresh journal or one whose ids are partly taken; then a re-import that updates some and
    adds others; then undo."""
    journal(db)
    if taken:
        mine = add("Elsewhere Diner", "Lunch", "--failure", "--when", "2026-11-01 12:00")
        respond(db, mine, "2026-11-01 13:00", "--quality", "2")
    before = consistent(db)
    items = [own_record(n, answers_for(n)) for n in range(1, 41)]
    for number, item in enumerate(items, start=1):
        item["id"] = number
    source = tmp_path / "many.ndjson"
    source.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    stdout, stderr = run(db, "import", str(source))
    assert stdout == ""
    assert stderr == f"Imported {source}: 40 added, 0 updated, 0 skipped.\n"
    facts = consistent(db)
    assert len(facts) == 40 + len(before)
    expected = {item["uid"]: facts_of(answers_for(n)) for n, item in enumerate(items, start=1)}
    assert {uid: f for uid, f in facts_by_uid(db).items() if uid in expected} == expected
    assert any(f[2] == 0 and f[0] is not None for f in expected.values())  # answered, no quality

    # a newer version of every fifth record, with its responses changed, and ten new ones
    # (the same response uids, other moments and qualities, some more, some fewer)
    def changed(n: int) -> list[tuple[str, int | None]]:
        return [("2026-09-30T08:00:00+00:00", 5), *answers_for(n + 1)]

    newer = [own_record(n, changed(n)) for n in range(5, 41, 5)]
    for item in newer:
        item["updated_at"] = "2026-11-20T10:00:00+00:00"
    newer += [own_record(n, answers_for(n)) for n in range(41, 51)]
    second = tmp_path / "newer.ndjson"
    second.write_text("".join(json.dumps(item) + "\n" for item in newer), encoding="utf-8")
    stdout, stderr = run(db, "import", str(second), now=LATER)
    assert stderr == f"Imported {second}: 10 added, 8 updated, 0 skipped.\n"
    after = facts_by_uid(db)
    consistent(db)
    for item in newer:
        n = int(item["uid"][-16:])
        assert after[item["uid"]] == facts_of(answers_for(n) if n > 40 else changed(n)), n

    assert undo(db, now=LATER).startswith(f"Reverted: import {second} ")
    assert consistent(db) == facts
    assert undo(db, now=LATER).startswith(f"Reverted: import {source} ")
    assert consistent(db) == before


# ----------------------------------------------------------------------------- merge


def test_merge_of_two_journals_both_ways(tmp_path: Path, db: Path) -> None:
    laptop = db
    ids = story(laptop)
    desktop = journal(tmp_path / "desktop.db")
    own = add("--db", str(desktop), "Corner Cafe", "Cold latte", "--failure",
              "--when", "2026-11-16 08:00")  # fmt: skip
    respond(desktop, own, "2026-11-16 09:00", "--quality", "3")
    respond(desktop, own, "2026-11-16 08:45")

    stdout, stderr = run(desktop, "merge", str(laptop), now=LATER)
    assert stdout == ""
    assert stderr.startswith(f"Merged {laptop}: 3 added, 0 updated, 0 skipped"), stderr
    assert len(stderr.splitlines()) == 1
    merged = consistent(desktop)
    assert facts_by_uid(desktop) == {**facts_by_uid(laptop), uid_of(desktop, own): merged[own]}
    assert merged[own] == ("2026-11-16T07:45:00Z", 3, 1)

    # The laptop then changes the failure's responses; the desktop takes the newer version.
    bbq = ids["failure"]
    refs = dict(read(laptop, f"SELECT at, id FROM response WHERE encounter_id = {bbq}"))
    run(laptop, "rm", f"r{refs['2026-11-10T17:00:00Z']}", now=EVEN_LATER)
    respond(laptop, bbq, "2026-11-11 09:30", "--quality", "5", now=EVEN_LATER)
    assert consistent(laptop)[bbq] == ("2026-11-11T08:30:00Z", 9, 2)
    stdout, stderr = run(desktop, "merge", str(laptop), now=EVEN_LATER)
    assert stdout == ""
    assert stderr.startswith(f"Merged {laptop}: 0 added, 1 updated, 2 skipped"), stderr
    consistent(desktop)
    assert facts_by_uid(desktop)[uid_of(laptop, bbq)] == ("2026-11-11T08:30:00Z", 9, 2)

    # ... and the other way round: both journals now hold the same facts
    stdout, stderr = run(laptop, "merge", str(desktop), now=EVEN_LATER)
    assert stderr.startswith(f"Merged {desktop}: 1 added, 0 updated, 3 skipped"), stderr
    consistent(laptop)
    assert facts_by_uid(laptop) == facts_by_uid(desktop)

    # undo of a merge takes its encounters and their facts back out
    assert undo(desktop, now=EVEN_LATER).startswith(f"Reverted: merge {laptop} (0 added, 1 up")
    assert consistent(desktop) == merged
    assert undo(desktop, now=EVEN_LATER).startswith(f"Reverted: merge {laptop} (3 added, 0 up")
    assert consistent(desktop) == {own: merged[own]}


# ----------------------------------------------------------------------------- business merge


def test_business_merge_moves_encounters_with_their_facts(db: Path) -> None:
    ids = story(db)
    duplicate = add("Smokeys BBQ", "Dry ribs", "--failure", "--when", "2026-11-14 19:00")
    respond(db, duplicate, "2026-11-15 10:00", "--quality", "1")
    respond(db, duplicate, "2026-11-14 21:00")
    before = consistent(db)
    assert before[duplicate] == ("2026-11-14T20:00:00Z", 1, 1)

    stdout, stderr = run(db, "business", "merge", "Smokeys BBQ", "Smokey's BBQ")
    assert (
        stdout
        == "Merged Smokeys BBQ into Smokey's BBQ (1 encounter moved; Smokeys BBQ is now an alias)\n"
    )
    assert stderr == ""
    assert consistent(db) == before
    owners = dict(read(db, "SELECT id, business_id FROM encounter"))
    assert owners[duplicate] == owners[ids["failure"]]

    reverted = undo(db)
    assert reverted.startswith("Reverted: merge business 'Smokeys BBQ' into "), reverted
    assert "Smokey's BBQ" in reverted
    assert consistent(db) == before
    owners = dict(read(db, "SELECT id, business_id FROM encounter"))
    assert owners[duplicate] != owners[ids["failure"]]


# ----------------------------------------------------------------------------- db check


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("quality_sum = 99", None),
        ("quality_count = quality_count + 1", None),
        ("first_response_at = '2000-01-01T00:00:00Z'", None),
        ("first_response_at = NULL", None),
        ("first_response_at = ?", "2026-11-10T17:00:00"),  # the same moment, other text
    ],
)
def test_tampered_facts_fail_the_check_naming_the_encounter(
    db: Path, change: str, value: str | None
) -> None:
    ids = story(db)
    consistent(db)
    target = ids["failure"]
    conn = sqlite3.connect(db)
    try:
        with conn:
            params = (value, target) if value is not None else (target,)
            conn.execute(f"UPDATE encounter SET {change} WHERE id = ?", params)
    finally:
        conn.close()
    assert stored_facts(db) != expected_facts(db)

    result = cli("db", "check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("Problem: ")]
    assert len(problems) == 1, result.stdout
    assert re.findall(r"#(\d+)", problems[0]) == [str(target)], problems[0]
    assert "response" in problems[0]
    assert result.stdout.splitlines()[-1] != "Verdict: ok"
    assert_one_error_line(result.stderr, "1 problem")
    # the check reports; it repairs nothing
    assert stored_facts(db) != expected_facts(db)


def test_tampering_with_several_encounters_names_each(db: Path) -> None:
    ids = story(db)
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("UPDATE encounter SET quality_count = 5")
    finally:
        conn.close()
    result = cli("db", "check")
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("Problem: ")]
    assert len(problems) == 1, result.stdout
    assert sorted(int(n) for n in re.findall(r"#(\d+)", problems[0])) == sorted(ids.values())
    assert_one_error_line(result.stderr, "1 problem")


# ----------------------------------------------------------------------------- migration


def test_a_schema_1_journal_is_migrated_with_its_facts_backfilled(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    # Schema 1 has no triggers: give one encounter an earlier response without a quality,
    # out of id order, so that the backfill has to take the minimum and skip the null.
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT INTO response (uid, encounter_id, at, at_offset, quality, created_at,"
                " updated_at) VALUES ('01M81TKXJ0000000000000TEST', 5, '2026-05-01T08:00:00Z',"
                " '+02:00', NULL, '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z')"
            )
    finally:
        conn.close()
    assert read(path, "PRAGMA user_version") == [(1,)]
    columns = [row[1] for row in read(path, "PRAGMA table_info(encounter)")]
    assert "quality_sum" not in columns
    responses = read(path, "SELECT encounter_id, at, quality FROM response ORDER BY id")

    result = cli("--db", str(path), "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 11
    assert read(path, "PRAGMA user_version") == [(2,)]
    assert read(path, "SELECT encounter_id, at, quality FROM response ORDER BY id") == responses

    facts = consistent(path)
    assert len(facts) == 11
    assert facts[5] == ("2026-05-01T08:00:00Z", 7, 2)
    assert facts[9] == ("2026-08-22T17:21:00Z", 9, 2)
    assert facts[1] == (None, 0, 0)
    # and the triggers work on the migrated journal
    respond(path, 1, "2026-01-01 10:00", "--quality", "3", now=LATER)
    assert consistent(path)[1][1:] == (3, 1)
