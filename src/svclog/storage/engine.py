"""SQLite's library-wide settings, made before the library starts.

SQLite keeps memory statistics by default (`SQLITE_CONFIG_MEMSTATUS`): every allocation then
takes one mutex shared by every connection of the process. Debian's SQLite also allocates
everything with malloc (it is built without lookaside memory), so two connections working at
once on two threads, as an export and the loyalty report do, queue at that mutex: measured on
a 2-core machine, an export of 200,000 encounters spent a third of its time there, most of it
in the kernel. Python's sqlite3 module offers no way to turn the statistics off (svclog never
reads them), so this calls SQLite's `sqlite3_config` itself, which SQLite allows only before
it starts: before `sqlite3` is imported.
"""

from __future__ import annotations

import sys

#: sqlite3.h: SQLITE_CONFIG_MEMSTATUS, and SQLITE_OK.
_CONFIG_MEMSTATUS = 9
_OK = 0


def without_memory_statistics() -> bool:
    """Turn SQLite's memory statistics off, if SQLite has not started yet; whether they are
    off. Anything unexpected leaves SQLite as it is."""
    if "_sqlite3" in sys.modules or sys.platform == "darwin":
        # Started already; on macOS (arm64) a variadic C function cannot be called this way.
        return False
    try:
        import ctypes
        import importlib.util

        spec = importlib.util.find_spec("_sqlite3")
        if spec is None or spec.origin is None:
            return False
        # The extension module's own file, loaded but not run (Python runs it at import):
        # the SQLite it links to, or holds, is the one every connection will use.
        config = ctypes.CDLL(spec.origin).sqlite3_config
    except (ImportError, OSError, AttributeError, ValueError):
        return False
    return bool(config(_CONFIG_MEMSTATUS, 0) == _OK)
