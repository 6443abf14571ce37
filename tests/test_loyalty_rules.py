"""The loyalty rules of product.md §4 (with the README's advocate refinement) as pure functions:
facts built by hand, `loyalty_row` and `sort_rows` called directly, no journal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from svclog.core.loyalty import BusinessFacts, FailureFacts, OutcomeFacts
from svclog.core.settings import Settings
from svclog.core.vocabulary import WordOfMouth
from svclog.reports.loyalty import (
    STATUS_ORDER,
    LoyaltyRow,
    LoyaltyStatus,
    SortKey,
    loyalty_row,
    sort_rows,
)

UTC = timezone.utc
#: 2026-03-14 19:00 in Paris (the test zone): the failure every case below starts from.
FAILED_AT = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)
LATER_AT = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVCLOG_CONFIG", str(tmp_path / "config.toml"))


def failure(**changes: object) -> FailureFacts:
    base = FailureFacts(
        encounter_id=4,
        occurred_at=FAILED_AT,
        disputed=False,
        returned=None,
        switched_to=None,
        recommend=None,
        has_response=True,
        later_encounter_id=None,
        later_encounter_at=None,
    )
    return base._replace(**changes)  # type: ignore[arg-type]


def outcome(**changes: object) -> OutcomeFacts:
    base = OutcomeFacts(
        encounter_id=4,
        occurred_at=FAILED_AT,
        returned=None,
        recommend=None,
        word_of_mouth=None,
        later_encounter=False,
    )
    return base._replace(**changes)  # type: ignore[arg-type]


def facts(**changes: object) -> BusinessFacts:
    base = BusinessFacts(
        business_id=1,
        name="Smokey's",
        category="restaurant",
        encounters=1,
        failures=1,
        open=0,
        first_encounter_id=4,
        first_seen=FAILED_AT,
        latest_encounter_id=4,
        last_seen=FAILED_AT,
        latest_failure=failure(),
        latest_outcome=None,
        quality_sum=0,
        quality_count=0,
        median_response_hours=None,
        timely=0,
        timely_known=0,
        disputed=0,
        failures_returned=0,
        failures_lost=0,
        undecided_recommends=(),
        promoters=0,
        detractors=0,
        respondents=0,
        told=0,
    )
    return base._replace(**changes)  # type: ignore[arg-type]


def after_failure(
    outcome_facts: OutcomeFacts | None = None,
    settings: Settings | None = None,
    **failure_changes: object,
) -> LoyaltyRow:
    return loyalty_row(
        facts(latest_failure=failure(**failure_changes), latest_outcome=outcome_facts),
        settings or Settings(),
    )


def no_failure(
    encounters: int, outcome_facts: OutcomeFacts | None = None, settings: Settings | None = None
) -> LoyaltyRow:
    return loyalty_row(
        facts(
            encounters=encounters,
            failures=0,
            first_encounter_id=2,
            latest_failure=None,
            latest_outcome=outcome_facts,
        ),
        settings or Settings(),
    )


# --- rule 1: the latest failure decides ----------------------------------------------------


def test_returned_after_the_failure_is_won_back_and_names_it() -> None:
    row = after_failure(returned=True)
    assert row.status is LoyaltyStatus.WON_BACK
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason
    assert row.deciding_encounter_id == 4


def test_a_later_encounter_counts_as_a_return_and_the_reason_names_it() -> None:
    row = after_failure(later_encounter_id=9, later_encounter_at=LATER_AT)
    assert row.status is LoyaltyStatus.WON_BACK
    assert "#9" in row.reason
    assert "2026-04-02" in row.reason
    assert "#4" in row.reason
    assert row.deciding_encounter_id == 9


def test_a_later_encounter_outranks_an_outcome_that_says_not_returned() -> None:
    # "returned after F" comes first in rule 1: going back beats an earlier "never again".
    row = after_failure(returned=False, later_encounter_id=9, later_encounter_at=LATER_AT)
    assert row.status is LoyaltyStatus.WON_BACK
    assert "#9" in row.reason


def test_returned_beats_disputed_and_switched() -> None:
    row = after_failure(returned=True, disputed=True, switched_to="Rival Grill")
    assert row.status is LoyaltyStatus.WON_BACK


def test_not_returned_is_lost() -> None:
    row = after_failure(returned=False, recommend=10)
    assert row.status is LoyaltyStatus.LOST
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason


def test_switched_to_a_competitor_is_lost_and_names_it() -> None:
    row = after_failure(switched_to="Rival Grill", recommend=10)
    assert row.status is LoyaltyStatus.LOST
    assert "Rival Grill" in row.reason
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason


def test_disputed_is_lost_even_with_a_high_score() -> None:
    row = after_failure(disputed=True, recommend=10)
    assert row.status is LoyaltyStatus.LOST
    assert "disputed" in row.reason
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason


@pytest.mark.parametrize(
    ("recommend", "expected"),
    [
        (None, LoyaltyStatus.AT_RISK),
        (0, LoyaltyStatus.AT_RISK),
        (6, LoyaltyStatus.AT_RISK),
        (7, LoyaltyStatus.WON_BACK),
        (10, LoyaltyStatus.WON_BACK),
    ],
)
def test_recommend_at_the_won_back_threshold(
    recommend: int | None, expected: LoyaltyStatus
) -> None:
    row = after_failure(recommend=recommend)
    assert row.status is expected
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason


@pytest.mark.parametrize(
    ("threshold", "recommend", "expected"),
    [
        (8, 7, LoyaltyStatus.AT_RISK),
        (8, 8, LoyaltyStatus.WON_BACK),
        (5, 5, LoyaltyStatus.WON_BACK),
        (5, 4, LoyaltyStatus.AT_RISK),
    ],
)
def test_won_back_threshold_is_configurable(
    threshold: int, recommend: int, expected: LoyaltyStatus
) -> None:
    settings = Settings(won_back_recommend=threshold, advocate_recommend=10)
    assert after_failure(settings=settings, recommend=recommend).status is expected


def test_no_response_yet_is_at_risk() -> None:
    row = after_failure(has_response=False)
    assert row.status is LoyaltyStatus.AT_RISK
    assert "no response yet" in row.reason
    assert "#4" in row.reason
    assert "2026-03-14" in row.reason


def test_answered_but_undecided_is_at_risk_with_its_score() -> None:
    row = after_failure(recommend=6)
    assert row.status is LoyaltyStatus.AT_RISK
    assert "no response yet" not in row.reason
    assert "6/10" in row.reason


def test_the_reason_date_is_the_local_day() -> None:
    # 23:30 UTC on 14 March is already 15 March in Paris.
    row = after_failure(returned=True, occurred_at=datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    assert "2026-03-15" in row.reason


# --- rule 2: no failure ----------------------------------------------------------------------


def test_one_encounter_is_new() -> None:
    row = no_failure(1)
    assert row.status is LoyaltyStatus.NEW
    assert "#2" in row.reason


def test_two_encounters_are_kept() -> None:
    assert no_failure(2).status is LoyaltyStatus.KEPT


def test_one_encounter_and_went_back_is_kept() -> None:
    assert no_failure(1, outcome(encounter_id=2, returned=True)).status is LoyaltyStatus.KEPT


@pytest.mark.parametrize("encounters", [1, 2, 5])
def test_not_returned_without_failure_is_lost(encounters: int) -> None:
    row = no_failure(encounters, outcome(encounter_id=2, returned=False))
    assert row.status is LoyaltyStatus.LOST
    assert "#2" in row.reason


def test_a_recommend_score_alone_does_not_keep_a_new_business() -> None:
    row = no_failure(1, outcome(encounter_id=2, recommend=10))
    assert row.status is LoyaltyStatus.NEW


# --- rule 3: advocate --------------------------------------------------------------------------


@pytest.mark.parametrize(("recommend", "advocate"), [(8, False), (9, True), (10, True)])
def test_advocate_threshold_with_a_return(recommend: int, advocate: bool) -> None:
    row = after_failure(outcome(returned=True, recommend=recommend), returned=True)
    assert row.status is LoyaltyStatus.WON_BACK
    assert row.advocate is advocate


def test_a_high_score_without_a_return_is_not_yet_an_advocate() -> None:
    # Story 3: "would recommend, 9", not back yet → won back, no advocate.
    row = after_failure(outcome(recommend=9), recommend=9)
    assert row.status is LoyaltyStatus.WON_BACK
    assert row.advocate is False


def test_positive_word_of_mouth_makes_an_advocate_without_a_score() -> None:
    row = after_failure(outcome(word_of_mouth=WordOfMouth.POSITIVE), has_response=False)
    assert row.status is LoyaltyStatus.AT_RISK
    assert row.advocate is True


@pytest.mark.parametrize("word", [WordOfMouth.NEGATIVE, WordOfMouth.NONE, None])
def test_other_word_of_mouth_does_not_make_an_advocate(word: WordOfMouth | None) -> None:
    row = after_failure(outcome(returned=True, recommend=8, word_of_mouth=word), returned=True)
    assert row.advocate is False


@pytest.mark.parametrize(
    "lost",
    [
        {"returned": False},
        {"switched_to": "Rival Grill"},
        {"disputed": True},
    ],
)
def test_never_an_advocate_when_lost(lost: dict[str, object]) -> None:
    praise = outcome(returned=False, recommend=10, word_of_mouth=WordOfMouth.POSITIVE)
    row = after_failure(praise, **lost)
    assert row.status is LoyaltyStatus.LOST
    assert row.advocate is False


def test_never_an_advocate_when_lost_without_failure() -> None:
    praise = outcome(encounter_id=2, returned=False, word_of_mouth=WordOfMouth.POSITIVE)
    row = no_failure(3, praise)
    assert row.status is LoyaltyStatus.LOST
    assert row.advocate is False


def test_kept_customer_who_went_back_and_scores_nine_is_an_advocate() -> None:
    row = no_failure(2, outcome(encounter_id=2, returned=True, recommend=9))
    assert row.status is LoyaltyStatus.KEPT
    assert row.advocate is True


@pytest.mark.parametrize(("threshold", "advocate"), [(10, False), (9, True), (8, True)])
def test_advocate_threshold_is_configurable(threshold: int, advocate: bool) -> None:
    settings = Settings(won_back_recommend=7, advocate_recommend=threshold)
    row = after_failure(outcome(returned=True, recommend=9), settings, returned=True)
    assert row.advocate is advocate


def test_a_customer_who_came_back_after_the_failure_has_gone_back_for_the_advocate_flag() -> None:
    # The failure's outcome says "would recommend, 10" and the customer has since come back
    # (a later encounter, no outcome of its own): rule 1 says they went back after F, so by
    # the README's rule 3 ("9 or more from a customer who went back") they are an advocate.
    row = loyalty_row(
        facts(
            encounters=2,
            latest_failure=failure(recommend=10, later_encounter_id=9, later_encounter_at=LATER_AT),
            latest_outcome=outcome(recommend=10, later_encounter=True),
        ),
        Settings(),
    )
    assert row.status is LoyaltyStatus.WON_BACK
    assert row.advocate is True


# --- metrics -------------------------------------------------------------------------------


def test_metrics_from_the_facts() -> None:
    row = loyalty_row(
        facts(
            encounters=5,
            failures=3,
            open=1,
            quality_sum=11,  # 5 + 4 + 2
            quality_count=3,
            median_response_hours=1.5,
            timely=2,
            timely_known=3,
            disputed=1,
            failures_returned=1,
            failures_lost=1,
            undecided_recommends=(7, 6, None),  # 7 counts as retained, the rest stay undecided
            promoters=2,
            detractors=1,
            respondents=3,
            told=12,
        ),
        Settings(),
    )
    assert row.encounters == 5
    assert row.failures == 3
    assert row.open == 1
    assert row.response_quality == 3.67
    assert row.median_response_hours == 1.5
    assert row.timely_rate == 2 / 3
    assert row.disputed_rate == 1 / 3
    assert row.recovery_rate == 2 / 3  # retained 1 + 1 by score, lost 1
    assert row.nps == 33  # round(100 * (2 - 1) / 3)
    assert row.told == 12
    assert row.last_seen == FAILED_AT


def test_recovery_rate_follows_the_won_back_threshold() -> None:
    business = facts(failures=2, failures_lost=1, undecided_recommends=(7,))
    assert loyalty_row(business, Settings()).recovery_rate == 0.5
    strict = Settings(won_back_recommend=8, advocate_recommend=9)
    assert loyalty_row(business, strict).recovery_rate == 0.0


def test_nothing_to_count_is_none() -> None:
    row = no_failure(2)
    assert row.response_quality is None
    assert row.median_response_hours is None
    assert row.timely_rate is None
    assert row.disputed_rate is None
    assert row.recovery_rate is None
    assert row.nps is None
    assert row.told == 0


def test_undecided_failures_leave_the_recovery_rate_empty() -> None:
    row = loyalty_row(facts(undecided_recommends=(None, 3)), Settings())
    assert row.recovery_rate is None
    assert row.disputed_rate == 0.0


@pytest.mark.parametrize(
    ("promoters", "detractors", "respondents", "nps"),
    [(1, 0, 1, 100), (0, 1, 1, -100), (0, 0, 1, 0), (1, 1, 4, 0), (2, 0, 3, 67), (0, 2, 3, -67)],
)
def test_nps(promoters: int, detractors: int, respondents: int, nps: int) -> None:
    row = loyalty_row(
        facts(promoters=promoters, detractors=detractors, respondents=respondents), Settings()
    )
    assert row.nps == nps


# --- sorting -------------------------------------------------------------------------------


def _row(name: str, status: LoyaltyStatus, **values: object) -> LoyaltyRow:
    base = LoyaltyRow(
        business=name,
        category=None,
        status=status,
        reason="",
        deciding_encounter_id=1,
        advocate=False,
        encounters=1,
        failures=0,
        open=0,
        last_seen=FAILED_AT,
        response_quality=None,
        median_response_hours=None,
        timely_rate=None,
        disputed_rate=None,
        recovery_rate=None,
        nps=None,
        told=0,
    )
    return base._replace(**values)  # type: ignore[arg-type]


ROWS = [
    _row(
        "bravo",
        LoyaltyStatus.KEPT,
        encounters=3,
        failures=0,
        last_seen=FAILED_AT + timedelta(days=2),
        response_quality=None,
        median_response_hours=None,
        timely_rate=None,
        recovery_rate=None,
        nps=50,
        told=1,
    ),
    _row(
        "Alpha",
        LoyaltyStatus.LOST,
        encounters=1,
        failures=1,
        last_seen=FAILED_AT,
        response_quality=2.0,
        median_response_hours=30.0,
        timely_rate=0.5,
        recovery_rate=0.0,
        nps=-100,
        told=0,
    ),
    _row(
        "charlie",
        LoyaltyStatus.AT_RISK,
        encounters=2,
        failures=2,
        last_seen=FAILED_AT + timedelta(days=1),
        response_quality=4.5,
        median_response_hours=0.5,
        timely_rate=1.0,
        recovery_rate=1.0,
        nps=None,
        told=5,
    ),
    _row("Delta", LoyaltyStatus.NEW, encounters=1, nps=0, told=0),
    _row("echo", LoyaltyStatus.WON_BACK, encounters=2, failures=1, told=0),
]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (SortKey.STATUS, ["charlie", "Alpha", "echo", "bravo", "Delta"]),
        (SortKey.BUSINESS, ["Alpha", "bravo", "charlie", "Delta", "echo"]),
        (SortKey.ENCOUNTERS, ["bravo", "charlie", "echo", "Alpha", "Delta"]),
        (SortKey.FAILURES, ["charlie", "Alpha", "echo", "bravo", "Delta"]),
        (SortKey.LAST_SEEN, ["bravo", "charlie", "Alpha", "Delta", "echo"]),
        (SortKey.QUALITY, ["charlie", "Alpha", "bravo", "Delta", "echo"]),
        (SortKey.RESPONSE_HOURS, ["Alpha", "charlie", "bravo", "Delta", "echo"]),
        (SortKey.TIMELY, ["charlie", "Alpha", "bravo", "Delta", "echo"]),
        (SortKey.RECOVERY, ["charlie", "Alpha", "bravo", "Delta", "echo"]),
        (SortKey.NPS, ["bravo", "Delta", "Alpha", "charlie", "echo"]),
        (SortKey.TOLD, ["charlie", "bravo", "Alpha", "Delta", "echo"]),
    ],
)
def test_sort_rows(key: SortKey, expected: list[str]) -> None:
    assert [row.business for row in sort_rows(ROWS, key)] == expected
    assert [row.business for row in sort_rows(ROWS, key, reverse=True)] == expected[::-1]


def test_status_order_covers_every_status() -> None:
    assert set(STATUS_ORDER) == set(LoyaltyStatus)
    assert STATUS_ORDER[0] is LoyaltyStatus.AT_RISK
