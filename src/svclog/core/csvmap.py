"""CSV rows into encounter records: svclog's own export, or another tool's file with a map.

A foreign row becomes a record of svclog's shape (product.md §6) that `parse_encounter`
checks: `--map COLUMN=FIELD` names where each wanted column goes, `--set FIELD=VALUE` adds
constants, `--date-format` reads dates, and `--key COLUMN` gives each row a stable uid, so
that importing the same file again updates instead of adding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from svclog.core import text
from svclog.core.errors import InvalidValueError, UsageError
from svclog.core.exchange import ENCOUNTER_FIELDS
from svclog.core.ids import CROCKFORD, new_ulid

_NOT_MAPPABLE = (
    "id",
    "uid",
    "business",
    "responses",
    "remedies",
    "followups",
    "outcome",
    "created_at",
    "updated_at",
)

#: Encounter fields a foreign column can fill: the business's name and category, and the
#: record's own single-valued fields.
MAPPABLE = (
    "business",
    "category",
    *(name for name in ENCOUNTER_FIELDS if name not in _NOT_MAPPABLE),
)
_DATES = ("occurred_at", "complained_at")


@dataclass(frozen=True)
class ColumnMap:
    """How another tool's CSV maps onto encounters."""

    columns: Mapping[str, str] = field(default_factory=dict)  # COLUMN -> FIELD
    constants: Mapping[str, str] = field(default_factory=dict)  # FIELD -> VALUE
    date_format: str | None = None
    key: str | None = None


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """`A=B` pairs (`--map`, `--set`), checked: the field side must be mappable."""
    found: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = pair.partition("=")
        if not sep or not left.strip():
            raise UsageError(f"{option} takes NAME=VALUE, not {pair!r}")
        found[left.strip()] = right if option == "--set" else right.strip()
    fields = found.values() if option == "--map" else found.keys()
    for name in fields:
        if name not in MAPPABLE:
            raise UsageError(
                f"{option}: {name!r} is not an encounter field; use one of: {', '.join(MAPPABLE)}"
            )
    return found


def check_columns(mapping: ColumnMap, header: Sequence[str]) -> None:
    missing = [
        c for c in (*mapping.columns, *([mapping.key] if mapping.key else [])) if c not in header
    ]
    if missing:
        raise UsageError(f"no column {missing[0]!r} in the file (it has: {', '.join(header)})")
    if not mapping.columns:
        raise UsageError(
            "this CSV is not an svclog export: say which columns to read with "
            "--map COLUMN=FIELD (e.g. --map Store=business --map Date=occurred_at)"
        )


def _date(
    value: str,
    date_format: str | None,
    name: str,
    local: Callable[[datetime], datetime],
    now: datetime,
) -> str:
    """A date cell as ISO-8601 with an offset: read with `--date-format`, else as svclog reads
    dates typed on the command line (ISO-8601, or natural: a date alone is that local day)."""
    if date_format:
        try:
            moment = datetime.strptime(value.strip(), date_format)
        except ValueError:
            raise InvalidValueError(
                f"{name} {value!r} does not match --date-format {date_format!r}"
            ) from None
        try:
            return local(moment).isoformat()
        except (OverflowError, ValueError):
            raise InvalidValueError(f"{name} {value!r} is out of range") from None
    from svclog.core.when import parse_when

    try:
        return parse_when(value, now, allow_future=True).isoformat()
    except InvalidValueError as error:
        raise InvalidValueError(f"{name} {error.message}") from None


def stable_uid(key: str, moment: str) -> str:
    """A ULID-shaped uid derived from a row's key: the same row always gets the same uid."""
    digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:10], "big")
    try:
        millis = int(datetime.fromisoformat(moment).timestamp() * 1000)
    except ValueError:
        millis = 0
    value = (max(millis, 0) % (1 << 48) << 80) | digest
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def foreign_record(
    row: Mapping[str, str],
    mapping: ColumnMap,
    now: datetime,
    local: Callable[[datetime], datetime],
) -> dict[str, Any]:
    """A record of svclog's shape from one foreign CSV row (values still text)."""
    for column, cell in row.items():
        if isinstance(cell, str):
            text.check_text(cell, f"column {column!r}")
    values: dict[str, Any] = dict(mapping.constants)
    for column, name in mapping.columns.items():
        cell = row.get(column, "")
        if cell != "":
            values[name] = cell
    for name in _DATES:
        if values.get(name):
            values[name] = _date(values[name], mapping.date_format, name, local, now)
    tags = values.pop("tags", "")
    business = {"name": values.pop("business", ""), "category": values.pop("category", None)}
    moment = values.get("occurred_at") or now.isoformat()
    key = f"{mapping.key}={row.get(mapping.key, '')}" if mapping.key else None
    record: dict[str, Any] = {
        **values,
        "uid": stable_uid(key, moment) if key else new_ulid(now),
        "business": business,
        "occurred_at": moment,
        "tags": [t.strip() for t in tags.split(",") if t.strip()] if tags else [],
        "created_at": now.isoformat(),
        "updated_at": now.isoformat(),
    }
    return record


def svclog_record(row: Mapping[str, str], safe: bool) -> dict[str, Any]:
    """A record of svclog's shape from a row of svclog's own CSV export."""
    cells = {name: _unsafe(value) if safe else value for name, value in row.items()}

    def nullable(name: str) -> str | None:
        value = cells.get(name, "")
        return value if value != "" else None

    def timeline(name: str) -> Any:
        value = cells.get(name, "")
        if value == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise InvalidValueError(f"{name} is not valid JSON") from None

    record: dict[str, Any] = {
        "id": nullable("id"),
        "uid": cells.get("uid", ""),
        "business": {"name": cells.get("business", ""), "category": nullable("category")},
        "tags": [t for t in cells.get("tags", "").split(",") if t] if cells.get("tags") else [],
        "responses": timeline("responses") or [],
        "remedies": timeline("remedies") or [],
        "followups": timeline("followups") or [],
        "outcome": timeline("outcome"),
    }
    for name in ENCOUNTER_FIELDS:
        if name not in record:
            record[name] = nullable(name)
    return record


def _unsafe(cell: str) -> str:
    """Undo `spreadsheet_safe`: one leading `'` goes."""
    return cell[1:] if cell.startswith("'") else cell
