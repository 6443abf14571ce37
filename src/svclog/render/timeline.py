"""An encounter's timeline: JSON records of its responses, remedies, follow-ups and outcome,
and the events `show` lists in time order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from svclog.core.models import Encounter, FollowUp, Outcome, Remedy, Response
from svclog.core.vocabulary import QUALITY_NAMES, RecordKind
from svclog.core.when import iso, shown
from svclog.render.view import Cell, Column, Record, Styled


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def _value(member: object) -> str | None:
    return None if member is None else str(member)


def response_record(response: Response) -> Record:
    return {
        "id": response.id,
        "uid": response.uid,
        "at": iso(response.at),
        "by": _value(response.by),
        "quality": response.quality,
        "apology": _value(response.apology),
        "listened": response.listened,
        "fixed": response.fixed,
        "asked_more": response.asked_more,
        "prevented": response.prevented,
        "note": response.note,
        "created_at": iso(response.created_at),
        "updated_at": iso(response.updated_at),
    }


def remedy_record(remedy: Remedy) -> Record:
    return {
        "id": remedy.id,
        "uid": remedy.uid,
        "at": iso(remedy.at),
        "type": remedy.type.value,
        "value": remedy.value,
        "currency": remedy.currency,
        "delivered": remedy.delivered,
        "note": remedy.note,
        "created_at": iso(remedy.created_at),
        "updated_at": iso(remedy.updated_at),
    }


def followup_record(followup: FollowUp) -> Record:
    return {
        "id": followup.id,
        "uid": followup.uid,
        "at": iso(followup.at),
        "direction": _value(followup.direction),
        "channel": followup.channel,
        "note": followup.note,
        "due": _iso(followup.due),
        "done": followup.done,
        "created_at": iso(followup.created_at),
        "updated_at": iso(followup.updated_at),
    }


def outcome_record(outcome: Outcome) -> Record:
    return {
        "id": outcome.id,
        "uid": outcome.uid,
        "returned": outcome.returned,
        "recommend": outcome.recommend,
        "word_of_mouth": _value(outcome.word_of_mouth),
        "told": outcome.told,
        "review": outcome.review,
        "switched_to": outcome.switched_to,
        "at": _iso(outcome.at),
        "created_at": iso(outcome.created_at),
        "updated_at": iso(outcome.updated_at),
    }


def quality_text(quality: int | None) -> str | None:
    return None if quality is None else f"{QUALITY_NAMES[quality]} ({quality})"


def _steps(response: Response) -> str | None:
    taken = [
        name
        for name, done in (
            ("listened", response.listened),
            ("fixed it", response.fixed),
            ("asked what else", response.asked_more),
            ("prevented a repeat", response.prevented),
        )
        if done
    ]
    return ", ".join(taken) or None


def _joined(parts: Sequence[str | None]) -> str:
    return " · ".join(part for part in parts if part)


def describe_response(response: Response) -> str:
    apology = None
    if response.apology is not None:
        apology = (
            "no apology"
            if response.apology.value == "none"
            else (f"{response.apology.value} apology")
        )
    return _joined(
        [
            _value(response.by),
            quality_text(response.quality),
            apology,
            _steps(response),
            response.note,
        ]
    )


def describe_remedy(remedy: Remedy) -> str:
    amount = " ".join(part for part in (remedy.value, remedy.currency) if part) or None
    state = "delivered" if remedy.delivered else "promised, pending"
    return _joined([remedy.type.value.replace("_", " "), amount, state, remedy.note])


def describe_followup(followup: FollowUp) -> str:
    who = {"me": "I contacted them", "them": "they contacted me"}.get(str(followup.direction))
    due = None
    if followup.due is not None:
        due = f"due {shown(followup.due)}" + (" (done)" if followup.done else "")
    elif followup.done:
        due = "done"
    return _joined([who, followup.channel, followup.note, due])


def describe_outcome(outcome: Outcome) -> str:
    returned = {True: "went back", False: "did not go back", None: None}[outcome.returned]
    return _joined(
        [
            returned,
            f"would recommend {outcome.recommend}/10" if outcome.recommend is not None else None,
            f"word of mouth {outcome.word_of_mouth.value}" if outcome.word_of_mouth else None,
            f"told {outcome.told}" if outcome.told is not None else None,
            f"review: {outcome.review}" if outcome.review else None,
            f"switched to {outcome.switched_to}" if outcome.switched_to else None,
        ]
    )


EVENT_COLUMNS = (
    Column("When", min_width=16),
    Column("Ref"),
    Column("Event"),
    Column("Details", ratio=1, min_width=20, wrap=True),
)


def events(encounter: Encounter) -> list[Sequence[Cell]]:
    """The timeline rows of `show`, in time order (ties keep the order of the story)."""
    rows: list[tuple[datetime, int, Sequence[Cell]]] = []

    def event(moment: datetime, ref: str, name: Cell, details: str | None) -> None:
        rows.append((moment, len(rows), (shown(moment), ref, name, details)))

    what = encounter.summary or ""
    if encounter.failure:
        severity = f"severity {encounter.severity}" if encounter.severity else None
        event(
            encounter.occurred_at,
            f"#{encounter.id}",
            Styled("failure", "red"),
            _joined([what, severity, encounter.issue]),
        )
    else:
        event(encounter.occurred_at, f"#{encounter.id}", "encounter", what)
    if encounter.complained_at is not None:
        event(encounter.complained_at, "", "complaint", None)
    for response in encounter.responses:
        event(
            response.at,
            RecordKind.RESPONSE.ref(response.id),
            "response",
            describe_response(response),
        )
    for remedy in encounter.remedies:
        event(remedy.at, RecordKind.REMEDY.ref(remedy.id), "remedy", describe_remedy(remedy))
    for followup in encounter.followups:
        event(
            followup.at,
            RecordKind.FOLLOWUP.ref(followup.id),
            "follow-up",
            describe_followup(followup),
        )
    outcome = encounter.outcome
    if outcome is not None:
        event(
            outcome.at or outcome.updated_at,
            RecordKind.OUTCOME.ref(outcome.id),
            "outcome",
            describe_outcome(outcome),
        )
    return [cells for _, _, cells in sorted(rows, key=lambda row: (row[0], row[1]))]
