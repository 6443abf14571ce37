"""The full-text index of encounters (`encounter_fts`) for one large write, made at its end.

Triggers keep the index in step with every write (`schema.py`): each new encounter runs an
insert into the FTS5 table of its own. For an import of 100,000 encounters that was a quarter
of the whole time; one `INSERT … SELECT` of the same rows at the end of the command indexes
them in a fifth of the time the triggers took.

While the command runs, its transaction holds the insert trigger dropped; the encounters the
command inserted are those its change log records (`history_change`), and they are indexed
from there, with what the trigger would have written (the business's name included). Then the
trigger is created again, with its text as the journal held it. Nothing of this is ever
committed apart: the transaction commits the index rows and the trigger with the rest, and an
error takes all of it back (`Journal.writing` rolls back), the trigger included.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from svclog.storage.history import ChangeLog

#: The trigger that indexes each new encounter.
TRIGGER = "encounter_fts_insert"

#: The index rows of the encounters a command inserted, as `TRIGGER` writes them.
_INDEX_INSERTED = """
    INSERT INTO encounter_fts(rowid, summary, note, issue, business)
    SELECT e.id, e.summary, e.note, e.issue, b.name
    FROM encounter e JOIN business b ON b.id = e.business_id
    WHERE e.id IN (
        SELECT row_id FROM history_change
        WHERE history_id = ? AND table_name = 'encounter' AND operation = 'insert'
    )
    ORDER BY e.id
"""


@contextlib.contextmanager
def indexed_at_the_end(log: ChangeLog) -> Iterator[None]:
    """Within `log`'s command: index the encounters it inserts once, when it is done, rather
    than one by one. On an error nothing is done here: the command's rollback restores the
    trigger with everything else."""
    conn = log.conn
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
    ).fetchone()
    if row is None:  # not a journal this module knows: leave its triggers alone
        yield
        return
    conn.execute(f"DROP TRIGGER {TRIGGER}")
    yield
    conn.execute(_INDEX_INSERTED, (log.history_id,))
    conn.execute(row[0])
