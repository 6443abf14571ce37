"""`svclog undo`: revert the last command that changed data."""

from typing import Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal
from svclog.cli.options import DbOption, JournalOption


def register(app: typer.Typer, name: str) -> None:
    app.command(name)(undo)


def undo(
    ctx: typer.Context,
    db: DbOption = None,
    journal: JournalOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Revert the last command that changed data, as a whole, and say what it was.

    Run it again to revert the command before that.
    """
    from svclog.core.when import shown
    from svclog.storage.history import undo_last

    with open_journal(ctx, db, journal) as opened, opened.writing() as conn:
        reverted = undo_last(conn, opened.clock.now())
    if not quiet:
        changes = "change" if reverted.changes == 1 else "changes"
        messages.result(
            f"Reverted: {reverted.description} (run {shown(reverted.at)}; "
            f"{reverted.changes} {changes} undone)"
        )
