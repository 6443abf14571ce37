"""Python's cycle collector, paused where a command makes many objects and no cycles."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (then as before).

    Reading a large import or building a report of 20,000 businesses makes millions of
    objects that reference counting frees; the collector would only walk them, again and again
    as they pile up (a tenth of a large import, a fifth of the loyalty report's tables)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
