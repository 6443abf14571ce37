"""Encounter records coming in (import, merge): checked field by field into what storage keeps.

An incoming record is svclog's own encounter shape (product.md §6), from a JSON/NDJSON export,
from svclog's CSV export (its JSON columns), or built from another tool's CSV with `--map`.
Every check names the field, so the caller can name the row too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from svclog.core import text, validate
from svclog.core.errors import InvalidValueError
from svclog.core.ids import is_ulid
from svclog.core.vocabulary import (
    Apology,
    Dimension,
    Direction,
    EncounterStatus,
    RemedyType,
    ResponderLevel,
    WordOfMouth,
)

#: The largest whole number a journal stores (SQLite's 64-bit integers).
MAX_INTEGER = 2**63 - 1
_WHOLE = re.compile(r"^-?[0-9]{1,19}$")
#: Moments a journal keeps: 1970 to the year 9000 (any offset stays inside Python's calendar).
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)

#: Fields of an encounter record (besides the timeline lists).
ENCOUNTER_FIELDS = (
    "id",
    "uid",
    "business",
    "occurred_at",
    "channel",
    "summary",
    "note",
    "failure",
    "severity",
    "issue",
    "dimension",
    "complained",
    "complained_at",
    "client",
    "tags",
    "status",
    "timely",
    "disputed",
    "responses",
    "remedies",
    "followups",
    "outcome",
    "created_at",
    "updated_at",
)


@dataclass
class IncomingRecord:
    """A timeline record: its kind's fields (as in the JSON records), uid and id."""

    uid: str
    id: int | None
    fields: dict[str, object]
    created_at: datetime | None
    updated_at: datetime | None


@dataclass
class IncomingEncounter:
    uid: str
    id: int | None
    business: str
    category: str | None
    fields: dict[str, object]  # encounter fields, validated (timely: as given, may be None)
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    #: False: `timely` is what an export showed (explicit or derived), so it is kept only where
    #: it differs from what this journal derives. True: it is the stored, explicit value.
    timely_is_explicit: bool = False
    #: For a row of another tool's CSV, the fields it gives: importing it again (same --key)
    #: updates just those, keeping what svclog recorded since. None: a whole svclog record.
    given: frozenset[str] | None = None
    responses: list[IncomingRecord] = field(default_factory=list)
    remedies: list[IncomingRecord] = field(default_factory=list)
    followups: list[IncomingRecord] = field(default_factory=list)
    outcome: IncomingRecord | None = None


