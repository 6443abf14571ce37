"""Encounter records for `svclog export`, written by SQLite itself.

An export of a million encounters must run at 100,000 a second (performance.md). Building an
`Encounter` per row, then its record, then its JSON costs ten times that in Python, so here
SQLite writes each encounter's record of product.md §6 as exactly the text that
`json.dumps(record(encounter, timing), ensure_ascii=False)` gives (render/encounters.py and
render/timeline.py): the same keys in the same order, `", "` and `": "` between them, text
through `json_quote` (which escapes what `json` escapes, the same way: `supported` checks it
on the running SQLite), moments in their own offset to the second, the timeline nested in
(each list in time order), and `timely` judged as core/timeliness.py judges it. The CSV export
gets the same pieces as `ExportRow`s.

The records come a chunk at a time, each chunk one statement over a stretch of the time
index (found by stepping over `CHUNK` index entries), so Python handles one value per chunk.
Two connections of their own, reading one snapshot, can write alternate chunks at once.

This leans on what svclog writes: moments as `YYYY-MM-DDTHH:MM:SSZ` with an offset `±HH:MM`
(storage/timestamps.py), vocabulary values as core/vocabulary.py spells them. Tests compare
these records with the model-based ones for varied encounters.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Generator, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from svclog.core import text
from svclog.core.export_row import ExportRow, RecordLines
from svclog.core.models import EncounterFilter
from svclog.storage import snapshot
from svclog.storage.encounters import _where
from svclog.storage.history import Value
from svclog.storage.timestamps import epoch_seconds

#: Records per chunk: what `json_records` and `csv_rows` yield at a time.
CHUNK = 500

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)

# ----------------------------------------------------------------------------- SQL pieces
#
# Each piece is an SQL expression giving JSON text (or, for `_local`, a moment's ISO text).
# The timely window and now are the statement's parameters ?1 and ?2 (microseconds), so the
# filters' plain `?` parameters that follow them are ?3, ?4, ...


def _text(column: str) -> str:
    """A text (or whole-number) column: a JSON string (number), or null (tested first: it is
    cheaper than a call, and most optional fields are empty)."""
    return f"CASE WHEN {column} IS NULL THEN 'null' ELSE json_quote({column}) END"


def _choice(column: str) -> str:
    """A vocabulary value: models read an empty one as none."""
    return f"CASE WHEN {column} IS NULL OR {column} = '' THEN 'null' ELSE json_quote({column}) END"


def _flag(column: str) -> str:
    return f"CASE WHEN {column} THEN 'true' ELSE 'false' END"


def _maybe_flag(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END"


def _local(at: str, offset: str) -> str:
    """A stored moment in its own offset: `2026-11-21T19:00:00+01:00` (core.when.iso)."""
    return f"replace(datetime({at}, {offset}), ' ', 'T') || {offset}"


def _moment(at: str, offset: str) -> str:
    return f"'\"' || {_local(at, offset)} || '\"'"


def _required(column: str) -> str:
    """A text column that is never NULL (NOT NULL in the schema)."""
    return f"json_quote({column})"


def _maybe_moment(at: str, offset: str) -> str:
    return f"CASE WHEN {at} IS NULL THEN 'null' ELSE {_moment(at, offset)} END"


#: A field of a record: its key, its printf conversion and the SQL that fills it.
_Field = tuple[str, str, str]

#: created_at and updated_at are UTC: their text up to the seconds, then +00:00.
_UTC = '"%.19s+00:00"'


def _object(fields: Sequence[_Field]) -> str:
    """The JSON object of `fields`, as one printf."""
    spec = ", ".join(f'"{key}": {conversion}' for key, conversion, _ in fields)
    return f"printf('{{{spec}}}', {', '.join(sql for _, _, sql in fields)})"


def _at(key: str, at: str, offset: str) -> _Field:
    """A moment that is always there: its quotes and offset written by the printf."""
    return (key, '"%s%s"', f"replace(datetime({at}, {offset}), ' ', 'T'), {offset}")


def _stamps(alias: str) -> list[_Field]:
    return [
        ("created_at", _UTC, f"{alias}.created_at"),
        ("updated_at", _UTC, f"{alias}.updated_at"),
    ]


def _response(r: str) -> str:
    return _object(
        [
            ("id", "%d", f"{r}.id"),
            ("uid", "%s", _required(f"{r}.uid")),
            _at("at", f"{r}.at", f"{r}.at_offset"),
            ("by", "%s", _choice(f"{r}.responder")),
            ("quality", "%s", _text(f"{r}.quality")),
            ("apology", "%s", _choice(f"{r}.apology")),
            ("listened", "%s", _maybe_flag(f"{r}.listened")),
            ("fixed", "%s", _maybe_flag(f"{r}.fixed")),
            ("asked_more", "%s", _maybe_flag(f"{r}.asked_more")),
            ("prevented", "%s", _maybe_flag(f"{r}.prevented")),
            ("note", "%s", _text(f"{r}.note")),
            *_stamps(r),
        ]
    )


def _remedy(m: str) -> str:
    return _object(
        [
            ("id", "%d", f"{m}.id"),
            ("uid", "%s", _required(f"{m}.uid")),
            _at("at", f"{m}.at", f"{m}.at_offset"),
            ("type", "%s", _required(f"{m}.type")),
            ("value", "%s", _text(f"{m}.value")),
            ("currency", "%s", _text(f"{m}.currency")),
            ("delivered", "%s", _flag(f"{m}.delivered")),
            ("note", "%s", _text(f"{m}.note")),
            *_stamps(m),
        ]
    )


def _followup(f: str) -> str:
    return _object(
        [
            ("id", "%d", f"{f}.id"),
            ("uid", "%s", _required(f"{f}.uid")),
            _at("at", f"{f}.at", f"{f}.at_offset"),
            ("direction", "%s", _choice(f"{f}.direction")),
            ("channel", "%s", _text(f"{f}.channel")),
            ("note", "%s", _text(f"{f}.note")),
            ("due", "%s", _maybe_moment(f"{f}.due", f"{f}.due_offset")),
            ("done", "%s", _flag(f"{f}.done")),
            *_stamps(f),
        ]
    )


def _outcome(o: str) -> str:
    return _object(
        [
            ("id", "%d", f"{o}.id"),
            ("uid", "%s", _required(f"{o}.uid")),
            ("returned", "%s", _maybe_flag(f"{o}.returned")),
            ("recommend", "%s", _text(f"{o}.recommend")),
            ("word_of_mouth", "%s", _choice(f"{o}.word_of_mouth")),
            ("told", "%s", _text(f"{o}.told")),
            ("review", "%s", _text(f"{o}.review")),
            ("switched_to", "%s", _text(f"{o}.switched_to")),
            ("at", "%s", _maybe_moment(f"{o}.at", f"{o}.at_offset")),
            *_stamps(o),
        ]
    )


def _array(table: str, alias: str, item: str, order: str) -> str:
    """The encounter's rows of `table` as a JSON array of `item`s in `order` (`[]` for none:
    a cheap index probe first, as most encounters have none of most kinds)."""
    mine = f"{alias}.encounter_id = encounter.id"
    return (
        f"CASE WHEN EXISTS (SELECT 1 FROM {table} {alias} WHERE {mine}) THEN"
        f" (SELECT '[' || group_concat(item, ', ') || ']' FROM"
        f" (SELECT {item} AS item FROM {table} {alias} WHERE {mine} ORDER BY {order}))"
        " ELSE '[]' END"
    )


_STARTED = epoch_seconds("coalesce(encounter.complained_at, encounter.occurred_at)")
_FIRST_RESPONSE = "(SELECT min(at) AS first FROM response WHERE encounter_id = encounter.id)"


def _timely(yes: str, no: str, unknown: str) -> str:
    """`timely`: the value set on the encounter, else derived (core.timeliness.derived_timely)
    from the first response against the window ?1, or from now ?2 when there is none yet."""
    return (
        f"CASE WHEN encounter.timely IS NOT NULL THEN"
        f" CASE WHEN encounter.timely THEN {yes} ELSE {no} END"
        f" WHEN NOT (encounter.failure OR encounter.complained) THEN {unknown}"
        " ELSE (SELECT CASE WHEN first IS NOT NULL THEN"
        f" CASE WHEN ({epoch_seconds('first')} - {_STARTED}) * 1000000 <= ?1"
        f" THEN {yes} ELSE {no} END"
        f" WHEN ?2 - {_STARTED} * 1000000 > ?1 THEN {no} ELSE {unknown} END"
        f" FROM {_FIRST_RESPONSE}) END"
    )


_TAGS = _array("encounter_tag", "t", "json_quote(t.tag)", "t.id")
_RESPONSES = _array("response", "r", _response("r"), "r.at, r.id")
_REMEDIES = _array("remedy", "m", _remedy("m"), "m.at, m.id")
_FOLLOWUPS = _array("followup", "f", _followup("f"), "f.at, f.id")

#: The business and the outcome (if any) of each encounter.
_JOINS = (
    " JOIN business ON business.id = encounter.business_id"
    " LEFT JOIN outcome o ON o.encounter_id = encounter.id"
)
_OUTCOME = f"CASE WHEN o.id IS NULL THEN NULL ELSE {_outcome('o')} END"

#: The encounter record of product.md §6 as JSON text.
_RECORD = _object(
    [
        ("id", "%d", "encounter.id"),
        ("uid", "%s", _required("encounter.uid")),
        (
            "business",
            '{"name": %s, "category": %s}',
            f"{_required('business.name')}, {_text('business.category')}",
        ),
        _at("occurred_at", "encounter.occurred_at", "encounter.occurred_offset"),
        ("channel", "%s", _text("encounter.channel")),
        ("summary", "%s", _text("encounter.summary")),
        ("note", "%s", _text("encounter.note")),
        ("failure", "%s", _flag("encounter.failure")),
        ("severity", "%s", _text("encounter.severity")),
        ("issue", "%s", _text("encounter.issue")),
        ("dimension", "%s", _choice("encounter.dimension")),
        ("complained", "%s", _flag("encounter.complained")),
        (
            "complained_at",
            "%s",
            _maybe_moment("encounter.complained_at", "encounter.complained_offset"),
        ),
        ("client", "%s", _text("encounter.client")),
        ("tags", "%s", _TAGS),
        ("status", "%s", _required("encounter.status")),
        ("timely", "%s", _timely("'true'", "'false'", "'null'")),
        ("disputed", "%s", _maybe_flag("encounter.disputed")),
        ("responses", "%s", _RESPONSES),
        ("remedies", "%s", _REMEDIES),
        ("followups", "%s", _FOLLOWUPS),
        ("outcome", "%s", f"CASE WHEN o.id IS NULL THEN 'null' ELSE {_outcome('o')} END"),
        *_stamps("encounter"),
    ]
)


def _maybe_local(at: str, offset: str) -> str:
    return f"CASE WHEN {at} IS NULL THEN NULL ELSE {_local(at, offset)} END"


#: The columns of an `ExportRow`, in its order.
_ROW = ", ".join(
    [
        "encounter.id",
        "encounter.uid",
        "business.name",
        "business.category",
        _local("encounter.occurred_at", "encounter.occurred_offset"),
        "encounter.channel",
        "encounter.summary",
        "encounter.note",
        "encounter.failure",
        "encounter.severity",
        "encounter.issue",
        "NULLIF(encounter.dimension, '')",
        "encounter.complained",
        _maybe_local("encounter.complained_at", "encounter.complained_offset"),
        "encounter.client",
        "coalesce((SELECT group_concat(tag, ',') FROM (SELECT t.tag FROM encounter_tag t"
        " WHERE t.encounter_id = encounter.id ORDER BY t.id)), '')",
        "encounter.status",
        _timely("1", "0", "NULL"),
        "encounter.disputed",
        "substr(encounter.created_at, 1, 19) || '+00:00'",
        "substr(encounter.updated_at, 1, 19) || '+00:00'",
        f"(SELECT {epoch_seconds('first')} FROM {_FIRST_RESPONSE}) - {_STARTED}",
        "(SELECT max(quality) FROM response WHERE encounter_id = encounter.id)",
        "(SELECT group_concat(type, ',') FROM (SELECT m.type FROM remedy m"
        " WHERE m.encounter_id = encounter.id ORDER BY m.at, m.id))",
        "o.returned",
        "o.recommend",
        "NULLIF(o.word_of_mouth, '')",
        "o.told",
        "o.review",
        "o.switched_to",
        _RESPONSES,
        _REMEDIES,
        _FOLLOWUPS,
        _OUTCOME,
    ]
)


# ----------------------------------------------------------------------------- queries


#: Text whose JSON every escaping rule shows: quotes, backslash, NUL and the other C0
#: controls, DEL, C1, line and paragraph separators, a byte-order mark, accents, an emoji.
_PROBE = "".join(chr(c) for c in range(0xA0)) + '"\\\u2028\u2029\ufeff\u202eé🍕'


def supported(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite writes the records exactly: it has the JSON functions, quotes text
    as `json.dumps(..., ensure_ascii=False)` does and shifts moments into their offset."""
    try:
        quoted, local = conn.execute(
            f"SELECT json_quote(?), {_local('?', '?')}",
            (_PROBE, "2026-03-01T02:30:00Z", "-05:30", "-05:30"),
        ).fetchone()
    except sqlite3.Error:
        return False
    return bool(
        quoted == json.dumps(_PROBE, ensure_ascii=False) and local == "2026-02-28T21:00:00-05:30"
    )


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


