"""Per-business and per-failure facts for the loyalty reports, aggregated by SQLite.

The queries read each encounter once per fact family, with the indexes on
(business_id, occurred_at); nothing here loads every encounter into Python.
"""

from __future__ import annotations

import bisect
import collections
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from svclog.core.loyalty import (
    BusinessFacts,
    FailureFacts,
    FailureRecord,
    OutcomeFacts,
    ReportFilter,
)
from svclog.core.vocabulary import WordOfMouth
from svclog.storage import snapshot
from svclog.storage.history import Value
from svclog.storage.snapshot import Job, Rows
from svclog.storage.timestamps import epoch_seconds, from_utc_text, join, utc_text


def _failures(filters: ReportFilter) -> tuple[str, dict[str, Value]]:
    """The `latest` and `ef` CTEs: each business's latest encounter matching `filters` (one
    index seek per business), and the failures matching them with their outcome and whether
    a later encounter exists at their business (for all but the latest)."""
    where, params = _filter(filters)
    business_join = "JOIN business b ON b.id = e.business_id" if filters.category else ""
    within, _ = _filter(replace(filters, category=None))
    category = "b.category = :category COLLATE NOCASE" if filters.category is not None else "1"
    sql = f"""
        latest AS MATERIALIZED (
            SELECT b.id AS business_id, (
                SELECT e.id FROM {_IN_TIME} WHERE e.business_id = b.id AND {within}
                ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1
            ) AS latest_id
            FROM business b WHERE {category}
        ),
        ef AS MATERIALIZED (
            SELECT e.id, e.business_id, e.occurred_at, e.occurred_offset, e.disputed,
                   e.first_response_at AS first_at,
                   coalesce(e.complained_at, e.occurred_at) AS started,
                   e.id != latest.latest_id AS later_exists,
                   o.returned, o.switched_to, o.recommend
            FROM encounter e CROSS JOIN latest ON latest.business_id = e.business_id
            {business_join}
            LEFT JOIN outcome o ON o.encounter_id = e.id
            WHERE e.failure = 1 AND {where}
        )"""
    return sql, params


#: After a failure: went back (its outcome says so, or a later encounter exists).
_RETURNED = "(ef.returned IS 1 OR ef.later_exists)"
#: ... or did not: said so, switched to a competitor, or disputed the resolution.
_LOST = "(ef.returned IS 0 OR ef.switched_to IS NOT NULL OR ef.disputed IS 1)"
#: Seconds from the start (complaint or encounter) to the first response.
_WAIT = f"({epoch_seconds('ef.first_at')} - {epoch_seconds('ef.started')})"


def _filter(filters: ReportFilter) -> tuple[str, dict[str, Value]]:
    """The conditions on encounter `e` (and its business `b`) that `filters` sets."""
    clauses: list[str] = []
    params: dict[str, Value] = {}
    if filters.client is not None:
        clauses.append("e.client = :client COLLATE NOCASE")
        params["client"] = filters.client
    if filters.category is not None:
        clauses.append("b.category = :category COLLATE NOCASE")
        params["category"] = filters.category
    if filters.since is not None:
        clauses.append("e.occurred_at >= :since")
        params["since"] = utc_text(filters.since)
    if filters.until is not None:
        clauses.append("e.occurred_at <= :until")
        params["until"] = utc_text(filters.until)
    if filters.business_id is not None:
        clauses.append("e.business_id = :business_id")
        params["business_id"] = filters.business_id
    return " AND ".join(clauses) or "1", params


#: Seconds from an encounter's start (its complaint, else itself) to its first response.
_FIRST_WAIT = (
    f"({epoch_seconds('e.first_response_at')}"
    f" - {epoch_seconds('coalesce(e.complained_at, e.occurred_at)')})"
)


#: The columns of the covering index `encounter_business_time` (schema 2) the totals read:
#: naming no other column keeps the pass over encounters inside that index.
_INDEXED = ", ".join(
    f"e.{column}"
    for column in (
        "business_id", "occurred_at", "id", "failure", "status", "complained", "complained_at",
        "timely", "disputed", "first_response_at", "quality_sum", "quality_count",
    )
)  # fmt: skip


