"""Encounters: recording, reading, filtering, editing, deleting and searching."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from svclog.core import text
from svclog.core.errors import NotFoundError
from svclog.core.ids import new_ulid
from svclog.core.models import (
    BusinessRef,
    Encounter,
    EncounterDraft,
    EncounterFilter,
    NameWarning,
    Stored,
)
from svclog.core.vocabulary import Dimension, EncounterStatus
from svclog.storage import businesses, timeline
from svclog.storage.history import ChangeLog, Value
from svclog.storage.timestamps import from_utc_text, join, split, utc_text

if TYPE_CHECKING:
    from svclog.core.listing import EncounterLine

_SELECT = """
    SELECT encounter.*, business.name AS business_name, business.category AS business_category
    FROM encounter JOIN business ON business.id = encounter.business_id
"""
#: The columns of an `EncounterLine`, in the order `_lines` reads them.
_LINE_SELECT = """
    SELECT encounter.id, encounter.occurred_at, encounter.business_id,
           business.name, business.category, encounter.channel, encounter.summary,
           encounter.failure, encounter.severity, encounter.issue, encounter.status
    FROM encounter JOIN business ON business.id = encounter.business_id
"""
_CHUNK = 500
_STATUSES = {status.value: status for status in EncounterStatus}


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _from_row(row: sqlite3.Row, tags: tuple[str, ...], records: timeline.Children) -> Encounter:
    occurred = join(row["occurred_at"], row["occurred_offset"])
    assert occurred is not None
    return Encounter(
        id=row["id"],
        uid=row["uid"],
        business=BusinessRef(row["business_id"], row["business_name"], row["business_category"]),
        occurred_at=occurred,
        channel=row["channel"],
        summary=row["summary"],
        note=row["note"],
        failure=bool(row["failure"]),
        severity=row["severity"],
        issue=row["issue"],
        dimension=Dimension(row["dimension"]) if row["dimension"] else None,
        complained=bool(row["complained"]),
        complained_at=join(row["complained_at"], row["complained_offset"]),
        client=row["client"],
        tags=tags,
        status=EncounterStatus(row["status"]),
        timely=_bool(row["timely"]),
        disputed=_bool(row["disputed"]),
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
        responses=tuple(records.responses),
        remedies=tuple(records.remedies),
        followups=tuple(records.followups),
        outcome=records.outcome,
    )


def _tags_for(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return found
    marks = ", ".join("?" for _ in ids)
    for row in conn.execute(
        f"SELECT encounter_id, tag FROM encounter_tag WHERE encounter_id IN ({marks}) ORDER BY id",
        list(ids),
    ):
        found[row[0]].append(row[1])
    return found


def _hydrate(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Encounter]:
    """Encounters with their tags and whole timelines, a few queries per chunk of rows."""
    ids = [row["id"] for row in rows]
    tags = _tags_for(conn, ids)
    records = timeline.children(conn, ids)
    return [_from_row(row, tuple(tags[row["id"]]), records[row["id"]]) for row in rows]


def get(conn: sqlite3.Connection, encounter_id: int) -> Encounter:
    row = conn.execute(_SELECT + " WHERE encounter.id = ?", (encounter_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no encounter with id {encounter_id}")
    return _hydrate(conn, [row])[0]


def _where(filters: EncounterFilter) -> tuple[str, list[Value]]:
    clauses: list[str] = []
    params: list[Value] = []
    if filters.business_id is not None:
        clauses.append("encounter.business_id = ?")
        params.append(filters.business_id)
    if filters.client is not None:
        clauses.append("encounter.client = ? COLLATE NOCASE")
        params.append(filters.client)
    if filters.tag is not None:
        clauses.append("encounter.id IN (SELECT encounter_id FROM encounter_tag WHERE tag_key = ?)")
        params.append(text.name_key(filters.tag))
    if filters.since is not None:
        clauses.append("encounter.occurred_at >= ?")
        params.append(utc_text(filters.since))
    if filters.until is not None:
        clauses.append("encounter.occurred_at <= ?")
        params.append(utc_text(filters.until))
    if filters.failures_only:
        clauses.append("encounter.failure = 1")
    if filters.status is not None:
        clauses.append("encounter.status = ?")
        params.append(filters.status.value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _listing_sql(head: str, filters: EncounterFilter) -> tuple[str, list[Value]]:
    where, params = _where(filters)
    order = "ASC" if filters.oldest_first else "DESC"
    sql = f"{head}{where} ORDER BY encounter.occurred_at {order}, encounter.id {order}"
    if filters.limit is not None:
        sql += " LIMIT ?"
        params.append(filters.limit)
    return sql, params


def select(conn: sqlite3.Connection, filters: EncounterFilter) -> Iterator[Encounter]:
    """Encounters matching `filters`, newest first (or oldest first), streamed in chunks."""
    sql, params = _listing_sql(_SELECT, filters)
    cursor = conn.execute(sql, params)  # now, so a bad query fails before any output
    return _chunks(conn, cursor)


def lines(conn: sqlite3.Connection, filters: EncounterFilter) -> Iterator[EncounterLine]:
    """What a table shows of the encounters `select` would give, in the same order."""
    sql, params = _listing_sql(_LINE_SELECT, filters)
    return _lines(_tuples(conn, sql, params))


def _chunks(conn: sqlite3.Connection, cursor: sqlite3.Cursor) -> Iterator[Encounter]:
    while rows := cursor.fetchmany(_CHUNK):
        yield from _hydrate(conn, rows)


def _tuples(conn: sqlite3.Connection, sql: str, params: Sequence[Value]) -> sqlite3.Cursor:
    """`sql` run now (so that a bad query fails before any output), its rows plain tuples."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def _from_utc_text(text: str) -> datetime:
    """`timestamps.from_utc_text` at a fifth of the cost (its `replace(tzinfo=...)` is the slow
    part), for the thousands of moments a listing reads."""
    return datetime.fromisoformat(text[:-1] + "+00:00")


