"""Property: the per-business facts `business_facts` aggregates in one SQL statement (schema 2:
response facts stored on the encounter, a covering index, index seeks) equal what a plain
Python reading of the rules' definitions gives, on small random journals built through the
storage layer, with and without report filters."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from statistics import median

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svclog.core import text
from svclog.core.clock import FixedClock
from svclog.core.loyalty import BusinessFacts, FailureFacts, OutcomeFacts, ReportFilter
from svclog.core.models import EncounterDraft
from svclog.core.vocabulary import EncounterStatus, RecordKind, WordOfMouth
from svclog.storage import encounters, snapshot, timeline
from svclog.storage.encounters import EncounterChanges
from svclog.storage.journal import Journal, command
from svclog.storage.loyalty import business_facts

UTC = timezone.utc
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=UTC)
WINDOW = timedelta(hours=48)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)

NAMES = ("Alpha Diner", "bravo Bank", "Charlie Cafe", "Delta Air")
CATEGORIES = (None, "restaurant", "Restaurant", "bank")
CLIENTS = (None, "acme", "ACME", "Globex")
OFFSETS = tuple(
    timezone(timedelta(minutes=minutes)) for minutes in (0, 60, -300, 330)
)  # fmt: skip

#: Moments that matter: the window's edge (now - 48 h) and a second either side, and a few
#: fixed days, so that ties at one business (even in different offsets) are common.
SPECIAL = (
    NOW - WINDOW,
    NOW - WINDOW - SECOND,
    NOW - WINDOW + SECOND,
    NOW - 10 * 24 * HOUR,
    NOW - 30 * 24 * HOUR,
    NOW - 2 * HOUR,
)
instants = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(min_value=-40 * 24 * 3600, max_value=0).map(
        lambda seconds: NOW + timedelta(seconds=seconds)
    ),
)
moments = st.builds(lambda instant, tz: instant.astimezone(tz), instants, st.sampled_from(OFFSETS))
#: How long after the clock starts (complaint, else encounter) a response comes: sometimes
#: before it, exactly at the window, a second either side of it.
delays = st.one_of(
    st.sampled_from((-HOUR, timedelta(0), WINDOW, WINDOW - SECOND, WINDOW + SECOND)),
    st.integers(min_value=-3 * 24 * 3600, max_value=5 * 24 * 3600).map(
        lambda seconds: timedelta(seconds=seconds)
    ),
)
qualities = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
maybe_bool = st.sampled_from((None, True, False))


@dataclass
class ResponseSpec:
    delay: timedelta
    quality: int | None
    edit: tuple[timedelta, int | None] | None  # edit r: a new delay and quality
    removed: bool  # rm r afterwards


@dataclass
class OutcomeSpec:
    returned: bool | None
    recommend: int | None
    told: int | None
    word_of_mouth: WordOfMouth | None
    switched_to: str | None
    at: datetime | None


@dataclass
class EncounterSpec:
    business: int
    occurred_at: datetime
    failure: bool
    complained: bool
    complained_at: datetime | None
    client: str | None
    status: EncounterStatus | None  # None: as `add` sets it
    timely: bool | None
    disputed: bool | None
    responses: list[ResponseSpec]
    outcome: OutcomeSpec | None
    id: int = 0  # once added


responses = st.builds(
    ResponseSpec,
    delay=delays,
    quality=qualities,
    edit=st.one_of(st.none(), st.tuples(delays, qualities)),
    removed=st.booleans(),
)
outcomes = st.builds(
    OutcomeSpec,
    returned=maybe_bool,
    recommend=st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    told=st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
    word_of_mouth=st.one_of(st.none(), st.sampled_from(WordOfMouth)),
    switched_to=st.sampled_from((None, None, "Rival & Co")),
    at=st.one_of(st.none(), moments),
)


@st.composite
def encounter_specs(draw: st.DrawFn, business: int) -> EncounterSpec:
    complained = draw(st.booleans())
    return EncounterSpec(
        business=business,
        occurred_at=draw(moments),
        failure=draw(st.booleans()),
        complained=complained,
        complained_at=draw(st.one_of(st.none(), moments)) if complained else None,
        client=draw(st.sampled_from(CLIENTS)),
        status=draw(st.one_of(st.none(), st.sampled_from(EncounterStatus))),
        timely=draw(st.sampled_from((None, None, True, False))),
        disputed=draw(maybe_bool),
        responses=draw(st.lists(responses, max_size=3)),
        outcome=draw(st.one_of(st.none(), outcomes)),
    )


@dataclass
class World:
    names: list[str]
    categories: list[str | None]
    encounters: list[EncounterSpec]  # in the order they are added (so, by id)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    count = draw(st.integers(min_value=1, max_value=4))
    names = draw(st.permutations(NAMES))[:count]
    categories = [draw(st.sampled_from(CATEGORIES)) for _ in names]
    per_business = [
        draw(st.lists(encounter_specs(index), min_size=1, max_size=8)) for index in range(count)
    ]
    # interleave the businesses' encounters in a random order, so ids and times disagree
    flat = [spec for specs in per_business for spec in specs]
    order = draw(st.permutations(range(len(flat))))
    return World(names, categories, [flat[i] for i in order])


report_filters = st.builds(
    ReportFilter,
    client=st.sampled_from((None, "acme", "Acme", "globex", "nobody")),
    category=st.sampled_from((None, "restaurant", "BANK", "airline")),
    since=st.one_of(st.none(), moments),
    until=st.one_of(st.none(), moments),
    business_id=st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
)


# ----------------------------------------------------------------------------- building


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """An empty journal, created once; each example starts from a copy of it."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "template.db"
        Journal.open(path, FixedClock(NOW), create=True).close()
        yield path


