"""`svclog due`: follow-ups due or overdue, and open failures past the timely window."""

import sys
from datetime import timedelta
from typing import Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, settings, state, stdout_terminal
from svclog.cli.options import DbOption, FormatOption, JournalOption
from svclog.render.formats import Format


def register(app: typer.Typer, name: str) -> None:
    app.command(name)(due)


def due(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option(
            "--days",
            "-d",
            min=0,
            max=36500,
            metavar="N",
            help="Also what falls due in the next N days.",
        ),
    ] = 0,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """What is waiting, most overdue first: follow-up reminders that are due, and open failures
    the business has not answered within the timely window. Nothing due: a note on stderr and
    exit 0 (so a cron job can mail the output when there is some)."""
    from svclog.render.due import view
    from svclog.render.writers import write_many
    from svclog.storage.due import due as waiting

    now = state(ctx).clock.now()
    window = settings(ctx).timely_window
    with open_journal(ctx, db, journal) as opened, opened.reading() as conn:
        items = waiting(conn, now, window, timedelta(days=days))
    count = write_many(view(now), items, fmt, sys.stdout, stdout_terminal(ctx))
    if count == 0:
        messages.info("Nothing is due.")