def _lines(cursor: sqlite3.Cursor) -> Iterator[EncounterLine]:
    from svclog.core.listing import EncounterLine

    known: dict[int, BusinessRef] = {}
    for (
        encounter_id,
        occurred_at,
        business_id,
        name,
        category,
        channel,
        summary,
        failure,
        severity,
        issue,
        status,
    ) in cursor:
        business = known.get(business_id)
        if business is None:
            business = known[business_id] = BusinessRef(business_id, name, category)
        yield EncounterLine(
            encounter_id,
            _from_utc_text(occurred_at),
            business,
            channel,
            summary,
            bool(failure),
            severity,
            issue,
            _STATUSES[status],
        )


def count_matching(conn: sqlite3.Connection, filters: EncounterFilter) -> int:
    where, params = _where(filters)
    sql = (
        "SELECT count(*) FROM encounter JOIN business ON business.id = encounter.business_id"
        + where
    )
    total = int(conn.execute(sql, params).fetchone()[0])
    return min(total, filters.limit) if filters.limit is not None else total


_WORD = re.compile(r"\w", re.UNICODE)


def _fts_query(terms: Sequence[str]) -> str:
    """Each term as a quoted prefix phrase: operators and quotes in it are taken literally."""
    return " AND ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_sql(head: str, query: str, filters: EncounterFilter) -> tuple[str, list[Value]] | None:
    """The query behind `search` (None when `query` has no terms)."""
    terms = query.split()
    if not terms:
        return None
    where, params = _where(filters)
    extra = where.replace(" WHERE ", " AND ", 1)
    word_terms = [t for t in terms if _WORD.search(t)]
    literal_terms = [t for t in terms if not t.replace("-", "").isalnum()]
    haystack = (
        "(coalesce(encounter.summary, '') || ' ' || coalesce(encounter.note, '') || ' ' ||"
        " coalesce(encounter.issue, '') || ' ' || business.name)"
    )
    literal_sql = "".join(f" AND {haystack} LIKE ? ESCAPE '\\'" for _ in literal_terms)
    literal_params: list[Value] = [_like(t) for t in literal_terms]
    if word_terms:
        # bm25() is what the `rank` column holds (no other ranking is configured), and
        # sorting thousands of matches by it is a third faster than by `rank` in this join.
        sql = (
            f"{head} JOIN encounter_fts ON encounter_fts.rowid = encounter.id"
            f" WHERE encounter_fts MATCH ?{extra}{literal_sql}"
            " ORDER BY bm25(encounter_fts), encounter.occurred_at DESC"
        )
        all_params: list[Value] = [_fts_query(word_terms), *params, *literal_params]
    else:
        sql = f"{head} WHERE 1 = 1{extra}{literal_sql} ORDER BY encounter.occurred_at DESC"
        all_params = [*params, *literal_params]
    if filters.limit is not None:
        sql += " LIMIT ?"
        all_params.append(filters.limit)
    return sql, all_params


def search(conn: sqlite3.Connection, query: str, filters: EncounterFilter) -> Iterator[Encounter]:
    """Full-text search over summary, note, issue and business name, streamed in chunks.

    Words match as prefixes (`burr` finds `burrito`); a term with punctuation (`100%`, `"`)
    must also appear literally. Results are best match first.
    """
    found = _search_sql(_SELECT, query, filters)
    if found is None:
        return iter(())
    return _chunks(conn, conn.execute(*found))


def search_lines(
    conn: sqlite3.Connection, query: str, filters: EncounterFilter
) -> Iterator[EncounterLine]:
    """What a table shows of the encounters `search` would give, in the same order."""
    found = _search_sql(_LINE_SELECT, query, filters)
    if found is None:
        return iter(())
    return _lines(_tuples(conn, *found))


