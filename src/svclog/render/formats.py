"""The output formats every listing and report offers (`--format`)."""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    TABLE = "table"
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    MD = "md"

    def __str__(self) -> str:
        return str(self.value)
