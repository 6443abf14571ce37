"""Fuzzing the display sanitiser, the import parser and `svclog import` (reliability.md
promises 6 and 8), bounded in time.

Examples per property (hypothesis `max_examples`; explicit `@example`s come on top):

    (a) sanitiser
        safe / safe_line never let a control through ............... 500
        safe / safe_line are idempotent .............................. 300
        printable text is left alone ................................. 300
        terminal JSON parses back to the value ....................... 300
    (b) import parser (`parse_encounter`)
        arbitrary JSON-like values ................................... 600
        mutations of a valid record .................................. 600
        remedy amounts (a plain amount of sane length, or refused) ... 200
    (c) CSV from elsewhere (`foreign_record` + `parse_encounter`)
        fixed map with --date-format ................................. 300
        fixed map reading dates as typed (dateparser: slower) ......... 60
    (d) `svclog import` of NDJSON, end to end (in-process CLI) ........ 40

Total: 3,200 generated examples. Failures are shrunk and kept in `.hypothesis/`; the
`@example`s pin the crashes found while writing this file, so they fail on any checkout.
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from svclog.core.csvmap import ColumnMap, foreign_record
from svclog.core.errors import InvalidValueError, UsageError
from svclog.core.exchange import ENCOUNTER_FIELDS, parse_encounter
from svclog.core.when import localize
from svclog.render.sanitize import json_escape_unsafe, safe, safe_line
from tests.conftest import NOW, cli


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SVCLOG_CONFIG", str(path))
    return path


def bounded(examples: int, **extra: Any) -> Any:
    return settings(max_examples=examples, deadline=None, **extra)


# ----------------------------------------------------------------------------- (a) sanitiser

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
#: Characters a fuzzer rarely draws by chance but a terminal acts on.
DANGEROUS = [
    *(chr(c) for c in range(0x20)),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    *sorted(BIDI),
    "\u2028",
    "\u2029",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\u200d",
    "\\",
    "[",
    "]",
    ":",
    '"',
]
ANY_CHAR = st.one_of(st.characters(exclude_categories=()), st.sampled_from(DANGEROUS))
ANY_TEXT = st.text(ANY_CHAR, max_size=80)
PRINTABLE = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), max_size=80)
SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def forbidden(char: str, *, line: bool) -> bool:
    """Whether `char` must never reach a terminal (on one line, if `line`)."""
    code = ord(char)
    if char in "\n\t":
        return line
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or char in BIDI
        or 0xD800 <= code <= 0xDFFF
        or (line and char in "\u2028\u2029")
    )


@bounded(500)
@given(ANY_TEXT)
@example("\x1b]52;c;SGVsbG8=\x07\x9b31m\x85\u202e\u2066\ud800\x7f")
def test_safe_and_safe_line_never_let_a_control_through(text: str) -> None:
    shown, line = safe(text), safe_line(text)
    assert not [c for c in shown if forbidden(c, line=False)]
    assert not [c for c in line if forbidden(c, line=True)]
    assert shown.count("\n") == text.count("\n")  # newlines and tabs stay in `safe`
    assert shown.count("\t") == text.count("\t")
    assert "\n" not in line


@bounded(300)
@given(ANY_TEXT)
def test_safe_and_safe_line_are_idempotent(text: str) -> None:
    assert safe(safe(text)) == safe(text)
    assert safe_line(safe_line(text)) == safe_line(text)


@bounded(300)
@given(PRINTABLE)
@example("[b]x[/b] [/] [link=http://e.vil]y[/link] :smile: 100% \"q\" 'a' مرحبا 😀 e\u0301")
def test_printable_text_is_left_alone(text: str) -> None:
    assert safe(text) == text
    assert safe_line(text) == text


JSON_TEXT = ANY_TEXT.filter(lambda s: not SURROGATE_PAIR.search(s))
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), JSON_TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(JSON_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)


@bounded(300)
@given(JSON_VALUES, st.sampled_from([None, 2]))
def test_terminal_json_is_harmless_and_parses_back_to_the_value(value: Any, indent: Any) -> None:
    """A high surrogate followed by a low one is left out: JSON itself reads that pair of
    escapes as one character, whoever writes them (and svclog stores no surrogates)."""
    shown = json_escape_unsafe(json.dumps(value, ensure_ascii=False, indent=indent))
    assert not [c for c in shown if forbidden(c, line=False)]
    assert json.loads(shown) == value


# ----------------------------------------------------------------------------- (b) the parser


def ulid(n: int) -> str:
    return f"01M81TKXJ0{n:016d}"


VALID: dict[str, Any] = {
    "id": 7,
    "uid": ulid(1),
    "business": {"name": "Burrito [b]Barn[/b]", "category": "restaurant"},
    "occurred_at": "2026-11-20T19:00:00+01:00",
    "channel": "in_person",
    "summary": "Cold \x1b[2J burrito",
    "note": "line one\nline two \u202e",
    "failure": True,
    "severity": 3,
    "issue": "temperature",
    "dimension": "reliability",
    "complained": True,
    "complained_at": "2026-11-20T19:30:00+01:00",
    "client": "acme",
    "tags": ["dinner", "kids"],
    "status": "open",
    "timely": True,
    "disputed": False,
    "responses": [
        {
            "id": 1,
            "uid": ulid(2),
            "at": "2026-11-21T10:00:00+01:00",
            "by": "manager",
            "quality": 4,
            "apology": "sincere",
            "listened": True,
            "fixed": False,
            "asked_more": None,
            "prevented": True,
            "note": "called back",
            "created_at": "2026-11-21T10:00:00+01:00",
            "updated_at": "2026-11-21T10:00:00+01:00",
        }
    ],
    "remedies": [
        {
            "id": 1,
            "uid": ulid(3),
            "at": "2026-11-21T10:05:00+01:00",
            "type": "voucher",
            "value": "12.50",
            "currency": "EUR",
            "delivered": True,
            "note": "next visit",
        }
    ],
    "followups": [
        {
            "id": 1,
            "uid": ulid(4),
            "at": "2026-11-21T11:00:00+01:00",
            "direction": "me",
            "channel": "email",
            "note": "wrote to them",
            "due": "2026-11-25T09:00:00+01:00",
            "done": False,
        }
    ],
    "outcome": {
        "id": 1,
        "uid": ulid(5),
        "at": "2026-11-22T12:00:00+01:00",
        "returned": True,
        "recommend": 8,
        "told": 2,
        "word_of_mouth": "positive",
        "review": "4 stars",
        "switched_to": "Taco Town",
    },
    "created_at": "2026-11-20T19:05:00+01:00",
    "updated_at": "2026-11-22T12:00:00+01:00",
}

#: Text a parser of numbers, dates, ids and names trips on.
TRICKY = [
    "", " ", "-", "--5", "+5", "-0", "²", "①", "٣", "5\u00a0", "0x10", "1_000", "12,50",
    "1e3", "1e-999999", "1E+999999", "NaN", "nan", "Infinity", "-1", "0", "6", "11",
    "99999999999999999999999", "true", "false", "yes", "maybe", "\x00", "a\x00b", "\ud800",
    "line\nbreak", "cr\rreturn", "a,b", "[b]x[/b]", "\x1b]52;c;SGVsbG8=\x07", "\x9b31m",
    "9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00", "2026-02-30T10:00:00+01:00", "2026-11-22T15:30:00Z", "2026-11-22",
    "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-22T25:00:00+01:00",
    ulid(9), "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", "01m81tkxj00000000000000009", "ILOU" * 6 + "00",
    "refund", "manager", "open", "reliability", "me", "positive", "sincere", "in_person",
    "EUR", "eu", "€", "good", "Exemplary", "ǅ",
]  # fmt: skip
TEXT_VALUES = st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(TRICKY))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-3, max_value=12),
    st.floats(),
    TEXT_VALUES,
)
KEYS = st.one_of(
    st.sampled_from(
        [
            *ENCOUNTER_FIELDS, "name", "category", "at", "by", "quality", "apology", "type",
            "value", "currency", "delivered", "direction", "due", "done", "returned",
            "recommend", "told", "word_of_mouth", "review", "switched_to", "listened", "fixed",
        ]
    ),
    st.text(max_size=6),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=10,
)


def parse_or_refuse(record: Any) -> None:
    """parse_encounter returns, or refuses with InvalidValueError; anything else escapes."""
    with contextlib.suppress(InvalidValueError):
        parse_encounter(record)


def test_the_valid_record_parses() -> None:
    incoming = parse_encounter(json.loads(json.dumps(VALID)))
    assert incoming.uid == ulid(1)
    assert incoming.business == "Burrito [b]Barn[/b]"
    assert [r.fields["quality"] for r in incoming.responses] == [4]
    assert incoming.outcome is not None


RECORDS = st.one_of(
    VALUES,
    st.dictionaries(KEYS, VALUES, max_size=8),
    st.fixed_dictionaries(
        {
            "uid": st.one_of(st.just(ulid(1)), TEXT_VALUES),
            "business": st.one_of(st.fixed_dictionaries({"name": VALUES}), VALUES),
            "occurred_at": st.one_of(st.just(VALID["occurred_at"]), VALUES),
        },
        optional=dict.fromkeys(set(ENCOUNTER_FIELDS) - {"uid", "business", "occurred_at"}, VALUES),
    ),
)


@bounded(600)
@given(RECORDS)
@example(VALID | {"severity": "--5"})  # int("--5"): ValueError
@example(VALID | {"severity": "²"})  # "²".isdigit(), int("²"): ValueError
@example(VALID | {"responses": [VALID["responses"][0] | {"quality": 3.5}]})  # AttributeError
@example(VALID | {"responses": [VALID["responses"][0] | {"quality": []}]})  # AttributeError
def test_the_parser_returns_or_refuses_arbitrary_values(record: Any) -> None:
    parse_or_refuse(record)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value: dict keys and list indexes, depth first."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        items = []
    for key, inner in items:
        found.append((*prefix, key))
        found.extend(paths(inner, (*prefix, key)))
    return found


def mutate(record: Any, mutations: list[tuple[int, str, Any]]) -> Any:
    """Apply (place, operation, value) mutations: drop the place, or replace its value."""
    record = json.loads(json.dumps(record))
    for place, operation, value in mutations:
        places = paths(record)
        if not places:
            return value
        path = places[place % len(places)]
        parent = record
        for key in path[:-1]:
            parent = parent[key]
        if operation == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = value
    return record


PLACES = paths(VALID)
MUTATIONS = st.lists(
    st.tuples(st.integers(0, 10_000), st.sampled_from(["drop", "replace"]), VALUES),
    min_size=1,
    max_size=4,
)


@bounded(600)
@given(MUTATIONS)
@example([(PLACES.index(("severity",)), "replace", "--5")])
@example([(PLACES.index(("responses", 0, "quality")), "replace", float("inf"))])
@example([(PLACES.index(("occurred_at",)), "replace", "9999-12-31T23:59:59-05:00")])
def test_the_parser_returns_or_refuses_mutations_of_a_valid_record(
    mutations: list[tuple[int, str, Any]],
) -> None:
    parse_or_refuse(mutate(VALID, mutations))


PLAIN_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


@bounded(200)
@given(
    st.one_of(
        st.builds(lambda m, e: f"{m}e{e}", st.integers(0, 999), st.integers(-(10**7), 10**7)),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        TEXT_VALUES,
    )
)
@example("1e-999999")  # a million-digit "amount"
def test_a_remedy_amount_is_a_plain_amount_or_refused(amount: str) -> None:
    """An amount is "25 or 12.50" (like `svclog remedy --value`): never a thousand-digit
    string that stands for a hundredth of nothing."""
    record = VALID | {"remedies": [VALID["remedies"][0] | {"value": amount}]}
    try:
        incoming = parse_encounter(record)
    except InvalidValueError:
        return
    stored = incoming.remedies[0].fields["value"]
    if amount == "":
        assert stored is None  # no amount given
        return
    assert isinstance(stored, str)
    assert PLAIN_AMOUNT.match(stored), stored[:80]
    assert len(stored) < 30, (amount, stored[:80])


# ----------------------------------------------------------------------------- (c) foreign CSV

NOW_MOMENT = datetime.fromisoformat(NOW)
COLUMNS = {
    "Store": "business",
    "Kind": "category",
    "Date": "occurred_at",
    "Via": "channel",
    "What": "summary",
    "Notes": "note",
    "Bad": "failure",
    "Sev": "severity",
    "Issue": "issue",
    "Dim": "dimension",
    "Told": "complained",
    "Told at": "complained_at",
    "Who": "client",
    "Tags": "tags",
    "State": "status",
    "On time": "timely",
    "Disputed": "disputed",
}
DATED = ColumnMap(
    columns=COLUMNS, constants={"channel": "phone"}, date_format="%d/%m/%Y %H:%M", key="Ref"
)
TYPED = ColumnMap(columns=COLUMNS, key="Ref")
CELLS = st.one_of(
    st.text(ANY_CHAR, max_size=12),
    st.sampled_from(TRICKY),
    st.datetimes().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d} {d:%H:%M}"),
    st.datetimes().map(lambda d: d.isoformat()),
)
ROWS = st.fixed_dictionaries(
    {"Store": st.one_of(st.just("Burrito Barn"), CELLS), "Ref": CELLS},
    optional={column: CELLS for column in COLUMNS if column != "Store"},
)


def parse_row(row: dict[str, str], mapping: ColumnMap) -> None:
    """A record from the row is parsed, or refused with InvalidValueError or UsageError."""
    with contextlib.suppress(InvalidValueError, UsageError):
        parse_encounter(foreign_record(row, mapping, NOW_MOMENT, localize))


@bounded(300)
@given(ROWS)
@example({"Store": "Burrito Barn", "Ref": "1", "Date": "01/01/0001 00:00"})  # year 0
def test_a_foreign_row_with_a_date_format_parses_or_is_refused(row: dict[str, str]) -> None:
    parse_row(row, DATED)


@bounded(60)
@given(ROWS)
@example({"Store": "Burrito Barn", "Ref": "1", "Date": "9999-12-31T23:59:59"})  # year 10000
@example({"Store": "Burrito Barn", "Ref": "1", "Date": "0001-01-01T00:00"})  # year 0
def test_a_foreign_row_with_typed_dates_parses_or_is_refused(row: dict[str, str]) -> None:
    parse_row(row, TYPED)


# ----------------------------------------------------------------------------- (d) the CLI


def record_line(n: int, summary: str, note: str) -> str:
    record = {
        "uid": ulid(100 + n),
        "business": {"name": f"Shop {n % 3}"},
        "occurred_at": "2026-11-20T19:00:00+01:00",
        "summary": summary,
        "note": note,
    }
    return json.dumps(record)


LINES = st.one_of(
    st.builds(record_line, st.integers(0, 20), st.text(ANY_CHAR, max_size=20), ANY_TEXT).map(
        str.encode
    ),
    MUTATIONS.map(lambda m: json.dumps(mutate(VALID, m), allow_nan=True).encode()),
    VALUES.map(lambda v: json.dumps(v).encode()),
    st.text(ANY_CHAR, max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.binary(max_size=30),
    st.just(b""),
)
FINE = record_line(1, "fine", "fine").encode()


def crash(**changes: Any) -> bytes:
    """A line that parses but once crashed the import (exit 1, "unexpected")."""
    return json.dumps(VALID | {"uid": ulid(77), "id": None} | changes).encode()


@bounded(40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=6))
@example([FINE, crash(severity="--5")])  # ValueError
@example([FINE, crash(id=2**70)])  # OverflowError: int too large for SQLite
@example([FINE, crash(outcome=VALID["outcome"] | {"told": 2**70})])  # OverflowError
@example([FINE, crash(occurred_at="9999-12-31T23:59:59-05:00")])  # OverflowError: date
def test_importing_arbitrary_ndjson_is_all_or_nothing(db: Path, lines: list[bytes]) -> None:
    if not db.exists():
        seeded = cli("add", "Seed Shop", "seed", "--quiet")
        assert seeded.exit_code == 0, seeded.stderr
    source = db.parent / "fuzz.ndjson"
    source.write_bytes(b"\n".join(lines) + b"\n")
    before = db.read_bytes()
    result = cli("import", str(source))
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 65), result.stderr
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "unexpected" not in result.stderr
    if result.exit_code == 65:
        assert result.stderr.startswith(f"Error: {source} line ")
        assert db.read_bytes() == before
        assert not Path(f"{db}-wal").exists()
    else:
        assert result.stderr.startswith(f"Imported {source}: ")
