"""User text: validation on the way in, and the keys used to compare names."""

from __future__ import annotations

import re
import unicodedata

from svclog.core.errors import InvalidValueError

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def check_text(value: str, field: str) -> str:
    """Refuse text that cannot be stored exactly: NUL bytes and lone surrogates."""
    if "\x00" in value:
        raise InvalidValueError(f"{field} contains a NUL byte")
    if value.isascii():  # no surrogates; a constant-time test, unlike encoding it
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValueError(f"{field} is not valid Unicode text") from None
    return value


def optional_text(value: str | None, field: str) -> str | None:
    """Stored text, or None for a missing or blank value. Kept exactly as given otherwise."""
    if value is None or value.strip() == "":
        return None
    return check_text(value, field)


def one_line(value: str, field: str) -> str:
    """A single-line field (a name, a summary): surrounding blanks trimmed, inner text kept."""
    check_text(value, field)
    stripped = value.strip()
    if "\n" in stripped or "\r" in stripped:
        raise InvalidValueError(f"{field} must be a single line")
    return stripped


def required_name(value: str, field: str) -> str:
    name = one_line(value, field)
    if not name:
        raise InvalidValueError(f"{field} must not be empty")
    return name


def name_key(name: str) -> str:
    """The key under which names are unique: case, width and spacing folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def name_skeleton(name: str) -> str:
    """Letters and digits only, accents removed: `Smokey's B.B.Q.` and `smokeys bbq` agree."""
    decomposed = unicodedata.normalize("NFKD", name_key(name))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", letters)


def normalise_label(value: str, field: str) -> str:
    """Open-vocabulary labels (channels): lower case, words joined by `_`."""
    label = _NOT_ALNUM.sub("_", one_line(value, field).casefold()).strip("_")
    if not label:
        raise InvalidValueError(f"{field} must not be empty")
    return label
