"""Bringing records in (import, merge): idempotent by uid; a newer `updated_at` replaces.

`Importer.bring_in` takes one record at a time. `Importer.bring_in_all` takes a stream and
writes the records that are new to the journal in batches — one multi-row INSERT per table
instead of a dozen statements per record — and each of the others (already present: skipped
or updated) exactly as `bring_in` does, in input order. A batch is first planned: which ids
are free, which one each row gets (as SQLite's AUTOINCREMENT would give it), which records
wait for new ids at the end. Anything a plan does not foresee (a timeline uid that belongs to
another encounter, a constraint SQLite refuses, …) sends the batch through `bring_in`, record
by record, which then does — and reports — exactly what it always did.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from svclog.core import collector, text
from svclog.core.exchange import (
    ENCOUNTER_FIELDS,
    MAX_INTEGER,
    IncomingEncounter,
    IncomingRecord,
)
from svclog.core.timeliness import derived_timely
from svclog.core.vocabulary import RecordKind, Vocabulary
from svclog.storage import businesses, timeline
from svclog.storage.encounters import column_values
from svclog.storage.history import ChangeLog, Value
from svclog.storage.journal import Journal
from svclog.storage.timestamps import offset_text, utc_text

#: Records written per batch: with the journal's widest table that is one INSERT statement.
BATCH = 1024
#: Fewer new records than this are written one by one (a plan's queries would cost more).
_FEW = 4
#: The page cache an import asks for (KiB): SQLite's default, 2 MiB, holds a fraction of the
#: indexes a large import updates, and each page it drops mid-transaction is written to the
#: WAL again and again. 32 MiB halves the system time of a 100,000-record import.
_CACHE_KIB = 32 * 1024
#: Lengths of `IN (…)` lists, within any SQLite's limit on a statement's parameters.
_IN_LISTS = (500, 64, 8)


class Result(str, Enum):
    ADDED = "added"
    UPDATED = "updated"
    SKIPPED = "skipped"


def classify(conn: sqlite3.Connection, incoming: IncomingEncounter) -> Result:
    """What `Importer.bring_in` would do with `incoming`, without doing it."""
    row = conn.execute("SELECT updated_at FROM encounter WHERE uid = ?", (incoming.uid,)).fetchone()
    if row is None:
        return Result.ADDED
    if utc_text(incoming.updated_at) <= row["updated_at"]:
        return Result.SKIPPED
    return Result.UPDATED


@contextlib.contextmanager
def bulk_writes(journal: Journal) -> Iterator[None]:
    """Connection settings for one large write (an import), made before its transaction
    begins and put back after it: a larger page cache (`_CACHE_KIB`), and statement journals
    in memory. A multi-row INSERT into a table with triggers keeps one (the pages it changes,
    to take the statement back if it fails), which SQLite spills to a file in /var/tmp past
    64 KiB: tens of thousands of writes, and half the system time, of a large import. Only
    where that scratch data lives changes; how the journal reaches the disk does not."""
    conn = journal.conn
    restore: list[str] = []
    with contextlib.suppress(sqlite3.Error):  # settings for speed only: never a reason to fail
        for name in ("cache_size", "temp_store"):
            value = int(conn.execute(f"PRAGMA {name}").fetchone()[0])
            restore.append(f"PRAGMA {name} = {value}")
        _cache_at_least(conn, _CACHE_KIB)
        conn.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            for statement in restore:
                conn.execute(statement)


class Importer:
    """Writes incoming encounters into one open command (`ChangeLog`), remembering the
    businesses it has seen."""

    def __init__(
        self, log: ChangeLog, now: datetime, window: timedelta, *, batch_size: int = BATCH
    ) -> None:
        self.log = log
        self.now = now
        self.window = window
        self.batch_size = max(1, batch_size)
        self._businesses: dict[str, int] = {}
        self._named: dict[str, int] = {}  # the same, by the names as given
        self._tag_keys: dict[str, str] = {}
        self._deferred: list[IncomingEncounter] = []
        self._pending: list[_Prepared] = []

    def _business(self, name: str, category: str | None) -> int:
        found = self._named.get(name)
        if found is not None:
            return found
        key = text.name_key(name)
        found = self._businesses.get(key)
        if found is None:
            business, _, _ = businesses.ensure(self.log, name, category, self.now, warn=False)
            found = self._businesses[key] = business.id
        self._named[name] = found
        return found

    def _free(self, table: str, record_id: int | None) -> int | None:
        """`record_id` if no row of `table` has it (ids are kept when they can be)."""
        if record_id is None:
            return None
        taken = self.log.conn.execute(
            f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        return None if taken else record_id

    def _timely(self, incoming: IncomingEncounter) -> bool | None:
        given = incoming.fields.get("timely")
        if incoming.timely_is_explicit or given is None:
            return given  # type: ignore[return-value]
        fields = incoming.fields
        started = fields.get("complained_at") or fields["occurred_at"]
        first = min((r.fields["at"] for r in incoming.responses), default=None)  # type: ignore[type-var]
        derived = derived_timely(
            bool(fields["failure"] or fields["complained"]),
            started,  # type: ignore[arg-type]
            first,  # type: ignore[arg-type]
            self.window,
            self.now,
        )
        return None if derived == given else bool(given)

    def bring_in(self, incoming: IncomingEncounter) -> Result:
        row = self.log.conn.execute(
            "SELECT id, updated_at FROM encounter WHERE uid = ?", (incoming.uid,)
        ).fetchone()
        if row is not None and incoming.given is not None:
            return self._refresh(int(row["id"]), incoming, incoming.given)
        if row is not None and utc_text(incoming.updated_at) <= row["updated_at"]:
            return Result.SKIPPED
        fields = dict(incoming.fields)
        fields["timely"] = self._timely(incoming)
        values = column_values(fields)
        values["business_id"] = self._business(incoming.business, incoming.category)
        values["created_at"] = utc_text(incoming.created_at)
        values["updated_at"] = utc_text(incoming.updated_at)
        if row is None:
            values["uid"] = incoming.uid
            if incoming.id is not None and self._free("encounter", incoming.id) is None:
                # Its id is taken here: it gets a new one at the end, so that it cannot take
                # the id of a record further on in the input.
                self._deferred.append(incoming)
                return Result.ADDED
            if incoming.id is not None:
                values["id"] = incoming.id
            encounter_id = self.log.insert("encounter", values)
        else:
            encounter_id = int(row["id"])
            self.log.update("encounter", encounter_id, values)
        self._tags(encounter_id, incoming.tags)
        self._records(encounter_id, RecordKind.RESPONSE, incoming.responses)
        self._records(encounter_id, RecordKind.REMEDY, incoming.remedies)
        self._records(encounter_id, RecordKind.FOLLOWUP, incoming.followups)
        outcome = [incoming.outcome] if incoming.outcome else []
        self._records(encounter_id, RecordKind.OUTCOME, outcome)
        return Result.ADDED if row is None else Result.UPDATED

    def _refresh(
        self, encounter_id: int, incoming: IncomingEncounter, given: frozenset[str]
    ) -> Result:
        """A foreign row imported before: take the fields it gives, keep everything else."""
        fields = {name: value for name, value in incoming.fields.items() if name in given}
        values = column_values(fields)
        if "business" in given:
            values["business_id"] = self._business(incoming.business, incoming.category)
        before = self.log.changes
        self.log.update("encounter", encounter_id, values)
        if "tags" in given:
            self._tags(encounter_id, incoming.tags)
        if self.log.changes == before:
            return Result.SKIPPED
        self.log.update("encounter", encounter_id, {"updated_at": utc_text(self.now)})
        return Result.UPDATED

    def finish(self) -> None:
        """Add the encounters whose ids were taken, with new ids after all the others."""
        deferred, self._deferred = self._deferred, []
        for incoming in deferred:
            incoming.id = None
        self.bring_in_many(deferred)

    # ------------------------------------------------------------------------- batches

    def bring_in_many(self, records: Sequence[IncomingEncounter]) -> list[Result]:
        """What `bring_in` would do with each of `records` in turn, done in batches."""
        results: list[Result] = []
        for start in range(0, len(records), self.batch_size):
            results.extend(self._batch(records[start : start + self.batch_size]))
        return results

    def bring_in_all(self, stream: Iterable[IncomingEncounter]) -> Iterator[Result]:
        """`bring_in` for each record of `stream`, in batches; yields each one's result.

        When reading `stream` fails (a record that is not valid), the records read before it
        are brought in first: if one of them cannot be, that is the error reported, as when
        records were written as they were read. Python's cycle collector is paused meanwhile.
        """
        with collector.paused():
            yield from self._bring_in_all(stream)

    def _bring_in_all(self, stream: Iterable[IncomingEncounter]) -> Iterator[Result]:
        batch: list[IncomingEncounter] = []
        records = iter(stream)
        while True:
            try:
                incoming = next(records)
            except StopIteration:
                break
            except Exception:
                self._batch(batch)
                raise
            batch.append(incoming)
            if len(batch) >= self.batch_size:
                yield from self._batch(batch)
                batch = []
        yield from self._batch(batch)

    def _prepare(self, incoming: IncomingEncounter) -> _Prepared:
        """What a batch writes for `incoming`, but for the ids (which need the journal)."""
        prepared = _Prepared(incoming)
        try:
            if not _usual(incoming):
                return prepared
            prepared.encounter = self._encounter_values(incoming)
            if incoming.tags:
                keys = self._tag_keys
                for tag in incoming.tags:
                    if tag not in keys:
                        keys[tag] = text.name_key(tag)
                # As `_tags` inserts them: by key, of tags with the same key the last one.
                unique = {keys[tag]: tag for tag in incoming.tags}
                prepared.tags = [(tag, key) for key, tag in unique.items()]
            stamps = self._stamps
            responses, remedies, followups = (
                incoming.responses,
                incoming.remedies,
                incoming.followups,
            )
            outcome = incoming.outcome
            prepared.timeline = (
                [(r, (*_response_values(r.fields), *stamps(r))) for r in responses]
                if responses
                else [],
                [(r, (*_remedy_values(r.fields), *stamps(r))) for r in remedies]
                if remedies
                else [],
                [(r, (*_followup_values(r.fields), *stamps(r))) for r in followups]
                if followups
                else [],
                [(outcome, (*_outcome_values(outcome.fields), *stamps(outcome)))]
                if outcome
                else [],
            )
        except Exception:  # whatever it is, `bring_in` meets it in its turn
            prepared.encounter = None
        return prepared

    def _batch(self, batch: Sequence[IncomingEncounter]) -> list[Result]:
        # A uid this journal may already hold goes through `bring_in` (after the new records
        # before it are written); only uids it certainly lacks wait in `_pending`.
        uids = [incoming.uid for incoming in batch]
        maybe_present = _present(self.log.conn, "encounter", "uid", uids)
        results: list[Result] = []
        for incoming in batch:
            if incoming.uid in maybe_present:
                self._flush()
                results.append(self.bring_in(incoming))
                continue
            maybe_present.add(incoming.uid)
            self._pending.append(self._prepare(incoming))
            results.append(Result.ADDED)  # what `bring_in` says of a uid new to the journal
        self._flush()
        return results

    def _flush(self) -> None:
        """Write the pending records: planned, as one batch, or else one by one."""
        pending, self._pending = self._pending, []
        if len(pending) >= _FEW:
            plan = self._plan(pending)
            if plan is not None and self._write(plan):
                return
        for prepared in pending:
            self.bring_in(prepared.incoming)

    def _write(self, plan: _Plan) -> bool:
        try:
            with self.log.attempt():
                for table, columns in _WRITE_ORDER:
                    rows = plan.rows[table]
                    if rows:
                        self.log.insert_many(table, columns, rows)
        except sqlite3.IntegrityError:
            return False  # taken back: `bring_in` meets (and reports) the problem in order
        except sqlite3.OperationalError as error:
            if "too many SQL variables" not in str(error):  # a build with a lower limit
                raise
            return False
        self._deferred.extend(plan.deferred)
        return True

    def _plan(self, pending: Sequence[_Prepared]) -> _Plan | None:
        """The rows that `bring_in` would insert for `pending` (uids new to the journal, in
        order), with the ids it would give them; None when a record needs `bring_in` itself."""
        if any(prepared.encounter is None for prepared in pending):
            return None
        conn = self.log.conn
        last = _last_ids(conn)
        if last is None:
            return None
        plan = _Plan()
        kept: list[tuple[int, _Prepared]] = []
        explicit = [p.incoming.id for p in pending if p.incoming.id is not None]
        taken = _present(conn, "encounter", "id", explicit)
        highest = last["encounter"]
        rows = plan.rows["encounter"]
        named = self._named
        for prepared in pending:
            incoming = prepared.incoming
            business_id = named.get(incoming.business) or self._business(
                incoming.business, incoming.category
            )
            encounter_id = incoming.id
            if encounter_id is not None and encounter_id in taken:
                plan.deferred.append(incoming)  # as `bring_in` defers it
                continue
            if encounter_id is None:
                if highest >= MAX_INTEGER:
                    return None  # SQLite refuses: let `bring_in` meet that
                encounter_id = highest + 1
            highest = max(highest, encounter_id)
            taken.add(encounter_id)
            assert prepared.encounter is not None
            rows.append((encounter_id, incoming.uid, business_id, *prepared.encounter))
            kept.append((encounter_id, prepared))
        if _has_children(conn, [encounter_id for encounter_id, _ in kept]):
            return None  # rows left behind by another tool: `bring_in` replaces them
        tag_id = last["encounter_tag"]
        rows = plan.rows["encounter_tag"]
        for encounter_id, prepared in kept:
            for tag, key in prepared.tags:
                if tag_id >= MAX_INTEGER:
                    return None
                tag_id += 1
                rows.append((tag_id, encounter_id, tag, key))
        for index, kind in enumerate(_KINDS):
            table = timeline.TABLES[kind]
            items = [
                (encounter_id, record, values)
                for encounter_id, prepared in kept
                for record, values in prepared.timeline[index]
            ]
            if not items:
                continue
            uids = {record.uid for _, record, _ in items}
            if len(uids) < len(items) or _present(conn, table, "uid", list(uids)):
                return None  # a uid that belongs to another record: `bring_in` says so
            explicit = [record.id for _, record, _ in items if record.id is not None]
            taken = _present(conn, table, "id", explicit)
            highest = last[table]
            rows = plan.rows[table]
            for encounter_id, record, values in items:
                record_id = record.id
                if record_id is None or record_id in taken:
                    if highest >= MAX_INTEGER:
                        return None
                    record_id = highest + 1
                highest = max(highest, record_id)
                taken.add(record_id)
                rows.append((record_id, record.uid, encounter_id, *values))
        return plan

    def _encounter_values(self, incoming: IncomingEncounter) -> tuple[object, ...]:
        """The values of `_ENCOUNTER_COLUMNS` after id, uid and business_id, as `bring_in`
        stores them (`column_values`)."""
        fields = incoming.fields
        failure, complained, disputed = fields["failure"], fields["complained"], fields["disputed"]
        timely = self._timely(incoming)
        return (
            *_split(fields["occurred_at"]),
            fields["channel"],
            fields["summary"],
            fields["note"],
            None if failure is None else int(bool(failure)),
            fields["severity"],
            fields["issue"],
            _word(fields["dimension"]),
            None if complained is None else int(bool(complained)),
            *_split(fields["complained_at"]),
            fields["client"],
            _word(fields["status"]),
            None if timely is None else int(bool(timely)),
            None if disputed is None else int(bool(disputed)),
            utc_text(incoming.created_at),
            utc_text(incoming.updated_at),
        )

    def _stamps(self, record: IncomingRecord) -> tuple[str, str]:
        """A timeline record's created_at and updated_at, as `_records` stores them."""
        stamp = utc_text(record.created_at or self.now)
        return stamp, utc_text(record.updated_at) if record.updated_at else stamp

    def _tags(self, encounter_id: int, tags: Sequence[str]) -> None:
        conn = self.log.conn
        present = {
            row["tag_key"]: (row["id"], row["tag"])
            for row in conn.execute(
                "SELECT id, tag, tag_key FROM encounter_tag WHERE encounter_id = ? ORDER BY id",
                (encounter_id,),
            )
        }
        wanted = [(text.name_key(tag), tag) for tag in tags]
        if [(key, tag) for key, (_, tag) in present.items()] == wanted:
            return
        for row_id, _ in present.values():
            self.log.delete("encounter_tag", row_id)
        for key, tag in dict(wanted).items():
            self.log.insert(
                "encounter_tag", {"encounter_id": encounter_id, "tag": tag, "tag_key": key}
            )

    def _records(
        self, encounter_id: int, kind: RecordKind, records: Sequence[IncomingRecord]
    ) -> None:
        table = timeline.TABLES[kind]
        conn = self.log.conn
        existing = {
            row["uid"]: row["id"]
            for row in conn.execute(
                f"SELECT id, uid FROM {table} WHERE encounter_id = ?", (encounter_id,)
            )
        }
        for uid, row_id in existing.items():
            if uid not in {record.uid for record in records}:
                self.log.delete(table, row_id)
        for record in records:
            values: dict[str, Value] = timeline.columns(kind, record.fields)
            stamp = utc_text(record.created_at or self.now)
            values["created_at"] = stamp
            values["updated_at"] = utc_text(record.updated_at) if record.updated_at else stamp
            if record.uid in existing:
                self.log.update(table, existing[record.uid], values)
                continue
            owner = conn.execute(
                f"SELECT encounter_id FROM {table} WHERE uid = ?", (record.uid,)
            ).fetchone()
            if owner is not None:
                raise_moved(kind, record.uid)
            values.update(uid=record.uid, encounter_id=encounter_id)
            free = self._free(table, record.id)
            if free is not None:
                values["id"] = free
            if kind is RecordKind.OUTCOME:
                current = timeline.outcome_id(conn, encounter_id)
                if current is not None:
                    self.log.delete(table, current)
            self.log.insert(table, values)


