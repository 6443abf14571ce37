"""Journal commands: `init`, and `db path|check|backup|migrate`."""

from pathlib import Path
from typing import Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import journal_path, open_journal, state
from svclog.cli.options import DbOption, JournalOption
from svclog.core.errors import SvclogError

db_app = typer.Typer(
    help="The journal file: where it is, checking it, backing it up, migrating it.",
    no_args_is_help=True,
)


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


@db_app.command("check")
def check(ctx: typer.Context, db: DbOption = None, journal: JournalOption = None) -> None:
    """Check the journal: SQLite's integrity and foreign-key checks, the response facts the
    reports read, the schema version, and what it holds. Exit 1 when anything is wrong."""
    from svclog.storage.identity import SCHEMA_VERSION
    from svclog.storage.maintenance import check as run_check

    with open_journal(ctx, db, journal, migrate=False) as opened:
        report = run_check(opened)
    counts = ", ".join(f"{count} {table}" for table, count in report.counts.items())
    messages.result(f"Journal: {report.path}")
    messages.result(f"Schema: {report.schema_version} (this svclog: {SCHEMA_VERSION})")
    messages.result(f"Holds: {counts}")
    if report.problems:
        for problem in report.problems:
            messages.result(f"Problem: {problem}")
        raise SvclogError(f"the journal has {len(report.problems)} problem(s); see above")
    messages.result("Verdict: ok")


@db_app.command("backup")
def backup(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="PATH",
            help="Where to write the backup (default: beside the journal, dated).",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Write a consistent copy of the journal (even while others write to it), check the copy,
    and never overwrite an existing file. The copy is private (0600)."""
    from svclog.storage.maintenance import backup as run_backup

    with open_journal(ctx, db, journal) as opened:
        stamp = state(ctx).clock.now().strftime("%Y%m%d-%H%M%S")
        path = (
            Path(target).expanduser()
            if target
            else opened.path.with_name(f"{opened.path.stem}-backup-{stamp}.db")
        )
        counts = run_backup(opened, path)
    messages.result(str(path))
    messages.info(f"Backed up and checked: {counts['encounter']} encounters.")


@db_app.command("migrate")
def migrate(
    ctx: typer.Context,
    status_only: Annotated[
        bool, typer.Option("--status", help="Only say which migrations are applied or pending.")
    ] = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Show the journal's schema migrations and apply the pending ones (after writing a backup
    beside the journal). Every command applies them anyway when it opens an older journal."""
    from svclog.storage.maintenance import migration_status

    with open_journal(ctx, db, journal, migrate=False) as opened:
        before = migration_status(opened.conn)
    for name, applied_at in before.applied:
        messages.result(f"applied  {name}  ({applied_at[:19]})")
    for name in before.pending:
        messages.result(f"pending  {name}")
    if not before.pending:
        messages.info("The schema is up to date.")
        return
    if status_only:
        return
    with open_journal(ctx, db, journal) as opened:
        saved = opened.backup_before_migration
    messages.info(f"Applied {len(before.pending)} migration(s); the journal as it was: {saved}")
