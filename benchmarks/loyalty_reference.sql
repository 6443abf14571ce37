-- The reference for `svclog report loyalty` in benchmarks/budget.py, run as
--
--     sqlite3 JOURNAL < benchmarks/loyalty_reference.sql
--
-- Hand-written SQL for the sqlite3 shell that computes, per business with encounters, the same
-- facts svclog's report is built from (svclog.core.loyalty.BusinessFacts; the loyalty rules of
-- product.md §4), and prints one row per business, by name. It reads svclog's schema and
-- indexes as they are and changes nothing: no pragmas, no temporary tables, SQLite's defaults.
-- budget.py checks, from these rows, every number and the status and advocate flag of every
-- row of `svclog report loyalty --format json`.
--
-- Moments are stored as UTC ISO-8601 text, which sorts in time order; "latest" means by
-- occurred_at, then id. The timely window is svclog's default, 48 h = 172800 s; the won-back
-- threshold (recommend >= 7) and the NPS bands (>= 9 promoters, <= 6 detractors) are svclog's
-- defaults too.
.bail on
.headers on
.mode tabs
WITH
-- Per business: its first and latest encounter and its latest failure, each found by a short
-- walk of the (business_id, occurred_at) index.
ends AS MATERIALIZED (
    SELECT b.id AS business_id,
           (SELECT e.id FROM encounter e WHERE e.business_id = b.id
            ORDER BY e.occurred_at, e.id LIMIT 1) AS first_id,
           (SELECT e.id FROM encounter e WHERE e.business_id = b.id
            ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) AS latest_id,
           (SELECT e.id FROM encounter e WHERE e.business_id = b.id AND e.failure = 1
            ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) AS failure_id
    FROM business b
),
-- Per encounter with responses: the first response, and the sum and count of the qualities.
answered AS MATERIALIZED (
    SELECT r.encounter_id, min(r.at) AS first_at,
           sum(r.quality) AS quality_sum, count(r.quality) AS quality_count
    FROM response r
    GROUP BY r.encounter_id
),
-- Every encounter, read in table order, with what the facts need: its first response and
-- outcome; whether it was timely (as set, else for a failure or complaint the first response
-- within the window from the complaint, else from the encounter; without a response, late once
-- the window has passed); and, for a failure, whether the customer went back after it (its
-- outcome says so, or a later encounter at the business exists) or shows a lost signal (did
-- not go back, switched to a competitor, disputed the resolution).
enc AS (
    SELECT e.id, e.business_id, e.occurred_at, e.failure, e.status, e.disputed,
           a.quality_sum, a.quality_count,
           CASE
               WHEN e.timely IS NOT NULL THEN e.timely
               WHEN e.failure = 0 AND e.complained = 0 THEN NULL
               WHEN a.first_at IS NOT NULL THEN
                   CAST(strftime('%s', a.first_at) AS INTEGER)
                   - CAST(strftime('%s', coalesce(e.complained_at, e.occurred_at)) AS INTEGER)
                   <= 172800
               WHEN CAST(strftime('%s', 'now') AS INTEGER)
                    - CAST(strftime('%s', coalesce(e.complained_at, e.occurred_at)) AS INTEGER)
                    > 172800 THEN 0
           END AS timely_now,
           (o.returned IS 1 OR e.id <> ends.latest_id) AS went_back,
           (o.returned IS 0 OR o.switched_to IS NOT NULL OR e.disputed IS 1) AS lost_signal,
           o.recommend, o.told
    -- NOT INDEXED: a scan in table order; the planner would otherwise walk the
    -- (business_id, occurred_at) index for the GROUP BY, one random row read per encounter.
    FROM encounter e NOT INDEXED
    CROSS JOIN ends ON ends.business_id = e.business_id
    LEFT JOIN answered a ON a.encounter_id = e.id
    LEFT JOIN outcome o ON o.encounter_id = e.id
),
totals AS (
    SELECT business_id,
           count(*) AS encounters,
           sum(failure) AS failures,
           count(*) FILTER (WHERE status = 'open') AS open,
           min(occurred_at) AS first_seen,
           coalesce(sum(quality_sum), 0) AS quality_sum,
           coalesce(sum(quality_count), 0) AS quality_count,
           count(*) FILTER (WHERE timely_now = 1) AS timely,
           count(timely_now) AS timely_known,
           count(*) FILTER (WHERE failure = 1 AND disputed IS 1) AS disputed,
           count(*) FILTER (WHERE failure = 1 AND went_back) AS failures_returned,
           count(*) FILTER (WHERE failure = 1 AND NOT went_back AND lost_signal)
               AS failures_lost,
           count(*) FILTER (WHERE failure = 1 AND NOT went_back AND NOT lost_signal)
               AS failures_undecided,
           count(*) FILTER (
               WHERE failure = 1 AND NOT went_back AND NOT lost_signal AND recommend >= 7
           ) AS undecided_would_recommend,
           count(*) FILTER (WHERE recommend >= 9) AS promoters,
           count(*) FILTER (WHERE recommend <= 6) AS detractors,
           count(recommend) AS respondents,
           coalesce(sum(told), 0) AS told
    FROM enc
    GROUP BY business_id
),
-- The first-response wait of every encounter that had a response, and per business the
-- median in hours: the middle wait, or the mean of the middle two.
waits AS (
    SELECT e.business_id,
           CAST(strftime('%s', a.first_at) AS INTEGER)
           - CAST(strftime('%s', coalesce(e.complained_at, e.occurred_at)) AS INTEGER)
               AS wait_seconds
    FROM answered a CROSS JOIN encounter e ON e.id = a.encounter_id
),
ranked_waits AS (
    SELECT business_id, wait_seconds,
           row_number() OVER (PARTITION BY business_id ORDER BY wait_seconds) AS k,
           count(*) OVER (PARTITION BY business_id) AS n
    FROM waits
),
medians AS (
    SELECT business_id, round(avg(wait_seconds) / 3600.0, 2) AS median_response_hours
    FROM ranked_waits
    WHERE k IN ((n + 1) / 2, (n + 2) / 2)
    GROUP BY business_id
),
-- The latest outcome per business: by its date, else its encounter's.
outcomes AS (
    SELECT e.business_id, e.id AS encounter_id, e.occurred_at, e.occurred_offset,
           o.returned, o.recommend, o.word_of_mouth,
           row_number() OVER (
               PARTITION BY e.business_id
               ORDER BY coalesce(o.at, e.occurred_at) DESC, e.id DESC
           ) AS outcome_rank
    FROM outcome o CROSS JOIN encounter e ON e.id = o.encounter_id
)
SELECT b.id AS business_id, b.name, b.category,
       t.encounters, t.failures, t.open,
       ends.first_id, t.first_seen,
       ends.latest_id, latest.occurred_at AS last_seen, latest.occurred_offset AS last_offset,
       t.quality_sum, t.quality_count, m.median_response_hours,
       t.timely, t.timely_known, t.disputed,
       t.failures_returned, t.failures_lost, t.failures_undecided, t.undecided_would_recommend,
       t.promoters, t.detractors, t.respondents, t.told,
       -- the latest failure, its outcome, and the first encounter after it
       f.id AS failure_id, f.occurred_at AS failure_at, f.disputed AS failure_disputed,
       fo.returned AS failure_returned, fo.switched_to AS failure_switched_to,
       fo.recommend AS failure_recommend,
       EXISTS (SELECT 1 FROM response r WHERE r.encounter_id = f.id) AS failure_has_response,
       nxt.id AS after_failure_id, nxt.occurred_at AS after_failure_at,
       -- the latest outcome, and whether an encounter came after its encounter
       lo.encounter_id AS outcome_encounter_id, lo.occurred_at AS outcome_occurred_at,
       lo.occurred_offset AS outcome_offset, lo.returned AS outcome_returned,
       lo.recommend AS outcome_recommend, lo.word_of_mouth AS outcome_word_of_mouth,
       (lo.encounter_id IS NOT NULL AND lo.encounter_id <> ends.latest_id) AS outcome_later
FROM totals t
JOIN business b ON b.id = t.business_id
JOIN ends ON ends.business_id = t.business_id
JOIN encounter latest ON latest.id = ends.latest_id
LEFT JOIN medians m ON m.business_id = t.business_id
LEFT JOIN encounter f ON f.id = ends.failure_id
LEFT JOIN outcome fo ON fo.encounter_id = f.id
LEFT JOIN encounter nxt ON nxt.id = (
    SELECT e.id FROM encounter e
    WHERE e.business_id = f.business_id AND (e.occurred_at, e.id) > (f.occurred_at, f.id)
    ORDER BY e.occurred_at, e.id LIMIT 1
)
LEFT JOIN outcomes lo ON lo.business_id = t.business_id AND lo.outcome_rank = 1
ORDER BY b.name_key;
