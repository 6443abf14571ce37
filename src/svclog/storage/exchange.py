"""Bringing records in (import, merge): idempotent by uid; a newer `updated_at` replaces."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum

from svclog.core import text
from svclog.core.exchange import IncomingEncounter, IncomingRecord
from svclog.core.timeliness import derived_timely
from svclog.core.vocabulary import RecordKind
from svclog.storage import businesses, timeline
from svclog.storage.encounters import column_values
from svclog.storage.history import ChangeLog, Value
from svclog.storage.timestamps import utc_text


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


class Importer:
    """Writes incoming encounters into one open command (`ChangeLog`), remembering the
    businesses it has seen."""

    def __init__(self, log: ChangeLog, now: datetime, window: timedelta) -> None:
        self.log = log
        self.now = now
        self.window = window
        self._businesses: dict[str, int] = {}
        self._deferred: list[IncomingEncounter] = []

    def _business(self, name: str, category: str | None) -> int:
        key = text.name_key(name)
        found = self._businesses.get(key)
        if found is None:
            business, _, _ = businesses.ensure(self.log, name, category, self.now, warn=False)
            found = self._businesses[key] = business.id
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
            self.bring_in(incoming)

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