def _encounter_timely() -> str:
    """An encounter's timeliness, as in svclog.core.timeliness, where SQL judges it: as set;
    none for what neither failed nor was complained about; late (0) once the window has
    passed without a response (`:cutoff` is now less the window, so this compares stored
    text). One with a response is judged from its wait, in `_business` (see `_WAITS`)."""
    return """
        CASE
            WHEN e.timely IS NOT NULL THEN e.timely
            WHEN NOT (e.failure = 1 OR e.complained = 1) THEN NULL
            WHEN e.first_response_at IS NOT NULL THEN NULL
            WHEN coalesce(e.complained_at, e.occurred_at) < :cutoff THEN 0
        END"""


#: The first-response wait of every encounter with a response, as `2 × seconds + judged`,
#: where `judged` (1 or 0) says its timeliness follows from that wait (neither set nor
#: beside the point): the medians and those judgements share one computation of each wait.
_WAITS = f"""group_concat(CASE WHEN e.first_response_at IS NOT NULL THEN
        2 * {_FIRST_WAIT} + (e.timely IS NULL AND (e.failure = 1 OR e.complained = 1))
    END)"""


#: The index of a business's encounters in time order. Named, because with a filter on a
#: column it lacks (a client), SQLite would rather walk that column's index, for every
#: business: every encounter of the client, twenty thousand times over.
_IN_TIME = "encounter e INDEXED BY encounter_business_time"


#: A failure's id, whether it was disputed and whether it has a response, in one number.
_FAILURE_CODE = "e.id * 4 + 2 * (e.disputed IS 1) + (e.first_response_at IS NOT NULL)"


def _seek(where: str, order: str, extra: str = "", column: str = "e.id") -> str:
    """`column` (the id) of the first encounter of business `t.business_id` matching the
    filters, in `order` (an ORDER BY the covering index serves, so this is one index seek)."""
    return (
        f"(SELECT {column} FROM {_IN_TIME} WHERE e.business_id = t.business_id AND {where}"
        f"{extra} ORDER BY {order} LIMIT 1)"
    )


def _statements(
    filters: ReportFilter, now: datetime, window: timedelta
) -> tuple[str, str, dict[str, Value]]:
    """The two statements of `business_facts` (totals and ends; outcomes), each giving its
    rows as one JSON text, and their parameters."""
    totals, outcomes, named = rows_statements(filters, now, window)
    return _as_json(totals, TOTALS), _as_json(outcomes, OUTCOMES), named


