"""Timeline commands: respond, remedy, followup, outcome, resolve, abandon."""

from typing import TYPE_CHECKING, Annotated

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, settings, state
from svclog.cli.options import (
    AllowFutureOption,
    ApologyOption,
    AskedMoreOption,
    CurrencyOption,
    DbOption,
    DisputedOption,
    FixedOption,
    JournalOption,
    ListenedOption,
    PreventedOption,
    QualityOption,
    RecommendOption,
    ReturnedOption,
    ReviewOption,
    SwitchedToOption,
    ToldOption,
    ValueOption,
    WordOfMouthOption,
)
from svclog.core.errors import UsageError

if TYPE_CHECKING:
    from svclog.core.vocabulary import RecordKind

EncounterArgument = Annotated[int, typer.Argument(metavar="ID", help="Encounter id.")]
WhenOption = Annotated[
    str | None,
    typer.Option(
        "--when", "-w", metavar="WHEN", help="When it happened (default: now).", show_default=False
    ),
]
NoteOption = Annotated[
    str | None,
    typer.Option("--note", metavar="TEXT", help="What was said or done.", show_default=False),
]


def register(app: typer.Typer, name: str) -> None:
    commands = {
        "respond": respond,
        "remedy": remedy,
        "followup": followup,
        "outcome": outcome,
        "resolve": resolve,
        "abandon": abandon,
    }
    app.command(name)(commands[name])  # type: ignore[type-var]


def _store(
    ctx: typer.Context,
    kind: "RecordKind",
    encounter_id: int,
    fields: dict[str, object],
    db: str | None,
    journal: str | None,
) -> None:
    """Add one timeline record in its own command, and say so (`Added response r3 to #12`)."""
    from svclog.storage import encounters, timeline
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    with open_journal(ctx, db, journal) as opened, command(opened, kind.value) as log:
        encounter = encounters.get(log.conn, encounter_id)
        record_id = timeline.add(log, kind, encounter_id, fields, now)
        log.describe(
            f"add {kind.value} {kind.ref(record_id)} to encounter #{encounter_id} "
            f"at {encounter.business.name}"
        )
    label = "follow-up" if kind.value == "followup" else kind.value
    messages.result(f"Added {label} {kind.ref(record_id)} to #{encounter_id}")


def respond(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="LEVEL",
            help="Who answered: frontline, manager, senior, owner, corporate, automated.",
            show_default=False,
        ),
    ] = None,
    quality: QualityOption = None,
    apology: ApologyOption = None,
    listened: ListenedOption = None,
    fixed: FixedOption = None,
    asked_more: AskedMoreOption = None,
    prevented: PreventedOption = None,
    when: WhenOption = None,
    note: NoteOption = None,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Record how the business responded to an encounter."""
    from svclog.cli.records import response_fields
    from svclog.core.vocabulary import RecordKind

    now = state(ctx).clock.now()
    fields = response_fields(
        now,
        allow_future,
        when=when or "now",
        by=by,
        quality=quality,
        apology=apology,
        listened=listened,
        fixed=fixed,
        asked_more=asked_more,
        prevented=prevented,
        note=note,
    )
    _store(ctx, RecordKind.RESPONSE, encounter_id, fields, db, journal)


def remedy(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    remedy_type: Annotated[
        str,
        typer.Argument(
            metavar="TYPE",
            help="refund, partial_refund, replacement, redo, discount, voucher, "
            "free_item, credit, waived_fee, upgrade or other.",
        ),
    ],
    value: ValueOption = None,
    currency: CurrencyOption = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Promised but not delivered yet.")
    ] = False,
    when: WhenOption = None,
    note: NoteOption = None,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Record a remedy the business offered (a refund, a voucher, a free dessert...)."""
    from svclog.cli.records import remedy_fields
    from svclog.core.vocabulary import RecordKind

    now = state(ctx).clock.now()
    if value is not None and currency is None:
        currency = settings(ctx).currency
    fields = remedy_fields(
        now,
        allow_future,
        when=when or "now",
        type=remedy_type,
        value=value,
        currency=currency,
        delivered=not pending,
        note=note,
    )
    _store(ctx, RecordKind.REMEDY, encounter_id, fields, db, journal)


