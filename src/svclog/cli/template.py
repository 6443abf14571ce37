"""The text a person edits in $EDITOR for `add --editor` and `edit`."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from svclog.cli.fields import RawFields
from svclog.core import validate
from svclog.core.errors import InvalidValueError, SvclogError

NOTE_MARK = "--- note: everything below this line ---"

_HEADER = """\
# svclog: edit the fields, save and close. Lines starting with '#' are ignored;
# an empty value clears the field. failure/complained: yes or no. severity: 1-5.
# dimension: reliability, responsiveness, assurance, empathy or tangibles.
"""

_KEYS = {
    "business": "business",
    "when": "when",
    "channel": "channel",
    "summary": "summary",
    "failure": "failure",
    "severity": "severity",
    "issue": "issue",
    "dimension": "dimension",
    "complained": "complained",
    "complained at": "complained_at",
    "client": "client",
    "tags": "tags",
    "status": "status",
}


def render(values: dict[str, str]) -> str:
    """`values` maps template keys (`business`, `complained at`, …, `note`) to text."""
    lines = [_HEADER]
    for key in _KEYS:
        if key in values:
            lines.append(f"{key}: {values[key]}\n")
    lines.append(f"{NOTE_MARK}\n")
    lines.append(values.get("note", ""))
    return "".join(lines)


def parse(content: str) -> tuple[str | None, RawFields]:
    """The business and the fields of an edited template."""
    head, mark, note = content.partition(NOTE_MARK)
    raw = RawFields()
    business: str | None = None
    for number, line in enumerate(head.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        field = _KEYS.get(key.strip().casefold())
        if not colon or field is None:
            raise InvalidValueError(
                f"line {number} of the template is not 'field: value': {line!r}"
            )
        value = value.strip()
        if field == "business":
            business = value
        elif field in ("failure", "complained"):
            setattr(raw, field, validate.boolean(value, field) if value else False)
        elif field == "tags":
            raw.tags = [value]
        else:
            setattr(raw, field, value)
    if mark:
        raw.note = note[1:] if note.startswith("\n") else note
        raw.note = raw.note.rstrip("\n")
    return business, raw


def edit_text(initial: str) -> str:
    """Open $VISUAL or $EDITOR on `initial` and return what the person saved."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise SvclogError("set $EDITOR (or $VISUAL) to the editor to use")
    with tempfile.TemporaryDirectory(prefix="svclog-") as folder:
        path = Path(folder) / "encounter.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(initial)
        try:
            result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        except OSError as error:
            raise SvclogError(f"cannot start the editor {editor!r}: {error.strerror}") from None
        if result.returncode != 0:
            raise SvclogError(
                f"the editor exited with status {result.returncode}; nothing was changed"
            )
        return path.read_text(encoding="utf-8")
