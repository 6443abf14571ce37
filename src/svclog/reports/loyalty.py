"""The loyalty rules of product.md §4, over the facts storage aggregates.

Let F be a business's most recent failure; "after F" means F's outcome and any later encounter
at the same business.

1. F exists: went back after F (its outcome says so, or a later encounter) → won_back; else
   did not go back, switched to a competitor, or disputed F's resolution → lost; else would
   recommend them at or above the won-back threshold (7) → won_back; else → at_risk.
2. No failure: the latest outcome says they did not go back → lost; two or more encounters,
   or went back → kept; else → new.
3. advocate (beside the status, never with lost): the latest outcome has positive word of
   mouth, or a recommend score at or above the advocate threshold (9) from a customer who went
   back — a score alone is an intention; an advocate has returned or spread the word.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from svclog.core.loyalty import BusinessFacts, FailureFacts
from svclog.core.settings import Settings
from svclog.core.vocabulary import LoyaltyStatus as LoyaltyStatus
from svclog.core.vocabulary import SortKey as SortKey
from svclog.core.vocabulary import WordOfMouth
from svclog.core.when import shown_day


class LoyaltyRow(NamedTuple):
    """A business's row of the scoreboard (a named tuple, like the facts it comes from)."""

    business: str
    category: str | None
    status: LoyaltyStatus
    reason: str
    deciding_encounter_id: int
    advocate: bool
    encounters: int
    failures: int
    open: int
    last_seen: datetime
    response_quality: float | None
    median_response_hours: float | None
    timely_rate: float | None
    disputed_rate: float | None
    recovery_rate: float | None
    nps: int | None
    told: int


def _on(encounter_id: int, moment: datetime) -> str:
    return f"#{encounter_id} ({shown_day(moment)})"


def _after_failure(failure: FailureFacts, won_back: int) -> tuple[LoyaltyStatus, str, int]:
    failed = _on(failure.encounter_id, failure.occurred_at)
    if failure.returned:
        return LoyaltyStatus.WON_BACK, f"went back after the failure {failed}", failure.encounter_id
    if failure.later_encounter_id is not None and failure.later_encounter_at is not None:
        later = _on(failure.later_encounter_id, failure.later_encounter_at)
        return (
            LoyaltyStatus.WON_BACK,
            f"came back {later} after the failure {failed}",
            (failure.later_encounter_id),
        )
    if failure.returned is False:
        return (
            LoyaltyStatus.LOST,
            f"did not go back after the failure {failed}",
            (failure.encounter_id),
        )
    if failure.switched_to:
        return (
            LoyaltyStatus.LOST,
            f"switched to {failure.switched_to} after the failure {failed}",
            (failure.encounter_id),
        )
    if failure.disputed:
        return (
            LoyaltyStatus.LOST,
            f"disputed how the failure {failed} was resolved",
            (failure.encounter_id),
        )
    if failure.recommend is not None and failure.recommend >= won_back:
        return (
            LoyaltyStatus.WON_BACK,
            (f"would recommend them ({failure.recommend}/10) after the failure {failed}"),
            failure.encounter_id,
        )
    if not failure.has_response:
        reason = f"no response yet to the failure {failed}"
    elif failure.recommend is not None:
        reason = f"undecided after the failure {failed} (would recommend {failure.recommend}/10)"
    else:
        reason = f"undecided after the failure {failed}: no outcome yet"
    return LoyaltyStatus.AT_RISK, reason, failure.encounter_id


def _without_failure(facts: BusinessFacts) -> tuple[LoyaltyStatus, str, int]:
    outcome = facts.latest_outcome
    if outcome is not None and outcome.returned is False:
        after = _on(outcome.encounter_id, outcome.occurred_at)
        return LoyaltyStatus.LOST, f"did not go back after {after}", outcome.encounter_id
    if facts.encounters >= 2:
        latest = _on(facts.latest_encounter_id, facts.last_seen)
        reason = f"{facts.encounters} encounters, none failed; the latest {latest}"
        return LoyaltyStatus.KEPT, reason, facts.latest_encounter_id
    if outcome is not None and outcome.returned:
        after = _on(outcome.encounter_id, outcome.occurred_at)
        return LoyaltyStatus.KEPT, f"went back after {after}", outcome.encounter_id
    only = _on(facts.first_encounter_id, facts.first_seen)
    return LoyaltyStatus.NEW, f"one encounter {only}, nothing failed", facts.first_encounter_id


def _advocate(facts: BusinessFacts, status: LoyaltyStatus, threshold: int) -> bool:
    outcome = facts.latest_outcome
    if status is LoyaltyStatus.LOST or outcome is None:
        return False
    if outcome.word_of_mouth is WordOfMouth.POSITIVE:
        return True
    went_back = bool(outcome.returned) or outcome.later_encounter
    return went_back and outcome.recommend is not None and outcome.recommend >= threshold


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def recovered(facts: BusinessFacts, won_back: int) -> tuple[int, int]:
    """(retained, lost) among the business's failures whose outcome is decided."""
    by_score = sum(
        1 for score in facts.undecided_recommends if score is not None and score >= won_back
    )
    return facts.failures_returned + by_score, facts.failures_lost


def loyalty_row(facts: BusinessFacts, settings: Settings) -> LoyaltyRow:
    if facts.latest_failure is not None:
        status, reason, deciding = _after_failure(facts.latest_failure, settings.won_back_recommend)
    else:
        status, reason, deciding = _without_failure(facts)
    retained, lost = recovered(facts, settings.won_back_recommend)
    return LoyaltyRow(
        business=facts.name,
        category=facts.category,
        status=status,
        reason=reason,
        deciding_encounter_id=deciding,
        advocate=_advocate(facts, status, settings.advocate_recommend),
        encounters=facts.encounters,
        failures=facts.failures,
        open=facts.open,
        last_seen=facts.last_seen,
        response_quality=(
            round(facts.quality_sum / facts.quality_count, 2) if facts.quality_count else None
        ),
        median_response_hours=facts.median_response_hours,
        timely_rate=_rate(facts.timely, facts.timely_known),
        disputed_rate=_rate(facts.disputed, facts.failures),
        recovery_rate=_rate(retained, retained + lost),
        nps=(
            round(100 * (facts.promoters - facts.detractors) / facts.respondents)
            if facts.respondents
            else None
        ),
        told=facts.told,
    )


STATUS_ORDER = (
    LoyaltyStatus.AT_RISK,
    LoyaltyStatus.LOST,
    LoyaltyStatus.WON_BACK,
    LoyaltyStatus.KEPT,
    LoyaltyStatus.NEW,
)


def sort_rows(rows: list[LoyaltyRow], key: SortKey, reverse: bool = False) -> list[LoyaltyRow]:
    """Sorted by `key`: statuses in STATUS_ORDER, names A-Z, numbers high to low (empty
    values last), ties by name."""
    by_name = sorted(rows, key=lambda row: row.business.casefold())
    if key is SortKey.BUSINESS:
        ordered = by_name
    elif key is SortKey.STATUS:
        ordered = sorted(by_name, key=lambda row: STATUS_ORDER.index(row.status))
    else:
        attribute = key.value

        def number(row: LoyaltyRow) -> tuple[bool, float]:
            value = getattr(row, attribute)
            if isinstance(value, datetime):
                value = value.timestamp()
            return (value is None, -(value or 0))

        ordered = sorted(by_name, key=number)
    return list(reversed(ordered)) if reverse else ordered
