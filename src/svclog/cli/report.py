"""`svclog report`: loyalty, recovery and trends."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, settings, state, stdout_terminal
from svclog.cli.options import (
    ClientFilter,
    DbOption,
    FormatOption,
    JournalOption,
    SinceOption,
    UntilOption,
)
from svclog.core import collector
from svclog.core.errors import InvalidValueError
from svclog.core.vocabulary import LoyaltyStatus, SortKey
from svclog.render.formats import Format

if TYPE_CHECKING:
    from svclog.core.loyalty import ReportFilter
    from svclog.reports.loyalty import LoyaltyRow

app = typer.Typer(
    help="Reports: who kept or lost your loyalty (loyalty), what won customers back "
    "(recovery), and how it changes month by month (trends).",
    no_args_is_help=True,
)


def register(root: typer.Typer, name: str) -> None:
    root.add_typer(app, name=name)


CategoryFilter = Annotated[
    str | None,
    typer.Option(
        "--category",
        metavar="CATEGORY",
        help="Only businesses of this category.",
        show_default=False,
    ),
]


def report_filter(
    ctx: typer.Context,
    client: str | None,
    category: str | None,
    since: str | None,
    until: str | None,
    business_id: int | None = None,
) -> "ReportFilter":
    from svclog.core.loyalty import ReportFilter
    from svclog.core.when import Bound, parse_when

    now = state(ctx).clock.now()
    since_at = parse_when(since, now, allow_future=True) if since else None
    until_at = parse_when(until, now, allow_future=True, bound=Bound.END) if until else None
    if since_at and until_at and since_at > until_at:
        raise InvalidValueError("--since is after --until")
    return ReportFilter(
        client=client, category=category, since=since_at, until=until_at, business_id=business_id
    )


def loyalty_rows(ctx: typer.Context, opened: object, filters: "ReportFilter") -> "list[LoyaltyRow]":
    from svclog.reports.loyalty import loyalty_row
    from svclog.storage.journal import Journal
    from svclog.storage.loyalty import business_facts

    assert isinstance(opened, Journal)
    current = settings(ctx)
    with opened.reading() as conn:
        return [
            loyalty_row(facts, current)
            for facts in business_facts(
                conn, filters, state(ctx).clock.now(), current.timely_window, path=opened.path
            )
        ]


@app.command("loyalty")
def loyalty(
    ctx: typer.Context,
    client: ClientFilter = None,
    category: CategoryFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    status: Annotated[
        list[LoyaltyStatus] | None,
        typer.Option("--status", help="Only these statuses (repeatable).", show_default=False),
    ] = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Order of the rows.")] = (SortKey.STATUS),
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """The scoreboard: one row per business — its status and why, advocate, and how it
    handled failures (response quality and speed, timely, disputed and recovery rates, NPS,
    people told)."""
    from svclog.storage import engine

    engine.without_memory_statistics()  # before any connection: two readers work at once
    from svclog.render.loyalty import scoreboard
    from svclog.render.writers import write_many
    from svclog.reports.loyalty import sort_rows

    filters = report_filter(ctx, client, category, since, until)
    ctx.with_resource(collector.paused())  # tens of thousands of rows' objects, no cycles
    with open_journal(ctx, db, journal) as opened:
        rows = loyalty_rows(ctx, opened, filters)
    if status:
        wanted = {choice.value for choice in status}
        rows = [row for row in rows if row.status.value in wanted]
    rows = sort_rows(rows, sort, reverse)
    term = stdout_terminal(ctx)
    count = write_many(scoreboard(), rows, fmt, sys.stdout, term)
    if count == 0:
        if fmt in (Format.TABLE, Format.MD):
            messages.info("No businesses match.")
    elif fmt is Format.TABLE and term.is_terminal:
        print_legend(term)


def print_legend(term: object) -> None:
    from rich.text import Text

    from svclog.render.loyalty import LEGEND, STATUS_STYLES
    from svclog.render.writers import Terminal, console_for

    assert isinstance(term, Terminal)
    line = Text()
    for name, meaning in LEGEND:
        style = (
            STATUS_STYLES.get(LoyaltyStatus(name), "bold magenta")
            if name != "★"
            else ("bold magenta")
        )
        line.append(name, style=style)
        line.append(f" {meaning}   ")
    console_for(sys.stdout, term).print(line)


@app.command("recovery")
def recovery(
    ctx: typer.Context,
    client: ClientFilter = None,
    category: CategoryFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """What kept customers after a failure: retention by responder level, best response
    quality, apology, each recovery step, remedy type and response speed — with counts, so
    small groups show as small."""
    from svclog.render.reports import recovery_view
    from svclog.render.writers import write_many
    from svclog.reports.recovery import lesson
    from svclog.reports.recovery import recovery as breakdown
    from svclog.storage.loyalty import failure_records

    filters = report_filter(ctx, client, category, since, until)
    current = settings(ctx)
    ctx.with_resource(collector.paused())  # a record per failure, no cycles
    with open_journal(ctx, db, journal) as opened, opened.reading() as conn:
        report = breakdown(
            failure_records(conn, filters), current.won_back_recommend, current.timely_window
        )
    term = stdout_terminal(ctx)
    if report.groups[0].failures == 0 and fmt in (Format.TABLE, Format.MD):
        messages.info("No failures recorded: nothing to break down.")
        return
    write_many(recovery_view(), report.groups, fmt, sys.stdout, term)
    summary = lesson(report)
    if summary and fmt is Format.TABLE:
        from svclog.cli.messages import result

        result(summary)


@app.command("trends")
def trends(
    ctx: typer.Context,
    client: ClientFilter = None,
    category: CategoryFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Month by month: encounters, failures, recoveries and losses, with a chart."""
    from svclog.render.reports import TRENDS_LEGEND, trends_view
    from svclog.render.writers import write_many
    from svclog.reports.trends import trends as monthly
    from svclog.storage.loyalty import failure_records, monthly_encounters

    filters = report_filter(ctx, client, category, since, until)
    current = settings(ctx)
    ctx.with_resource(collector.paused())  # a record per failure, no cycles
    with open_journal(ctx, db, journal) as opened, opened.reading() as conn:
        months = monthly(
            monthly_encounters(conn, filters),
            failure_records(conn, filters),
            current.won_back_recommend,
        )
    term = stdout_terminal(ctx)
    scale = max((month.encounters for month in months), default=0)
    count = write_many(trends_view(scale), months, fmt, sys.stdout, term)
    if count == 0 and fmt in (Format.TABLE, Format.MD):
        messages.info("No encounters recorded.")
    elif count and fmt is Format.TABLE and term.is_terminal:
        from rich.text import Text

        from svclog.render.writers import console_for

        line = Text()
        for mark, style, meaning in TRENDS_LEGEND:
            line.append(mark, style=style)
            line.append(f" {meaning}   ")
        console_for(sys.stdout, term).print(line)
