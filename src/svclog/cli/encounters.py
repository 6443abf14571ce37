"""Encounter commands: add, list, show, edit, rm, search."""

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from svclog.cli.context import open_journal, state, stdin_is_terminal, stdout_terminal, timing
from svclog.cli.options import (
    AllowFutureOption,
    BusinessFilter,
    ChannelOption,
    ClientFilter,
    ClientOption,
    ComplainedAtOption,
    DbOption,
    DimensionOption,
    FailuresFilter,
    FormatOption,
    IssueOption,
    JournalOption,
    LimitOption,
    NoteOption,
    SeverityOption,
    SinceOption,
    TagFilter,
    TagOption,
    UntilOption,
)
from svclog.core.errors import InvalidValueError, UsageError
from svclog.render.formats import Format

if TYPE_CHECKING:
    from collections.abc import Sequence

    from svclog.cli.fields import RawFields
    from svclog.core.models import EncounterDraft, EncounterFilter, NameWarning, Stored
    from svclog.storage.journal import Journal


class StatusChoice(str, Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


class SortChoice(str, Enum):
    NEWEST = "newest"
    OLDEST = "oldest"


StatusFilter = Annotated[
    StatusChoice | None,
    typer.Option("--status", help="Only this status.", show_default=False),
]


def register(app: typer.Typer, name: str) -> None:
    commands = {
        "add": add,
        "list": list_encounters,
        "show": show,
        "rm": remove,
        "search": search,
    }
    app.command(name)(commands[name])  # type: ignore[type-var]


# ----------------------------------------------------------------------------- add


def add(
    ctx: typer.Context,
    business: Annotated[
        str | None,
        typer.Argument(
            metavar="BUSINESS", help='The business, e.g. "Smokey\'s BBQ".', show_default=False
        ),
    ] = None,
    summary: Annotated[
        str | None,
        typer.Argument(metavar="SUMMARY", help="One line: what happened.", show_default=False),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option(
            "--when",
            "-w",
            metavar="WHEN",
            help='When it happened: "yesterday 7pm", "last friday", '
            "2026-11-21T19:00 (default: now).",
            show_default=False,
        ),
    ] = None,
    channel: ChannelOption = None,
    failure: Annotated[
        bool | None,
        typer.Option(
            "--failure/--no-failure", "-F", help="Something went wrong.", show_default=False
        ),
    ] = None,
    severity: SeverityOption = None,
    issue: IssueOption = None,
    dimension: DimensionOption = None,
    complained: Annotated[
        bool, typer.Option("--complained", help="You complained to the business.")
    ] = False,
    complained_at: ComplainedAtOption = None,
    client: ClientOption = None,
    tag: TagOption = None,
    note: NoteOption = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            metavar="CATEGORY",
            help="Category of a new business: restaurant, retail, ...",
            show_default=False,
        ),
    ] = None,
    use_editor: Annotated[
        bool, typer.Option("--editor", "-e", help="Write the entry in $EDITOR.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new id.")] = False,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Record an encounter at a business.

    On a terminal, missing fields are asked for; off a terminal nothing is ever asked.
    """
    from svclog.cli.fields import RawFields, clean, draft_from

    raw = RawFields(
        when=when,
        channel=channel,
        summary=summary,
        note=note,
        failure=failure,
        severity=severity,
        issue=issue,
        dimension=dimension,
        complained=True if complained else None,
        complained_at=complained_at,
        client=client,
        tags=tag,
    )
    if use_editor:
        business, raw = _from_editor(business, raw)
    elif business is None or summary is None:
        business = _ask_missing(business, raw)
    if business is None or not business.strip():
        raise UsageError("missing argument BUSINESS (give it, or run on a terminal to be asked)")
    now = state(ctx).clock.now()
    values = clean(raw, now, allow_future=allow_future)
    draft = draft_from(business, category, values, now)
    with open_journal(ctx, db, journal, create=True) as opened:
        stored = _store(opened, draft)
    _report_added(stored, quiet)
    kept = stored.encounter.business.category
    if category and not stored.created_business and category.strip() != kept:
        from svclog.cli import messages

        messages.warn(
            f"{stored.encounter.business.name!r} already exists (category: {kept or 'none'}); "
            "--category was not applied (svclog business edit changes it)"
        )


def _ask_missing(business: str | None, raw: "RawFields") -> str | None:
    """Ask on a terminal for what a quick one-liner left out."""
    if not stdin_is_terminal():
        return business
    if business is None:
        business = typer.prompt("Business")
    if raw.summary is None:
        raw.summary = typer.prompt("What happened (one line)", default="", show_default=False)
        if raw.failure is None and raw.severity is None:
            raw.failure = typer.confirm("Did something go wrong?", default=False)
        if raw.failure and raw.severity is None:
            answer = typer.prompt("Severity 1-5 (blank to skip)", default="", show_default=False)
            raw.severity = answer or None
        if raw.failure and raw.issue is None:
            raw.issue = (
                typer.prompt(
                    "Issue, e.g. wait time (blank to skip)", default="", show_default=False
                )
                or None
            )
    return business


def _from_editor(business: str | None, raw: "RawFields") -> tuple[str | None, "RawFields"]:
    from svclog.cli import template

    values = {
        "business": business or "",
        "when": raw.when or "now",
        "channel": raw.channel or "",
        "summary": raw.summary or "",
        "failure": "yes" if raw.failure or raw.severity else "no",
        "severity": str(raw.severity or ""),
        "issue": raw.issue or "",
        "dimension": raw.dimension or "",
        "complained": "yes" if raw.complained or raw.complained_at else "no",
        "complained at": raw.complained_at or "",
        "client": raw.client or "",
        "tags": ", ".join(raw.tags or []),
        "note": raw.note or "",
    }
    edited_business, edited = template.parse(template.edit_text(template.render(values)))
    if edited.when is not None and edited.when.strip() in ("", "now"):
        edited.when = None
    return edited_business, edited


def _store(opened: "Journal", draft: "EncounterDraft") -> "Stored":
    from svclog.storage import encounters
    from svclog.storage.journal import command

    with command(opened, "add") as log:
        return encounters.add(log, draft, opened.clock.now())


def _shell_word(text: str) -> str:
    """`text` quoted for a shell command the user can copy."""
    import shlex

    if not any(c in text for c in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def warn_similar(warnings: "Sequence[NameWarning]") -> None:
    from svclog.cli import messages

    for warning in warnings:
        messages.warn(
            f"the new business {warning.new_name!r} closely resembles {warning.existing!r}; "
            f"if they are the same, run: svclog business merge {_shell_word(warning.new_name)} "
            f"{_shell_word(warning.existing)}"
        )


def _report_added(stored: "Stored", quiet: bool) -> None:
    from svclog.core.when import shown

    encounter = stored.encounter
    if stored.warnings:
        warn_similar(stored.warnings)
    if quiet:
        print(encounter.id)
        return
    from svclog.cli import messages

    if stored.created_business:
        category = f" ({encounter.business.category})" if encounter.business.category else ""
        messages.info(f"New business: {encounter.business.name}{category}")
    detail = ""
    if encounter.failure:
        detail = f" [failure{f', severity {encounter.severity}' if encounter.severity else ''}]"
    messages.result(
        f"Added #{encounter.id} · {encounter.business.name} · "
        f"{shown(encounter.occurred_at)}{detail}"
    )


# ----------------------------------------------------------------------------- list


def read_filters(
    ctx: typer.Context,
    opened: "Journal",
    *,
    business: str | None,
    client: str | None,
    tag: str | None,
    since: str | None,
    until: str | None,
    failures: bool,
    status: StatusChoice | None,
    limit: int | None,
    oldest_first: bool = False,
) -> "EncounterFilter":
    from svclog.core.models import EncounterFilter
    from svclog.core.vocabulary import EncounterStatus
    from svclog.core.when import Bound, parse_when
    from svclog.storage import businesses

    now = state(ctx).clock.now()
    business_id = None
    if business is not None:
        with opened.reading() as conn:
            business_id = businesses.require(conn, business).id
    since_at = parse_when(since, now, allow_future=True) if since else None
    until_at = parse_when(until, now, allow_future=True, bound=Bound.END) if until else None
    if since_at and until_at and since_at > until_at:
        raise InvalidValueError("--since is after --until")
    return EncounterFilter(
        business_id=business_id,
        client=client,
        tag=tag,
        since=since_at,
        until=until_at,
        failures_only=failures,
        status=EncounterStatus(status.value) if status else None,
        limit=limit,
        oldest_first=oldest_first,
    )


def list_encounters(
    ctx: typer.Context,
    business: BusinessFilter = None,
    client: ClientFilter = None,
    tag: TagFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    failures: FailuresFilter = False,
    status: StatusFilter = None,
    limit: LimitOption = None,
    sort: Annotated[SortChoice, typer.Option("--sort", help="Order.")] = SortChoice.NEWEST,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """List encounters, newest first."""
    from svclog.render import encounters as view
    from svclog.storage import encounters

    with open_journal(ctx, db, journal) as opened:
        filters = read_filters(
            ctx,
            opened,
            business=business,
            client=client,
            tag=tag,
            since=since,
            until=until,
            failures=failures,
            status=status,
            limit=limit,
            oldest_first=sort is SortChoice.OLDEST,
        )
        with opened.reading() as conn:
            if fmt in view.LINE_FORMATS:  # a table needs no timelines, nor the settings
                lines = encounters.lines(conn, filters)
                _write_listing(ctx, view.line_listing("Encounters"), lines, fmt)
            else:
                listing = view.listing("Encounters", timing(ctx))
                _write_listing(ctx, listing, encounters.select(conn, filters), fmt)


def _write_listing(ctx: typer.Context, listing: object, items: object, fmt: Format) -> None:
    import sys

    from svclog.render.writers import write_many

    count = write_many(listing, items, fmt, sys.stdout, stdout_terminal(ctx))  # type: ignore[arg-type]
    sys.stdout.flush()
    if count == 0 and fmt in (Format.TABLE, Format.MD):
        from svclog.cli import messages

        messages.info(f"{getattr(listing, 'empty_message', 'nothing to show').capitalize()}.")


# ----------------------------------------------------------------------------- show


def show(
    ctx: typer.Context,
    encounter_id: Annotated[int, typer.Argument(metavar="ID", help="Encounter id.")],
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Show one encounter in full."""
    import sys

    from svclog.render import encounters as view
    from svclog.render.writers import write_one
    from svclog.storage import encounters

    with open_journal(ctx, db, journal) as opened, opened.reading() as conn:
        encounter = encounters.get(conn, encounter_id)
    write_one(view.detail(timing(ctx)), encounter, fmt, sys.stdout, stdout_terminal(ctx))


