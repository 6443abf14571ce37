"""`svclog export`, `svclog import` and `svclog merge`: full-fidelity data in and out."""

import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from svclog.cli import messages
from svclog.cli.context import open_journal, settings, state
from svclog.cli.options import (
    BusinessFilter,
    ClientFilter,
    DbOption,
    FailuresFilter,
    JournalOption,
    LimitOption,
    SinceOption,
    TagFilter,
    UntilOption,
)
from svclog.core.errors import BadDataError, InvalidValueError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import IO

    from svclog.core.exchange import IncomingEncounter
    from svclog.core.export_row import ExportRow, RecordLines
    from svclog.core.models import Encounter
    from svclog.render.encounters import Timing
    from svclog.render.writers import Terminal

T = TypeVar("T")


class ExportFormat(str, Enum):
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"


class ImportFormat(str, Enum):
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    TSV = "tsv"


_EXTENSIONS = {
    ".json": ImportFormat.JSON,
    ".ndjson": ImportFormat.NDJSON,
    ".jsonl": ImportFormat.NDJSON,
    ".csv": ImportFormat.CSV,
    ".tsv": ImportFormat.TSV,
    ".tab": ImportFormat.TSV,
}


def register(app: typer.Typer, name: str) -> None:
    commands = {"export": export, "import": import_, "merge": merge}
    app.command(name)(commands[name])  # type: ignore[type-var]


def _progress(items: Iterable[T], total: int | None, label: str) -> Iterator[T]:
    """`items`, with a progress bar on stderr when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True, markup=False, emoji=False, highlight=False)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task)


# ----------------------------------------------------------------------------- export


def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
    ] = ExportFormat.JSON,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically, 0600) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing FILE (or a symlink).")
    ] = False,
    safe: Annotated[
        bool,
        typer.Option(
            "--safe",
            help="Spreadsheet-safe CSV: cells that start with = + - @ tab or CR get a "
            "leading ' (import --safe undoes it).",
        ),
    ] = False,
    business: BusinessFilter = None,
    client: ClientFilter = None,
    tag: TagFilter = None,
    since: SinceOption = None,
    until: UntilOption = None,
    failures: FailuresFilter = False,
    limit: LimitOption = None,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Every encounter with its whole timeline, for scripts, spreadsheets and other machines:
    JSON (one array), NDJSON (one per line) or CSV (one row per encounter: the flat fields,
    summary columns, and the timeline as JSON). Streamed; the same filters as `list`."""
    import contextlib

    from svclog.storage import engine

    engine.without_memory_statistics()  # before any connection: two readers work at once
    from svclog.cli.context import timing
    from svclog.cli.encounters import read_filters
    from svclog.cli.files import atomic_output
    from svclog.render.writers import Terminal
    from svclog.storage import encounters, export_records

    if safe and fmt is not ExportFormat.CSV:
        raise UsageError("--safe applies to --format csv")
    target = Path(output).expanduser() if output else None
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
            status=None,
            limit=limit,
            oldest_first=limit is None,
        )
        with opened.reading() as conn, contextlib.ExitStack() as cleanup:
            total = encounters.count_matching(conn, filters) if sys.stderr.isatty() else None
            judged = timing(ctx)
            write: Callable[[IO[str], Terminal], int]
            if not export_records.supported(conn):
                selected = encounters.select(conn, filters)
                write = _models_writer(selected, limit, judged, fmt, safe, total)
            elif fmt is ExportFormat.CSV:
                rows = export_records.csv_rows(conn, filters, judged.window, judged.now)
                write = _rows_writer(rows, safe, total)
            else:
                records = export_records.json_records(
                    conn, filters, judged.window, judged.now, path=opened.path
                )
                cleanup.callback(records.close)  # even if never read: it opened connections
                write = _records_writer(records, fmt, total)
            if target is None:
                count = write(sys.stdout, Terminal(is_terminal=sys.stdout.isatty()))
            else:
                with atomic_output(target, force=force) as handle:
                    count = write(handle, Terminal())
    where = f" to {target}" if target else ""
    messages.info(f"Exported {count} encounter{'s' if count != 1 else ''}{where}.")