#: A part of a WHERE clause and its parameters.
_Clause = tuple[str, list[Value]]


def _and(where: str, clause: str) -> str:
    return f"{where} AND {clause}" if where else f" WHERE {clause}"


def _in_time_order(filters: EncounterFilter) -> _Clause:
    """The WHERE clause of `filters` (as `list` has it), but with the tag looked up for each
    encounter as the time index gives them: through the list of every encounter with the tag,
    each chunk would gather and sort them all again."""
    where, params = _where(filters._replace(tag=None))
    if filters.tag is None:
        return where, params
    tagged = (
        "EXISTS (SELECT 1 FROM encounter_tag WHERE encounter_tag.encounter_id = encounter.id"
        " AND encounter_tag.tag_key = ?)"
    )
    return _and(where, tagged), [*params, text.name_key(filters.tag)]


def _start(conn: sqlite3.Connection, filters: EncounterFilter, chosen: _Clause) -> _Clause:
    """The `chosen` encounters (the filters' WHERE clause); with a limit, from the oldest of
    the newest `limit` on (no sort, and no list of them all)."""
    where, params = chosen
    if filters.limit is None:
        return where, params
    first = conn.execute(
        f"SELECT encounter.occurred_at, encounter.id FROM encounter{where}"
        " ORDER BY encounter.occurred_at DESC, encounter.id DESC LIMIT 1 OFFSET ?",
        [*params, filters.limit - 1],
    ).fetchone()
    if first is None:  # no more than `limit` match
        return where, params
    after = "encounter.occurred_at >= ? AND (encounter.occurred_at > ? OR encounter.id >= ?)"
    return _and(where, after), [*params, first[0], first[0], first[1]]