def rows_statements(
    filters: ReportFilter, now: datetime, window: timedelta
) -> tuple[str, str, dict[str, Value]]:
    """The two statements of `business_facts` as rows of the columns `TOTALS` and `OUTCOMES`,
    and their parameters."""
    where, named = _filter(filters)
    # Stored moments are whole seconds: "started before now less the window" is "started
    # before this cutoff", rounded up when now has a fraction of a second.
    cutoff = now - window
    cutoff += timedelta(seconds=1) if cutoff.microsecond else timedelta(0)
    named["cutoff"] = utc_text(cutoff)
    business_join = "JOIN business b ON b.id = e.business_id" if filters.category else ""
    # The seeks look inside one business that passed the filters: its category is settled.
    within, _ = _filter(replace(filters, category=None))
    first, latest = "e.occurred_at, e.id", "e.occurred_at DESC, e.id DESC"
    a_failure = " AND e.failure = 1"

    def after(column: str) -> str:
        """`column` of the first encounter after the latest failure at its business."""
        return (
            f"(SELECT {column} FROM {_IN_TIME} WHERE e.business_id = failed.business_id"
            f" AND {within} AND (e.occurred_at, e.id) > (failed.failure_at, failed.failure_id)"
            " ORDER BY e.occurred_at, e.id LIMIT 1)"
        )

    # For the businesses with ids from :low to :high (a stretch of the covering index).
    totals = f"""
        WITH t AS MATERIALIZED (
            SELECT e.business_id,
                   count(*) AS encounters,
                   sum(e.failure) AS failures,
                   sum(e.status = 'open') AS open_count,
                   coalesce(sum(e.failure = 1 AND e.disputed IS 1), 0) AS disputed,
                   sum(e.quality_sum) AS quality_sum,
                   sum(e.quality_count) AS quality_count,
                   {_WAITS} AS waits,
                   coalesce(sum(timely_now = 1), 0) AS timely,
                   count(timely_now) AS timely_known
            FROM (SELECT {_INDEXED}, {_encounter_timely()} AS timely_now
                  FROM encounter e {business_join}
                  WHERE e.business_id BETWEEN :low AND :high AND {where}) AS e
            GROUP BY e.business_id
        ),
        ends AS MATERIALIZED (
            SELECT t.*,
                   {_seek(within, first)} AS first_id,
                   {_seek(within, first, column="e.occurred_at")} AS first_seen,
                   {_seek(within, latest)} AS latest_id,
                   -- the latest failure: when; its id, whether it was disputed, whether it
                   -- has a response. Seeks in the covering index: its row is far bigger.
                   {_seek(within, latest, a_failure, "e.occurred_at")} AS failure_at,
                   {_seek(within, latest, a_failure, _FAILURE_CODE)} AS failure_code
            FROM t
        ),
        failed AS MATERIALIZED (
            SELECT ends.*, failure_code >> 2 AS failure_id,
                   (failure_code >> 1) & 1 AS failure_disputed,
                   failure_code & 1 AS failure_responded
            FROM ends
        )
        SELECT {_FAILED}, b.name, b.category,
               latest.occurred_at AS latest_at, latest.occurred_offset AS latest_offset,
               fo.returned AS failure_returned, fo.switched_to AS failure_switched_to,
               fo.recommend AS failure_recommend,
               {after("e.id")} AS later_id, {after("e.occurred_at")} AS later_at
        FROM failed
        JOIN business b ON b.id = failed.business_id
        JOIN encounter latest ON latest.id = failed.latest_id
        LEFT JOIN outcome fo ON fo.encounter_id = failed.failure_id
    """
    outcomes = f"""
        SELECT e.business_id,
               coalesce(sum(o.recommend >= 9), 0) AS promoters,
               coalesce(sum(o.recommend <= 6), 0) AS detractors,
               count(o.recommend) AS respondents,
               coalesce(sum(o.told), 0) AS told,
               -- the latest outcome (by its date, else its encounter's; then the id):
               -- with one max() the other columns come from that row
               max(coalesce(o.at, e.occurred_at) || printf('%012d', e.id)) AS outcome_key,
               e.id AS outcome_encounter_id,
               e.occurred_at AS outcome_occurred_at,
               e.occurred_offset AS outcome_offset,
               o.returned AS outcome_returned,
               o.recommend AS outcome_recommend,
               o.word_of_mouth AS outcome_word_of_mouth
        FROM outcome o CROSS JOIN encounter e ON e.id = o.encounter_id
        {business_join}
        WHERE {where}
        GROUP BY e.business_id
    """
    return totals, outcomes, named


#: The columns of the two statements of `business_facts`, in their order.
TOTALS = (
    "business_id", "encounters", "failures", "open_count", "disputed", "quality_sum",
    "quality_count", "waits", "timely", "timely_known", "first_id", "first_seen", "latest_id",
    "failure_at", "failure_id", "failure_disputed", "failure_responded", "name", "category",
    "latest_at", "latest_offset", "failure_returned", "failure_switched_to",
    "failure_recommend", "later_id", "later_at",
)  # fmt: skip
#: The columns of the totals that the `failed` table (in their statement) holds.
_FAILED = ", ".join(f"failed.{name}" for name in TOTALS[: TOTALS.index("name")])
OUTCOMES = (
    "business_id", "promoters", "detractors", "respondents", "told", "outcome_key",
    "outcome_encounter_id", "outcome_occurred_at", "outcome_offset", "outcome_returned",
    "outcome_recommend", "outcome_word_of_mouth",
)  # fmt: skip


def _as_json(sql: str, names: tuple[str, ...]) -> str:
    """`sql`'s rows as one JSON text, an array of arrays of `names`' values (integers, text,
    nulls: JSON keeps each exactly). A statement then gives one value, in one step, and its
    thread needs Python's GIL once, not for every row: the GIL is busy with the facts."""
    values = ", ".join(f"r.{name}" for name in names)
    return f"SELECT json_group_array(json_array({values})) FROM ({sql}) AS r"


#: The values of a row of one of the statements, in the order of `TOTALS` or `OUTCOMES`.
Values = list[Any]