# ----------------------------------------------------------------------------- search


def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="TEXT...", help="Words to find.")],
    business: BusinessFilter = None,
    client: ClientFilter = None,
    tag: TagFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    failures: FailuresFilter = False,
    status: StatusFilter = None,
    limit: LimitOption = None,
    fmt: FormatOption = Format.TABLE,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Find encounters by words in their summary, note, issue or business name.

    Words match the start of words (burr finds burrito); quotes, %, and search operators are
    taken literally.
    """
    from svclog.render import encounters as view
    from svclog.storage import encounters

    query = " ".join(words)
    with open_journal(ctx, db, journal) as opened:
        filters = read_filters(
            ctx,
            opened,
            business=business,
            client=client,
            tag=tag,
            since=since,
            until=until,
            failures=failures,
            status=status,
            limit=limit,
        )
        title = f"Encounters matching {query}"
        with opened.reading() as conn:
            if fmt in view.LINE_FORMATS:  # a table needs no timelines, nor the settings
                lines = encounters.search_lines(conn, query, filters)
                _write_listing(ctx, view.line_listing(title), lines, fmt)
            else:
                found = encounters.search(conn, query, filters)
                _write_listing(ctx, view.listing(title, timing(ctx)), found, fmt)


# ----------------------------------------------------------------------------- rm


def remove(
    ctx: typer.Context,
    refs: Annotated[
        list[str],
        typer.Argument(
            metavar="ID...",
            help="Encounter ids, or timeline records as `show` lists them (r3, m2, f5, o1).",
        ),
    ],
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Delete encounters with their whole timeline, or single timeline records, in one go
    (svclog undo brings them back)."""
    from svclog.cli import messages
    from svclog.core.vocabulary import parse_ref
    from svclog.storage import encounters, timeline
    from svclog.storage.journal import command

    targets = list(dict.fromkeys(parse_ref(ref) for ref in refs))
    # Timeline records first: one may belong to an encounter removed in the same command.
    targets.sort(key=lambda target: target[0] is None)
    now = state(ctx).clock.now()
    removed: list[str] = []
    with open_journal(ctx, db, journal) as opened, command(opened, "rm") as log:
        for kind, number in targets:
            if kind is None:
                encounter = encounters.delete(log, number)
                removed.append(f"#{encounter.id} · {encounter.business.name}")
            else:
                owner = timeline.delete(log, kind, number, now)
                removed.append(f"{kind.value} {kind.ref(number)} of #{owner}")
        if len(removed) > 1 or targets[0][0] is not None:
            log.describe(f"rm {'; '.join(removed)}")
    for line in removed:
        messages.result(f"Removed {line}")
    messages.info(
        "svclog undo brings it back." if len(removed) == 1 else "svclog undo brings them back."
    )
