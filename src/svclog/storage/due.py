"""What is waiting: follow-up reminders due, and open failures past the timely window."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from svclog.core.models import DueItem
from svclog.storage.timestamps import join, utc_text


def due(
    conn: sqlite3.Connection, now: datetime, window: timedelta, ahead: timedelta
) -> list[DueItem]:
    """Follow-ups not done and due by `now + ahead`, and open failures (or complaints) with no
    response whose window has passed by then; most overdue first."""
    horizon = utc_text(now + ahead)
    items: list[DueItem] = []
    for row in conn.execute(
        """
        SELECT followup.id, followup.encounter_id, followup.due, followup.due_offset,
               followup.note, encounter.summary, business.name
        FROM followup
        JOIN encounter ON encounter.id = followup.encounter_id
        JOIN business ON business.id = encounter.business_id
        WHERE followup.done = 0 AND followup.due IS NOT NULL AND followup.due <= ?
        """,
        (horizon,),
    ):
        due_at = join(row[2], row[3])
        assert due_at is not None
        items.append(DueItem("followup", row[1], row[6], row[5], due_at, row[0], row[4]))
    start_by = utc_text(now + ahead - window)
    for row in conn.execute(
        """
        SELECT encounter.id, encounter.summary, business.name,
               coalesce(encounter.complained_at, encounter.occurred_at) AS started,
               CASE WHEN encounter.complained_at IS NULL THEN encounter.occurred_offset
                    ELSE encounter.complained_offset END AS started_offset
        FROM encounter JOIN business ON business.id = encounter.business_id
        WHERE encounter.status = 'open'
          AND (encounter.failure = 1 OR encounter.complained = 1)
          AND encounter.timely IS NULL
          AND coalesce(encounter.complained_at, encounter.occurred_at) < ?
          AND NOT EXISTS (SELECT 1 FROM response WHERE response.encounter_id = encounter.id)
        """,
        (start_by,),
    ):
        started = join(row[3], row[4])
        assert started is not None
        items.append(DueItem("response", row[0], row[2], row[1], started + window))
    items.sort(key=lambda item: (item.due_at, item.encounter_id))
    return items
