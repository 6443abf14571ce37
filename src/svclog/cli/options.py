"""Options shared by many commands, defined once as `Annotated` aliases."""

from typing import Annotated

import typer

from svclog.render.formats import Format

JOURNAL_PANEL = "Journal"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Journal file to use (env SVCLOG_DB).",
        show_default=False,
    ),
]
JournalOption = Annotated[
    str | None,
    typer.Option(
        "--journal",
        "-j",
        metavar="NAME",
        help="Named journal in the data directory, e.g. one per client (env SVCLOG_JOURNAL).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    Format,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", metavar="N", min=1, help="Show at most N encounters.", show_default=False
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="DATE",
        help="Only from this date on (natural or ISO).",
        show_default=False,
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="DATE",
        help="Only up to this date (a date means its whole day).",
        show_default=False,
    ),
]
AllowFutureOption = Annotated[
    bool,
    typer.Option("--allow-future", help="Accept dates in the future."),
]
