"""Businesses: unique names (case-insensitive), aliases, near-duplicate warnings, merges."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from svclog.core import text
from svclog.core.errors import ConflictError, NotFoundError
from svclog.core.ids import new_ulid
from svclog.core.models import Business, BusinessSummary, NameWarning
from svclog.storage.history import ChangeLog
from svclog.storage.timestamps import from_utc_text, join, utc_text

SIMILARITY = 0.85


def _aliases(conn: sqlite3.Connection, business_id: int) -> tuple[str, ...]:
    rows = conn.execute(
        "SELECT alias FROM business_alias WHERE business_id = ? ORDER BY id", (business_id,)
    )
    return tuple(row[0] for row in rows)


def _from_row(conn: sqlite3.Connection, row: sqlite3.Row) -> Business:
    return Business(
        id=row["id"],
        uid=row["uid"],
        name=row["name"],
        category=row["category"],
        location=row["location"],
        notes=row["notes"],
        aliases=_aliases(conn, row["id"]),
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
    )


def get(conn: sqlite3.Connection, business_id: int) -> Business:
    row = conn.execute("SELECT * FROM business WHERE id = ?", (business_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no business with id {business_id}")
    return _from_row(conn, row)


def find(conn: sqlite3.Connection, name: str) -> Business | None:
    """The business called `name`, or known by it as an alias (case-insensitive)."""
    key = text.name_key(name)
    row = conn.execute("SELECT * FROM business WHERE name_key = ?", (key,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT business.* FROM business_alias JOIN business"
            " ON business.id = business_alias.business_id WHERE alias_key = ?",
            (key,),
        ).fetchone()
    return None if row is None else _from_row(conn, row)


def require(conn: sqlite3.Connection, name: str) -> Business:
    business = find(conn, name)
    if business is not None:
        return business
    similar = similar_names(conn, name)
    hint = f" (did you mean {similar[0]!r}?)" if similar else ""
    raise NotFoundError(f"no business named {name!r}{hint}")


#: A new name is compared (difflib) with the known names that begin like it: the same first
#: `_START` letters and digits of the skeleton, or ones a slip away from them (one changed,
#: missing, extra, or two swapped), found by index range scans. Comparing it with every known
#: name took 50 ms in a journal of 20,000 businesses; this takes a few. Slips after the first
#: letters are found as before, one slip among them too; only two slips among the first three
#: letters go unnoticed (of 585 names typed with one to three random slips into a known one,
#: 581 warned about it, against 585 when compared with every name).
_START = 3
_SLIPS = "abcdefghijklmnopqrstuvwxyz0123456789"
#: Keys (aliases, or a name without letters) also hold spaces and punctuation.
_KEY_SLIPS = _SLIPS + " '&.-,/()!"


def _beginnings(text_: str, slips: str) -> list[tuple[str, str]]:
    """The ranges of strings that begin like `text_` (its first `_START` characters), or a
    slip away from that: (low, high) bounds for an index range scan."""
    start = text_[:_START]
    found = {start}
    for i in range(len(start)):
        found.add((text_[:i] + text_[i + 1 :])[:_START])  # the new one has a letter more
        for letter in slips:
            found.add(start[:i] + letter + start[i + 1 :])  # one letter changed
            found.add((start[:i] + letter + start[i:])[:_START])  # the new one lacks one
        if i + 1 < len(start):
            found.add(start[:i] + start[i + 1] + start[i] + start[i + 2 :])  # two swapped
    for letter in slips:
        found.add((start + letter)[:_START])
    return [
        (low, low[:-1] + chr(ord(low[-1]) + 1))
        for low in sorted(found)
        if low and ord(low[-1]) < 0x10FFFF
    ]


def _candidates(conn: sqlite3.Connection, key: str, skeleton: str) -> dict[str, str]:
    """(key, display name) of the businesses and aliases that begin like `key` (see `_START`)
    and whose length leaves difflib a chance (its `real_quick_ratio`: twice the shorter
    length over the sum of both must reach `SIMILARITY`, which has three decimals at most)."""
    if skeleton:
        names = _begin_like(conn, "business", "name_skeleton", key, _beginnings(skeleton, _SLIPS))
    else:
        names = _begin_like(conn, "business", "name_key", key, _beginnings(key, _KEY_SLIPS))
    aliases = _begin_like(conn, "business_alias", "alias_key", key, _beginnings(key, _KEY_SLIPS))
    return {**names, **aliases}


def _begin_like(
    conn: sqlite3.Connection, table: str, column: str, key: str, ranges: list[tuple[str, str]]
) -> dict[str, str]:
    """(key, business name) of the rows of `table` whose `column` falls in one of `ranges`
    (an index range scan each), of a length close enough to `key`'s."""
    if not ranges:
        return {}
    other = "alias_key" if table == "business_alias" else "name_key"
    join = (
        " JOIN business ON business.id = business_alias.business_id" if other == "alias_key" else ""
    )
    sql = (
        f"WITH start(low, high) AS (VALUES {', '.join('(?, ?)' for _ in ranges)})"
        f" SELECT {table}.{other}, business.name FROM start JOIN {table}"
        f" ON {table}.{column} >= start.low AND {table}.{column} < start.high{join}"
        f" WHERE 2000 * min(length({table}.{other}), ?) >= ? * (length({table}.{other}) + ?)"
    )
    params: list[str | int] = [bound for pair in ranges for bound in pair]
    params += [len(key), round(SIMILARITY * 1000), len(key)]
    return dict(conn.execute(sql, params).fetchall())


