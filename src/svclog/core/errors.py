"""Errors that reach the user, each with its documented exit code (product.md §7)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    DOMAIN = 1
    USAGE = 2
    BAD_DATA = 65
    JOURNAL_MISSING = 66
    BUSY = 75
    TOO_NEW = 78
    INTERRUPTED = 130


class SvclogError(Exception):
    """Base of every error svclog reports as one line: `Error: <message>`."""

    exit_code: ExitCode = ExitCode.DOMAIN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(SvclogError):
    """An encounter, business or record id that does not exist."""


class InvalidValueError(SvclogError):
    """A value that fails validation (a rating out of range, an unknown enum value, a bad date)."""


class ConflictError(SvclogError):
    """A change that would break a rule of the journal (a name already taken)."""


class NothingToUndoError(SvclogError):
    """`undo` with an empty history."""


class UsageError(SvclogError):
    """Options that cannot be used together."""

    exit_code = ExitCode.USAGE


class BadDataError(SvclogError):
    """Input data that cannot be read (an import file, a file that is not a journal)."""

    exit_code = ExitCode.BAD_DATA


class JournalMissingError(SvclogError):
    """The journal file does not exist and the command does not create journals."""

    exit_code = ExitCode.JOURNAL_MISSING


class JournalBusyError(SvclogError):
    """Another svclog holds the journal's write lock past the busy timeout."""

    exit_code = ExitCode.BUSY


class JournalTooNewError(SvclogError):
    """The journal was written by a newer svclog with a schema this one does not know."""

    exit_code = ExitCode.TOO_NEW
