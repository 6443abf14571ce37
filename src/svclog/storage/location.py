"""Where the journal lives: `--db`, `--journal`, `SVCLOG_DB`, `SVCLOG_JOURNAL`, else the default."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from svclog.core.errors import InvalidValueError, UsageError

DEFAULT_JOURNAL = "svclog"
_JOURNAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class JournalChoice:
    """A `--db` path or a `--journal` name given on one level of the command line.

    (A plain class: every command makes one, and a dataclass costs most of a millisecond to
    define at start-up.)"""

    __slots__ = ("db", "journal")

    def __init__(self, db: str | None = None, journal: str | None = None) -> None:
        if db is not None and journal is not None:
            raise UsageError("use --db or --journal, not both")
        self.db = db
        self.journal = journal


def data_dir() -> Path:
    """The directory holding named journals: `SVCLOG_DATA_DIR`, else the platform's."""
    override = os.environ.get("SVCLOG_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("svclog", appauthor=False))


def journal_file(name: str) -> Path:
    if not _JOURNAL_NAME.match(name):
        raise InvalidValueError(
            f"journal name {name!r} must be letters, digits, '.', '_' or '-' (not a path)"
        )
    filename = name if name.endswith(".db") else f"{name}.db"
    return data_dir() / filename


def resolve(*choices: JournalChoice, default: Callable[[], str | None] = lambda: None) -> Path:
    """The journal path: the first choice that names one (most specific first), then the
    environment (`SVCLOG_DB`, then `SVCLOG_JOURNAL`), then `default()` (the configured
    journal), then the default journal."""
    for choice in choices:
        if choice.db is not None:
            return _db_path(choice.db)
        if choice.journal is not None:
            return journal_file(choice.journal)
    env_db = os.environ.get("SVCLOG_DB")
    if env_db:
        return _db_path(env_db)
    env_journal = os.environ.get("SVCLOG_JOURNAL")
    if env_journal:
        return journal_file(env_journal)
    return journal_file(default() or DEFAULT_JOURNAL)


def _db_path(value: str) -> Path:
    if not value.strip():
        raise InvalidValueError("--db needs a file path")
    if "\x00" in value:
        raise InvalidValueError("--db contains a NUL byte")
    return Path(value).expanduser()
