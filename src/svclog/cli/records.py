"""Timeline record fields as typed on the command line, validated into stored values.

Each function returns only the fields that were given (None means "not given"); an empty
string clears an optional text field. Everything is checked before the journal is opened, so
a refused value writes nothing.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from svclog.core import text, validate
from svclog.core.vocabulary import Apology, Direction, RemedyType, ResponderLevel, WordOfMouth
from svclog.core.when import parse_when


def _moment(value: str, now: datetime, allow_future: bool) -> datetime:
    return parse_when(value, now, allow_future=allow_future)


def _text(value: str | None, field: str) -> str | None:
    return text.optional_text(value, field) if value is not None else None


def _given(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value is not _MISSING}


class _Missing:
    pass


_MISSING = _Missing()


T = TypeVar("T")


def _or_missing(value: T | None, convert: Callable[[T], object] | None = None) -> object:
    if value is None:
        return _MISSING
    return convert(value) if convert is not None else value


def response_fields(
    now: datetime,
    allow_future: bool,
    *,
    when: str | None = None,
    by: str | None = None,
    quality: str | None = None,
    apology: str | None = None,
    listened: bool | None = None,
    fixed: bool | None = None,
    asked_more: bool | None = None,
    prevented: bool | None = None,
    note: str | None = None,
) -> dict[str, object]:
    return _given(
        at=_or_missing(when, lambda v: _moment(v, now, allow_future)),
        by=_or_missing(by, lambda v: ResponderLevel.parse(v, "--by") if v.strip() else None),
        quality=_or_missing(quality, lambda v: validate.quality(v) if v.strip() else None),
        apology=_or_missing(
            apology, lambda v: Apology.parse(v, "--apology") if v.strip() else None
        ),
        listened=_or_missing(listened),
        fixed=_or_missing(fixed),
        asked_more=_or_missing(asked_more),
        prevented=_or_missing(prevented),
        note=_or_missing(note, lambda v: _text(v, "note")),
    )


def remedy_fields(
    now: datetime,
    allow_future: bool,
    *,
    when: str | None = None,
    type: str | None = None,
    value: str | None = None,
    currency: str | None = None,
    delivered: bool | None = None,
    note: str | None = None,
) -> dict[str, object]:
    return _given(
        at=_or_missing(when, lambda v: _moment(v, now, allow_future)),
        type=_or_missing(type, lambda v: RemedyType.parse(v, "remedy type")),
        value=_or_missing(value, lambda v: validate.money(v) if v.strip() else None),
        currency=_or_missing(currency, lambda v: validate.currency(v) if v.strip() else None),
        delivered=_or_missing(delivered),
        note=_or_missing(note, lambda v: _text(v, "note")),
    )


def followup_fields(
    now: datetime,
    allow_future: bool,
    *,
    when: str | None = None,
    direction: str | None = None,
    channel: str | None = None,
    note: str | None = None,
    due: str | None = None,
    done: bool | None = None,
) -> dict[str, object]:
    def due_date(value: str) -> datetime | None:
        if not value.strip():
            return None
        return parse_when(value, now, allow_future=True, prefer_future=True)

    return _given(
        at=_or_missing(when, lambda v: _moment(v, now, allow_future)),
        direction=_or_missing(
            direction, lambda v: Direction.parse(v, "--by") if v.strip() else None
        ),
        channel=_or_missing(
            channel, lambda v: text.normalise_label(v, "channel") if v.strip() else None
        ),
        note=_or_missing(note, lambda v: _text(v, "note")),
        due=_or_missing(due, due_date),
        done=_or_missing(done),
    )


def outcome_fields(
    now: datetime,
    allow_future: bool,
    *,
    when: str | None = None,
    returned: bool | None = None,
    recommend: int | None = None,
    told: int | None = None,
    word_of_mouth: str | None = None,
    review: str | None = None,
    switched_to: str | None = None,
) -> dict[str, object]:
    def mouth(value: str) -> WordOfMouth | None:
        return WordOfMouth.parse(value, "--word-of-mouth") if value.strip() else None

    def switched(value: str) -> str | None:
        return text.one_line(value, "--switched-to") or None

    return _given(
        at=_or_missing(when, lambda v: _moment(v, now, allow_future)),
        returned=_or_missing(returned),
        recommend=_or_missing(recommend, lambda v: validate.recommend(v, "--recommend")),
        told=_or_missing(told, lambda v: validate.count(v, "--told")),
        word_of_mouth=_or_missing(word_of_mouth, mouth),
        review=_or_missing(review, lambda v: _text(v, "review")),
        switched_to=_or_missing(switched_to, switched),
    )