#: The encounter fields `_encounter_values` knows (all that `parse_encounter` and
#: `from_encounter` give); a record with others goes through `bring_in`.
_ENCOUNTER_FIELDS = frozenset(ENCOUNTER_FIELDS) - {
    "id",
    "uid",
    "business",
    "tags",
    "responses",
    "remedies",
    "followups",
    "outcome",
    "created_at",
    "updated_at",
}
_ENCOUNTER_COLUMNS = (
    "id",
    "uid",
    "business_id",
    "occurred_at",
    "occurred_offset",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "complained_offset",
    "client",
    "status",
    "timely",
    "disputed",
    "created_at",
    "updated_at",
)
_KINDS = (RecordKind.RESPONSE, RecordKind.REMEDY, RecordKind.FOLLOWUP, RecordKind.OUTCOME)
_ENCOUNTER_WIDTH = len(_ENCOUNTER_FIELDS)
_RECORD_WIDTH = {kind: len(names) for kind, names in timeline.FIELDS.items()}


def _record_columns(kind: RecordKind) -> tuple[str, ...]:
    columns = ["id", "uid", "encounter_id"]
    for name in timeline.FIELDS[kind]:
        columns.append(timeline.COLUMN.get(name, name))
        if name in timeline.MOMENTS:
            columns.append(timeline.MOMENTS[name])
    return (*columns, "created_at", "updated_at")