def _parameters(window: timedelta, now: datetime, params: list[Value]) -> list[Value]:
    """The statement's parameters: ?1 the timely window and ?2 now (microseconds), then those
    of the WHERE clause."""
    return [window // _MICROSECOND, _microseconds(now), *params]


def _rows(
    conn: sqlite3.Connection,
    columns: str,
    filters: EncounterFilter,
    window: timedelta,
    now: datetime,
) -> sqlite3.Cursor:
    """`columns` of the encounters matching `filters`, oldest first (with a limit: the newest
    `limit`, oldest first). Run now, so that a bad query fails before any output."""
    where, params = _start(conn, filters, _where(filters))
    order = " ORDER BY encounter.occurred_at, encounter.id"
    sql = f"SELECT {columns} FROM encounter{_JOINS}{where}{order}"
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, _parameters(window, now, params))


def _chunks(conn: sqlite3.Connection, filters: EncounterFilter) -> Iterator[_Clause]:
    """The WHERE clauses of consecutive chunks of `CHUNK` encounters (the last one may hold
    fewer), each found by stepping over `CHUNK` index entries from where the last one ended."""
    chosen = _in_time_order(filters)
    where, params = _start(conn, filters, chosen)
    while True:
        end = conn.execute(
            f"SELECT encounter.occurred_at, encounter.id FROM encounter{where}"
            f" ORDER BY encounter.occurred_at, encounter.id LIMIT 1 OFFSET {CHUNK - 1}",
            params,
        ).fetchone()
        if end is None:
            yield where, params
            return
        upto = "encounter.occurred_at <= ? AND (encounter.occurred_at < ? OR encounter.id <= ?)"
        yield _and(where, upto), [*params, end[0], end[0], end[1]]
        # The next chunk starts after this one: the filters, then past `end`.
        after = "encounter.occurred_at >= ? AND (encounter.occurred_at > ? OR encounter.id > ?)"
        where, params = _and(chosen[0], after), [*chosen[1], end[0], end[0], end[1]]


