"""What every command shares: the journal choice, the clock, where output goes."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

from svclog.core.clock import Clock, clock_from_environment
from svclog.storage.location import JournalChoice

if TYPE_CHECKING:
    from pathlib import Path

    from svclog.core.settings import Settings
    from svclog.render.encounters import Timing
    from svclog.render.writers import Terminal
    from svclog.storage.journal import Journal


class State:
    """Root options, kept on the root context's `obj`. (A plain class: every command builds
    one, and a dataclass costs a millisecond to define at start-up.)"""

    __slots__ = ("clock", "loaded", "no_color", "no_config", "root")

    def __init__(
        self,
        root: JournalChoice | None = None,
        no_color: bool = False,
        clock: Clock | None = None,
        no_config: bool = False,
        loaded: Settings | None = None,
    ) -> None:
        self.root = root if root is not None else JournalChoice()
        self.no_color = no_color
        self.clock = clock if clock is not None else clock_from_environment()
        self.no_config = no_config
        self.loaded = loaded


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def settings(ctx: typer.Context) -> Settings:
    """The settings file's values (read once per command), or the defaults with --no-config."""
    from svclog.core.settings import Settings
    from svclog.storage import settings_file

    current = state(ctx)
    if current.loaded is None:
        current.loaded = (
            Settings() if current.no_config else settings_file.load(settings_file.path())
        )
    return current.loaded


def timing(ctx: typer.Context) -> Timing:
    """What `timely` is judged against in this command."""
    from svclog.render.encounters import Timing

    return Timing(settings(ctx).timely_window, state(ctx).clock.now())


def journal_path(ctx: typer.Context, db: str | None, journal: str | None) -> Path:
    from svclog.storage.location import resolve

    return resolve(
        JournalChoice(db, journal), state(ctx).root, default=lambda: settings(ctx).journal
    )


def open_journal(
    ctx: typer.Context,
    db: str | None,
    journal: str | None,
    *,
    create: bool = False,
    migrate: bool = True,
) -> Journal:
    from svclog.storage.journal import Journal

    path = journal_path(ctx, db, journal)
    return Journal.open(path, state(ctx).clock, create=create, migrate=migrate)


def color_allowed(ctx: typer.Context) -> bool:
    return not state(ctx).no_color and "NO_COLOR" not in os.environ


def stdout_terminal(ctx: typer.Context) -> Terminal:
    from svclog.render.writers import Terminal

    is_tty = sys.stdout.isatty()
    return Terminal(is_terminal=is_tty, color=is_tty and color_allowed(ctx))


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()
