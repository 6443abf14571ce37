"""Encounter fields as a person types them (options, prompts, the editor template), and their
validation into the values storage keeps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from svclog.core import text, validate
from svclog.core.errors import InvalidValueError

if TYPE_CHECKING:
    from svclog.core.models import EncounterDraft

# The domain models, vocabularies and date parsing are imported where they are used, so that
# `svclog --help` does not pay for them.


class RawFields:
    """Values as typed; None means "not given" (an empty string means "clear it").

    (A plain class: `add` makes one, and a dataclass costs most of a millisecond to define at
    start-up.)"""

    __slots__ = (
        "channel",
        "client",
        "complained",
        "complained_at",
        "dimension",
        "failure",
        "issue",
        "note",
        "severity",
        "status",
        "summary",
        "tags",
        "when",
    )

    def __init__(
        self,
        *,
        when: str | None = None,
        channel: str | None = None,
        summary: str | None = None,
        note: str | None = None,
        failure: bool | None = None,
        severity: int | str | None = None,
        issue: str | None = None,
        dimension: str | None = None,
        complained: bool | None = None,
        complained_at: str | None = None,
        client: str | None = None,
        tags: list[str] | None = None,
        status: str | None = None,
    ) -> None:
        self.when = when
        self.channel = channel
        self.summary = summary
        self.note = note
        self.failure = failure
        self.severity = severity
        self.issue = issue
        self.dimension = dimension
        self.complained = complained
        self.complained_at = complained_at
        self.client = client
        self.tags = tags
        self.status = status

    def given(self) -> set[str]:
        return {name for name in self.__slots__ if getattr(self, name) is not None}


def _severity(value: int | str) -> int | None:
    if isinstance(value, str):
        if value.strip() == "":
            return None
        if not value.strip().isdigit():
            raise InvalidValueError(f"severity must be from 1 to 5, not {value!r}")
        value = int(value.strip())
    return validate.severity(value)


def tag_list(values: list[str]) -> tuple[str, ...]:
    tags: list[str] = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                tags.append(text.required_name(part, "tag"))
    return tuple(tags)


def clean(raw: RawFields, now: datetime, *, allow_future: bool) -> dict[str, object]:
    """Validated values for the fields that were given, keyed by encounter field name."""
    from svclog.core.vocabulary import Dimension, EncounterStatus
    from svclog.core.when import parse_when

    out: dict[str, object] = {}
    if raw.when is not None:
        out["occurred_at"] = parse_when(raw.when, now, allow_future=allow_future)
    if raw.channel is not None:
        out["channel"] = (
            text.normalise_label(raw.channel, "channel") if raw.channel.strip() else None
        )
    if raw.summary is not None:
        out["summary"] = text.one_line(raw.summary, "summary") or None
    if raw.note is not None:
        out["note"] = text.optional_text(raw.note, "note")
    if raw.severity is not None:
        out["severity"] = _severity(raw.severity)
    if raw.failure is not None:
        out["failure"] = raw.failure
    if out.get("severity") is not None:
        if raw.failure is False:
            raise InvalidValueError("a severity means something went wrong; drop --no-failure")
        out["failure"] = True
    if raw.issue is not None:
        out["issue"] = text.one_line(raw.issue, "issue") or None
    if raw.dimension is not None:
        out["dimension"] = (
            Dimension.parse(raw.dimension, "dimension") if raw.dimension.strip() else None
        )
    if raw.complained_at is not None:
        moment = (
            parse_when(raw.complained_at, now, allow_future=allow_future)
            if raw.complained_at.strip()
            else None
        )
        out["complained_at"] = moment
        if moment is not None:
            out["complained"] = True
    if raw.complained is not None:
        if raw.complained is False and out.get("complained_at") is not None:
            raise InvalidValueError("a complaint time means there was a complaint")
        out.setdefault("complained", raw.complained)
    if raw.client is not None:
        out["client"] = text.one_line(raw.client, "client") or None
    if raw.tags is not None:
        out["tags"] = tag_list(raw.tags)
    if raw.status is not None:
        out["status"] = EncounterStatus.parse(raw.status, "status")
    return out


def draft_from(
    business: str, category: str | None, values: dict[str, object], now: datetime
) -> EncounterDraft:
    """The encounter `add` records from validated `values` (see `clean`)."""
    from svclog.core.models import EncounterDraft
    from svclog.core.vocabulary import Dimension

    return EncounterDraft(
        business=business,
        category=category,
        occurred_at=cast(datetime, values.get("occurred_at", now)),
        channel=cast("str | None", values.get("channel")),
        summary=cast("str | None", values.get("summary")),
        note=cast("str | None", values.get("note")),
        failure=bool(values.get("failure", False)),
        severity=cast("int | None", values.get("severity")),
        issue=cast("str | None", values.get("issue")),
        dimension=cast("Dimension | None", values.get("dimension")),
        complained=bool(values.get("complained", False)),
        complained_at=cast("datetime | None", values.get("complained_at")),
        client=cast("str | None", values.get("client")),
        tags=cast("tuple[str, ...]", values.get("tags", ())),
    )