def started(spec: EncounterSpec) -> datetime:
    return spec.complained_at or spec.occurred_at


def build(path: Path, world: World) -> Journal:
    """Write `world` through the storage layer, as `add`, `edit`, `respond`, `edit rN`,
    `rm rN` and `outcome` would (one command, so one transaction)."""
    journal = Journal.open(path, FixedClock(NOW))
    with command(journal, "build") as log:
        for spec in world.encounters:
            draft = EncounterDraft(
                business=world.names[spec.business],
                category=world.categories[spec.business],
                occurred_at=spec.occurred_at,
                summary="visit",
                failure=spec.failure,
                complained=spec.complained,
                complained_at=spec.complained_at,
                client=spec.client,
            )
            spec.id = encounters.add(log, draft, NOW).encounter.id
            changes: dict[str, object] = {"timely": spec.timely, "disputed": spec.disputed}
            if spec.status is not None:
                changes["status"] = spec.status
            encounters.update(log, spec.id, EncounterChanges(fields=changes), NOW)
            for response in spec.responses:
                at = (started(spec) + response.delay).astimezone(OFFSETS[1])
                fields = {"at": at, "quality": response.quality}
                ref = timeline.add(log, RecordKind.RESPONSE, spec.id, fields, NOW)
                if response.edit is not None:
                    delay, quality = response.edit
                    edited = {"at": started(spec) + delay, "quality": quality}
                    timeline.update(log, RecordKind.RESPONSE, ref, edited, NOW)
                    response.delay, response.quality = delay, quality
                if response.removed:
                    timeline.delete(log, RecordKind.RESPONSE, ref, NOW)
            if spec.outcome is not None:
                outcome = spec.outcome
                values = {
                    "returned": outcome.returned,
                    "recommend": outcome.recommend,
                    "told": outcome.told,
                    "word_of_mouth": outcome.word_of_mouth,
                    "switched_to": outcome.switched_to,
                    "at": outcome.at,
                }
                timeline.add(log, RecordKind.OUTCOME, spec.id, values, NOW)
    return journal


# ----------------------------------------------------------------------------- the reference


def key(spec: EncounterSpec) -> tuple[datetime, int]:
    return (spec.occurred_at, spec.id)


