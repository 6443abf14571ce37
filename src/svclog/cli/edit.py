"""`svclog edit`: change an encounter, or one record of its timeline (r3, m2, f5, o1)."""

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, state, stdin_is_terminal
from svclog.cli.fields import RawFields, clean
from svclog.cli.options import (
    AllowFutureOption,
    ApologyOption,
    AskedMoreOption,
    ChannelOption,
    ClientOption,
    ComplainedAtOption,
    CurrencyOption,
    DbOption,
    DimensionOption,
    DisputedOption,
    FixedOption,
    IssueOption,
    JournalOption,
    ListenedOption,
    PreventedOption,
    QualityOption,
    RecommendOption,
    ReturnedOption,
    ReviewOption,
    SeverityOption,
    SwitchedToOption,
    ToldOption,
    ValueOption,
    WordOfMouthOption,
)
from svclog.core.errors import UsageError

if TYPE_CHECKING:
    from svclog.core.models import Encounter, NameWarning
    from svclog.core.vocabulary import RecordKind


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
    TIMELY = "timely"
    DISPUTED = "disputed"


def register(app: typer.Typer, name: str) -> None:
    app.command(name)(edit)


def _flag(name: str, help: str) -> Any:
    return typer.Option(name, help=help, show_default=False)


def edit(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An encounter id (12), or a timeline record as `show` lists it: r3 (response), "
            "m2 (remedy), f5 (follow-up), o1 (outcome).",
        ),
    ],
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
        bool | None, _flag("--failure/--no-failure", "Something went wrong, or not.")
    ] = None,
    severity: SeverityOption = None,
    issue: IssueOption = None,
    dimension: DimensionOption = None,
    complained: Annotated[
        bool | None, _flag("--complained/--not-complained", "You complained, or not.")
    ] = None,
    complained_at: ComplainedAtOption = None,
    client: ClientOption = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", help="The note ('' clears it).", show_default=False),
    ] = None,
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
    timely: Annotated[
        bool | None,
        _flag(
            "--timely/--not-timely",
            "Set whether the business answered in time (instead of deriving it).",
        ),
    ] = None,
    disputed: DisputedOption = None,
    clear: Annotated[
        list[ClearableField] | None,
        typer.Option(
            "--clear", help="Empty this encounter field (repeatable).", show_default=False
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="WHO",
            help="Response: frontline, manager, senior, owner, corporate, automated. "
            "Follow-up: me or them.",
            show_default=False,
        ),
    ] = None,
    quality: QualityOption = None,
    apology: ApologyOption = None,
    listened: ListenedOption = None,
    fixed: FixedOption = None,
    asked_more: AskedMoreOption = None,
    prevented: PreventedOption = None,
    remedy_type: Annotated[
        str | None, typer.Option("--type", metavar="TYPE", help="Remedy type.", show_default=False)
    ] = None,
    value: ValueOption = None,
    currency: CurrencyOption = None,
    delivered: Annotated[
        bool | None, _flag("--delivered/--pending", "Remedy: delivered, or still promised.")
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", metavar="DATE", help="Follow-up reminder date.", show_default=False),
    ] = None,
    done: Annotated[bool | None, _flag("--done/--not-done", "Follow-up done.")] = None,
    returned: ReturnedOption = None,
    recommend: RecommendOption = None,
    told: ToldOption = None,
    word_of_mouth: WordOfMouthOption = None,
    review: ReviewOption = None,
    switched_to: SwitchedToOption = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove the timeline record (r3, m2, f5, o1).")
    ] = False,
    use_editor: Annotated[
        bool, typer.Option("--editor", "-e", help="Edit the encounter in $EDITOR.")
    ] = False,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Change an encounter (by options, or in $EDITOR: the default on a terminal), or a record
    of its timeline: `svclog edit r3 --quality good`, `svclog edit f5 --done`.

    Each option applies to the kinds its help names; the others are refused.
    """
    from svclog.core.vocabulary import parse_ref

    kind, number = parse_ref(ref)
    options = {
        "--business": business,
        "--when": when,
        "--summary": summary,
        "--channel": channel,
        "--failure": failure,
        "--severity": severity,
        "--issue": issue,
        "--dimension": dimension,
        "--complained": complained,
        "--complained-at": complained_at,
        "--client": client,
        "--note": note,
        "--tag": tag,
        "--untag": untag,
        "--status": status,
        "--timely": timely,
        "--disputed": disputed,
        "--clear": clear,
        "--by": by,
        "--quality": quality,
        "--apology": apology,
        "--listened": listened,
        "--fixed": fixed,
        "--asked-more": asked_more,
        "--prevented": prevented,
        "--type": remedy_type,
        "--value": value,
        "--currency": currency,
        "--delivered": delivered,
        "--due": due,
        "--done": done,
        "--returned": returned,
        "--recommend": recommend,
        "--told": told,
        "--word-of-mouth": word_of_mouth,
        "--review": review,
        "--switched-to": switched_to,
        "--remove": remove or None,
        "--editor": use_editor or None,
    }
    given = {name for name, option in options.items() if option not in (None, [])}
    _check_applicable(kind, given)
    if kind is not None:
        if remove and len(given) > 1:
            raise UsageError("--remove takes no other options")
        from svclog.cli import records
        from svclog.core.vocabulary import RecordKind

        builders: dict[RecordKind, Callable[[datetime], dict[str, object]]] = {
            RecordKind.RESPONSE: lambda now: records.response_fields(
                now,
                allow_future,
                when=when,
                by=by,
                quality=quality,
                apology=apology,
                listened=listened,
                fixed=fixed,
                asked_more=asked_more,
                prevented=prevented,
                note=note,
            ),
            RecordKind.REMEDY: lambda now: records.remedy_fields(
                now,
                allow_future,
                when=when,
                type=remedy_type,
                value=value,
                currency=currency,
                delivered=delivered,
                note=note,
            ),
            RecordKind.FOLLOWUP: lambda now: records.followup_fields(
                now,
                allow_future,
                when=when,
                direction=by,
                channel=channel,
                note=note,
                due=due,
                done=done,
            ),
            RecordKind.OUTCOME: lambda now: records.outcome_fields(
                now,
                allow_future,
                when=when,
                returned=returned,
                recommend=recommend,
                told=told,
                word_of_mouth=word_of_mouth,
                review=review,
                switched_to=switched_to,
            ),
        }
        _edit_record(ctx, kind, number, remove, builders[kind], db, journal)
        return
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
    _edit_encounter(
        ctx,
        number,
        raw,
        business=business,
        add_tags=list(tag or []),
        remove_tags=list(untag or []),
        clear=list(clear or []),
        timely=timely,
        disputed=disputed,
        use_editor=use_editor,
        by_option=bool(given - {"--editor"}),
        allow_future=allow_future,
        db=db,
        journal=journal,
    )


_SHARED = {"--when", "--note"}
_APPLICABLE = {
    None: _SHARED
    | {
        "--business",
        "--summary",
        "--channel",
        "--failure",
        "--severity",
        "--issue",
        "--dimension",
        "--complained",
        "--complained-at",
        "--client",
        "--tag",
        "--untag",
        "--status",
        "--timely",
        "--disputed",
        "--clear",
        "--editor",
    },
    "response": _SHARED
    | {
        "--by",
        "--quality",
        "--apology",
        "--listened",
        "--fixed",
        "--asked-more",
        "--prevented",
        "--remove",
    },
    "remedy": _SHARED | {"--type", "--value", "--currency", "--delivered", "--remove"},
    "followup": _SHARED | {"--by", "--channel", "--due", "--done", "--remove"},
    "outcome": {
        "--when",
        "--returned",
        "--recommend",
        "--told",
        "--word-of-mouth",
        "--review",
        "--switched-to",
        "--remove",
    },
}


def _check_applicable(kind: "RecordKind | None", given: set[str]) -> None:
    name = None if kind is None else kind.value
    wrong = sorted(given - _APPLICABLE[name])
    if wrong:
        what = "an encounter" if kind is None else f"a {name}"
        raise UsageError(f"{', '.join(wrong)} cannot be used to edit {what}")


def _edit_record(
    ctx: typer.Context,
    kind: "RecordKind",
    record_id: int,
    remove: bool,
    build: "Callable[[datetime], dict[str, object]]",
    db: str | None,
    journal: str | None,
) -> None:
    from svclog.storage import timeline
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    ref = kind.ref(record_id)
    if remove:
        with open_journal(ctx, db, journal) as opened, command(opened, "edit") as log:
            encounter_id = timeline.delete(log, kind, record_id, now)
            log.describe(f"remove {kind.value} {ref} of encounter #{encounter_id}")
        messages.result(f"Removed {kind.value} {ref} of #{encounter_id}")
        return
    fields = build(now)
    if not fields:
        raise UsageError(f"nothing to change: give the {kind.value}'s options, or --remove")
    with open_journal(ctx, db, journal) as opened, command(opened, "edit") as log:
        changed = timeline.update(log, kind, record_id, fields, now)
        encounter_id = timeline.owner(log.conn, kind, record_id)
        log.describe(f"edit {kind.value} {ref} of encounter #{encounter_id}")
    if changed:
        messages.result(f"Updated {kind.value} {ref} of #{encounter_id}")
    else:
        messages.info(f"Nothing changed in {ref}.")


def _edit_encounter(
    ctx: typer.Context,
    encounter_id: int,
    raw: RawFields,
    *,
    business: str | None,
    add_tags: list[str],
    remove_tags: list[str],
    clear: list[ClearableField],
    timely: bool | None,
    disputed: bool | None,
    use_editor: bool,
    by_option: bool,
    allow_future: bool,
    db: str | None,
    journal: str | None,
) -> None:
    from svclog.storage import encounters
    from svclog.storage.encounters import EncounterChanges
    from svclog.storage.journal import command

    flags: dict[str, object] = {}
    if timely is not None:
        flags["timely"] = timely
    if disputed is not None:
        flags["disputed"] = disputed
    for name in clear:
        if name is ClearableField.TAGS:
            continue
        if name.value in raw.given() or name.value in flags:
            raise UsageError(f"--clear {name.value} conflicts with a new value for it")
        if name in (ClearableField.TIMELY, ClearableField.DISPUTED):
            flags[name.value] = None
        else:
            setattr(raw, name.value, "")
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
        if ClearableField.TAGS in clear:
            remove_tags.extend(current.tags)
        if use_editor:
            business, raw, add_tags, remove_tags = _edit_in_editor(current)
        values = clean(raw, now, allow_future=allow_future)
        values.pop("tags", None)
        values.update(flags)
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


def _warn_similar(warnings: "tuple[NameWarning, ...]") -> None:
    from svclog.cli.encounters import warn_similar

    warn_similar(warnings)


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
