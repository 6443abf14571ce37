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
    from svclog.cli.app import build, requested_command, wants_root_help

    args = sys.argv[1:]
    build(requested_command(args), outline=wants_root_help(args))(prog_name="svclog")
