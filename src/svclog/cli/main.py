"""The `svclog` console script."""

from __future__ import annotations

import os
import sys


def run() -> None:
    # Every file svclog creates (journal, WAL, exports, backups) is private to its owner.
    os.umask(0o077)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    from svclog.cli.app import build, requested_command

    build(requested_command(sys.argv[1:]))(prog_name="svclog")
