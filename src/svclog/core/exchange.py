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
_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
#: Years whose every moment is inside that range whatever its offset (less than a day), so
#: the comparisons above are needed only near its ends.
_SAFE_YEARS = range(1971, 8999)

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
_KNOWN_FIELDS = frozenset(ENCOUNTER_FIELDS)


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


#: Moments already read, by their text: the same few recur within a record (a record created
#: and never changed, an encounter updated when its response was added).
_MOMENTS: dict[str, datetime] = {}


def _moment(value: Any, name: str, *, required: bool = False) -> datetime | None:
    if type(value) is str:
        known = _MOMENTS.get(value)
        if known is not None:
            return known
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
    if moment.year not in _SAFE_YEARS:
        try:
            if moment < _EARLIEST:
                raise InvalidValueError(f"{name} {value!r} is before 1970")
            if moment >= _LATEST:
                raise InvalidValueError(f"{name} {value!r} is after the year 9000")
        except OverflowError:
            raise InvalidValueError(f"{name} {value!r} is out of range") from None
    if moment.microsecond:
        moment = moment.replace(microsecond=0)
    if len(_MOMENTS) >= 4096:
        _MOMENTS.clear()
    _MOMENTS[value] = moment
    return moment


#: Labels already normalised (a journal uses a handful of channels).
_LABELS: dict[str, str] = {}


def _label(value: str, name: str) -> str:
    """`text.normalise_label`, remembered."""
    label = _LABELS.get(value)
    if label is None:
        label = text.normalise_label(value, name)
        if len(_LABELS) < 4096:
            _LABELS[value] = label
    return label


def _bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return validate.boolean(value, name)
    raise InvalidValueError(f"{name} must be true, false or empty, not {value!r}")


def _int(value: Any, name: str) -> int | None:
    if type(value) is int and -MAX_INTEGER <= value <= MAX_INTEGER:  # the usual case, quickly
        return value
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
    if "\x00" in value or not value.isascii():  # else `check_text` has nothing to refuse
        text.check_text(value, name)
    if one_line and ("\n" in value or "\r" in value):
        raise InvalidValueError(f"{name} must be a single line")
    return value


def _uid(value: Any, name: str) -> str:
    upper = value.upper() if isinstance(value, str) else ""
    # `is_ulid(upper)`, faster: 26 ASCII letters or digits (upper case, as `upper` is), none
    # of them I, L, O or U (so Crockford's base 32), the first a digit from 0 to 7.
    if not (
        len(upper) == 26
        and upper.isascii()
        and upper.isalnum()
        and upper[0] in "01234567"
        and "I" not in upper
        and "L" not in upper
        and "O" not in upper
        and "U" not in upper
    ):
        raise InvalidValueError(f"{name} must be a ULID (26 characters), not {value!r}")
    return upper


def _id(value: Any, name: str) -> int | None:
    number = _int(value, name)
    if number is not None and number < 1:
        raise InvalidValueError(f"{name} must be a positive number, not {value!r}")
    return number


#: Each vocabulary's members by value: a value given exactly is its member (as `parse` says).
_MEMBERS: dict[Any, dict[str, Any]] = {
    kind: {member.value: member for member in kind}
    for kind in (
        Apology,
        Dimension,
        Direction,
        EncounterStatus,
        RemedyType,
        ResponderLevel,
        WordOfMouth,
    )
}


def _vocabulary(kind: Any, value: Any, name: str) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidValueError(f"{name} must be text, not {value!r}")
    member = _MEMBERS[kind].get(value)
    return member if member is not None else kind.parse(value, name)


def _mapping(value: Any, name: str) -> Mapping[str, Any]:
    if type(value) is not dict and not isinstance(value, Mapping):  # dict: the usual, fast
        raise InvalidValueError(f"{name} must be an object")
    return value


def _list(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidValueError(f"{name} must be a list")
    return value


def _items(record: Mapping[str, Any], name: str) -> list[Any]:
    """`_list` of the field `name`: a list as is (the usual case, without a call)."""
    value = record.get(name)
    return value if type(value) is list else _list(value, name)


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
        "channel": _label(channel, f"{name}.channel") if channel else None,
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
    if not _KNOWN_FIELDS.issuperset(record):
        unknown = sorted(set(record) - _KNOWN_FIELDS)
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
        "channel": _label(channel, "channel") if channel else None,
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
    for tag in _items(record, "tags"):
        if not isinstance(tag, str):
            raise InvalidValueError(f"tags must be text, not {tag!r}")
        clean = text.required_name(tag, "tag")
        if "," in clean:
            raise InvalidValueError(f"tag {tag!r} contains a comma")
        tags.append(clean)
    created = _moment(record.get("created_at"), "encounter.created_at")
    updated = _moment(record.get("updated_at"), "encounter.updated_at")
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
    for index, item in enumerate(_items(record, "responses"), start=1):
        incoming.responses.append(
            _response(_mapping(item, f"responses[{index}]"), f"responses[{index}]")
        )
    for index, item in enumerate(_items(record, "remedies"), start=1):
        incoming.remedies.append(
            _remedy(_mapping(item, f"remedies[{index}]"), f"remedies[{index}]")
        )
    for index, item in enumerate(_items(record, "followups"), start=1):
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
