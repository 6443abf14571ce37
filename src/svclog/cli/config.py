"""`svclog config`: where the settings file is, what it says, and changing it."""

import sys
from typing import Annotated

import typer

from svclog.cli import messages
from svclog.cli.options import FormatOption
from svclog.render.formats import Format

app = typer.Typer(
    help="Settings: the timely window, loyalty thresholds, default currency and journal.",
    no_args_is_help=True,
)

KeyArgument = Annotated[
    str, typer.Argument(metavar="KEY", help="A setting, e.g. timely_hours (see config show).")
]


def register(root: typer.Typer, name: str) -> None:
    root.add_typer(app, name=name)


@app.command("path")
def path() -> None:
    """Print where the settings file is (SVCLOG_CONFIG overrides it)."""
    from svclog.storage import settings_file

    messages.result(str(settings_file.path()))


@app.command("show")
def show(ctx: typer.Context, fmt: FormatOption = Format.TABLE) -> None:
    """Every setting with its value and where the value comes from."""
    from svclog.cli.context import state, stdout_terminal
    from svclog.core.settings import KEYS, Settings, value_of
    from svclog.render.settings import view
    from svclog.render.writers import write_many
    from svclog.storage import settings_file

    current = Settings() if state(ctx).no_config else settings_file.load(settings_file.path())
    rows = [
        (spec, value_of(current, spec.name), spec.name in current.explicit)
        for spec in KEYS.values()
    ]
    write_many(view(), rows, fmt, sys.stdout, stdout_terminal(ctx))


@app.command("set")
def set_value(
    key: KeyArgument,
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
) -> None:
    """Set a setting in the settings file (the value is checked first)."""
    from svclog.core import settings as rules
    from svclog.storage import settings_file

    file = settings_file.path()
    updated = rules.check(rules.with_value(settings_file.load(file), key, value))
    settings_file.save(file, updated)
    messages.result(f"{rules.key(key).name} = {_shown(rules.value_of(updated, key))}")


@app.command("unset")
def unset(key: KeyArgument) -> None:
    """Remove a setting from the file, back to its default."""
    from svclog.core import settings as rules
    from svclog.storage import settings_file

    file = settings_file.path()
    updated = rules.check(rules.without(settings_file.load(file), key))
    settings_file.save(file, updated)
    messages.result(f"{rules.key(key).name} = {_shown(rules.value_of(updated, key))} (default)")


def _shown(value: object) -> str:
    from svclog.render.settings import shown

    return shown(value)