def matches(spec: EncounterSpec, world: World, filters: ReportFilter) -> bool:
    """ReportFilter's documented meaning: client and category case-insensitively, since and
    until inclusive on the encounter's moment, the business by id (ids follow first use)."""
    if filters.client is not None and (
        spec.client is None or spec.client.lower() != filters.client.lower()
    ):
        return False
    category = world.categories[spec.business]
    if filters.category is not None and (
        category is None or category.lower() != filters.category.lower()
    ):
        return False
    if filters.since is not None and spec.occurred_at < filters.since:
        return False
    if filters.until is not None and spec.occurred_at > filters.until:
        return False
    return filters.business_id is None or business_ids(world)[spec.business] == (
        filters.business_id
    )


def business_ids(world: World) -> dict[int, int]:
    """Business index -> id: businesses are created by the first encounter that names them."""
    ids: dict[int, int] = {}
    for spec in world.encounters:
        ids.setdefault(spec.business, len(ids) + 1)
    return ids


def live(spec: EncounterSpec) -> list[ResponseSpec]:
    return [response for response in spec.responses if not response.removed]


def first_response(spec: EncounterSpec) -> datetime | None:
    return min((started(spec) + r.delay for r in live(spec)), default=None)


def timely(spec: EncounterSpec, now: datetime) -> bool | None:
    """svclog.core.timeliness: as set, else derived from the first response against the
    window, else late once the window has passed without one."""
    if spec.timely is not None:
        return spec.timely
    if not (spec.failure or spec.complained):
        return None
    first = first_response(spec)
    if first is not None:
        return first - started(spec) <= WINDOW
    if now - started(spec) > WINDOW:
        return False
    return None


def reference(world: World, filters: ReportFilter, now: datetime) -> list[BusinessFacts]:
    ids = business_ids(world)
    found: list[BusinessFacts] = []
    for index, name in enumerate(world.names):
        mine = [s for s in world.encounters if s.business == index and matches(s, world, filters)]
        if not mine:
            continue
        first = min(mine, key=key)
        latest = max(mine, key=key)

        def after(spec: EncounterSpec, mine: list[EncounterSpec] = mine) -> list[EncounterSpec]:
            return [other for other in mine if key(other) > key(spec)]

        failures = [s for s in mine if s.failure]
        latest_failure = None
        if failures:
            failed = max(failures, key=key)
            later = min(after(failed), key=key, default=None)
            latest_failure = FailureFacts(
                encounter_id=failed.id,
                occurred_at=failed.occurred_at,
                disputed=failed.disputed is True,
                returned=failed.outcome.returned if failed.outcome else None,
                switched_to=failed.outcome.switched_to if failed.outcome else None,
                recommend=failed.outcome.recommend if failed.outcome else None,
                has_response=bool(live(failed)),
                later_encounter_id=later.id if later else None,
                later_encounter_at=later.occurred_at if later else None,
            )
        with_outcome = [s for s in mine if s.outcome is not None]
        latest_outcome = None
        if with_outcome:
            last = max(
                with_outcome,
                key=lambda s: (s.outcome.at if s.outcome and s.outcome.at else s.occurred_at, s.id),
            )
            assert last.outcome is not None
            latest_outcome = OutcomeFacts(
                encounter_id=last.id,
                occurred_at=last.occurred_at,
                returned=last.outcome.returned,
                recommend=last.outcome.recommend,
                word_of_mouth=last.outcome.word_of_mouth,
                later_encounter=bool(after(last)),
            )
        returned = [
            s for s in failures if (s.outcome is not None and s.outcome.returned) or after(s)
        ]
        lost = [
            s
            for s in failures
            if s not in returned
            and (
                (s.outcome is not None and s.outcome.returned is False)
                or (s.outcome is not None and s.outcome.switched_to is not None)
                or s.disputed is True
            )
        ]
        undecided = [s for s in failures if s not in returned and s not in lost]
        waits = [
            (first_at - started(s)) / HOUR
            for s in mine
            if (first_at := first_response(s)) is not None
        ]
        qualities = [r.quality for s in mine for r in live(s) if r.quality is not None]
        judged = [timely(s, now) for s in mine]
        scores = [s.outcome.recommend for s in with_outcome if s.outcome]
        known = [score for score in scores if score is not None]
        found.append(
            BusinessFacts(
                business_id=ids[index],
                name=name,
                category=world.categories[index],
                encounters=len(mine),
                failures=len(failures),
                open=sum(1 for s in mine if status(s) is EncounterStatus.OPEN),
                first_encounter_id=first.id,
                first_seen=first.occurred_at,
                latest_encounter_id=latest.id,
                last_seen=latest.occurred_at,
                latest_failure=latest_failure,
                latest_outcome=latest_outcome,
                quality_sum=sum(qualities),
                quality_count=len(qualities),
                median_response_hours=round(median(waits), 2) if waits else None,
                timely=judged.count(True),
                timely_known=sum(1 for j in judged if j is not None),
                disputed=sum(1 for s in failures if s.disputed is True),
                failures_returned=len(returned),
                failures_lost=len(lost),
                undecided_recommends=tuple(
                    s.outcome.recommend if s.outcome else None for s in undecided
                ),
                promoters=sum(1 for score in known if score >= 9),
                detractors=sum(1 for score in known if score <= 6),
                respondents=len(known),
                told=sum(s.outcome.told or 0 for s in with_outcome if s.outcome),
            )
        )
    return sorted(found, key=lambda facts: text.name_key(facts.name))


