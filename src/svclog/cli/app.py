"""The root `svclog` command: global options and the command modules composed together.

Command modules are imported only when needed: `svclog add …` builds the root with just the
`add` command, so a quick entry never pays for the rest of the command line.
"""

import importlib
import inspect
from collections.abc import Sequence
from typing import Annotated

import typer

from svclog import __version__
from svclog.cli.context import State
from svclog.cli.group import SvclogGroup
from svclog.core.clock import clock_from_environment
from svclog.storage.location import JournalChoice

HELP = """\
A journal of service encounters: what happened at a business, how it responded, and
whether it kept your loyalty.

Record one in seconds:  svclog add "Smokey's BBQ" "Meal late and cold" --failure
"""

#: Every top-level command, in the order `svclog --help` lists them, with its module.
COMMANDS = {
    "add": "encounters",
    "list": "encounters",
    "show": "encounters",
    "respond": "timeline",
    "remedy": "timeline",
    "followup": "timeline",
    "outcome": "timeline",
    "resolve": "timeline",
    "abandon": "timeline",
    "edit": "edit",
    "rm": "encounters",
    "search": "encounters",
    "due": "due",
    "export": "exchange",
    "import": "exchange",
    "merge": "exchange",
    "undo": "history",
    "business": "business",
    "report": "report",
    "demo": "demo",
    "config": "config",
    "init": "journal",
    "db": "journal",
}

_ROOT_OPTIONS_WITH_VALUES = ("--db", "--journal", "-j")


def _version(value: bool) -> None:
    if value:
        print(f"svclog {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="PATH", help="Journal file to use (env SVCLOG_DB).", show_default=False
        ),
    ] = None,
    journal_name: Annotated[
        str | None,
        typer.Option(
            "--journal",
            "-j",
            metavar="NAME",
            help="Named journal in the data directory (env SVCLOG_JOURNAL).",
            show_default=False,
        ),
    ] = None,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour or styles (also: env NO_COLOR).")
    ] = False,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore the settings file (for scripts).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = State(JournalChoice(db, journal_name), no_color, clock_from_environment(), no_config)


def build(only: str | None = None, *, outline: bool = False) -> typer.Typer:
    """The command line; with `only`, just that top-level command under the root (with
    `only=""`, none: enough for `svclog --version`). With `outline`, every command is there by
    name and help text only, without its options: enough for `svclog --help`, and spares
    building a hundred-odd options that the root's help does not show."""
    app = typer.Typer(
        cls=SvclogGroup,
        help=HELP,
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    names = [] if only == "" else [only] if only in COMMANDS else list(COMMANDS)
    for name in names:
        module = importlib.import_module(f"svclog.cli.{COMMANDS[name]}")
        if outline:
            _outline(app, module, name)
        else:
            module.register(app, name)
    return app


def _outline(app: typer.Typer, module: object, name: str) -> None:
    """Register `name` with its help text but no options (see `build`)."""
    full = typer.Typer()
    module.register(full, name)  # type: ignore[attr-defined]
    for command in full.registered_commands:
        help_text = command.help or inspect.getdoc(command.callback) or ""
        app.command(name, help=help_text)(_placeholder)
    for group in full.registered_groups:
        assert group.typer_instance is not None
        app.add_typer(typer.Typer(), name=name, help=group.typer_instance.info.help)


def _placeholder() -> None:
    """Stands in for a command in the root's help; never invoked."""


def wants_root_help(args: Sequence[str]) -> bool:
    """`svclog`, `svclog --help` or `svclog -h` (with root options only)."""
    return requested_command(args) is None and (not args or "--help" in args or "-h" in args)


def requested_command(args: Sequence[str]) -> str | None:
    """The top-level command named on the command line, if any (skipping root options);
    "" when `--version` comes first, so that no command module needs loading."""
    skip = False
    for arg in args:
        if arg == "--version":
            return ""
        if skip:
            skip = False
            continue
        if arg in _ROOT_OPTIONS_WITH_VALUES:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg if arg in COMMANDS else None
    return None