#: A chunk's records, one per line (JSON text has no raw newline), as UTF-8.
_LINES = (
    f"SELECT CAST(group_concat(record, char(10)) AS BLOB), count(*) FROM (SELECT {_RECORD} AS"
    f" record FROM encounter{_JOINS}{{where}} ORDER BY encounter.occurred_at, encounter.id)"
)


def _lines(
    conn: sqlite3.Connection, chunk: _Clause, window: timedelta, now: datetime
) -> RecordLines:
    where, params = chunk
    text, count = conn.execute(
        _LINES.replace("{where}", where), _parameters(window, now, params)
    ).fetchone()
    return RecordLines(int(count), text or b"")


class RecordStream:
    """The chunks `json_records` reads, in order; `close` (or leaving a `with`) stops the
    reading and closes what it opened, whether or not it was read to the end."""

    def __init__(
        self, chunks: Generator[RecordLines, None, None], opened: Sequence[sqlite3.Connection]
    ) -> None:
        self._chunks = chunks
        self._opened = opened

    def __iter__(self) -> RecordStream:
        return self

    def __next__(self) -> RecordLines:
        return next(self._chunks)

    def close(self) -> None:
        self._chunks.close()
        for conn in self._opened:
            conn.close()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def json_records(
    conn: sqlite3.Connection,
    filters: EncounterFilter,
    window: timedelta,
    now: datetime,
    *,
    path: Path | None = None,
) -> RecordStream:
    """The JSON text of each encounter record matching `filters`, oldest first (with a limit:
    the newest `limit`, oldest first), `CHUNK` at a time; `timely` is judged against `window`
    and `now`. Call `supported` first. The first chunk is read now, so that an error comes
    before any output.

    Given the journal's `path`, on a machine with more than one core, two connections of their
    own read one snapshot and write every other chunk each, at the same time (SQLite writes the
    records without holding Python's GIL); else, or when they cannot agree on a snapshot,
    `conn` reads them all."""
    readers = None
    if path is not None and snapshot.worth_sharing():
        readers = snapshot.readers(path)
    try:
        reader = conn if readers is None else readers[0]
        chunks = _chunks(reader, filters)
        first = _lines(reader, next(chunks), window, now)
    except BaseException:
        for opened in readers or ():
            opened.close()
        raise
    if readers is None:
        return RecordStream(_alone(conn, first, chunks, window, now), ())
    return RecordStream(_together(*readers, first, chunks, window, now), readers)