#: Tables in the order a batch writes them (an encounter before its timeline), and columns.
_WRITE_ORDER = (
    ("encounter", _ENCOUNTER_COLUMNS),
    ("encounter_tag", ("id", "encounter_id", "tag", "tag_key")),
    *((timeline.TABLES[kind], _record_columns(kind)) for kind in _KINDS),
)


@dataclass
class _Prepared:
    """A record, and what a batch writes for it but for ids (None: it needs `bring_in`)."""

    incoming: IncomingEncounter
    encounter: tuple[object, ...] | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    #: For each of `_KINDS`, its records and their values.
    timeline: tuple[list[tuple[IncomingRecord, tuple[object, ...]]], ...] = ()


@dataclass
class _Plan:
    """A batch's rows, table by table in insert order, and the records whose ids are taken."""

    rows: dict[str, list[Sequence[object]]] = field(
        default_factory=lambda: {table: [] for table, _ in _WRITE_ORDER}
    )
    deferred: list[IncomingEncounter] = field(default_factory=list)


def _timeline(
    incoming: IncomingEncounter,
) -> tuple[tuple[RecordKind, Sequence[IncomingRecord]], ...]:
    """Each of `_KINDS` with the records of `incoming`."""
    return (
        (RecordKind.RESPONSE, incoming.responses),
        (RecordKind.REMEDY, incoming.remedies),
        (RecordKind.FOLLOWUP, incoming.followups),
        (RecordKind.OUTCOME, [incoming.outcome] if incoming.outcome else []),
    )


