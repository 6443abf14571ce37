"""The root command group: the single place where errors become messages and exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from svclog.cli.main import INTERRUPTED
from svclog.core.errors import ExitCode, SvclogError


def debugging() -> bool:
    return os.environ.get("SVCLOG_DEBUG", "") not in ("", "0")


def _error(text: str) -> None:
    """The one-line error (messages are imported only when there is one to write)."""
    from svclog.cli import messages

    messages.error(text)


def _report(error: SvclogError) -> int:
    """Print the one-line error (after the traceback, with SVCLOG_DEBUG); return its code."""
    if debugging():
        traceback.print_exc()
    _error(error.message)
    return int(error.exit_code)


def _silence_stdout() -> None:
    """After the reader of a pipe has gone (`svclog list | head -1`), end quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class SvclogGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SvclogError as error:
            raise typer.Exit(_report(error)) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None
        except OverflowError:  # a number on the command line beyond what a journal stores
            if debugging():
                traceback.print_exc()
            _error(f"a number is too large (at most {2**63 - 1})")
            raise typer.Exit(int(ExitCode.DOMAIN)) from None
        except KeyboardInterrupt:
            _error(INTERRUPTED)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        code = self._run(args, prog_name, complete_var, windows_expand_args, **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self,
        args: Sequence[str] | None,
        prog_name: str | None,
        complete_var: str | None,
        windows_expand_args: bool,
        **extra: Any,
    ) -> int:
        try:
            result = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except SvclogError as error:
            return _report(error)
        except typer.Abort:
            _error("interrupted")
            return int(ExitCode.INTERRUPTED)
        except BrokenPipeError:
            _silence_stdout()
            return 0
        except Exception as error:
            # Typer's own copy of Click raises its usage errors from here; they carry an
            # exit code and a message. Anything else is a bug, shown in full with SVCLOG_DEBUG.
            if hasattr(error, "exit_code") and hasattr(error, "format_message"):
                if type(error).__name__ == "NoArgsIsHelpError":  # a bare group: its help
                    sys.stderr.write(str(error.format_message()).rstrip("\n") + "\n")
                else:
                    _error(_usage_message(error))
                return int(error.exit_code)
            if debugging():
                raise
            _error(f"unexpected {type(error).__name__}: {error} (SVCLOG_DEBUG=1 shows the details)")
            return int(ExitCode.DOMAIN)
        return result if isinstance(result, int) else 0


def _usage_message(error: Any) -> str:
    message = str(error.format_message()).strip().replace("\n", " ")
    context = getattr(error, "ctx", None)
    if context is not None and getattr(context, "command_path", None):
        return f"{message} (see '{context.command_path} --help')"
    return message
