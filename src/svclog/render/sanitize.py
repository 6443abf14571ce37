"""Neutralising user text before it reaches a terminal.

Control characters (C0 but newline and tab, DEL, C1) and the bidirectional overrides and
isolates are replaced by a visible escape such as `\\x1b` or `\\u202e`, so stored text can
never move the cursor, set the clipboard (OSC 52) or reorder what is shown around it.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff\u2028\u2029]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: str) -> str:
    """Text safe to print: newlines and tabs kept, every other control made visible."""
    return _UNSAFE.sub(_escape, text)


def safe_line(text: str) -> str:
    """Text safe to print on one line: newlines and tabs made visible too."""
    return _UNSAFE_LINE.sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_escape_unsafe(json_text: str) -> str:
    """Rewrite the characters `safe` neutralises as JSON `\\uXXXX` escapes (valid JSON)."""
    return _UNSAFE.sub(_json_escape, json_text)