def _moment(value: Any, name: str, *, required: bool = False) -> datetime | None:
    if value is None or value == "":
        if required:
            raise InvalidValueError(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be an ISO-8601 date and time, not {value!r}")
    candidate = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        raise InvalidValueError(f"{name} {value!r} is not an ISO-8601 date and time") from None
    if moment.tzinfo is None:
        raise InvalidValueError(f"{name} {value!r} has no UTC offset")
    try:
        if moment < datetime(1970, 1, 1, tzinfo=timezone.utc):
            raise InvalidValueError(f"{name} {value!r} is before 1970")
        if moment >= _LATEST:
            raise InvalidValueError(f"{name} {value!r} is after the year 9000")
    except OverflowError:
        raise InvalidValueError(f"{name} {value!r} is out of range") from None
    return moment.replace(microsecond=0)


def _bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return validate.boolean(value, name)
    raise InvalidValueError(f"{name} must be true, false or empty, not {value!r}")


def _int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidValueError(f"{name} must be a whole number, not {value!r}")
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        value = int(value.strip())
    if isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise InvalidValueError(f"{name} {value} is too large")
        return value
    raise InvalidValueError(f"{name} must be a whole number, not {value!r}")


def _text(value: Any, name: str, *, one_line: bool = False) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be text, not {value!r}")
    if value == "":
        return None
    text.check_text(value, name)
    if one_line and ("\n" in value or "\r" in value):
        raise InvalidValueError(f"{name} must be a single line")
    return value


def _uid(value: Any, name: str) -> str:
    if not isinstance(value, str) or not is_ulid(value.upper()):
        raise InvalidValueError(f"{name} must be a ULID (26 characters), not {value!r}")
    return value.upper()


def _id(value: Any, name: str) -> int | None:
    number = _int(value, name)
    if number is not None and number < 1:
        raise InvalidValueError(f"{name} must be a positive number, not {value!r}")
    return number


def _vocabulary(kind: Any, value: Any, name: str) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be text, not {value!r}")
    return kind.parse(value, name)


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidValueError(f"{name} must be an object")
    return value


def _list(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValueError(f"{name} must be a list")
    return value


def _stamps(data: Mapping[str, Any], name: str) -> tuple[datetime | None, datetime | None]:
    return (
        _moment(data.get("created_at"), f"{name}.created_at"),
        _moment(data.get("updated_at"), f"{name}.updated_at"),
    )


def _response(data: Mapping[str, Any], name: str) -> IncomingRecord:
    quality = data.get("quality")
    if quality is not None and (isinstance(quality, bool) or not isinstance(quality, (int, str))):
        raise InvalidValueError(f"{name}.quality must be 1-5 or a name, not {quality!r}")
    fields: dict[str, object] = {
        "at": _moment(data.get("at"), f"{name}.at", required=True),
        "by": _vocabulary(ResponderLevel, data.get("by"), f"{name}.by"),
        "quality": validate.quality(quality, f"{name}.quality") if quality is not None else None,
        "apology": _vocabulary(Apology, data.get("apology"), f"{name}.apology"),
        "note": _text(data.get("note"), f"{name}.note"),
    }
    for step in ("listened", "fixed", "asked_more", "prevented"):
        fields[step] = _bool(data.get(step), f"{name}.{step}")
    created, updated = _stamps(data, name)
    return IncomingRecord(
        _uid(data.get("uid"), f"{name}.uid"),
        _id(data.get("id"), f"{name}.id"),
        fields,
        created,
        updated,
    )


def _remedy(data: Mapping[str, Any], name: str) -> IncomingRecord:
    value = data.get("value")
    currency = data.get("currency")
    delivered = _bool(data.get("delivered"), f"{name}.delivered")
    fields: dict[str, object] = {
        "at": _moment(data.get("at"), f"{name}.at", required=True),
        "type": RemedyType.parse(str(data.get("type") or ""), f"{name}.type"),
        "value": validate.money(str(value), f"{name}.value") if value not in (None, "") else None,
        "currency": (
            validate.currency(str(currency), f"{name}.currency")
            if currency not in (None, "")
            else None
        ),
        "delivered": True if delivered is None else delivered,
        "note": _text(data.get("note"), f"{name}.note"),
    }
    created, updated = _stamps(data, name)
    return IncomingRecord(
        _uid(data.get("uid"), f"{name}.uid"),
        _id(data.get("id"), f"{name}.id"),
        fields,
        created,
        updated,
    )


def _followup(data: Mapping[str, Any], name: str) -> IncomingRecord:
    channel = _text(data.get("channel"), f"{name}.channel", one_line=True)
    fields: dict[str, object] = {
        "at": _moment(data.get("at"), f"{name}.at", required=True),
        "direction": _vocabulary(Direction, data.get("direction"), f"{name}.direction"),
        "channel": text.normalise_label(channel, f"{name}.channel") if channel else None,
        "note": _text(data.get("note"), f"{name}.note"),
        "due": _moment(data.get("due"), f"{name}.due"),
        "done": bool(_bool(data.get("done"), f"{name}.done")),
    }
    created, updated = _stamps(data, name)
    return IncomingRecord(
        _uid(data.get("uid"), f"{name}.uid"),
        _id(data.get("id"), f"{name}.id"),
        fields,
        created,
        updated,
    )


def _outcome(data: Mapping[str, Any], name: str) -> IncomingRecord:
    recommend = _int(data.get("recommend"), f"{name}.recommend")
    told = _int(data.get("told"), f"{name}.told")
    fields: dict[str, object] = {
        "at": _moment(data.get("at"), f"{name}.at"),
        "returned": _bool(data.get("returned"), f"{name}.returned"),
        "recommend": validate.recommend(recommend, f"{name}.recommend")
        if recommend is not None
        else None,
        "told": validate.count(told, f"{name}.told") if told is not None else None,
        "word_of_mouth": _vocabulary(
            WordOfMouth, data.get("word_of_mouth"), f"{name}.word_of_mouth"
        ),
        "review": _text(data.get("review"), f"{name}.review"),
        "switched_to": _text(data.get("switched_to"), f"{name}.switched_to", one_line=True),
    }
    created, updated = _stamps(data, name)
    return IncomingRecord(
        _uid(data.get("uid"), f"{name}.uid"),
        _id(data.get("id"), f"{name}.id"),
        fields,
        created,
        updated,
    )


def parse_encounter(data: Any) -> IncomingEncounter:
    """An encounter record in svclog's own shape, checked; raises InvalidValueError naming the
    field that is wrong."""
    record = _mapping(data, "the record")
    unknown = sorted(set(record) - set(ENCOUNTER_FIELDS))
    if unknown:
        raise InvalidValueError(f"unknown field {unknown[0]!r}")
    business = _mapping(record.get("business"), "business")
    name = text.required_name(str(business.get("name") or ""), "business.name")
    category = _text(business.get("category"), "business.category", one_line=True)
    occurred = _moment(record.get("occurred_at"), "occurred_at", required=True)
    failure = _bool(record.get("failure"), "failure")
    severity = _int(record.get("severity"), "severity")
    channel = _text(record.get("channel"), "channel", one_line=True)
    status_text = record.get("status")
    fields: dict[str, object] = {
        "occurred_at": occurred,
        "channel": text.normalise_label(channel, "channel") if channel else None,
        "summary": _text(record.get("summary"), "summary", one_line=True),
        "note": _text(record.get("note"), "note"),
        "failure": bool(failure) or severity is not None,
        "severity": validate.severity(severity) if severity is not None else None,
        "issue": _text(record.get("issue"), "issue", one_line=True),
        "dimension": _vocabulary(Dimension, record.get("dimension"), "dimension"),
        "complained": bool(_bool(record.get("complained"), "complained")),
        "complained_at": _moment(record.get("complained_at"), "complained_at"),
        "client": _text(record.get("client"), "client", one_line=True),
        "timely": _bool(record.get("timely"), "timely"),
        "disputed": _bool(record.get("disputed"), "disputed"),
    }
    status = _vocabulary(EncounterStatus, status_text, "status")
    if status is None:
        status = EncounterStatus.OPEN if fields["failure"] else EncounterStatus.RESOLVED
    fields["status"] = status
    tags: list[str] = []
    for tag in _list(record.get("tags"), "tags"):
        if not isinstance(tag, str):
            raise InvalidValueError(f"tags must be text, not {tag!r}")
        clean = text.required_name(tag, "tag")
        if "," in clean:
            raise InvalidValueError(f"tag {tag!r} contains a comma")
        tags.append(clean)
    created, updated = _stamps(record, "encounter")
    uid_value = record.get("uid")
    incoming = IncomingEncounter(
        uid=_uid(uid_value, "uid"),
        id=_id(record.get("id"), "id"),
        business=name,
        category=category,
        fields=fields,
        tags=tuple(tags),
        created_at=created or occurred,  # type: ignore[arg-type]
        updated_at=updated or created or occurred,  # type: ignore[arg-type]
    )
    for index, item in enumerate(_list(record.get("responses"), "responses"), start=1):
        incoming.responses.append(
            _response(_mapping(item, f"responses[{index}]"), f"responses[{index}]")
        )
    for index, item in enumerate(_list(record.get("remedies"), "remedies"), start=1):
        incoming.remedies.append(
            _remedy(_mapping(item, f"remedies[{index}]"), f"remedies[{index}]")
        )
    for index, item in enumerate(_list(record.get("followups"), "followups"), start=1):
        incoming.followups.append(
            _followup(_mapping(item, f"followups[{index}]"), f"followups[{index}]")
        )
    if record.get("outcome") is not None:
        incoming.outcome = _outcome(_mapping(record["outcome"], "outcome"), "outcome")
    return incoming


def from_encounter(encounter: Any) -> IncomingEncounter:
    """An encounter of another journal, as it is stored there (for `svclog merge`)."""
    from svclog.core.models import Encounter

    assert isinstance(encounter, Encounter)

    def record(item: Any, fields: dict[str, object]) -> IncomingRecord:
        return IncomingRecord(item.uid, item.id, fields, item.created_at, item.updated_at)

    incoming = IncomingEncounter(
        uid=encounter.uid,
        id=encounter.id,
        business=encounter.business.name,
        category=encounter.business.category,
        fields={
            "occurred_at": encounter.occurred_at,
            "channel": encounter.channel,
            "summary": encounter.summary,
            "note": encounter.note,
            "failure": encounter.failure,
            "severity": encounter.severity,
            "issue": encounter.issue,
            "dimension": encounter.dimension,
            "complained": encounter.complained,
            "complained_at": encounter.complained_at,
            "client": encounter.client,
            "timely": encounter.timely,
            "disputed": encounter.disputed,
            "status": encounter.status,
        },
        tags=encounter.tags,
        created_at=encounter.created_at,
        updated_at=encounter.updated_at,
        timely_is_explicit=True,
    )
    for response in encounter.responses:
        incoming.responses.append(
            record(
                response,
                {
                    "at": response.at,
                    "by": response.by,
                    "quality": response.quality,
                    "apology": response.apology,
                    "listened": response.listened,
                    "fixed": response.fixed,
                    "asked_more": response.asked_more,
                    "prevented": response.prevented,
                    "note": response.note,
                },
            )
        )
    for remedy in encounter.remedies:
        incoming.remedies.append(
            record(
                remedy,
                {
                    "at": remedy.at,
                    "type": remedy.type,
                    "value": remedy.value,
                    "currency": remedy.currency,
                    "delivered": remedy.delivered,
                    "note": remedy.note,
                },
            )
        )
    for followup in encounter.followups:
        incoming.followups.append(
            record(
                followup,
                {
                    "at": followup.at,
                    "direction": followup.direction,
                    "channel": followup.channel,
                    "note": followup.note,
                    "due": followup.due,
                    "done": followup.done,
                },
            )
        )
    if encounter.outcome is not None:
        outcome = encounter.outcome
        incoming.outcome = record(
            outcome,
            {
                "at": outcome.at,
                "returned": outcome.returned,
                "recommend": outcome.recommend,
                "word_of_mouth": outcome.word_of_mouth,
                "told": outcome.told,
                "review": outcome.review,
                "switched_to": outcome.switched_to,
            },
        )
    return incoming