def followup(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    by: Annotated[
        str | None,
        typer.Option("--by", metavar="me|them", help="Who made contact.", show_default=False),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel", "-c", metavar="CHANNEL", help="phone, email, ...", show_default=False
        ),
    ] = None,
    note: NoteOption = None,
    due: Annotated[
        str | None,
        typer.Option(
            "--due",
            metavar="DATE",
            help='A reminder: "friday", "in 3 days", 2026-12-01 (future dates welcome).',
            show_default=False,
        ),
    ] = None,
    done: Annotated[bool, typer.Option("--done", help="Already done.")] = False,
    when: WhenOption = None,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Log a contact after the event, or set a reminder with --due."""
    from svclog.cli.records import followup_fields
    from svclog.core.vocabulary import RecordKind

    now = state(ctx).clock.now()
    fields = followup_fields(
        now,
        allow_future,
        when=when or "now",
        direction=by,
        channel=channel,
        note=note,
        due=due,
        done=done,
    )
    _store(ctx, RecordKind.FOLLOWUP, encounter_id, fields, db, journal)


def outcome(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    returned: ReturnedOption = None,
    recommend: RecommendOption = None,
    told: ToldOption = None,
    word_of_mouth: WordOfMouthOption = None,
    review: ReviewOption = None,
    switched_to: SwitchedToOption = None,
    disputed: DisputedOption = None,
    when: WhenOption = None,
    allow_future: AllowFutureOption = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Set the outcome: did you go back, would you recommend them, whom did you tell.

    Run it again to change the outcome; only the options given change.
    """
    from svclog.cli.records import outcome_fields
    from svclog.core.vocabulary import RecordKind
    from svclog.storage import encounters, timeline
    from svclog.storage.encounters import EncounterChanges
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    fields = outcome_fields(
        now,
        allow_future,
        when=when,
        returned=returned,
        recommend=recommend,
        told=told,
        word_of_mouth=word_of_mouth,
        review=review,
        switched_to=switched_to,
    )
    if not fields and disputed is None:
        raise UsageError("nothing to set: give --returned, --recommend, --told, ... or --disputed")
    with open_journal(ctx, db, journal) as opened, command(opened, "outcome") as log:
        encounter = encounters.get(log.conn, encounter_id)
        existing = timeline.outcome_id(log.conn, encounter_id)
        if fields:
            if existing is None:
                fields.setdefault("at", now)
                existing = timeline.add(log, RecordKind.OUTCOME, encounter_id, fields, now)
            else:
                timeline.update(log, RecordKind.OUTCOME, existing, fields, now)
        if disputed is not None:
            encounters.update(log, encounter_id, EncounterChanges({"disputed": disputed}), now)
        log.describe(f"set the outcome of encounter #{encounter_id} at {encounter.business.name}")
    messages.result(f"Outcome of #{encounter_id} set")


def _close(
    ctx: typer.Context, encounter_id: int, status: str, db: str | None, journal: str | None
) -> None:
    from svclog.core.vocabulary import EncounterStatus
    from svclog.storage import encounters
    from svclog.storage.encounters import EncounterChanges
    from svclog.storage.journal import command

    now = state(ctx).clock.now()
    new = EncounterStatus(status)
    with open_journal(ctx, db, journal) as opened, command(opened, status) as log:
        encounter = encounters.get(log.conn, encounter_id)
        changed, _ = encounters.update(log, encounter_id, EncounterChanges({"status": new}), now)
        log.describe(f"mark encounter #{encounter_id} at {encounter.business.name} {status}")
    if changed:
        messages.result(f"#{encounter_id} is {status}")
    else:
        messages.info(f"#{encounter_id} was already {status}.")


def resolve(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Close the case: the matter is settled."""
    _close(ctx, encounter_id, "resolved", db, journal)


def abandon(
    ctx: typer.Context,
    encounter_id: EncounterArgument,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Close the case unsettled: you gave up on it."""
    _close(ctx, encounter_id, "abandoned", db, journal)
