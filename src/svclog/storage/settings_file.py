"""The settings file: TOML in the platform's config directory, or `SVCLOG_CONFIG`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from svclog.core import settings as rules
from svclog.core.errors import InvalidValueError, SvclogError
from svclog.core.settings import Settings


def path() -> Path:
    override = os.environ.get("SVCLOG_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("svclog", appauthor=False)) / "config.toml"


def load(file: Path) -> Settings:
    """The settings in `file`; the defaults when it does not exist."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise SvclogError(f"cannot read the settings file {file}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidValueError(f"the settings file {file} is not valid TOML: {error}") from None
    try:
        return rules.from_mapping(data)
    except InvalidValueError as error:
        raise InvalidValueError(f"{error.message} in {file}") from None


def save(file: Path, settings: Settings) -> None:
    """Write the settings atomically (a private temporary file renamed over the old one)."""
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(rules.to_toml(settings))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
