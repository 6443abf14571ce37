"""The `svclog` console script."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, raised by svclog's own SIGINT handler instead of Python's.

    CPython remembers a bare KeyboardInterrupt that passes through code compiled from a string
    (a dataclass or namedtuple being built, an annotation evaluated during a lazy import) and,
    under `python -m svclog`, ends the process by SIGINT after svclog has already reported the
    interruption and chosen exit 130. It compares the exception's exact type, so a subclass
    keeps the documented exit code.
    """


#: What an interrupted command says (and exits 130).
INTERRUPTED = "interrupted; nothing was changed by the unfinished command"


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def catch_interrupts() -> None:
    """Make Ctrl-C raise `Interrupted`, unless SIGINT was ignored or taken over by the caller."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _raise_interrupted)


def run() -> None:
    # Every file svclog creates (journal, WAL, exports, backups) is private to its owner.
    os.umask(0o077)
    catch_interrupts()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        from svclog.cli.app import build, requested_command, wants_root_help

        args = sys.argv[1:]
        command = build(requested_command(args), outline=wants_root_help(args))
    except KeyboardInterrupt:  # before the command's own handling of errors: nothing done
        if os.environ.get("SVCLOG_DEBUG", "") not in ("", "0"):
            raise
        sys.stderr.write(f"Error: {INTERRUPTED}\n")
        sys.exit(130)  # ExitCode.INTERRUPTED, without importing more
    command(prog_name="svclog")