def _usual(incoming: IncomingEncounter) -> bool:
    """Whether a batch can write `incoming`: it has exactly the fields the rows are made of.
    Counting them is enough, as the functions that make the rows read each one they expect
    (`timely` aside, checked here) and fail on a missing one."""
    if len(incoming.fields) != _ENCOUNTER_WIDTH or "timely" not in incoming.fields:
        return False
    for kind, records in _timeline(incoming):
        width = _RECORD_WIDTH[kind]
        for record in records:
            if len(record.fields) != width:
                return False
    return True


# The values of a timeline table's columns after id, uid and encounter_id (stamps aside), as
# `timeline.columns` makes them, in the order of `timeline.FIELDS`.


def _response_values(fields: dict[str, object]) -> tuple[object, ...]:
    return (
        *_split(fields["at"]),
        _enum(fields["by"]),
        fields["quality"],
        _enum(fields["apology"]),
        _flag(fields["listened"]),
        _flag(fields["fixed"]),
        _flag(fields["asked_more"]),
        _flag(fields["prevented"]),
        fields["note"],
    )


def _remedy_values(fields: dict[str, object]) -> tuple[object, ...]:
    return (
        *_split(fields["at"]),
        _enum(fields["type"]),
        fields["value"],
        fields["currency"],
        _flag(fields["delivered"]),
        fields["note"],
    )


