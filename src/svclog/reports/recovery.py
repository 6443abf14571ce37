"""What kept customers after a failure: retention broken down by how the business responded.

A failure is *retained* when the customer went back after it (its outcome, or a later
encounter), or — with no sign of leaving — would recommend the business at or above the
won-back threshold; *lost* when they did not go back, switched, or disputed the resolution;
*undecided* otherwise. The retention rate counts decided failures only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum

from svclog.core.loyalty import FailureRecord
from svclog.core.vocabulary import QUALITY_NAMES


class Fate(str, Enum):
    RETAINED = "retained"
    LOST = "lost"
    UNDECIDED = "undecided"


def fate(record: FailureRecord, won_back: int) -> Fate:
    if record.returned_after:
        return Fate.RETAINED
    if record.lost_signal:
        return Fate.LOST
    if record.recommend is not None and record.recommend >= won_back:
        return Fate.RETAINED
    return Fate.UNDECIDED


@dataclass
class Group:
    """The failures that share one value of one factor (e.g. responder = manager)."""

    factor: str
    value: str
    failures: int = 0
    retained: int = 0
    lost: int = 0
    undecided: int = 0

    def add(self, outcome: Fate) -> None:
        self.failures += 1
        if outcome is Fate.RETAINED:
            self.retained += 1
        elif outcome is Fate.LOST:
            self.lost += 1
        else:
            self.undecided += 1

    @property
    def retention(self) -> float | None:
        decided = self.retained + self.lost
        return self.retained / decided if decided else None


SPEEDS = ("same hour", "same day", "within the window", "late", "never")
LEVELS = ("automated", "frontline", "manager", "senior", "owner", "corporate")
APOLOGIES = ("none", "perfunctory", "sincere")
STEPS = ("listened", "fixed", "asked_more", "prevented")
NO_RESPONSE = "no response"


def speed(record: FailureRecord, window: timedelta) -> str:
    hours = record.first_response_hours
    if hours is None:
        return "never"
    if hours <= 1:
        return "same hour"
    if hours <= 24:
        return "same day"
    if hours <= window / timedelta(hours=1):
        return "within the window"
    return "late"


def _order() -> list[tuple[str, str]]:
    """Every group in the order the report lists them, so that empty groups show as 0."""
    quality = [f"{number} {QUALITY_NAMES[number]}" for number in range(1, 6)]
    order = [("all failures", "all")]
    order += [("responder", value) for value in (*LEVELS, NO_RESPONSE)]
    order += [("best quality", value) for value in (*quality, NO_RESPONSE)]
    order += [("apology", value) for value in (*APOLOGIES, NO_RESPONSE)]
    for step in STEPS:
        order += [(step.replace("_", " "), "yes"), (step.replace("_", " "), "no")]
    order += [("speed", value) for value in SPEEDS]
    return order


@dataclass
class RecoveryReport:
    groups: list[Group] = field(default_factory=list)

    def group(self, factor: str, value: str) -> Group | None:
        for group in self.groups:
            if group.factor == factor and group.value == value:
                return group
        return None


def recovery(records: Iterable[FailureRecord], won_back: int, window: timedelta) -> RecoveryReport:
    """Retention after failure by responder level, best response quality, apology, each
    recovery step, remedy type and response speed. Streams `records` once."""
    groups = {key: Group(*key) for key in _order()}
    remedies: dict[str, Group] = {}
    for record in records:
        outcome = fate(record, won_back)
        quality = record.best_quality

        def answered(value: str | None, unknown: str, responded: bool = record.responded) -> str:
            if not responded:
                return NO_RESPONSE
            return value if value is not None else unknown

        keys = [
            ("all failures", "all"),
            ("responder", answered(record.highest_level, "not recorded")),
            (
                "best quality",
                answered(
                    f"{quality} {QUALITY_NAMES[quality]}" if quality is not None else None,
                    "not rated",
                ),
            ),
            ("apology", answered(record.best_apology, "not recorded")),
            ("speed", speed(record, window)),
        ]
        for step in STEPS:
            keys.append((step.replace("_", " "), "yes" if getattr(record, step) else "no"))
        for key in keys:
            groups.setdefault(key, Group(*key)).add(outcome)
        for remedy in record.remedies or ("no remedy",):
            name = remedy.replace("_", " ")
            remedies.setdefault(name, Group("remedy", name)).add(outcome)
    remedy_groups = sorted(remedies.values(), key=lambda g: (g.value == "no remedy", g.value))
    factors = list(dict.fromkeys(factor for factor, _ in _order()))
    factors.insert(factors.index("speed"), "remedy")
    everything = [*groups.values(), *remedy_groups]
    # A factor's groups stay together, values svclog has no name for after the named ones.
    return RecoveryReport(sorted(everything, key=lambda group: factors.index(group.factor)))


def lesson(report: RecoveryReport) -> str | None:
    """One sentence comparing retention after good and poor responses, when the data shows
    both."""
    good = [report.group("best quality", f"{n} {QUALITY_NAMES[n]}") for n in (4, 5)]
    poor = [report.group("best quality", f"{n} {QUALITY_NAMES[n]}") for n in (1, 2)]

    def tally(groups: list[Group | None]) -> tuple[int, int]:
        kept = sum(g.retained for g in groups if g)
        decided = sum(g.retained + g.lost for g in groups if g)
        return kept, decided

    good_kept, good_decided = tally(good)
    poor_kept, poor_decided = tally(poor)
    if not good_decided or not poor_decided:
        return None
    return (
        f"After a good or exemplary response, {good_kept} of {good_decided} decided failures "
        f"kept the customer ({round(100 * good_kept / good_decided)}%); after a hostile or "
        f"dismissive one, {poor_kept} of {poor_decided} "
        f"({round(100 * poor_kept / poor_decided)}%). The response, not the failure, decides."
    )