def _tag_rows(log: ChangeLog, encounter_id: int, tags: Sequence[str]) -> None:
    present = {
        row[0]
        for row in log.conn.execute(
            "SELECT tag_key FROM encounter_tag WHERE encounter_id = ?", (encounter_id,)
        )
    }
    for tag in tags:
        clean = text.required_name(tag, "tag")
        key = text.name_key(clean)
        if key in present:
            continue
        present.add(key)
        log.insert("encounter_tag", {"encounter_id": encounter_id, "tag": clean, "tag_key": key})


def add(log: ChangeLog, draft: EncounterDraft, now: datetime) -> Stored:
    business, created, warnings = businesses.ensure(log, draft.business, draft.category, now)
    occurred_at, occurred_offset = split(draft.occurred_at)
    complained_at, complained_offset = split(draft.complained_at)
    stamp = utc_text(now)
    encounter_id = log.insert(
        "encounter",
        {
            "uid": new_ulid(now),
            "business_id": business.id,
            "occurred_at": occurred_at,
            "occurred_offset": occurred_offset,
            "channel": draft.channel,
            "summary": draft.summary,
            "note": draft.note,
            "failure": int(draft.failure),
            "severity": draft.severity,
            "issue": draft.issue,
            "dimension": draft.dimension.value if draft.dimension else None,
            "complained": int(draft.complained),
            "complained_at": complained_at,
            "complained_offset": complained_offset,
            "client": draft.client,
            "status": draft.status.value,
            "timely": None,
            "disputed": None,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    _tag_rows(log, encounter_id, draft.tags)
    encounter = get(log.conn, encounter_id)
    log.describe(f"add encounter #{encounter.id} at {business.name}")
    return Stored(encounter, created_business=created, warnings=warnings)


class EncounterChanges(NamedTuple):
    """What `edit` changes. `fields` maps encounter field names to validated values.

    (A named tuple rather than a frozen dataclass: every command that reads encounters
    imports this module, and a dataclass costs a millisecond to define at start-up.)"""

    fields: Mapping[str, object] = MappingProxyType({})
    business: str | None = None
    category: str | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()


_MOMENTS = {"occurred_at": "occurred_offset", "complained_at": "complained_offset"}
_BOOLEANS = {"failure", "complained", "timely", "disputed"}
_PLAIN = {"channel", "summary", "note", "severity", "issue", "client"}


def column_values(fields: Mapping[str, object]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for name, value in fields.items():
        if name in _MOMENTS:
            assert value is None or isinstance(value, datetime)
            values[name], values[_MOMENTS[name]] = split(value)
        elif name in _BOOLEANS:
            values[name] = None if value is None else int(bool(value))
        elif name in ("dimension", "status"):
            values[name] = None if value is None else str(value)
        elif name in _PLAIN:
            assert value is None or isinstance(value, (str, int))
            values[name] = value
        else:
            raise ValueError(f"not an editable encounter field: {name}")
    return values


def update(
    log: ChangeLog, encounter_id: int, changes: EncounterChanges, now: datetime
) -> tuple[bool, tuple[NameWarning, ...]]:
    """Apply `changes`: whether anything changed, and warnings about a new business's name."""
    before = get(log.conn, encounter_id)
    values = column_values(changes.fields)
    warnings: tuple[NameWarning, ...] = ()
    if changes.business is not None:
        business, _, warnings = businesses.ensure(log, changes.business, changes.category, now)
        values["business_id"] = business.id
    changed = log.update("encounter", encounter_id, values) if values else False
    tag_changes = log.changes
    _tag_rows(log, encounter_id, changes.add_tags)
    for tag in changes.remove_tags:
        row = log.conn.execute(
            "SELECT id FROM encounter_tag WHERE encounter_id = ? AND tag_key = ?",
            (encounter_id, text.name_key(tag)),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"encounter #{encounter_id} has no tag {tag!r}")
        log.delete("encounter_tag", row[0])
    changed = changed or log.changes > tag_changes
    if changed:
        log.update("encounter", encounter_id, {"updated_at": utc_text(now)})
        log.describe(f"edit encounter #{encounter_id} at {before.business.name}")
    return changed, warnings


_CHILDREN = ("encounter_tag", "response", "remedy", "followup", "outcome")


def delete(log: ChangeLog, encounter_id: int) -> Encounter:
    encounter = get(log.conn, encounter_id)
    for table in _CHILDREN:
        for row in log.conn.execute(
            f"SELECT id FROM {table} WHERE encounter_id = ?", (encounter_id,)
        ).fetchall():
            log.delete(table, row[0])
    log.delete("encounter", encounter_id)
    log.describe(f"rm encounter #{encounter_id} at {encounter.business.name}")
    return encounter


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM encounter").fetchone()[0])
