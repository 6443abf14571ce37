"""The timeline records of encounters: responses, remedies, follow-ups and the outcome."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum

from svclog.core.errors import ConflictError, NotFoundError
from svclog.core.ids import new_ulid
from svclog.core.models import FollowUp, Outcome, Remedy, Response
from svclog.core.vocabulary import (
    Apology,
    Direction,
    RecordKind,
    RemedyType,
    ResponderLevel,
    WordOfMouth,
)
from svclog.storage.history import ChangeLog, Value
from svclog.storage.timestamps import from_utc_text, join, split, utc_text

TABLES = {
    RecordKind.RESPONSE: "response",
    RecordKind.REMEDY: "remedy",
    RecordKind.FOLLOWUP: "followup",
    RecordKind.OUTCOME: "outcome",
}

#: Field names (as in the JSON records) whose columns differ.
COLUMN = {"by": "responder"}
#: Moments, stored as UTC text plus an offset column.
MOMENTS = {"at": "at_offset", "due": "due_offset"}
_BOOLEANS = {"listened", "fixed", "asked_more", "prevented", "delivered", "done", "returned"}
#: Each kind's fields, in the order of its table's columns.
FIELDS = {
    RecordKind.RESPONSE: (
        "at",
        "by",
        "quality",
        "apology",
        "listened",
        "fixed",
        "asked_more",
        "prevented",
        "note",
    ),
    RecordKind.REMEDY: ("at", "type", "value", "currency", "delivered", "note"),
    RecordKind.FOLLOWUP: ("at", "direction", "channel", "note", "due", "done"),
    RecordKind.OUTCOME: (
        "at",
        "returned",
        "recommend",
        "word_of_mouth",
        "told",
        "review",
        "switched_to",
    ),
}


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _moment(row: sqlite3.Row, column: str) -> datetime:
    moment = join(row[column], row[MOMENTS[column]])
    assert moment is not None
    return moment


def _response(row: sqlite3.Row) -> Response:
    return Response(
        id=row["id"],
        uid=row["uid"],
        at=_moment(row, "at"),
        by=ResponderLevel(row["responder"]) if row["responder"] else None,
        quality=row["quality"],
        apology=Apology(row["apology"]) if row["apology"] else None,
        listened=_bool(row["listened"]),
        fixed=_bool(row["fixed"]),
        asked_more=_bool(row["asked_more"]),
        prevented=_bool(row["prevented"]),
        note=row["note"],
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
    )


def _remedy(row: sqlite3.Row) -> Remedy:
    return Remedy(
        id=row["id"],
        uid=row["uid"],
        at=_moment(row, "at"),
        type=RemedyType(row["type"]),
        value=row["value"],
        currency=row["currency"],
        delivered=bool(row["delivered"]),
        note=row["note"],
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
    )


def _followup(row: sqlite3.Row) -> FollowUp:
    return FollowUp(
        id=row["id"],
        uid=row["uid"],
        at=_moment(row, "at"),
        direction=Direction(row["direction"]) if row["direction"] else None,
        channel=row["channel"],
        note=row["note"],
        due=join(row["due"], row["due_offset"]),
        done=bool(row["done"]),
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
    )


def _outcome(row: sqlite3.Row) -> Outcome:
    return Outcome(
        id=row["id"],
        uid=row["uid"],
        returned=_bool(row["returned"]),
        recommend=row["recommend"],
        word_of_mouth=WordOfMouth(row["word_of_mouth"]) if row["word_of_mouth"] else None,
        told=row["told"],
        review=row["review"],
        switched_to=row["switched_to"],
        at=join(row["at"], row["at_offset"]),
        created_at=from_utc_text(row["created_at"]),
        updated_at=from_utc_text(row["updated_at"]),
    )


class Children:
    """One encounter's timeline records.

    (A plain class: every command that reads or writes encounters imports this module, and a
    dataclass costs most of a millisecond to define at start-up.)"""

    __slots__ = ("followups", "outcome", "remedies", "responses")

    def __init__(self) -> None:
        self.responses: list[Response] = []
        self.remedies: list[Remedy] = []
        self.followups: list[FollowUp] = []
        self.outcome: Outcome | None = None


def children(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Children]:
    """The timeline records of the encounters `ids`, each list in time order."""
    found = {i: Children() for i in ids}
    if not ids:
        return found
    marks = ", ".join("?" for _ in ids)
    params = list(ids)

    def rows(table: str, order: str) -> list[sqlite3.Row]:
        return conn.execute(
            f"SELECT * FROM {table} WHERE encounter_id IN ({marks}) ORDER BY {order}", params
        ).fetchall()

    for row in rows("response", "at, id"):
        found[row["encounter_id"]].responses.append(_response(row))
    for row in rows("remedy", "at, id"):
        found[row["encounter_id"]].remedies.append(_remedy(row))
    for row in rows("followup", "at, id"):
        found[row["encounter_id"]].followups.append(_followup(row))
    for row in rows("outcome", "id"):
        found[row["encounter_id"]].outcome = _outcome(row)
    return found


def columns(kind: RecordKind, fields: Mapping[str, object]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for name, value in fields.items():
        if name not in FIELDS[kind]:
            raise ValueError(f"{name} is not a field of a {kind.value}")
        if name in MOMENTS:
            assert value is None or isinstance(value, datetime)
            values[name], values[MOMENTS[name]] = split(value)
        elif name in _BOOLEANS:
            values[name] = None if value is None else int(bool(value))
        elif isinstance(value, Enum):
            values[COLUMN.get(name, name)] = str(value.value)
        elif value is None or isinstance(value, (str, int)):
            values[COLUMN.get(name, name)] = value
        else:
            raise ValueError(f"unexpected value for {name}: {value!r}")
    return values


def owner(conn: sqlite3.Connection, kind: RecordKind, record_id: int) -> int:
    """The encounter a record belongs to."""
    row = conn.execute(
        f"SELECT encounter_id FROM {TABLES[kind]} WHERE id = ?", (record_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no {kind.value} {kind.ref(record_id)}")
    return int(row[0])


def add(
    log: ChangeLog,
    kind: RecordKind,
    encounter_id: int,
    fields: Mapping[str, object],
    now: datetime,
) -> int:
    """A new record on encounter `encounter_id`; returns its id."""
    if kind is RecordKind.OUTCOME and outcome_id(log.conn, encounter_id) is not None:
        raise ConflictError(f"encounter #{encounter_id} already has an outcome")
    stamp = utc_text(now)
    values: dict[str, Value] = {
        "uid": new_ulid(now),
        "encounter_id": encounter_id,
        **columns(kind, fields),
        "created_at": stamp,
        "updated_at": stamp,
    }
    record_id = log.insert(TABLES[kind], values)
    touch(log, encounter_id, now)
    return record_id


def update(
    log: ChangeLog,
    kind: RecordKind,
    record_id: int,
    fields: Mapping[str, object],
    now: datetime,
) -> bool:
    encounter_id = owner(log.conn, kind, record_id)
    changed = log.update(TABLES[kind], record_id, columns(kind, fields))
    if changed:
        log.update(TABLES[kind], record_id, {"updated_at": utc_text(now)})
        touch(log, encounter_id, now)
    return changed


def delete(log: ChangeLog, kind: RecordKind, record_id: int, now: datetime) -> int:
    """Remove a record; returns the encounter it belonged to."""
    encounter_id = owner(log.conn, kind, record_id)
    log.delete(TABLES[kind], record_id)
    touch(log, encounter_id, now)
    return encounter_id


def outcome_id(conn: sqlite3.Connection, encounter_id: int) -> int | None:
    row = conn.execute("SELECT id FROM outcome WHERE encounter_id = ?", (encounter_id,)).fetchone()
    return None if row is None else int(row[0])


def touch(log: ChangeLog, encounter_id: int, now: datetime) -> None:
    """An encounter changes when its timeline does."""
    log.update("encounter", encounter_id, {"updated_at": utc_text(now)})
