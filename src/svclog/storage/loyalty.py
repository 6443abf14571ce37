"""Per-business and per-failure facts for the loyalty reports, aggregated by SQLite.

The queries read each encounter once per fact family, with the indexes on
(business_id, occurred_at); nothing here loads every encounter into Python.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from statistics import median

from svclog.core.loyalty import (
    BusinessFacts,
    FailureFacts,
    FailureRecord,
    OutcomeFacts,
    ReportFilter,
)
from svclog.core.vocabulary import WordOfMouth
from svclog.storage.history import Value
from svclog.storage.timestamps import from_utc_text, join, utc_text


def _encounters(filters: ReportFilter) -> tuple[str, dict[str, Value]]:
    """The `enc` and `ef` CTEs: filtered encounters, ranked newest first within their
    business, with their first response and outcome."""
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
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"""
        enc AS (
            SELECT e.id, e.business_id, e.occurred_at, e.occurred_offset, e.failure, e.status,
                   e.disputed,
                   e.complained, e.timely,
                   coalesce(e.complained_at, e.occurred_at) AS started,
                   row_number() OVER (
                       PARTITION BY e.business_id ORDER BY e.occurred_at DESC, e.id DESC
                   ) AS rank_desc
            FROM encounter e JOIN business b ON b.id = e.business_id
            {where}
        ),
        ef AS (
            SELECT enc.*,
                   (SELECT min(r.at) FROM response r WHERE r.encounter_id = enc.id) AS first_at,
                   o.id AS outcome_id, o.returned, o.switched_to, o.recommend,
                   o.word_of_mouth, o.told, coalesce(o.at, enc.occurred_at) AS outcome_at
            FROM enc LEFT JOIN outcome o ON o.encounter_id = enc.id
        )"""
    return sql, params


#: After a failure: went back (its outcome says so, or a later encounter exists).
_RETURNED = "(ef.returned IS 1 OR ef.rank_desc > 1)"
#: ... or did not: said so, switched to a competitor, or disputed the resolution.
_LOST = "(ef.returned IS 0 OR ef.switched_to IS NOT NULL OR ef.disputed IS 1)"
#: Seconds from the start (complaint or encounter) to the first response.
_WAIT = (
    "(CAST(strftime('%s', ef.first_at) AS INTEGER) - CAST(strftime('%s', ef.started) AS INTEGER))"
)


def _timely_sql() -> str:
    """An encounter's timeliness: as set, or derived as in svclog.core.timeliness."""
    return f"""
        CASE
            WHEN ef.timely IS NOT NULL THEN ef.timely
            WHEN NOT (ef.failure = 1 OR ef.complained = 1) THEN NULL
            WHEN ef.first_at IS NOT NULL THEN {_WAIT} <= :window
            WHEN CAST(strftime('%s', :now) AS INTEGER)
                 - CAST(strftime('%s', ef.started) AS INTEGER) > :window THEN 0
            ELSE NULL
        END"""


def business_facts(
    conn: sqlite3.Connection, filters: ReportFilter, now: datetime, window: timedelta
) -> Iterator[BusinessFacts]:
    """The facts of every business with encounters matching `filters`, by name."""
    cte, named = _encounters(filters)
    named.update(window=int(window.total_seconds()), now=utc_text(now))
    # The filtered, ranked encounters are computed once into a temporary table (private to
    # this connection, gone when it closes); every fact family below reads that.
    conn.execute("DROP TABLE IF EXISTS temp.report_encounters")
    conn.execute(f"CREATE TEMP TABLE report_encounters AS WITH {cte} SELECT * FROM ef", named)
    conn.execute("CREATE INDEX temp.report_encounters_id ON report_encounters(id)")
    conn.execute(
        "CREATE INDEX temp.report_encounters_rank ON report_encounters(business_id, rank_desc)"
    )
    try:
        yield from _facts(conn, named)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.report_encounters")


