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

# Timeline record options, shared by respond/remedy/outcome and edit.
QualityOption = Annotated[
    str | None,
    typer.Option(
        "--quality",
        "-Q",
        metavar="1-5",
        help="1 hostile, 2 dismissive, 3 adequate, 4 good, 5 exemplary (number or name).",
        show_default=False,
    ),
]

ApologyOption = Annotated[
    str | None,
    typer.Option(
        "--apology", metavar="KIND", help="none, perfunctory or sincere.", show_default=False
    ),
]

ListenedOption = Annotated[
    bool | None,
    typer.Option("--listened/--not-listened", help="They listened.", show_default=False),
]

FixedOption = Annotated[
    bool | None,
    typer.Option("--fixed/--not-fixed", help="They fixed the problem.", show_default=False),
]

AskedMoreOption = Annotated[
    bool | None,
    typer.Option(
        "--asked-more/--not-asked-more",
        help='They asked "anything else I can do?".',
        show_default=False,
    ),
]

PreventedOption = Annotated[
    bool | None,
    typer.Option(
        "--prevented/--not-prevented",
        help="They looked into the cause, to prevent a repeat.",
        show_default=False,
    ),
]

ValueOption = Annotated[
    str | None,
    typer.Option(
        "--value", metavar="AMOUNT", help="How much, e.g. 25 or 12.50.", show_default=False
    ),
]

CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="CODE",
        help="ISO 4217 code, e.g. EUR (default: the configured currency).",
        show_default=False,
    ),
]

ReturnedOption = Annotated[
    bool | None,
    typer.Option("--returned/--not-returned", help="You went back (or not).", show_default=False),
]

RecommendOption = Annotated[
    int | None,
    typer.Option(
        "--recommend",
        metavar="0-10",
        help="How likely you are to recommend them, 0-10.",
        show_default=False,
    ),
]

ToldOption = Annotated[
    int | None,
    typer.Option("--told", metavar="N", help="How many people you told.", show_default=False),
]

WordOfMouthOption = Annotated[
    str | None,
    typer.Option(
        "--word-of-mouth",
        metavar="KIND",
        help="positive, negative or none.",
        show_default=False,
    ),
]

ReviewOption = Annotated[
    str | None,
    typer.Option(
        "--review", metavar="TEXT", help="Where and how you reviewed them.", show_default=False
    ),
]

SwitchedToOption = Annotated[
    str | None,
    typer.Option(
        "--switched-to", metavar="NAME", help="The competitor you went to.", show_default=False
    ),
]

DisputedOption = Annotated[
    bool | None,
    typer.Option(
        "--disputed/--accepted",
        help="You did not accept the business's resolution (or you did).",
        show_default=False,
    ),
]

# Encounter filters, shared by list, search and export.
BusinessFilter = Annotated[
    str | None,
    typer.Option(
        "--business",
        "-b",
        metavar="NAME",
        help="Only this business (name or alias).",
        show_default=False,
    ),
]
ClientFilter = Annotated[
    str | None,
    typer.Option(
        "--client", metavar="CLIENT", help="Only this client's cases.", show_default=False
    ),
]
TagFilter = Annotated[
    str | None,
    typer.Option("--tag", "-t", metavar="TAG", help="Only with this tag.", show_default=False),
]
FailuresFilter = Annotated[bool, typer.Option("--failures", help="Only failures.")]