def _followup_values(fields: dict[str, object]) -> tuple[object, ...]:
    return (
        *_split(fields["at"]),
        _enum(fields["direction"]),
        fields["channel"],
        fields["note"],
        *_split(fields["due"]),
        _flag(fields["done"]),
    )


def _outcome_values(fields: dict[str, object]) -> tuple[object, ...]:
    return (
        *_split(fields["at"]),
        _flag(fields["returned"]),
        fields["recommend"],
        _enum(fields["word_of_mouth"]),
        fields["told"],
        fields["review"],
        fields["switched_to"],
    )


def _enum(value: object) -> object:
    """`str(value.value)` for a member of an enum (`_value_`: the same, without a call)."""
    if not isinstance(value, Enum):
        return value
    plain = value._value_
    return plain if type(plain) is str else str(plain)


def _split(value: object) -> tuple[str | None, str | None]:
    """`split(value)`, a moment stored as UTC text and its offset."""
    if value is None:
        return _NO_MOMENT
    assert isinstance(value, datetime)
    return utc_text(value), offset_text(value)


_NO_MOMENT: tuple[str | None, str | None] = (None, None)


def _flag(value: object) -> int | None:
    return None if value is None else int(bool(value))


def _word(value: object) -> str | None:
    """`str(value)` (for a vocabulary's member, its `_value_`: the same, without two calls)."""
    if value is None:
        return None
    return value._value_ if isinstance(value, Vocabulary) else str(value)


