"""What every command shares: the journal choice, the clock, where output goes."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from svclog.core.clock import Clock, clock_from_environment
from svclog.storage.location import JournalChoice

if TYPE_CHECKING:
    from pathlib import Path

    from svclog.render.writers import Terminal
    from svclog.storage.journal import Journal


@dataclass
class State:
    """Root options, kept on the root context's `obj`."""

    root: JournalChoice = field(default_factory=JournalChoice)
    no_color: bool = False
    clock: Clock = field(default_factory=clock_from_environment)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def journal_path(ctx: typer.Context, db: str | None, journal: str | None) -> Path:
    from svclog.storage.location import resolve

    return resolve(JournalChoice(db, journal), state(ctx).root)


def open_journal(
    ctx: typer.Context, db: str | None, journal: str | None, *, create: bool = False
) -> Journal:
    from svclog.storage.journal import Journal

    return Journal.open(journal_path(ctx, db, journal), state(ctx).clock, create=create)


def color_allowed(ctx: typer.Context) -> bool:
    return not state(ctx).no_color and "NO_COLOR" not in os.environ


def stdout_terminal(ctx: typer.Context) -> Terminal:
    from svclog.render.writers import Terminal

    is_tty = sys.stdout.isatty()
    return Terminal(is_terminal=is_tty, color=is_tty and color_allowed(ctx))


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()
