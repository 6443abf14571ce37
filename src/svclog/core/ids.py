"""ULIDs: 48 bits of milliseconds and 80 random bits, as 26 Crockford base-32 characters.

The format is the public ULID specification; the 15 lines below replace a dependency whose
import alone costs more than the whole `svclog add` start-up budget. The test suite checks
the output against the python-ulid package.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)


def new_ulid(moment: datetime) -> str:
    """A new ULID whose time part is `moment` (aware)."""
    millis = (moment - _EPOCH) // _MILLISECOND  # exact: no floating point
    if not 0 <= millis < 1 << 48:
        raise ValueError("a ULID's time must lie between 1970 and the year 10889")
    value = (millis << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_ulid(text: str) -> bool:
    return len(text) == 26 and text[0] in "01234567" and all(c in CROCKFORD for c in text)