def _values(rows: Rows) -> Iterator[Values]:
    """The rows of one of `_as_json`'s statements."""
    for (text,) in rows.rows or ():
        yield from json.loads(text)


def _all(conn: sqlite3.Connection, tag: str, sql: str, named: dict[str, Value]) -> list[Rows]:
    """Every row of a statement, then the mark that it is done."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql, named)
    names = [column[0] for column in cursor.description]
    return [Rows(tag, names, cursor.fetchall()), Rows(tag, names, None)]


class _Gathering:
    """Facts built from rows as they come from the readers. What a business's totals say is
    worked out as they come; it waits for the outcomes (all of them, of every business) to
    be facts."""

    def __init__(self, window: int) -> None:
        self._window = window
        self._outcome_rows: list[Values] = []
        self._outcomes: dict[int, Values] | None = None
        self._waiting: list[dict[str, Any]] = []

    def take(self, rows: Rows) -> list[BusinessFacts]:
        """The facts these rows complete."""
        if rows.tag == "outcomes":
            if rows.rows is not None:
                self._outcome_rows += _values(rows)
                return []
            outcomes = self._outcomes = {values[0]: values for values in self._outcome_rows}
            waiting, self._waiting = self._waiting, []
            return [_facts(known, outcomes) for known in waiting]
        if rows.rows is None:
            return []
        window = self._window
        known = [_totals(values, window) for values in _values(rows)]
        if self._outcomes is None:
            self._waiting += known
            return []
        outcomes = self._outcomes
        return [_facts(each, outcomes) for each in known]


#: Beyond any id.
_UNBOUNDED = 2**63 - 1
#: How many stretches of businesses the readers of the totals take in turn.
_STRETCHES = 32


def _stretches(conn: sqlite3.Connection) -> list[dict[str, int]]:
    """The ids of the businesses in `_STRETCHES` stretches, as :low and :high."""
    low, high = conn.execute("SELECT min(id), max(id) FROM business").fetchone()
    if low is None:
        return [{"low": 0, "high": -1}]
    step = (high - low) // _STRETCHES + 1
    return [{"low": start, "high": start + step - 1} for start in range(low, high + 1, step)]


def _taking(stretches: collections.deque[dict[str, Value]]) -> Iterator[dict[str, Value]]:
    """The stretches not yet taken, each taken by one reader only (`popleft` is atomic)."""
    while True:
        try:
            yield stretches.popleft()
        except IndexError:
            return


def business_facts(
    conn: sqlite3.Connection,
    filters: ReportFilter,
    now: datetime,
    window: timedelta,
    *,
    path: Path | None = None,
) -> Iterator[BusinessFacts]:
    """The facts of every business with encounters matching `filters`, in no particular order,
    each as soon as it is known (so that the caller's work on one overlaps the reading of the
    next).

    Two statements. The totals: per-business sums from one pass over the covering index
    `encounter_business_time` (it holds every column they read, responses' facts included);
    then, per business, index seeks for its first and latest encounter, its latest failure
    and the encounter after that. Only the failures that are a business's latest encounter
    can lack a return after them (any other failure has a later encounter), so the recovery
    counts come from the latest failure alone. The outcomes: one pass for NPS, people told and
    the latest outcome.

    Given the journal's `path`, on a machine with more than one core, two connections of
    their own that read one snapshot share the work: a thread of its own reads the totals a
    stretch of businesses at a time; this one reads the outcomes meanwhile, then turns the
    totals into facts as they come, and reads a stretch itself whenever none is waiting for
    it; else `conn` reads everything.
    """
    totals, outcomes, named = _statements(filters, now, window)
    gathering = _Gathering(int(window.total_seconds()))
    readers = snapshot.readers(path) if path is not None and snapshot.worth_sharing() else None
    if readers is None:
        everyone = {**named, "low": -_UNBOUNDED, "high": _UNBOUNDED}
        for rows in [
            *_all(conn, "outcomes", outcomes, named),
            *_all(conn, "totals", totals, everyone),
        ]:
            yield from gathering.take(rows)
        return
    mine, theirs = readers
    try:
        stretches = collections.deque({**named, **one} for one in _stretches(mine))
        jobs = (Job("totals", totals, stretch) for stretch in _taking(stretches))
        with snapshot.Streamed(theirs, jobs) as streamed:
            for rows in _all(mine, "outcomes", outcomes, named):
                yield from gathering.take(rows)
            while True:
                ready = list(streamed.ready())
                if not ready:  # nothing to do but read: a stretch that thread has not begun
                    try:
                        stretch = stretches.popleft()
                    except IndexError:
                        break
                    ready = _all(mine, "totals", totals, stretch)
                for rows in ready:
                    yield from gathering.take(rows)
            for rows in streamed.results():
                yield from gathering.take(rows)
    finally:
        mine.close()
        theirs.close()


def _totals(values: Values, window: int) -> dict[str, Any]:
    """The facts of a business its totals give (all but its outcomes'), by name."""
    (
        business_id, encounters, failures, open_count, disputed, quality_sum, quality_count,
        waits, timely, timely_known, first_id, first_seen, latest_id, failure_at, failure_id,
        failure_disputed, failure_responded, name, category, latest_at, latest_offset,
        failure_returned, failure_switched_to, failure_recommend, later_id, later_at,
    ) = values  # fmt: skip
    failure = (
        None
        if failure_id is None
        else FailureFacts(
            encounter_id=failure_id,
            occurred_at=from_utc_text(failure_at),
            disputed=bool(failure_disputed),
            returned=None if failure_returned is None else bool(failure_returned),
            switched_to=failure_switched_to,
            recommend=failure_recommend,
            has_response=bool(failure_responded),
            later_encounter_id=later_id,
            later_encounter_at=from_utc_text(later_at) if later_at else None,
        )
    )
    # Every failure but a business's latest encounter has a later one after it: only the
    # latest failure, when it is the latest encounter, can lack a return after it.
    unreturned = (
        failure
        if failure is not None and failure_id == latest_id and not failure.returned
        else None
    )
    lost = unreturned is not None and (
        unreturned.returned is False or unreturned.switched_to is not None or unreturned.disputed
    )
    # Sorted, the waits come in the order of their seconds (`_WAITS`): those within the
    # window first.
    coded = sorted(map(int, waits.split(","))) if waits else []
    judged = [value & 1 for value in coded]
    in_time = sum(judged[: bisect.bisect_right(coded, 2 * window + 1)])
    return {
        "business_id": business_id,
        "name": name,
        "category": category,
        "encounters": encounters,
        "failures": failures,
        "open": open_count,
        "first_encounter_id": first_id,
        "first_seen": from_utc_text(first_seen),
        "latest_encounter_id": latest_id,
        "last_seen": _moment(latest_at, latest_offset),
        "latest_failure": failure,
        "quality_sum": quality_sum,
        "quality_count": quality_count,
        "median_response_hours": _median_hours(coded),
        "timely": timely + in_time,
        "timely_known": timely_known + sum(judged),
        "disputed": disputed,
        "failures_returned": failures - (unreturned is not None),
        "failures_lost": int(lost),
        "undecided_recommends": (unreturned.recommend,) if unreturned and not lost else (),
    }


def _facts(known: dict[str, Any], outcomes: dict[int, Values]) -> BusinessFacts:
    """A business's facts: what its totals give (`_totals`), and its outcomes' row."""
    found = outcomes.get(known["business_id"])
    if found is None:
        return BusinessFacts(
            **known, latest_outcome=None, promoters=0, detractors=0, respondents=0, told=0
        )
    (
        _, promoters, detractors, respondents, told, _, encounter_id, occurred_at, offset,
        returned, recommend, word_of_mouth,
    ) = found  # fmt: skip
    latest = OutcomeFacts(
        encounter_id=encounter_id,
        occurred_at=_moment(occurred_at, offset),
        later_encounter=encounter_id != known["latest_encounter_id"],
        returned=None if returned is None else bool(returned),
        recommend=recommend,
        word_of_mouth=WordOfMouth(word_of_mouth) if word_of_mouth else None,
    )
    return BusinessFacts(
        **known,
        latest_outcome=latest,
        promoters=promoters,
        detractors=detractors,
        respondents=respondents,
        told=told,
    )


def _median_hours(coded: list[int]) -> float | None:
    """The median of the sorted waits (`_WAITS`: twice the seconds, plus a flag) in hours, to
    two places: as `statistics.median` of the hours, which come in the order of the seconds."""
    if not coded:
        return None
    middle = len(coded) // 2
    if len(coded) % 2:
        return round((coded[middle] >> 1) / 3600, 2)
    return round(((coded[middle - 1] >> 1) / 3600 + (coded[middle] >> 1) / 3600) / 2, 2)


def _moment(utc: str, offset: str) -> datetime:
    moment = join(utc, offset)
    assert moment is not None
    return moment


_LEVELS = ("automated", "frontline", "manager", "senior", "owner", "corporate")
_APOLOGIES = ("none", "perfunctory", "sincere")
_MONTH = """strftime('%Y-%m', {moment}, (CASE substr({offset}, 1, 1) WHEN '-' THEN '-' ELSE '+' END)
    || (CAST(substr({offset}, 2, 2) AS INTEGER) * 60 + CAST(substr({offset}, 5, 2) AS INTEGER))
    || ' minutes')"""


def _rank(column: str, names: tuple[str, ...]) -> str:
    cases = " ".join(f"WHEN '{name}' THEN {index}" for index, name in enumerate(names))
    return f"CASE {column} {cases} END"


def failure_records(conn: sqlite3.Connection, filters: ReportFilter) -> Iterator[FailureRecord]:
    """Every failure matching `filters`, with what the business did and what followed."""
    cte, params = _failures(filters)
    month = _MONTH.format(moment="ef.occurred_at", offset="ef.occurred_offset")
    sql = f"""
        WITH {cte},
        answered AS (
            SELECT encounter_id,
                   max({_rank("responder", _LEVELS)}) AS level,
                   max(quality) AS quality,
                   max({_rank("apology", _APOLOGIES)}) AS apology,
                   coalesce(max(listened), 0) AS listened,
                   coalesce(max(fixed), 0) AS fixed,
                   coalesce(max(asked_more), 0) AS asked_more,
                   coalesce(max(prevented), 0) AS prevented
            FROM response WHERE encounter_id IN (SELECT id FROM ef)
            GROUP BY encounter_id
        ),
        remedied AS (
            SELECT encounter_id, group_concat(type) AS types
            FROM (SELECT DISTINCT encounter_id, type FROM remedy
                  WHERE encounter_id IN (SELECT id FROM ef))
            GROUP BY encounter_id
        )
        SELECT ef.id, {month} AS month,
               {_RETURNED} AS returned_after,
               NOT {_RETURNED} AND {_LOST} AS lost_signal,
               ef.recommend, answered.level, answered.quality, answered.apology,
               answered.listened, answered.fixed, answered.asked_more, answered.prevented,
               answered.encounter_id IS NOT NULL AS responded,
               CASE WHEN ef.first_at IS NOT NULL THEN {_WAIT} END AS wait,
               remedied.types AS remedies
        FROM ef
        LEFT JOIN answered ON answered.encounter_id = ef.id
        LEFT JOIN remedied ON remedied.encounter_id = ef.id
        ORDER BY ef.occurred_at, ef.id
    """
    for row in conn.execute(sql, params):
        yield FailureRecord(
            encounter_id=row[0],
            month=row[1],
            returned_after=bool(row[2]),
            lost_signal=bool(row[3]),
            recommend=row[4],
            responded=bool(row[12]),
            highest_level=_LEVELS[row[5]] if row[5] is not None else None,
            best_quality=row[6],
            best_apology=_APOLOGIES[row[7]] if row[7] is not None else None,
            listened=bool(row[8]),
            fixed=bool(row[9]),
            asked_more=bool(row[10]),
            prevented=bool(row[11]),
            first_response_hours=row[13] / 3600 if row[13] is not None else None,
            remedies=tuple(sorted(row[14].split(","))) if row[14] else (),
        )


def monthly_encounters(conn: sqlite3.Connection, filters: ReportFilter) -> dict[str, int]:
    """How many encounters matching `filters` each month (in their entered offset)."""
    where, params = _filter(filters)
    business_join = "JOIN business b ON b.id = e.business_id" if filters.category else ""
    month = _MONTH.format(moment="e.occurred_at", offset="e.occurred_offset")
    rows = conn.execute(
        f"SELECT {month} AS month, count(*) FROM encounter e {business_join} WHERE {where}"
        " GROUP BY month ORDER BY month",
        params,
    )
    return {row[0]: row[1] for row in rows}
