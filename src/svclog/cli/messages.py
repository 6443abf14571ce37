"""Messages to people, on stderr; never data, never markup."""

from __future__ import annotations

import sys

from svclog.render.sanitize import safe


def _write(prefix: str, text: str) -> None:
    sys.stderr.write(f"{prefix}{safe(text)}\n")
    sys.stderr.flush()


def result(text: str) -> None:
    """A one-line result of a command (what was stored, changed, removed), on stdout."""
    from svclog.render.sanitize import safe_line

    sys.stdout.write(f"{safe_line(text)}\n")


def info(text: str) -> None:
    _write("", text)


def warn(text: str) -> None:
    _write("Warning: ", text)


def error(text: str) -> None:
    """The one-line error every failure ends with."""
    from svclog.render.sanitize import safe_line

    sys.stderr.write(f"Error: {safe_line(text)}\n")
    sys.stderr.flush()