def _facts(conn: sqlite3.Connection, named: dict[str, Value]) -> Iterator[BusinessFacts]:
    def query(sql: str) -> list[sqlite3.Row]:
        prefix = (
            "WITH enc AS (SELECT * FROM temp.report_encounters),"
            " ef AS (SELECT * FROM temp.report_encounters)"
        )
        return conn.execute(f"{prefix} {sql}", named).fetchall()

    totals = query(f"""
        , judged AS (SELECT ef.*, {_timely_sql()} AS timely_now FROM ef)
        SELECT ef.business_id, b.name, b.category,
               count(*) AS encounters,
               sum(ef.failure) AS failures,
               sum(ef.status = 'open') AS open_count,
               min(ef.occurred_at) AS first_seen,
               max(ef.occurred_at) AS last_seen,
               coalesce(sum(ef.timely_now = 1), 0) AS timely,
               count(ef.timely_now) AS timely_known,
               coalesce(sum(ef.failure = 1 AND ef.disputed IS 1), 0) AS disputed,
               coalesce(sum(ef.failure = 1 AND {_RETURNED}), 0) AS failures_returned,
               coalesce(sum(ef.failure = 1 AND NOT {_RETURNED} AND {_LOST}), 0) AS failures_lost,
               group_concat(CASE WHEN ef.failure = 1 AND NOT {_RETURNED} AND NOT {_LOST}
                            THEN coalesce(ef.recommend, 'x') END) AS undecided,
               coalesce(sum(ef.recommend >= 9), 0) AS promoters,
               coalesce(sum(ef.recommend <= 6), 0) AS detractors,
               count(ef.recommend) AS respondents,
               coalesce(sum(ef.told), 0) AS told
        FROM judged AS ef JOIN business b ON b.id = ef.business_id
        GROUP BY ef.business_id
        ORDER BY b.name_key
    """)
    quality = {
        row[0]: (row[1] or 0, row[2])
        for row in query("""
            SELECT enc.business_id, sum(r.quality), count(r.quality)
            FROM response r JOIN enc ON enc.id = r.encounter_id
            GROUP BY enc.business_id
        """)
    }
    waits: dict[int, list[float]] = {}
    for row in query(f"SELECT ef.business_id, {_WAIT} FROM ef WHERE ef.first_at IS NOT NULL"):
        waits.setdefault(row[0], []).append(row[1] / 3600)
    latest_failure = {
        row["business_id"]: row
        for row in query("""
            , ranked AS (
                SELECT ef.*, row_number() OVER (
                    PARTITION BY ef.business_id ORDER BY ef.occurred_at DESC, ef.id DESC
                ) AS failure_rank
                FROM ef WHERE ef.failure = 1
            )
            SELECT ranked.*, later.id AS later_id, later.occurred_at AS later_at
            FROM ranked
            LEFT JOIN enc AS later ON later.business_id = ranked.business_id
                 AND later.rank_desc = ranked.rank_desc - 1
            WHERE ranked.failure_rank = 1
        """)
    }
    ends = {
        row["business_id"]: row
        for row in query("""
            , ordered AS (
                SELECT enc.business_id, enc.id, enc.occurred_at, enc.occurred_offset,
                       enc.rank_desc,
                       row_number() OVER (
                           PARTITION BY enc.business_id ORDER BY enc.occurred_at, enc.id
                       ) AS rank_asc
                FROM enc
            )
            SELECT business_id,
                   max(CASE WHEN rank_asc = 1 THEN id END) AS first_id,
                   max(CASE WHEN rank_desc = 1 THEN id END) AS latest_id,
                   max(CASE WHEN rank_desc = 1 THEN occurred_at END) AS latest_at,
                   max(CASE WHEN rank_desc = 1 THEN occurred_offset END) AS latest_offset
            FROM ordered WHERE rank_asc = 1 OR rank_desc = 1
            GROUP BY business_id
        """)
    }
    latest_outcome = {
        row["business_id"]: row
        for row in query("""
            , ranked AS (
                SELECT ef.*, row_number() OVER (
                    PARTITION BY ef.business_id ORDER BY ef.outcome_at DESC, ef.id DESC
                ) AS outcome_rank
                FROM ef WHERE ef.outcome_id IS NOT NULL
            )
            SELECT * FROM ranked WHERE outcome_rank = 1
        """)
    }
    for row in totals:
        business_id = row["business_id"]
        quality_sum, quality_count = quality.get(business_id, (0, 0))
        end = ends[business_id]
        business_waits = waits.get(business_id)
        yield BusinessFacts(
            business_id=business_id,
            name=row["name"],
            category=row["category"],
            encounters=row["encounters"],
            failures=row["failures"],
            open=row["open_count"],
            first_encounter_id=end["first_id"],
            first_seen=from_utc_text(row["first_seen"]),
            latest_encounter_id=end["latest_id"],
            last_seen=_moment(end["latest_at"], end["latest_offset"]),
            latest_failure=_failure(latest_failure.get(business_id)),
            latest_outcome=_outcome(latest_outcome.get(business_id)),
            quality_sum=quality_sum,
            quality_count=quality_count,
            median_response_hours=round(median(business_waits), 2) if business_waits else None,
            timely=row["timely"],
            timely_known=row["timely_known"],
            disputed=row["disputed"],
            failures_returned=row["failures_returned"],
            failures_lost=row["failures_lost"],
            undecided_recommends=_recommends(row["undecided"]),
            promoters=row["promoters"],
            detractors=row["detractors"],
            respondents=row["respondents"],
            told=row["told"],
        )


