"""`svclog demo`: the eight stories of product.md §2 in a journal of their own, and the
scoreboard that answers "who kept my loyalty, and why?"."""

import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from svclog.cli import messages
from svclog.core.errors import SvclogError


def register(app: typer.Typer, name: str) -> None:
    app.command(name)(demo)


def demo_path() -> Path:
    from svclog.storage.location import data_dir

    return data_dir() / "svclog-demo.db"


def demo(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Where to build the demo journal (default: svclog-demo.db in the data "
            "directory). Rebuilt on every run; never your own journal.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing file given with --db.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Build it, print nothing but its path.")
    ] = False,
) -> None:
    """Build the demo journal (eight real stories of service failures and recoveries) and show
    its loyalty scoreboard."""
    from svclog.cli.stories import STORIES, record

    path = Path(db).expanduser() if db else demo_path()
    if db and path.exists() and not force:
        raise SvclogError(f"{path} already exists; the demo replaces it only with --force")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for story in STORIES:
        record(story, lambda args: _run(["--db", str(path), "--no-config", *args]))
    if quiet:
        messages.result(str(path))
        return
    messages.info(f"Demo journal: {path} — the eight stories of svclog's README.")
    _run_to_stdout(["--db", str(path), "--no-config", "report", "loyalty"])
    messages.info(f"Explore it: svclog --db {path} show 10   (or list, report recovery, ...)")


def _invoke(args: Sequence[str]) -> int:
    from typer.main import get_command

    from svclog.cli.app import build, requested_command

    command = get_command(build(requested_command(args)))
    code = command.main(args=list(args), prog_name="svclog", standalone_mode=False)
    return int(code or 0)


def _run(args: Sequence[str]) -> str:
    """Run one svclog command line in this process; its stdout, or an error if it failed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = _invoke(args)
    if code != 0:
        raise SvclogError(f"the demo step `svclog {' '.join(args)}` failed: {err.getvalue()}")
    return out.getvalue()


def _run_to_stdout(args: Sequence[str]) -> None:
    if _invoke(args) != 0:
        raise SvclogError(f"`svclog {' '.join(args)}` failed")
