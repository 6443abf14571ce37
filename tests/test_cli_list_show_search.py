"""`svclog list`, `show` and `search`: order, filters, formats and the output contracts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import ENCOUNTER_FIELDS, add, assert_one_error_line, cli, ok, snapshot

ENCOUNTER_KEYS = set(ENCOUNTER_FIELDS)

CSV_HEADER = [
    "id",
    "uid",
    "business",
    "category",
    "occurred_at",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "client",
    "tags",
    "status",
    "timely",
    "disputed",
    "created_at",
    "updated_at",
]


def ids(*args: str) -> list[int]:
    """The ids a listing returns, in order, read from its JSON output."""
    return [record["id"] for record in json.loads(ok(*args, "--format", "json"))]


@pytest.fixture
def journal() -> dict[str, int]:
    """Four encounters at three businesses; ids by nickname."""
    return {
        "burrito_old": add(
            "Burrito Barn",
            "Best burrito ever",
            "--when",
            "2026-11-01T12:00:00+01:00",
            "--tag",
            "kids",
            "--client",
            "Acme",
            "--category",
            "restaurant",
        ),
        "bbq": add(
            "Smokey's BBQ",
            "Meal late and cold",
            "--when",
            "2026-11-21T19:00:00+01:00",
            "--severity",
            "3",
            "--issue",
            "wait time",
            "--tag",
            "dinner",
            "--client",
            "Acme",
            "--note",
            "server poured iced tea over the cola",
        ),
        "pizza": add(
            "Pizza Place",
            "Pizzas not started",
            "--when",
            "2026-11-22T10:00:00+01:00",
            "--failure",
            "--tag",
            "dinner,kids",
            "--client",
            "Beta",
            "--channel",
            "phone",
        ),
        "burrito_late": add(
            "Burrito Barn", "Quick late snack", "--when", "2026-11-21T23:30:00+01:00"
        ),
    }


# ----------------------------------------------------------------------------- list: order


def test_list_is_newest_first(journal: dict[str, int]) -> None:
    assert ids("list") == [
        journal["pizza"],
        journal["burrito_late"],
        journal["bbq"],
        journal["burrito_old"],
    ]


def test_list_sort_oldest(journal: dict[str, int]) -> None:
    assert ids("list", "--sort", "oldest") == [
        journal["burrito_old"],
        journal["bbq"],
        journal["burrito_late"],
        journal["pizza"],
    ]


def test_same_moment_is_ordered_by_id() -> None:
    first = add("Burrito Barn", "one")
    second = add("Burrito Barn", "two")
    assert ids("list") == [second, first]
    assert ids("list", "--sort", "oldest") == [first, second]


def test_list_limit(journal: dict[str, int]) -> None:
    assert ids("list", "--limit", "2") == [journal["pizza"], journal["burrito_late"]]
    assert ids("list", "-n", "1", "--sort", "oldest") == [journal["burrito_old"]]


def test_list_limit_zero_is_a_usage_error(journal: dict[str, int]) -> None:
    result = cli("list", "--limit", "0")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--limit")


# ----------------------------------------------------------------------------- list: filters


@pytest.mark.parametrize("name", ["Burrito Barn", "burrito barn", "  BURRITO   BARN "])
def test_list_by_business_name(journal: dict[str, int], name: str) -> None:
    assert ids("list", "--business", name) == [journal["burrito_late"], journal["burrito_old"]]


def test_list_by_business_alias(journal: dict[str, int]) -> None:
    ok("business", "alias", "Burrito Barn", "BB")
    assert ids("list", "-b", "bb") == [journal["burrito_late"], journal["burrito_old"]]


def test_list_by_unknown_business_is_a_domain_error(journal: dict[str, int]) -> None:
    before = snapshot()
    result = cli("list", "--business", "Nowhere Diner")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "no business named 'Nowhere Diner'")
    assert snapshot() == before


def test_list_by_unknown_business_suggests_a_close_name(journal: dict[str, int]) -> None:
    result = cli("list", "--business", "Smokeys BBQ")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'Smokeys BBQ'", "Smokey's BBQ")


@pytest.mark.parametrize("client", ["Acme", "acme", "ACME"])
def test_list_by_client(journal: dict[str, int], client: str) -> None:
    assert ids("list", "--client", client) == [journal["bbq"], journal["burrito_old"]]


def test_list_by_client_nobody(journal: dict[str, int]) -> None:
    assert ids("list", "--client", "Gamma") == []


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("dinner", ["pizza", "bbq"]), ("KIDS", ["pizza", "burrito_old"]), ("none", [])],
)
def test_list_by_tag(journal: dict[str, int], tag: str, expected: list[str]) -> None:
    assert ids("list", "--tag", tag) == [journal[name] for name in expected]


def test_list_since(journal: dict[str, int]) -> None:
    expected = [journal["pizza"], journal["burrito_late"], journal["bbq"]]
    assert ids("list", "--since", "2026-11-21") == expected
    assert ids("list", "--since", "yesterday") == expected
    assert ids("list", "--since", "2026-11-21T19:00:01+01:00") == expected[:2]


def test_list_until_a_date_includes_that_whole_day(journal: dict[str, int]) -> None:
    assert ids("list", "--until", "2026-11-21") == [
        journal["burrito_late"],
        journal["bbq"],
        journal["burrito_old"],
    ]
    assert ids("list", "--until", "yesterday") == [
        journal["burrito_late"],
        journal["bbq"],
        journal["burrito_old"],
    ]


def test_list_until_a_moment_is_that_moment(journal: dict[str, int]) -> None:
    assert ids("list", "--until", "2026-11-21T19:00:00+01:00") == [
        journal["bbq"],
        journal["burrito_old"],
    ]


def test_list_since_and_until_the_same_day(journal: dict[str, int]) -> None:
    assert ids("list", "--since", "2026-11-21", "--until", "2026-11-21") == [
        journal["burrito_late"],
        journal["bbq"],
    ]


def test_list_since_after_until_is_refused(journal: dict[str, int]) -> None:
    result = cli("list", "--since", "2026-11-22", "--until", "2026-11-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "--since", "--until")


def test_list_bad_since_date_is_refused(journal: dict[str, int]) -> None:
    result = cli("list", "--since", "the day after never")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'the day after never'")


def test_list_failures(journal: dict[str, int]) -> None:
    assert ids("list", "--failures") == [journal["pizza"], journal["bbq"]]


def test_list_status(journal: dict[str, int]) -> None:
    ok("edit", str(journal["pizza"]), "--status", "abandoned")
    assert ids("list", "--status", "open") == [journal["bbq"]]
    assert ids("list", "--status", "resolved") == [journal["burrito_late"], journal["burrito_old"]]
    assert ids("list", "--status", "abandoned") == [journal["pizza"]]


def test_list_filters_combine(journal: dict[str, int]) -> None:
    assert ids("list", "--client", "acme", "--failures") == [journal["bbq"]]
    assert ids("list", "--business", "Burrito Barn", "--tag", "kids") == [journal["burrito_old"]]
    assert ids("list", "--tag", "dinner", "--since", "2026-11-22", "--status", "open") == [
        journal["pizza"]
    ]
    assert ids("list", "--tag", "kids", "--sort", "oldest", "--limit", "1") == [
        journal["burrito_old"]
    ]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--status", "bogus"), "--status"),
        (("--sort", "nope"), "--sort"),
        (("--sort", "occurred_at; DROP TABLE encounter"), "--sort"),
        (("--status", "open' OR '1'='1"), "--status"),
        (("--format", "xml"), "--format"),
        (("--bogus",), "--bogus"),
        (("--limit", "many"), "--limit"),
    ],
)
def test_list_usage_errors(journal: dict[str, int], args: tuple[str, ...], option: str) -> None:
    before = snapshot()
    result = cli("list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, option)
    assert snapshot() == before


def test_injection_in_filter_values_is_just_a_value(journal: dict[str, int]) -> None:
    before = snapshot()
    assert ids("list", "--client", "x' OR '1'='1") == []
    assert ids("list", "--tag", "kids' OR 1=1 --") == []
    result = cli("list", "--business", "x'; DROP TABLE encounter; --")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "no business named")
    assert snapshot() == before


# ----------------------------------------------------------------------------- list: formats


def test_list_json_is_one_array_of_encounter_records(journal: dict[str, int]) -> None:
    records = json.loads(ok("list", "--format", "json"))
    assert isinstance(records, list)
    assert len(records) == 4
    for record in records:
        assert set(record) == ENCOUNTER_KEYS
    bbq = next(r for r in records if r["id"] == journal["bbq"])
    assert bbq["business"] == {"name": "Smokey's BBQ", "category": None}
    assert bbq["severity"] == 3
    assert bbq["issue"] == "wait time"
    assert bbq["note"] == "server poured iced tea over the cola"
    assert bbq["tags"] == ["dinner"]


def test_list_ndjson_is_one_object_per_line(journal: dict[str, int]) -> None:
    text = ok("list", "--format", "ndjson")
    lines = text.splitlines()
    assert text.endswith("\n")
    assert len(lines) == 4
    records = [json.loads(line) for line in lines]
    assert all(isinstance(record, dict) for record in records)
    assert records == json.loads(ok("list", "--format", "json"))


def test_list_csv_has_a_header_and_plain_values(journal: dict[str, int]) -> None:
    rows = list(csv.reader(io.StringIO(ok("list", "--format", "csv"))))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 5
    by_id = {int(row[0]): dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]}
    assert list(by_id) == [
        journal["pizza"],
        journal["burrito_late"],
        journal["bbq"],
        journal["burrito_old"],
    ]
    bbq = by_id[journal["bbq"]]
    assert bbq["business"] == "Smokey's BBQ"
    assert bbq["category"] == ""
    assert bbq["failure"] == "true"
    assert bbq["severity"] == "3"
    assert bbq["complained"] == "false"
    assert bbq["complained_at"] == ""
    assert bbq["timely"] == ""
    assert bbq["disputed"] == ""
    assert bbq["occurred_at"] == "2026-11-21T19:00:00+01:00"
    assert bbq["status"] == "open"
    burrito = by_id[journal["burrito_old"]]
    assert burrito["category"] == "restaurant"
    assert burrito["failure"] == "false"
    assert burrito["severity"] == ""
    assert burrito["note"] == ""
    assert burrito["status"] == "resolved"
    assert by_id[journal["pizza"]]["channel"] == "phone"
    assert by_id[journal["pizza"]]["tags"] == "dinner,kids"


def test_list_csv_agrees_with_json(journal: dict[str, int]) -> None:
    records = json.loads(ok("list", "--format", "json"))
    rows = list(csv.DictReader(io.StringIO(ok("list", "--format", "csv"))))
    assert [int(row["id"]) for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["uid"] == record["uid"]
        assert row["summary"] == (record["summary"] or "")
        assert row["created_at"] == record["created_at"]


def test_list_md_is_a_markdown_table(journal: dict[str, int]) -> None:
    lines = ok("list", "--format", "md").splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[:3] == ["ID", "When", "Business"]
    assert {"Summary", "Status"} <= set(header)
    assert set(lines[1].replace(" ", "")) <= set("|-:")
    assert len(lines) == 6
    bbq_line = next(line for line in lines if "Meal late and cold" in line)
    cells = [cell.strip() for cell in bbq_line.strip("|").split("|")]
    assert len(cells) == len(header)
    row = dict(zip(header, cells, strict=True))
    assert row["ID"] == str(journal["bbq"])
    assert row["When"] == "2026-11-21 19:00"
    assert row["Business"] == "Smokey's BBQ"
    assert row["Summary"] == "Meal late and cold"
    assert row["Status"] == "open"


def test_list_table_shows_the_encounters(journal: dict[str, int]) -> None:
    text = ok("list")
    assert "Encounters" in text
    for expected in (
        "Meal late and cold",
        "Best burrito ever",
        "Pizzas not started",
        "Smokey's BBQ",
        "2026-11-21 19:00",
    ):
        assert expected in text
    assert "\x1b" not in text
    assert text.index("Pizzas not started") < text.index("Best burrito ever")


def test_list_table_has_no_wider_lines_than_the_terminal(journal: dict[str, int]) -> None:
    text = ok("list", env={"COLUMNS": "80"})
    assert "Meal late" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_empty_journal_lists_nothing() -> None:
    init = cli("init")
    assert init.exit_code == 0, init.stderr
    assert ok("list", "--format", "json") == "[]\n"
    assert json.loads(ok("list", "--format", "json")) == []
    assert ok("list", "--format", "ndjson") == ""
    assert list(csv.reader(io.StringIO(ok("list", "--format", "csv")))) == [CSV_HEADER]
    table = cli("list")
    assert table.exit_code == 0
    assert table.stdout == ""
    assert table.stderr == "No encounters match.\n"


def test_filter_matching_nothing_notes_it_on_stderr_for_tables(journal: dict[str, int]) -> None:
    table = cli("list", "--client", "Nobody")
    assert table.exit_code == 0
    assert table.stdout == ""
    assert table.stderr == "No encounters match.\n"
    assert ok("list", "--client", "Nobody", "--format", "json") == "[]\n"


# ----------------------------------------------------------------------------- show


def test_show_json_has_exactly_the_contract_keys(journal: dict[str, int]) -> None:
    record = json.loads(ok("show", str(journal["bbq"]), "--format", "json"))
    assert set(record) == ENCOUNTER_KEYS
    assert set(record["business"]) == {"name", "category"}
    assert record["id"] == journal["bbq"]
    assert isinstance(record["uid"], str)
    assert len(record["uid"]) == 26
    assert record["occurred_at"] == "2026-11-21T19:00:00+01:00"
    assert record["responses"] == []
    assert record["remedies"] == []
    assert record["followups"] == []
    assert record["outcome"] is None
    assert record["created_at"] == record["updated_at"]
    assert record["created_at"] is not None


def test_show_json_agrees_with_list_json(journal: dict[str, int]) -> None:
    records = json.loads(ok("list", "--format", "json"))
    for record in records:
        assert json.loads(ok("show", str(record["id"]), "--format", "json")) == record


def test_show_ndjson_is_one_line(journal: dict[str, int]) -> None:
    text = ok("show", str(journal["pizza"]), "--format", "ndjson")
    assert text.count("\n") == 1
    assert json.loads(text)["summary"] == "Pizzas not started"


def test_show_csv_is_header_and_one_row(journal: dict[str, int]) -> None:
    rows = list(csv.reader(io.StringIO(ok("show", str(journal["pizza"]), "--format", "csv"))))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 2
    row = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert row["summary"] == "Pizzas not started"
    assert row["failure"] == "true"
    assert row["tags"] == "dinner,kids"


def test_show_table_has_the_fields_and_the_note(journal: dict[str, int]) -> None:
    text = ok("show", str(journal["bbq"]))
    assert f"#{journal['bbq']} · Smokey's BBQ · 2026-11-21 19:00" in text
    for expected in ("Meal late and cold", "wait time", "dinner", "Acme", "open"):
        assert expected in text
    assert "server poured iced tea over the cola" in text


def test_times_are_shown_in_local_time_and_kept_with_their_offset() -> None:
    encounter_id = add("Burrito Barn", "Lunch abroad", "--when", "2026-11-20T08:15:00-05:00")
    table = ok("list")
    assert "2026-11-20 14:15" in table
    detail = ok("show", str(encounter_id))
    assert "2026-11-20 14:15" in detail
    assert "-0500" in detail or "-05:00" in detail
    record = json.loads(ok("show", str(encounter_id), "--format", "json"))
    assert record["occurred_at"] == "2026-11-20T08:15:00-05:00"


def test_show_md(journal: dict[str, int]) -> None:
    text = ok("show", str(journal["bbq"]), "--format", "md")
    assert text.startswith("## ")
    assert "| Summary | Meal late and cold |" in text
    assert "server poured iced tea over the cola" in text


def test_show_missing_id_is_a_domain_error(journal: dict[str, int]) -> None:
    result = cli("show", "99")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: no encounter with id 99\n"


def test_show_non_numeric_id_is_a_usage_error(journal: dict[str, int]) -> None:
    result = cli("show", "abc")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr)


# ----------------------------------------------------------------------------- search


@pytest.fixture
def texts() -> dict[str, int]:
    return {
        "burrito": add("Burrito Barn", "Best burrito in town", "--tag", "kids"),
        "bbq": add(
            "Smokey's BBQ",
            "Meal late and cold",
            "--note",
            "server poured iced tea over the cola",
            "--issue",
            "wait time",
            "--severity",
            "3",
        ),
        "percent": add("Pizza Place", "charged 100% extra", "--failure"),
        "hundred": add("Pizza Place", "ordered 100 slices"),
        "quote": add("Tex Mex", 'menu said "fresh" salsa'),
        "near_paren": add("Tex Mex", "sat NEAR(ish) the kitchen"),
        "near": add("Tex Mex", "sat near the door"),
        "star": add("Diner", "rated 5* online"),
        "not": add("Diner", "NOT what we ordered"),
    }


def found(*words: str) -> set[int]:
    return set(ids("search", *words))


SEARCHES = [
    (("burr",), {"burrito"}),
    (("BURRITO",), {"burrito"}),
    (("iced", "tea"), {"bbq"}),
    (("cola",), {"bbq"}),
    (("wait",), {"bbq"}),
    (("smokey",), {"bbq"}),
    (("barn",), {"burrito"}),
    (("meal", "cold"), {"bbq"}),
    (("meal", "pizza"), set()),
    (("sat",), {"near_paren", "near"}),
    (("zebra",), set()),
]

LITERAL_SEARCHES = [
    ("100%", {"percent"}),
    ('"', {"quote"}),
    ('"fresh"', {"quote"}),
    ("AND", {"bbq"}),
    ("NOT", {"not"}),
    ("NEAR(", {"near_paren"}),
    ("*", {"star"}),
    ("5*", {"star"}),
    ("'", {"bbq"}),
    ("Smokey's", {"bbq"}),
    ("%", {"percent"}),
    ("_", set()),
]


def test_search_finds_words_in_summary_note_issue_and_business(texts: dict[str, int]) -> None:
    for words, expected in SEARCHES:
        assert found(*words) == {texts[name] for name in expected}, words


def test_search_takes_operators_and_punctuation_literally(texts: dict[str, int]) -> None:
    for word, expected in LITERAL_SEARCHES:
        result = cli("search", word, "--format", "json")
        assert result.exit_code == 0, (word, result.stderr)
        assert result.stderr == "", word
        assert {r["id"] for r in result.json()} == {texts[name] for name in expected}, word


def test_search_filters_combine(texts: dict[str, int]) -> None:
    assert found("pizza") == {texts["percent"], texts["hundred"]}
    assert set(ids("search", "place", "--failures")) == {texts["percent"]}
    assert set(ids("search", "sat", "--business", "Tex Mex")) == {
        texts["near"],
        texts["near_paren"],
    }
    assert ids("search", "burr", "--business", "Smokey's BBQ") == []
    assert ids("search", "burr", "--tag", "kids") == [texts["burrito"]]
    assert ids("search", "burr", "--tag", "dinner") == []
    assert ids("search", "sat", "--limit", "1") in ([texts["near"]], [texts["near_paren"]])


def test_search_by_unknown_business_is_a_domain_error(texts: dict[str, int]) -> None:
    result = cli("search", "burr", "--business", "Nowhere")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert_one_error_line(result.stderr, "'Nowhere'")


def test_search_table_and_empty_note(texts: dict[str, int]) -> None:
    table = cli("search", "burr")
    assert table.exit_code == 0, table.stderr
    assert table.stderr == ""
    assert "Best burrito in town" in table.stdout
    assert "Meal late" not in table.stdout
    empty = cli("search", "zebra")
    assert empty.exit_code == 0
    assert empty.stdout == ""
    assert empty.stderr == "No encounters match.\n"


def test_search_without_words_is_a_usage_error(texts: dict[str, int]) -> None:
    result = cli("search")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr)


def test_search_follows_a_business_rename(texts: dict[str, int]) -> None:
    renamed = cli("business", "rename", "Burrito Barn", "Casa Luna")
    assert renamed.exit_code == 0, renamed.stderr
    assert renamed.stderr == ""
    assert found("luna") == {texts["burrito"]}
    assert found("barn") == set()


def test_search_sees_edits(texts: dict[str, int]) -> None:
    result = cli("edit", str(texts["hundred"]), "--summary", "ordered a calzone")
    assert result.exit_code == 0, result.stderr
    assert found("calzone") == {texts["hundred"]}
    assert found("slices") == set()


def test_search_follows_an_encounter_moved_to_another_business(texts: dict[str, int]) -> None:
    result = cli("edit", str(texts["star"]), "--business", "Casa Luna")
    assert result.exit_code == 0, result.stderr
    assert found("luna") == {texts["star"]}
    assert found("diner") == {texts["not"]}
