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
ChannelOption = Annotated[
    str | None,
    typer.Option(
        "--channel",
        "-c",
        metavar="CHANNEL",
        help="in_person, phone, email, chat, web, app, social, letter, other, or your own.",
        show_default=False,
    ),
]
SeverityOption = Annotated[
    int | None,
    typer.Option(
        "--severity",
        "-s",
        metavar="1-5",
        help="How bad, 1-5 (implies --failure).",
        show_default=False,
    ),
]
IssueOption = Annotated[
    str | None,
    typer.Option(
        "--issue",
        "-i",
        metavar="LABEL",
        help='Short label: "wait time", "billing"...',
        show_default=False,
    ),
]
DimensionOption = Annotated[
    str | None,
    typer.Option(
        "--dimension",
        metavar="DIMENSION",
        help="SERVQUAL: reliability, responsiveness, assurance, empathy, tangibles.",
        show_default=False,
    ),
]
ComplainedAtOption = Annotated[
    str | None,
    typer.Option(
        "--complained-at",
        metavar="WHEN",
        help="When you complained (implies --complained).",
        show_default=False,
    ),
]
ClientOption = Annotated[
    str | None,
    typer.Option(
        "--client", metavar="CLIENT", help="Whose case this is (consultants).", show_default=False
    ),
]
NoteOption = Annotated[
    str | None,
    typer.Option(
        "--note",
        metavar="TEXT",
        help="Longer text: what happened, who said what.",
        show_default=False,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="A tag (repeatable, or comma-separated).",
        show_default=False,
    ),
]
