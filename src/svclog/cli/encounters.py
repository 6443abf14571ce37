"""Encounter commands: add, list, show, edit, rm, search."""

import shlex
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, state, stdin_is_terminal, stdout_terminal
from svclog.cli.fields import RawFields, clean, draft_from
from svclog.cli.options import (
    AllowFutureOption,
    DbOption,
    FormatOption,
    JournalOption,
    LimitOption,
    SinceOption,
    UntilOption,
)
from svclog.core.errors import InvalidValueError, UsageError
from svclog.render.formats import Format

if TYPE_CHECKING:
    from collections.abc import Sequence

    from svclog.core.models import Encounter, EncounterDraft, EncounterFilter, NameWarning, Stored
    from svclog.storage.journal import Journal


class StatusChoice(str, Enum):
    OPEN = "open"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


class SortChoice(str, Enum):
    NEWEST = "newest"
    OLDEST = "oldest"


class ClearableField(str, Enum):
    CHANNEL = "channel"
    SUMMARY = "summary"
    NOTE = "note"
    SEVERITY = "severity"
    ISSUE = "issue"
    DIMENSION = "dimension"
    COMPLAINED_AT = "complained_at"
    CLIENT = "client"
    TAGS = "tags"


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


def register(app: typer.Typer, name: str) -> None:
    commands = {
        "add": add,
        "list": list_encounters,
        "show": show,
        "edit": edit,
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
        messages.warn(
            f"{stored.encounter.business.name!r} already exists (category: {kept or 'none'}); "
            "--category was not applied (svclog business edit changes it)"
        )


def _ask_missing(business: str | None, raw: RawFields) -> str | None:
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


def _from_editor(business: str | None, raw: RawFields) -> tuple[str | None, RawFields]:
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
    if not any(c in text for c in '"$`\\!'):
        return f'"{text}"'
    return shlex.quote(text)


def _warn_similar(warnings: "Sequence[NameWarning]") -> None:
    for warning in warnings:
        messages.warn(
            f"the new business {warning.new_name!r} closely resembles {warning.existing!r}; "
            f"if they are the same, run: svclog business merge {_shell_word(warning.new_name)} "
            f"{_shell_word(warning.existing)}"
        )


def _report_added(stored: "Stored", quiet: bool) -> None:
    from svclog.core.when import shown

    encounter = stored.encounter
    _warn_similar(stored.warnings)
    if quiet:
        print(encounter.id)
        return
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


def _filters(
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
StatusFilter = Annotated[
    StatusChoice | None,
    typer.Option("--status", help="Only this status.", show_default=False),
]


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
        filters = _filters(
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
            _write_listing(ctx, view.listing("Encounters"), encounters.select(conn, filters), fmt)


def _write_listing(ctx: typer.Context, listing: object, items: object, fmt: Format) -> None:
    import sys

    from svclog.render.writers import write_many

    count = write_many(listing, items, fmt, sys.stdout, stdout_terminal(ctx))  # type: ignore[arg-type]
    sys.stdout.flush()
    if count == 0 and fmt in (Format.TABLE, Format.MD):
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
    write_one(view.DETAIL, encounter, fmt, sys.stdout, stdout_terminal(ctx))


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
        filters = _filters(
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
        with opened.reading() as conn:
            found = encounters.search(conn, query, filters)
    _write_listing(ctx, view.listing(f"Encounters matching {query}"), found, fmt)


# ----------------------------------------------------------------------------- edit


def edit(
    ctx: typer.Context,
    encounter_id: Annotated[int, typer.Argument(metavar="ID", help="Encounter id.")],
    business: Annotated[
        str | None,
        typer.Option(
            "--business", "-b", metavar="NAME", help="Move to this business.", show_default=False
        ),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option("--when", "-w", metavar="WHEN", help="When it happened.", show_default=False),
    ] = None,
    summary: Annotated[
        str | None,
        typer.Option(
            "--summary", metavar="TEXT", help="One line: what happened.", show_default=False
        ),
    ] = None,
    channel: ChannelOption = None,
    failure: Annotated[
        bool | None,
        typer.Option(
            "--failure/--no-failure", "-F", help="Something went wrong, or not.", show_default=False
        ),
    ] = None,
    severity: SeverityOption = None,
    issue: IssueOption = None,
    dimension: DimensionOption = None,
    complained: Annotated[
        bool | None,
        typer.Option(
            "--complained/--not-complained", help="You complained, or not.", show_default=False
        ),
    ] = None,
    complained_at: ComplainedAtOption = None,
    client: ClientOption = None,
    note: NoteOption = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag", "-t", metavar="TAG", help="Add a tag (repeatable).", show_default=False
        ),
    ] = None,
    untag: Annotated[
        list[str] | None,
        typer.Option(
            "--untag", metavar="TAG", help="Remove a tag (repeatable).", show_default=False
        ),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="STATUS", help="open, resolved or abandoned.", show_default=False
        ),
    ] = None,
    clear: Annotated[
        list[ClearableField] | None,
        typer.Option("--clear", help="Empty this field (repeatable).", show_default=False),
    ] = None,
    use_editor: Annotated[bool, typer.Option("--editor", "-e", help="Edit in $EDITOR.")] = False,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Change an encounter, by options or in $EDITOR (the default on a terminal)."""
    from svclog.storage import encounters
    from svclog.storage.encounters import EncounterChanges
    from svclog.storage.journal import command

    raw = RawFields(
        when=when,
        channel=channel,
        summary=summary,
        note=note,
        failure=failure,
        severity=severity,
        issue=issue,
        dimension=dimension,
        complained=complained,
        complained_at=complained_at,
        client=client,
        status=status,
    )
    for name in clear or []:
        if name is ClearableField.TAGS:
            continue
        if name.value in raw.given():
            raise UsageError(f"--clear {name.value} conflicts with a new value for it")
        setattr(raw, name.value, "")
    by_option = bool(raw.given() or business or tag or untag or clear)
    if use_editor and by_option:
        raise UsageError("use --editor or field options, not both")
    if not by_option and not use_editor:
        if not stdin_is_terminal():
            raise UsageError("nothing to change: give field options, or --editor")
        use_editor = True
    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened:
        with opened.reading() as conn:
            current = encounters.get(conn, encounter_id)
        remove_tags = list(untag or [])
        if clear and ClearableField.TAGS in clear:
            remove_tags.extend(current.tags)
        if use_editor:
            business, raw, add_tags, remove_tags = _edit_in_editor(current)
        else:
            add_tags = list(tag or [])
        values = clean(raw, now, allow_future=allow_future)
        values.pop("tags", None)
        _keep_consistent(current, values)
        changes = EncounterChanges(
            fields=values,
            business=business,
            add_tags=_tags(add_tags),
            remove_tags=_tags(remove_tags),
        )
        with command(opened, "edit") as log:
            changed, warnings = encounters.update(log, encounter_id, changes, now)
    _warn_similar(warnings)
    if changed:
        messages.result(f"Updated #{encounter_id}")
    else:
        messages.info(f"Nothing changed in #{encounter_id}.")


def _tags(values: list[str]) -> tuple[str, ...]:
    from svclog.cli.fields import tag_list

    return tag_list(values)


def _keep_consistent(current: "Encounter", values: dict[str, object]) -> None:
    """A failure opens a case, a non-failure closes it; a non-failure has no severity."""
    from svclog.core.vocabulary import EncounterStatus

    if "failure" in values and values["failure"] != current.failure and "status" not in values:
        values["status"] = EncounterStatus.OPEN if values["failure"] else EncounterStatus.RESOLVED
    if values.get("failure") is False:
        values["severity"] = None
    if values.get("complained") is False:
        values["complained_at"] = None


def _edit_in_editor(
    current: "Encounter",
) -> tuple[str | None, RawFields, list[str], list[str]]:
    from svclog.cli import template
    from svclog.core.when import iso

    values = {
        "business": current.business.name,
        "when": iso(current.occurred_at),
        "channel": current.channel or "",
        "summary": current.summary or "",
        "failure": "yes" if current.failure else "no",
        "severity": str(current.severity or ""),
        "issue": current.issue or "",
        "dimension": current.dimension.value if current.dimension else "",
        "complained": "yes" if current.complained else "no",
        "complained at": iso(current.complained_at) if current.complained_at else "",
        "client": current.client or "",
        "tags": ", ".join(current.tags),
        "status": current.status.value,
        "note": current.note or "",
    }
    original = template.render(values)
    edited_text = template.edit_text(original)
    if edited_text == original:
        return None, RawFields(), [], []
    business, raw = template.parse(edited_text)
    _, before = template.parse(original)
    for name in raw.given() - {"tags"}:  # only what the person changed is validated again
        if getattr(raw, name) == getattr(before, name):
            setattr(raw, name, None)
    from svclog.cli.fields import tag_list

    new_tags = tag_list(raw.tags or [])
    raw.tags = None
    old_keys = {t.casefold(): t for t in current.tags}
    new_keys = {t.casefold(): t for t in new_tags}
    add = [t for k, t in new_keys.items() if k not in old_keys]
    remove = [t for k, t in old_keys.items() if k not in new_keys]
    if business is not None and business.casefold() == current.business.name.casefold():
        business = None
    return business, raw, add, remove


# ----------------------------------------------------------------------------- rm


def remove(
    ctx: typer.Context,
    encounter_ids: Annotated[
        list[int], typer.Argument(metavar="ID...", help="Encounter ids to delete.")
    ],
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Delete encounters with their whole timeline (svclog undo brings them back)."""
    from svclog.storage import encounters
    from svclog.storage.journal import command

    with open_journal(ctx, db, journal) as opened, command(opened, "rm") as log:
        unique_ids = list(dict.fromkeys(encounter_ids))
        removed = [encounters.delete(log, encounter_id) for encounter_id in unique_ids]
        if len(removed) > 1:
            log.describe(
                f"rm {len(removed)} encounters (#{', #'.join(str(e.id) for e in removed)})"
            )
    for encounter in removed:
        messages.result(f"Removed #{encounter.id} · {encounter.business.name}")
    messages.info(
        "svclog undo brings it back." if len(removed) == 1 else "svclog undo brings them back."
    )