def _alone(
    conn: sqlite3.Connection,
    first: RecordLines,
    chunks: Iterator[_Clause],
    window: timedelta,
    now: datetime,
) -> Generator[RecordLines, None, None]:
    lines = first
    while lines.size:
        yield lines
        chunk = next(chunks, None)
        if chunk is None:
            return
        lines = _lines(conn, chunk, window, now)


def csv_rows(
    conn: sqlite3.Connection, filters: EncounterFilter, window: timedelta, now: datetime
) -> Iterator[list[ExportRow]]:
    """The encounters `json_records` gives, as `ExportRow`s for the CSV export, in lists of
    up to `CHUNK`."""
    cursor = _rows(conn, _ROW, filters, window, now)

    def chunks() -> Iterator[list[ExportRow]]:
        while rows := cursor.fetchmany(CHUNK):
            yield [ExportRow._make(row) for row in rows]

    return chunks()


# ----------------------------------------------------------------------------- two readers


class _Helper:
    """A thread writing chunks on a connection of its own, one asked for at a time."""

    def __init__(self, conn: sqlite3.Connection, window: timedelta, now: datetime) -> None:
        self._conn = conn
        self._window = window
        self._now = now
        self._asked: queue.Queue[_Clause | None] = queue.Queue()
        self._done: queue.Queue[RecordLines | BaseException] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="svclog-export", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._asked.get()) is not None:
            try:
                self._done.put(_lines(self._conn, chunk, self._window, self._now))
            except BaseException as error:  # handed to the reading thread, raised there
                self._done.put(error)
                return

    def ask(self, chunk: _Clause) -> None:
        self._asked.put(chunk)

    def answer(self) -> RecordLines:
        lines = self._done.get()
        if isinstance(lines, BaseException):
            raise lines
        return lines

    def stop(self) -> None:
        """Stop (interrupting a chunk half-written), then close the connection."""
        self._asked.put(None)
        snapshot.halt(self._thread, self._conn)
        self._conn.close()


def _together(
    conn: sqlite3.Connection,
    helper: sqlite3.Connection,
    first: RecordLines,
    chunks: Iterator[_Clause],
    window: timedelta,
    now: datetime,
) -> Generator[RecordLines, None, None]:
    """Chunks written two at a time: the helper writes the second of each pair while this
    thread writes the first."""
    other = _Helper(helper, window, now)
    try:
        lines: RecordLines | None = first
        while lines is not None and lines.size:
            second = next(chunks, None)
            if second is not None:
                other.ask(second)
            yield lines
            if second is None:
                return
            third = next(chunks, None)
            mine = None if third is None else _lines(conn, third, window, now)
            theirs = other.answer()
            if not theirs.size:
                return
            yield theirs
            lines = mine
    finally:
        other.stop()
