"""Files svclog writes besides the journal (exports): private, atomic, never clobbering."""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from svclog.core.errors import SvclogError


@contextlib.contextmanager
def atomic_output(path: Path, *, force: bool) -> Iterator[IO[str]]:
    """Write to a private temporary file beside `path`, then rename it over `path`: a reader
    never sees half a file, and an interrupted export leaves none. An existing file, or a
    symlink, is replaced only with `force` (and the link itself is replaced, never followed)."""
    if (path.exists() or path.is_symlink()) and not force:
        kind = "a symlink" if path.is_symlink() else "a file"
        raise SvclogError(f"{path} is {kind} already; use --force to replace it")
    if path.is_dir():
        raise SvclogError(f"{path} is a directory")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SvclogError(f"no directory {directory} to write {path.name} in")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
