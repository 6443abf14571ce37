"""`svclog.core.timeliness` on encounters built here: no journal, no command line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from svclog.core.models import BusinessRef, Encounter, Response
from svclog.core.timeliness import describe_hours, needs_response, timeliness
from svclog.core.vocabulary import EncounterStatus

PARIS = timezone(timedelta(hours=1))
NEW_YORK = timezone(timedelta(hours=-5))
WINDOW = timedelta(hours=48)
NOW = datetime(2026, 11, 22, 15, 30, tzinfo=PARIS)
OCCURRED = datetime(2026, 11, 18, 19, 0, tzinfo=PARIS)
COMPLAINED = datetime(2026, 11, 19, 9, 0, tzinfo=PARIS)
STAMP = datetime(2026, 11, 22, 14, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def no_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVCLOG_CONFIG", str(tmp_path / "config.toml"))


BASE = Encounter(
    id=1,
    uid="01M81TKXJ078R01R22E3X8E001",
    business=BusinessRef(1, "Smokey's BBQ", "restaurant"),
    occurred_at=OCCURRED,
    channel="in_person",
    summary="Meal late and cold",
    note=None,
    failure=True,
    severity=3,
    issue="wait time",
    dimension=None,
    complained=False,
    complained_at=None,
    client=None,
    tags=(),
    status=EncounterStatus.OPEN,
    timely=None,
    disputed=None,
    created_at=STAMP,
    updated_at=STAMP,
)


def response(number: int, at: datetime) -> Response:
    return Response(
        id=number,
        uid=f"01M81TKXJ078R01R22E3X8R{number:03d}",
        at=at,
        by=None,
        quality=None,
        apology=None,
        listened=None,
        fixed=None,
        asked_more=None,
        prevented=None,
        note=None,
        created_at=STAMP,
        updated_at=STAMP,
    )


def answered(encounter: Encounter, *moments: datetime) -> Encounter:
    return encounter._replace(
        responses=tuple(response(i, at) for i, at in enumerate(moments, start=1))
    )


COMPLAINT = BASE._replace(complained=True, complained_at=COMPLAINED)


# ----------------------------------------------------------------------------- the window


@pytest.mark.parametrize(
    ("encounter", "start"),
    [(BASE, OCCURRED), (COMPLAINT, COMPLAINED)],
    ids=["from-occurred_at", "from-complained_at"],
)
@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (timedelta(minutes=5), True),
        (timedelta(hours=47, minutes=59), True),
        (timedelta(hours=48), True),
        (timedelta(hours=48, minutes=1), False),
        (timedelta(days=9), False),
    ],
)
def test_first_response_against_the_window(
    encounter: Encounter, start: datetime, after: timedelta, expected: bool
) -> None:
    facts = timeliness(answered(encounter, start + after), WINDOW, NOW)
    assert facts.timely is expected
    assert facts.derived is True
    assert facts.started_at == start
    assert facts.first_response_at == start + after


def test_the_clock_starts_at_the_complaint_not_the_encounter() -> None:
    # 60 h after the encounter but 46 h after the complaint: timely.
    at = OCCURRED + timedelta(hours=60)
    assert at - COMPLAINED == timedelta(hours=46)
    assert timeliness(answered(COMPLAINT, at), WINDOW, NOW).timely is True
    assert timeliness(answered(BASE, at), WINDOW, NOW).timely is False


def test_the_window_holds_across_utc_offsets() -> None:
    # Complaint at 09:00+01:00 (08:00Z); the answer at 03:00-05:00 two days later (08:00Z).
    at = datetime(2026, 11, 21, 3, 0, tzinfo=NEW_YORK)
    facts = timeliness(answered(COMPLAINT, at), WINDOW, NOW)
    assert facts.first_response_hours == 48.0
    assert facts.timely is True
    late = timeliness(answered(COMPLAINT, at + timedelta(minutes=1)), WINDOW, NOW)
    assert late.timely is False


def test_the_first_response_is_the_earliest_whatever_the_order() -> None:
    late = OCCURRED + timedelta(hours=70)
    early = OCCURRED + timedelta(hours=2, minutes=30)
    facts = timeliness(answered(BASE, late, early), WINDOW, NOW)
    assert facts.first_response_at == early
    assert facts.first_response_hours == 2.5
    assert facts.timely is True


def test_first_response_hours_is_none_without_a_response() -> None:
    facts = timeliness(BASE, WINDOW, NOW)
    assert facts.first_response_at is None
    assert facts.first_response_hours is None


@pytest.mark.parametrize(
    ("hours", "window", "expected"),
    [(30, 48, True), (30, 24, False), (30, 30, True), (2, 1.5, False), (1, 1.5, True)],
)
def test_the_window_is_a_parameter(hours: float, window: float, expected: bool) -> None:
    facts = timeliness(
        answered(BASE, OCCURRED + timedelta(hours=hours)), timedelta(hours=window), NOW
    )
    assert facts.timely is expected


# ----------------------------------------------------------------------------- no response yet


@pytest.mark.parametrize(
    ("waited", "expected"),
    [
        (timedelta(hours=1), None),
        (timedelta(hours=47, minutes=59), None),
        (timedelta(hours=48), None),
        (timedelta(hours=48, minutes=1), False),
        (timedelta(days=30), False),
    ],
)
@pytest.mark.parametrize("encounter", [BASE, COMPLAINT], ids=["failure", "complaint"])
def test_no_response_is_unknown_until_the_window_has_passed(
    encounter: Encounter, waited: timedelta, expected: bool | None
) -> None:
    start = encounter.complained_at or encounter.occurred_at
    facts = timeliness(encounter, WINDOW, start + waited)
    assert facts.timely is expected
    assert facts.derived is True
    assert facts.first_response_at is None


# ----------------------------------------------------------------------------- explicit value


@pytest.mark.parametrize("explicit", [True, False])
@pytest.mark.parametrize(
    "responses",
    [(), (OCCURRED + timedelta(hours=1),), (OCCURRED + timedelta(days=5),)],
    ids=["none", "quick", "late"],
)
def test_an_explicit_value_wins(explicit: bool, responses: tuple[datetime, ...]) -> None:
    encounter = answered(BASE._replace(timely=explicit), *responses)
    facts = timeliness(encounter, WINDOW, NOW)
    assert facts.timely is explicit
    assert facts.derived is False
    assert facts.first_response_at == (responses[0] if responses else None)


def test_an_explicit_value_wins_on_a_non_failure() -> None:
    encounter = BASE._replace(failure=False, severity=None, timely=False)
    facts = timeliness(encounter, WINDOW, NOW)
    assert facts.timely is False
    assert facts.derived is False


# ----------------------------------------------------------------------------- nothing to answer


FINE = BASE._replace(failure=False, severity=None, issue=None, status=EncounterStatus.RESOLVED)


@pytest.mark.parametrize(
    "responses",
    [(), (OCCURRED + timedelta(hours=1),), (OCCURRED + timedelta(days=5),)],
    ids=["none", "quick", "late"],
)
def test_a_non_failure_without_complaint_has_no_timeliness(
    responses: tuple[datetime, ...],
) -> None:
    facts = timeliness(answered(FINE, *responses), WINDOW, NOW)
    assert facts.timely is None
    assert facts.derived is True
    assert needs_response(FINE) is False


def test_a_complaint_about_a_non_failure_is_judged() -> None:
    complained = FINE._replace(complained=True)
    assert needs_response(complained) is True
    late = timeliness(answered(complained, OCCURRED + timedelta(hours=49)), WINDOW, NOW)
    assert late.timely is False
    assert timeliness(complained, WINDOW, NOW).timely is False
    quick = timeliness(answered(complained, OCCURRED + timedelta(hours=3)), WINDOW, NOW)
    assert quick.timely is True


# ----------------------------------------------------------------------------- describe_hours


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0, "0 min"),
        (0.25, "15 min"),
        (0.99, "59 min"),
        (1, "1 h"),
        (3.5, "3.5 h"),
        (47.9, "47.9 h"),
        (48, "2 days"),
        (72, "3 days"),
        (-20.5, "20.5 h"),
        (-72, "3 days"),
    ],
)
def test_describe_hours(hours: float, text: str) -> None:
    assert describe_hours(hours) == text