def _chunks_total(total: int | None) -> int | None:
    """How many chunks `total` encounters come in (for the progress bar)."""
    from svclog.storage.export_records import CHUNK

    return None if total is None else -(-total // CHUNK)


def _records_writer(
    records: "Iterable[RecordLines]", fmt: ExportFormat, total: int | None
) -> "Callable[[IO[str], Terminal], int]":
    """JSON or NDJSON of records SQLite wrote whole, streamed in chunks."""
    from svclog.render.exchange import write_records
    from svclog.render.formats import Format

    chunks = _progress(records, _chunks_total(total), "Exporting")
    return lambda out, term: write_records(chunks, Format(fmt.value), out, term)


def _rows_writer(
    rows: "Iterable[Sequence[ExportRow]]", safe: bool, total: int | None
) -> "Callable[[IO[str], Terminal], int]":
    """CSV of rows SQLite read whole, streamed in chunks."""
    from svclog.render.exchange import write_csv_rows

    chunks = _progress(rows, _chunks_total(total), "Exporting")
    return lambda out, term: write_csv_rows(chunks, safe, out, term)


def _models_writer(
    selected: "Iterable[Encounter]",
    limit: int | None,
    timing: "Timing",
    fmt: ExportFormat,
    safe: bool,
    total: int | None,
) -> "Callable[[IO[str], Terminal], int]":
    """Where SQLite cannot write the records exactly (no JSON functions): an `Encounter` at a
    time, through `record` and `csv_row`."""
    from svclog.render.exchange import export_view
    from svclog.render.formats import Format
    from svclog.render.writers import write_many

    view = export_view(timing, safe)
    if limit is not None:  # the newest `limit`, still written oldest first
        selected = reversed(list(selected))
    items = _progress(selected, total, "Exporting")
    return lambda out, term: write_many(view, items, Format(fmt.value), out, term)


# ----------------------------------------------------------------------------- import


def _read_text(source: str) -> str:
    raw = sys.stdin.buffer.read() if source == "-" else _read_bytes(Path(source))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BadDataError(
            f"{_name(source)} is not valid UTF-8 (line {line}, byte {error.start + 1})"
        ) from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadDataError(f"no file {path}") from None
    except IsADirectoryError:
        raise BadDataError(f"{path} is a directory") from None
    except OSError as error:
        raise BadDataError(f"cannot read {path}: {error.strerror}") from None


def _ndjson(source: str) -> Iterator[tuple[str, Any, dict[str, str]]]:
    """NDJSON read a line at a time, so a large file never sits in memory whole."""
    import contextlib
    import json

    loads = json.loads
    with contextlib.ExitStack() as stack:
        if source == "-":
            lines: Iterable[bytes] = sys.stdin.buffer
        else:
            try:
                lines = stack.enter_context(Path(source).open("rb"))
            except FileNotFoundError:
                raise BadDataError(f"no file {source}") from None
            except IsADirectoryError:
                raise BadDataError(f"{source} is a directory") from None
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise BadDataError(
                    f"{_name(source)} line {number} is not valid UTF-8 (byte {error.start + 1})"
                ) from None
            if not line or line.isspace():  # blank (`not line.strip()`, without the copy)
                continue
            try:
                item = loads(line)
            except json.JSONDecodeError as error:
                raise BadDataError(
                    f"{_name(source)} line {number} is not valid JSON: {error.msg}"
                ) from None
            yield f"line {number}", item, {}


def _name(source: str) -> str:
    return "standard input" if source == "-" else source


def _records(
    source: str, fmt: ImportFormat, *, mapping: Any, safe: bool, now: Any
) -> Iterator[tuple[str, Any, dict[str, str]]]:
    """(where, record, columns) for each record of the input: `where` names the row for
    messages, `columns` maps record fields to the columns they came from."""
    import csv
    import io
    import json

    from svclog.core import csvmap
    from svclog.core.when import localize
    from svclog.render.exchange import is_svclog_csv

    if fmt is ImportFormat.NDJSON:
        yield from _ndjson(source)
        return
    text = _read_text(source)
    if fmt is ImportFormat.JSON:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadDataError(f"{_name(source)} is not valid JSON: {error}") from None
        if not isinstance(data, list):
            raise BadDataError(f"{_name(source)} must hold a JSON array of encounters")
        for index, item in enumerate(data, start=1):
            yield f"record {index}", item, {}
        return
    delimiter = "\t" if fmt is ImportFormat.TSV else ","
    csv.field_size_limit(2**31 - 1)  # notes may be long; the default caps a cell at 128 KiB
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = reader.fieldnames or []
    ours = is_svclog_csv(header)
    if not ours:
        csvmap.check_columns(mapping, header)
    reverse = {name: column for column, name in mapping.columns.items()}
    reverse.update({name: f"--set {name}" for name in mapping.constants})
    rows = iter(reader)
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise BadDataError(f"{_name(source)} row {number}: {error}") from None
        if None in row:
            raise BadDataError(f"{_name(source)} row {number} has more cells than the header")
        if None in row.values():
            raise BadDataError(f"{_name(source)} row {number} has fewer cells than the header")
        where = f"row {number}"
        try:
            if ours:
                yield where, csvmap.svclog_record(row, safe), {}
            else:
                yield where, csvmap.foreign_record(row, mapping, now, localize), reverse
        except InvalidValueError as error:
            raise _rejected(source, where, error, {} if ours else reverse) from None


def _rejected(
    source: str, where: str, error: InvalidValueError, columns: dict[str, str]
) -> BadDataError:
    """The error for a record that cannot be imported: the row, the column it came from (for
    CSV from elsewhere), and what is wrong with the value."""
    field = error.message.split(" ", 1)[0].split(".", 1)[0].split("[", 1)[0].rstrip(":")
    column = columns.get(field)
    where_column = f", column {column!r}" if column else ""
    return BadDataError(
        f"{_name(source)} {where}{where_column}: {error.message}; nothing was imported"
    )


def _parsed(
    records: Iterable[tuple[str, Any, dict[str, str]]], source: str
) -> Iterator["IncomingEncounter"]:
    from svclog.core.exchange import parse_encounter

    for where, record, columns in records:
        try:
            incoming = parse_encounter(record)
            if columns:  # a row of another tool's CSV gives only the fields it maps
                incoming.given = frozenset(columns)
            yield incoming
        except InvalidValueError as error:
            raise _rejected(source, where, error, columns) from None


def import_(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="FILE", help="The file to import, or - for standard input.")
    ],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Input format (default: from the file's extension).",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="CSV from elsewhere: read COLUMN into the encounter FIELD "
            "(repeatable), e.g. --map Store=business --map Date=occurred_at.",
            show_default=False,
        ),
    ] = None,
    constants: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="CSV from elsewhere: give every row this FIELD value (repeatable).",
            show_default=False,
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            metavar="FORMAT",
            help="CSV from elsewhere: how dates are written, e.g. %m/%d/%Y.",
            show_default=False,
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            metavar="COLUMN",
            help="CSV from elsewhere: a column that identifies a row, so importing the "
            "file again updates rows instead of adding them.",
            show_default=False,
        ),
    ] = None,
    safe: Annotated[
        bool, typer.Option("--safe", help="The CSV was exported with --safe: undo it.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would happen; change nothing.")
    ] = False,
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Bring records in, all or nothing: svclog's own JSON, NDJSON or CSV export (lossless;
    importing the same file twice adds nothing; a newer record replaces an older one), or
    CSV/TSV from elsewhere with --map. An invalid record stops the import (exit 65) with its
    row and column named, and nothing is imported."""
    from svclog.core.csvmap import ColumnMap, parse_pairs

    chosen = fmt or _EXTENSIONS.get(Path(source).suffix.lower())
    if chosen is None:
        raise UsageError("cannot tell the format from the file name; give --format")
    mapping = ColumnMap(
        columns=parse_pairs(column_map or [], "--map"),
        constants=parse_pairs(constants or [], "--set"),
        date_format=date_format,
        key=key,
    )
    if chosen in (ImportFormat.JSON, ImportFormat.NDJSON) and (column_map or constants or key):
        raise UsageError("--map, --set and --key apply to CSV/TSV from elsewhere")
    now = state(ctx).clock.now()
    records = _records(source, chosen, mapping=mapping, safe=safe, now=now)
    if dry_run:
        _dry_run(ctx, records, source, db, journal)
        return
    from svclog.cli.context import journal_path
    from svclog.storage.exchange import Importer, Result, bulk_writes
    from svclog.storage.journal import command

    tally = dict.fromkeys(Result, 0)
    path = journal_path(ctx, db, journal)
    new_journal = not path.exists()
    try:
        opened = open_journal(ctx, db, journal, create=True)
        with opened, bulk_writes(opened), command(opened, "import") as log:
            importer = Importer(log, now, settings(ctx).timely_window)
            incoming = _progress(_parsed(records, source), None, "Importing")
            for result in importer.bring_in_all(incoming):
                tally[result] += 1
            importer.finish()
            log.describe(f"import {_name(source)} ({_summary(tally)})")
    except BaseException:
        if new_journal:  # a refused import into a new journal leaves no journal behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    messages.info(f"Imported {_name(source)}: {_summary(tally)}.")


def _summary(tally: dict[Any, int]) -> str:
    return ", ".join(f"{count} {result.value}" for result, count in tally.items())


def _dry_run(
    ctx: typer.Context,
    records: Iterable[tuple[str, Any, dict[str, str]]],
    source: str,
    db: str | None,
    journal: str | None,
) -> None:
    """Classify every record against the journal, writing nothing (not even a new file)."""
    from svclog.core.errors import JournalMissingError
    from svclog.core.exchange import parse_encounter
    from svclog.storage.exchange import Result, classify

    tally = dict.fromkeys(Result, 0)
    rejected: list[str] = []
    try:
        opened = open_journal(ctx, db, journal)
    except JournalMissingError:
        opened = None
    try:
        for where, record, _ in records:
            try:
                incoming = parse_encounter(record)
            except InvalidValueError as error:
                rejected.append(f"{where}: {error.message}")
                continue
            if opened is None:
                tally[Result.ADDED] += 1
            else:
                with opened.reading() as conn:
                    tally[classify(conn, incoming)] += 1
    finally:
        if opened is not None:
            opened.close()
    line = f"{_summary(tally)}, {len(rejected)} rejected"
    messages.info(f"Dry run of {_name(source)}: would be {line}; nothing was changed.")
    for problem in rejected[:10]:
        messages.info(f"  rejected {problem}")
    if rejected:
        raise typer.Exit(int(BadDataError.exit_code))


# ----------------------------------------------------------------------------- merge


def merge(
    ctx: typer.Context,
    other: Annotated[
        str, typer.Argument(metavar="OTHER.db", help="The journal to bring records in from.")
    ],
    db: DbOption = None,
    journal: JournalOption = None,
) -> None:
    """Bring in another journal's records by uid: new ones are added, newer versions replace
    older ones, nothing is deleted. Merging two journals both ways leaves both with the same
    content — how a laptop's and a desktop's journals come together through any file sync."""
    from svclog.core.exchange import from_encounter
    from svclog.core.models import EncounterFilter
    from svclog.storage import encounters
    from svclog.storage.exchange import Importer, Result, merge_businesses
    from svclog.storage.journal import Journal, command

    now = state(ctx).clock.now()
    other_path = Path(other).expanduser()
    with open_journal(ctx, db, journal) as opened:
        if other_path.resolve() == opened.path.resolve():
            raise UsageError("cannot merge a journal into itself")
        tally = dict.fromkeys(Result, 0)
        theirs = Journal.open(other_path, state(ctx).clock)
        with theirs, theirs.reading() as source, command(opened, "merge") as log:
            added_businesses = merge_businesses(log, source, now)
            importer = Importer(log, now, settings(ctx).timely_window)
            stream = encounters.select(source, EncounterFilter(oldest_first=True))
            for encounter in _progress(stream, None, "Merging"):
                tally[importer.bring_in(from_encounter(encounter))] += 1
            importer.finish()
            log.describe(f"merge {other_path} ({_summary(tally)})")
    messages.info(
        f"Merged {other_path}: {_summary(tally)} encounters; {added_businesses} new businesses."
    )