def _present(
    conn: sqlite3.Connection, table: str, column: str, values: Sequence[object]
) -> set[object]:
    """Which of `values` some row of `table` has in `column`."""
    found: set[object] = set()
    for start in range(0, len(values), _IN_LISTS[0]):
        chunk = list(values[start : start + _IN_LISTS[0]])
        # Padded with NULL (which matches nothing) to one of a few lengths: few statements
        # to compile, whatever the batch.
        size = min(size for size in _IN_LISTS if size >= len(chunk))
        chunk += [None] * (size - len(chunk))
        marks = ", ".join("?" * size)
        sql = f"SELECT {column} FROM {table} WHERE {column} IN ({marks})"
        found.update(row[0] for row in conn.execute(sql, chunk))
    return found


def _cache_at_least(conn: sqlite3.Connection, kib: int) -> None:
    """Let this connection's page cache grow to `kib` KiB, unless it may already."""
    size = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if (-size * 1024 if size < 0 else size * page) < kib * 1024:
        conn.execute(f"PRAGMA cache_size = -{int(kib)}")


def _last_ids(conn: sqlite3.Connection) -> dict[str, int] | None:
    """For each table a batch writes, the id after which AUTOINCREMENT gives new ones: the
    larger of its sqlite_sequence entry and its largest id (None if either is odd)."""
    sequence = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    last: dict[str, int] = {}
    for table, _ in _WRITE_ORDER:
        largest = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        seq = sequence.get(table, 0)
        if not isinstance(seq, int) or not isinstance(largest, (int, type(None))):
            return None
        last[table] = max(seq, 0 if largest is None else largest)
    return last