def similar_names(conn: sqlite3.Connection, name: str) -> list[str]:
    """Existing businesses whose names closely resemble `name` (not equal to it): the same
    skeleton (`Smokeys BBQ`, `Smokey's B.B.Q.`), else keys difflib finds close."""
    import difflib

    key = text.name_key(name)
    skeleton = text.name_skeleton(name)
    found: list[str] = []
    if skeleton:
        for row in conn.execute(
            "SELECT name FROM business WHERE name_skeleton = ? AND name_key != ?", (skeleton, key)
        ):
            found.append(row[0])
    if found:
        return found
    names = _candidates(conn, key, skeleton)
    names.pop(key, None)
    for match in difflib.get_close_matches(key, list(names), n=3, cutoff=SIMILARITY):
        if names[match] not in found:
            found.append(names[match])
    return found


def _check_free(conn: sqlite3.Connection, name: str, allow_id: int | None = None) -> None:
    existing = find(conn, name)
    if existing is not None and existing.id != allow_id:
        raise ConflictError(f"the name {name!r} is already used by business {existing.name!r}")


def ensure(
    log: ChangeLog, name: str, category: str | None, now: datetime, *, warn: bool = True
) -> tuple[Business, bool, tuple[NameWarning, ...]]:
    """The business called `name`, created if new; warns when a new name resembles another
    (unless `warn` is False: an import reports no per-name warnings, and the comparison with
    every known name would make a large import quadratic)."""
    name = text.required_name(name, "business name")
    existing = find(log.conn, name)
    if existing is not None:
        return existing, False, ()
    similar = similar_names(log.conn, name) if warn else []
    warnings = tuple(NameWarning(name, other) for other in similar)
    stamp = utc_text(now)
    business_id = log.insert(
        "business",
        {
            "uid": new_ulid(now),
            "name": name,
            "name_key": text.name_key(name),
            "name_skeleton": text.name_skeleton(name),
            "category": text.optional_text(category, "category"),
            "location": None,
            "notes": None,
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    return get(log.conn, business_id), True, warnings


def summaries(conn: sqlite3.Connection) -> list[BusinessSummary]:
    rows = conn.execute(
        """
        SELECT business.*,
               count(encounter.id) AS encounters,
               coalesce(sum(encounter.failure), 0) AS failures,
               coalesce(sum(encounter.status = 'open'), 0) AS open_count,
               max(encounter.occurred_at) AS last_seen,
               (SELECT latest.occurred_offset FROM encounter AS latest
                WHERE latest.business_id = business.id
                ORDER BY latest.occurred_at DESC, latest.id DESC LIMIT 1) AS last_offset
        FROM business LEFT JOIN encounter ON encounter.business_id = business.id
        GROUP BY business.id
        ORDER BY business.name_key
        """
    ).fetchall()
    return [
        BusinessSummary(
            business=_from_row(conn, row),
            encounters=row["encounters"],
            failures=row["failures"],
            open=row["open_count"],
            last_seen=join(row["last_seen"], row["last_offset"]),
        )
        for row in rows
    ]


def summary(conn: sqlite3.Connection, business: Business) -> BusinessSummary:
    row = conn.execute(
        """
        SELECT count(id), coalesce(sum(failure), 0), coalesce(sum(status = 'open'), 0),
               max(occurred_at),
               (SELECT occurred_offset FROM encounter WHERE business_id = :id
                ORDER BY occurred_at DESC, id DESC LIMIT 1)
        FROM encounter WHERE business_id = :id
        """,
        {"id": business.id},
    ).fetchone()
    return BusinessSummary(business, row[0], row[1], row[2], join(row[3], row[4]))


def update(
    log: ChangeLog,
    business: Business,
    now: datetime,
    *,
    name: str | None = None,
    category: str | None = None,
    location: str | None = None,
    notes: str | None = None,
    fields: frozenset[str] = frozenset(),
) -> Business:
    """Change the named `fields` of a business (`name`, `category`, `location`, `notes`)."""
    values: dict[str, str | None] = {}
    if "name" in fields and name is not None:
        new_name = text.required_name(name, "business name")
        _check_free(log.conn, new_name, allow_id=business.id)
        values.update(
            name=new_name,
            name_key=text.name_key(new_name),
            name_skeleton=text.name_skeleton(new_name),
        )
        _drop_alias_key(log, business.id, text.name_key(new_name))
    if "category" in fields:
        values["category"] = text.optional_text(category, "category")
    if "location" in fields:
        values["location"] = text.optional_text(location, "location")
    if "notes" in fields:
        values["notes"] = text.optional_text(notes, "notes")
    if values and log.update("business", business.id, values):
        log.update("business", business.id, {"updated_at": utc_text(now)})
    return get(log.conn, business.id)


def _drop_alias_key(log: ChangeLog, business_id: int, key: str) -> None:
    """A business renamed to one of its own aliases no longer needs that alias."""
    for row in log.conn.execute(
        "SELECT id FROM business_alias WHERE business_id = ? AND alias_key = ?", (business_id, key)
    ).fetchall():
        log.delete("business_alias", row[0])


def add_alias(log: ChangeLog, business: Business, alias: str, now: datetime) -> Business:
    alias = text.required_name(alias, "alias")
    _check_free(log.conn, alias)
    log.insert(
        "business_alias",
        {
            "business_id": business.id,
            "alias": alias,
            "alias_key": text.name_key(alias),
            "created_at": utc_text(now),
        },
    )
    return get(log.conn, business.id)


def remove_alias(log: ChangeLog, business: Business, alias: str) -> Business:
    row = log.conn.execute(
        "SELECT id FROM business_alias WHERE business_id = ? AND alias_key = ?",
        (business.id, text.name_key(alias)),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"{business.name!r} has no alias {alias!r}")
    log.delete("business_alias", row[0])
    return get(log.conn, business.id)


def merge(log: ChangeLog, source: Business, target: Business, now: datetime) -> int:
    """Move every encounter of `source` to `target`, keep its names as aliases of `target`,
    append its notes, and delete it. Returns the number of encounters moved."""
    if source.id == target.id:
        raise ConflictError(f"cannot merge {source.name!r} into itself")
    conn = log.conn
    moved = 0
    stamp = utc_text(now)
    for row in conn.execute(
        "SELECT id FROM encounter WHERE business_id = ?", (source.id,)
    ).fetchall():
        log.update("encounter", row[0], {"business_id": target.id})
        moved += 1
    for row in conn.execute(
        "SELECT id, alias, alias_key FROM business_alias WHERE business_id = ?", (source.id,)
    ).fetchall():
        log.update("business_alias", row["id"], {"business_id": target.id})
    log.delete("business", source.id)
    log.insert(
        "business_alias",
        {
            "business_id": target.id,
            "alias": source.name,
            "alias_key": text.name_key(source.name),
            "created_at": stamp,
        },
    )
    changes: dict[str, str | None] = {"updated_at": stamp}
    if source.notes:
        changes["notes"] = f"{target.notes}\n\n{source.notes}" if target.notes else source.notes
    if target.category is None and source.category is not None:
        changes["category"] = source.category
    if target.location is None and source.location is not None:
        changes["location"] = source.location
    log.update("business", target.id, changes)
    return moved
