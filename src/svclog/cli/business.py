"""`svclog business`: list, show, rename, merge, alias, note, edit."""

import sys
from typing import Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, state, stdout_terminal, timing
from svclog.cli.options import DbOption, FormatOption, JournalOption
from svclog.render.formats import Format

app = typer.Typer(
    help="Manage businesses: list, show, rename, merge, alias, note.", no_args_is_help=True
)


def register(root: typer.Typer, name: str) -> None:
    root.add_typer(app, name=name)


NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="Business name or alias.")]


@app.command("list")
def list_businesses(
    ctx: typer.Context,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Every business with its encounter counts."""
    from svclog.render import businesses as view
    from svclog.render.writers import write_many
    from svclog.storage import businesses

    with open_journal(ctx, db, journal) as opened, opened.reading() as conn:
        items = businesses.summaries(conn)
    count = write_many(view.LISTING, items, fmt, sys.stdout, stdout_terminal(ctx))
    if count == 0 and fmt in (Format.TABLE, Format.MD):
        messages.info("No businesses yet.")


@app.command("show")
def show(
    ctx: typer.Context,
    name: NameArgument,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """A business's profile and its encounters, newest first."""
    from svclog.cli.report import loyalty_rows
    from svclog.core.loyalty import ReportFilter
    from svclog.core.models import EncounterFilter
    from svclog.render import businesses as view
    from svclog.render import encounters as encounter_view
    from svclog.render.writers import json_text, write_many, write_one
    from svclog.storage import businesses, encounters

    term = stdout_terminal(ctx)
    with open_journal(ctx, db, journal) as opened:
        with opened.reading() as conn:
            business = businesses.require(conn, name)
            summary = businesses.summary(conn, business)
            timeline = list(encounters.select(conn, EncounterFilter(business_id=business.id)))
        rows = loyalty_rows(ctx, opened, ReportFilter(business_id=business.id))
    detail = view.profile(rows[0] if rows else None)
    if fmt in (Format.JSON, Format.NDJSON):
        record = dict(detail.record(summary))
        record["timeline"] = [encounter_view.record(e, timing(ctx)) for e in timeline]
        indent = 2 if fmt is Format.JSON else None
        sys.stdout.write(json_text(record, indent=indent, terminal=term.is_terminal) + "\n")
        return
    write_one(detail, summary, fmt, sys.stdout, term)
    if fmt is Format.CSV:
        return
    sys.stdout.write("\n")
    listing = encounter_view.listing("Encounters", timing(ctx))
    if write_many(listing, timeline, fmt, sys.stdout, term) == 0:
        messages.info("No encounters yet.")


@app.command("rename")
def rename(
    ctx: typer.Context,
    name: NameArgument,
    new_name: Annotated[str, typer.Argument(metavar="NEW_NAME", help="The new name.")],
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Rename a business (its encounters follow)."""
    from svclog.storage import businesses
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, "business rename") as log:
        business = businesses.require(log.conn, name)
        renamed = businesses.update(log, business, now, name=new_name, fields=frozenset({"name"}))
        log.describe(f"rename business {business.name!r} to {renamed.name!r}")
        similar = [
            other
            for other in businesses.similar_names(log.conn, renamed.name)
            if other != renamed.name
        ]
    messages.result(f"Renamed {business.name} → {renamed.name}")
    for other in similar:
        messages.warn(f"{renamed.name!r} closely resembles the existing business {other!r}")


@app.command("merge")
def merge(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="The business to merge away.")],
    target: Annotated[str, typer.Argument(metavar="TARGET", help="The business to keep.")],
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Merge SOURCE into TARGET: its encounters move, its name becomes an alias."""
    from svclog.storage import businesses
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, "business merge") as log:
        from_business = businesses.require(log.conn, source)
        into_business = businesses.require(log.conn, target)
        moved = businesses.merge(log, from_business, into_business, now)
        log.describe(f"merge business {from_business.name!r} into {into_business.name!r}")
    plural = "encounter" if moved == 1 else "encounters"
    messages.result(
        f"Merged {from_business.name} into {into_business.name} ({moved} {plural} moved; "
        f"{from_business.name} is now an alias)"
    )


@app.command("alias")
def alias(
    ctx: typer.Context,
    name: NameArgument,
    alias_name: Annotated[str, typer.Argument(metavar="ALIAS", help="Another name for it.")],
    remove: Annotated[bool, typer.Option("--remove", help="Remove the alias instead.")] = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Give a business another name it can be found by (or --remove one)."""
    from svclog.storage import businesses
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, "business alias") as log:
        business = businesses.require(log.conn, name)
        if remove:
            businesses.remove_alias(log, business, alias_name)
            log.describe(f"remove alias {alias_name!r} of {business.name!r}")
        else:
            businesses.add_alias(log, business, alias_name, now)
            log.describe(f"add alias {alias_name!r} to {business.name!r}")
    verb = "Removed alias" if remove else "Added alias"
    messages.result(f"{verb} {alias_name.strip()} ({business.name})")


@app.command("note")
def note(
    ctx: typer.Context,
    name: NameArgument,
    text: Annotated[
        str | None, typer.Argument(metavar="TEXT", help="The note to add.", show_default=False)
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the notes instead of adding a paragraph.")
    ] = False,
    clear: Annotated[
        bool, typer.Option("--clear", metavar="FIELD", help="Remove the notes.")
    ] = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Add a paragraph to a business's notes (or --replace or --clear them)."""
    from svclog.core.errors import UsageError
    from svclog.storage import businesses
    from svclog.storage.journal import command

    if clear == (text is not None):
        raise UsageError("give the note TEXT, or --clear")
    if clear and replace:
        raise UsageError("use --replace or --clear, not both")
    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, "business note") as log:
        business = businesses.require(log.conn, name)
        keep = business.notes and not (clear or replace)
        notes = f"{business.notes}\n\n{text}" if keep else text
        businesses.update(log, business, now, notes=notes, fields=frozenset({"notes"}))
        log.describe(f"{'clear' if clear else 'note'} business {business.name!r}")
    messages.result(f"{'Cleared the notes of' if clear else 'Noted on'} {business.name}")


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: NameArgument,
    category: Annotated[
        str | None,
        typer.Option(
            "--category", metavar="CATEGORY", help="New category ('' clears).", show_default=False
        ),
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location", metavar="LOCATION", help="New location ('' clears).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Change a business's category or location."""
    from svclog.core.errors import UsageError
    from svclog.storage import businesses
    from svclog.storage.journal import command

    chosen = frozenset(
        field
        for field, value in (("category", category), ("location", location))
        if value is not None
    )
    if not chosen:
        raise UsageError("nothing to change: give --category or --location")
    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, "business edit") as log:
        business = businesses.require(log.conn, name)
        businesses.update(log, business, now, category=category, location=location, fields=chosen)
        log.describe(f"edit business {business.name!r}")
    messages.result(f"Updated {business.name}")