def _has_children(conn: sqlite3.Connection, encounter_ids: Sequence[int]) -> bool:
    """Whether any timeline row or tag already points at one of `encounter_ids` (only rows
    written with foreign keys off could)."""
    for table in ("encounter_tag", *timeline.TABLES.values()):
        largest = conn.execute(f"SELECT max(encounter_id) FROM {table}").fetchone()[0]
        if largest is None:
            continue
        suspects = [i for i in encounter_ids if i <= largest]
        if suspects and _present(conn, table, "encounter_id", suspects):
            return True
    return False


def raise_moved(kind: RecordKind, uid: str) -> None:
    from svclog.core.errors import BadDataError

    raise BadDataError(f"the {kind.value} {uid} already belongs to another encounter")


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("business", "encounter", "response", "remedy", "followup", "outcome")
    }


def merge_businesses(log: ChangeLog, other: sqlite3.Connection, now: datetime) -> int:
    """Bring in the other journal's businesses: matched by name (or alias), created when
    missing (keeping their uid). For category, location and notes, the newer record's value
    wins where it has one, and a value only one side knows is kept, so merging both ways
    converges. Returns how many were added."""
    added = 0
    for row in other.execute("SELECT * FROM business ORDER BY id"):
        mine = businesses.find(log.conn, row["name"])
        if mine is None:
            log.insert(
                "business",
                {
                    "uid": row["uid"],
                    "name": row["name"],
                    "name_key": row["name_key"],
                    "name_skeleton": row["name_skeleton"],
                    "category": row["category"],
                    "location": row["location"],
                    "notes": row["notes"],
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                },
            )
            added += 1
            continue
        mine_stamp = utc_text(mine.updated_at)
        theirs_newer = row["updated_at"] > mine_stamp
        same_time = row["updated_at"] == mine_stamp
        values: dict[str, Value] = {}
        for name in ("category", "location", "notes"):
            ours, theirs = getattr(mine, name), row[name]
            if theirs is None or theirs == ours:
                continue
            # Newer wins; at the same moment the greater value does, so both ways agree.
            if theirs_newer or ours is None or (same_time and theirs > ours):
                values[name] = theirs
        if theirs_newer:
            values["updated_at"] = row["updated_at"]
        if values:
            log.update("business", mine.id, values)
    for row in other.execute(
        "SELECT business_alias.alias, business.name FROM business_alias"
        " JOIN business ON business.id = business_alias.business_id"
    ):
        if businesses.find(log.conn, row["alias"]) is None:
            target = businesses.find(log.conn, row["name"])
            if target is not None:
                businesses.add_alias(log, target, row["alias"], now)
    return added