def status(spec: EncounterSpec) -> EncounterStatus:
    if spec.status is not None:
        return spec.status
    return EncounterStatus.OPEN if spec.failure else EncounterStatus.RESOLVED


# ----------------------------------------------------------------------------- the property


def offsets(facts: list[BusinessFacts]) -> list[tuple[object, ...]]:
    """The moments the facts carry "in the offset they were entered in"."""
    return [
        (
            f.last_seen.utcoffset(),
            f.latest_outcome.occurred_at.utcoffset() if f.latest_outcome else None,
        )
        for f in facts
    ]


def stored_facts_agree(conn: sqlite3.Connection) -> bool:
    """The schema-2 facts on each encounter are those of its responses."""
    bad = conn.execute(
        """
        SELECT count(*) FROM encounter e
        WHERE e.first_response_at IS NOT (SELECT min(at) FROM response WHERE encounter_id = e.id)
           OR e.quality_sum != (SELECT coalesce(sum(quality), 0) FROM response
                                WHERE encounter_id = e.id)
           OR e.quality_count != (SELECT count(quality) FROM response WHERE encounter_id = e.id)
        """
    ).fetchone()[0]
    return bool(bad == 0)


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread and two readers share the facts on a machine with more than one core."""
    monkeypatch.setattr(snapshot.os, "cpu_count", lambda: 2)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds(), drawn=st.lists(report_filters, max_size=4))
def test_business_facts_equal_the_rules_definitions(
    template: Path, world: World, drawn: list[ReportFilter]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "journal.db"
        shutil.copyfile(template, path)
        journal = build(path, world)
        try:
            conn = journal.conn
            assert stored_facts_agree(conn)
            per_business = [ReportFilter(business_id=i) for i in business_ids(world).values()]
            for filters in [ReportFilter(), *per_business, *drawn]:
                # A clock's now has a fraction of a second; the journal's moments do not.
                for now in (NOW, NOW + timedelta(microseconds=500_000)):
                    expected = reference(world, filters, now)
                    # Read by `conn` alone, and by two readers of its own with a thread.
                    for shared in (None, path):
                        with journal.reading():
                            found = business_facts(conn, filters, now, WINDOW, path=shared)
                            got = sorted(found, key=lambda facts: text.name_key(facts.name))
                        assert got == expected, (filters, now, shared)
                        assert offsets(got) == offsets(expected), (filters, now, shared)
        finally:
            journal.close()
