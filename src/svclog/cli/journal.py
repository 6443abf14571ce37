"""Journal commands: `init`, and `db path` (with check, backup and migrate to come)."""

import typer

from svclog.cli import messages
from svclog.cli.context import journal_path, open_journal
from svclog.cli.options import DbOption, JournalOption

db_app = typer.Typer(help="The journal file: where it is.", no_args_is_help=True)


def register(app: typer.Typer, name: str) -> None:
    if name == "db":
        app.add_typer(db_app, name="db")
    else:
        app.command(name)(init)


def init(ctx: typer.Context, db: DbOption = None, journal: JournalOption = None) -> None:
    """Create the journal if it does not exist yet, and print its path."""
    path = journal_path(ctx, db, journal)
    existed = path.exists()
    with open_journal(ctx, db, journal, create=True):
        pass
    messages.result(str(path))
    messages.info("The journal already existed." if existed else "Created a new journal.")


@db_app.command("path")
def path(ctx: typer.Context, db: DbOption = None, journal: JournalOption = None) -> None:
    """Print where the journal is (whether or not it exists yet)."""
    messages.result(str(journal_path(ctx, db, journal)))