def _moment(utc: str, offset: str) -> datetime:
    moment = join(utc, offset)
    assert moment is not None
    return moment


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _failure(row: sqlite3.Row | None) -> FailureFacts | None:
    if row is None:
        return None
    return FailureFacts(
        encounter_id=row["id"],
        occurred_at=from_utc_text(row["occurred_at"]),
        disputed=bool(row["disputed"]),
        returned=_bool(row["returned"]),
        switched_to=row["switched_to"],
        recommend=row["recommend"],
        has_response=row["first_at"] is not None,
        later_encounter_id=row["later_id"],
        later_encounter_at=from_utc_text(row["later_at"]) if row["later_at"] else None,
    )


def _outcome(row: sqlite3.Row | None) -> OutcomeFacts | None:
    if row is None:
        return None
    return OutcomeFacts(
        encounter_id=row["id"],
        occurred_at=_moment(row["occurred_at"], row["occurred_offset"]),
        later_encounter=row["rank_desc"] > 1,
        returned=_bool(row["returned"]),
        recommend=row["recommend"],
        word_of_mouth=WordOfMouth(row["word_of_mouth"]) if row["word_of_mouth"] else None,
    )


def _recommends(text: str | None) -> tuple[int | None, ...]:
    if not text:
        return ()
    return tuple(None if part == "x" else int(part) for part in str(text).split(","))


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
    cte, params = _encounters(filters)
    month = _MONTH.format(moment="e.occurred_at", offset="e.occurred_offset")
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
            FROM response WHERE encounter_id IN (SELECT id FROM enc WHERE failure = 1)
            GROUP BY encounter_id
        )
        SELECT ef.id, {month} AS month,
               {_RETURNED} AS returned_after,
               NOT {_RETURNED} AND {_LOST} AS lost_signal,
               ef.recommend, answered.level, answered.quality, answered.apology,
               answered.listened, answered.fixed, answered.asked_more, answered.prevented,
               answered.encounter_id IS NOT NULL AS responded,
               CASE WHEN ef.first_at IS NOT NULL THEN {_WAIT} END AS wait,
               (SELECT group_concat(type) FROM (
                    SELECT DISTINCT type FROM remedy WHERE encounter_id = ef.id ORDER BY type
               )) AS remedies
        FROM ef JOIN encounter e ON e.id = ef.id
        LEFT JOIN answered ON answered.encounter_id = ef.id
        WHERE ef.failure = 1
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
            remedies=tuple(row[14].split(",")) if row[14] else (),
        )


def monthly_encounters(conn: sqlite3.Connection, filters: ReportFilter) -> dict[str, int]:
    """How many encounters matching `filters` each month (in their entered offset)."""
    cte, params = _encounters(filters)
    month = _MONTH.format(moment="e.occurred_at", offset="e.occurred_offset")
    rows = conn.execute(
        f"WITH {cte} SELECT {month} AS month, count(*) FROM enc JOIN encounter e ON e.id = enc.id"
        " GROUP BY month ORDER BY month",
        params,
    )
    return {row[0]: row[1] for row in rows}
