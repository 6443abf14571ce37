#!/usr/bin/env python3
"""What svclog imports at start-up: a profiling aid for benchmarks/startup.py.

For each command it runs `python -X importtime -m svclog ...` once (after one untimed run, so
that bytecode caches and the journal exist), parses the report on stderr and prints:

- whether the heavy packages the budget forbids on the quick paths were imported
  (sqlite_utils, dateparser, rich, pydantic; and a few others), by whom, and what they cost;
- the most expensive top-level imports (cumulative), and the most expensive packages at the
  point where another package first pulled them in;
- every module imported, grouped by top-level package.

    python benchmarks/imports.py [--python PATH] [--command help,add] [--top 15]

Standard library only. Times are one run's: use them to see *what* is imported and roughly
what it costs, and benchmarks/startup.py to measure.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from startup import BUSINESS, ROOT, SUMMARY, BenchmarkError, Sandbox, make_sandbox, run_checked

DEFAULT_PYTHON = ROOT / ".venv" / "bin" / "python"

#: The packages performance.md keeps off the quick paths, then others worth knowing about.
WATCHED = ("sqlite_utils", "dateparser", "rich", "pydantic")
ALSO_WATCHED = ("typer", "click", "sqlite3", "platformdirs", "dateutil", "pluggy", "pygments")

COMMANDS: dict[str, tuple[str, list[str]]] = {
    "help": ("svclog --help", ["--help"]),
    "version": ("svclog --version", ["--version"]),
    "add": (
        f'svclog add "{BUSINESS}" "{SUMMARY}" --failure --quiet  (existing journal)',
        ["add", BUSINESS, SUMMARY, "--failure", "--quiet"],
    ),
    "add-new": (
        f'svclog add "{BUSINESS}" "{SUMMARY}" --failure --quiet  (creates the journal)',
        ["add", BUSINESS, SUMMARY, "--failure", "--quiet"],
    ),
}

_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S.*)$")

#: `-X importtime` also lists imports that failed (platform fallbacks such as `nt` or
#: `msvcrt`, optional extras): a `sitecustomize` put on PYTHONPATH records `sys.modules` at
#: exit so that those can be told apart. It shows up in the report itself and is left out.
_HOOK_MODULE = "sitecustomize"
_HOOK = """\
import atexit, os, sys


def _svclog_benchmark_dump_modules():
    with open(os.environ["SVCLOG_BENCHMARK_MODULES"], "w", encoding="utf-8") as handle:
        handle.write("\\n".join(sorted(sys.modules)))


atexit.register(_svclog_benchmark_dump_modules)
"""


@dataclass
class Import:
    """One line of `-X importtime`: a module and the imports it triggered."""

    name: str
    self_us: int
    cumulative_us: int
    level: int
    children: list[Import] = field(default_factory=list)

    @property
    def package(self) -> str:
        return self.name.split(".", 1)[0]


def parse_importtime(stderr: str) -> list[Import]:
    """The top-level imports, in order, each with its nested imports.

    `-X importtime` prints a module after the modules it imported, indented two spaces per
    level of nesting, so children are collected until their parent's line arrives.
    """
    pending: dict[int, list[Import]] = {}
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        level = len(indent) // 2
        node = Import(name.strip(), int(self_us), int(cumulative_us), level)
        node.children = pending.pop(level + 1, [])
        pending.setdefault(level, []).append(node)
    return pending.get(0, [])


def walk(
    nodes: Sequence[Import], parents: tuple[Import, ...] = ()
) -> Iterator[tuple[Import, tuple[Import, ...]]]:
    """Every import in the order it started, with its chain of importers."""
    for node in nodes:
        # A parent's line comes after its children's, but it started before them.
        yield node, parents
        yield from walk(node.children, (*parents, node))


@dataclass(frozen=True)
class Profile:
    title: str
    exit_code: int
    tree: list[Import]
    other_stderr: str
    #: `sys.modules` at exit; None when the process ended without running atexit handlers.
    loaded: frozenset[str] | None

    def imported(self, node: Import, parents: tuple[Import, ...] = ()) -> bool:
        """A module svclog's run imported (not a failed attempt, not the hook's doing)."""
        if any(item.name == _HOOK_MODULE for item in (*parents, node)):
            return False
        return self.loaded is None or node.name in self.loaded

    def nodes(self) -> Iterator[tuple[Import, tuple[Import, ...]]]:
        """The imports that succeeded, in the order they started, with their importers."""
        return (
            (node, parents) for node, parents in walk(self.tree) if self.imported(node, parents)
        )

    def modules(self) -> list[str]:
        return list(dict.fromkeys(node.name for node, _ in self.nodes()))

    def failed(self) -> list[str]:
        names = (
            node.name
            for node, parents in walk(self.tree)
            if not any(item.name == _HOOK_MODULE for item in (*parents, node))
        )
        return [
            name
            for name in dict.fromkeys(names)
            if self.loaded is not None and name not in self.loaded
        ]

    def top_level(self) -> list[Import]:
        return [node for node in self.tree if self.imported(node)]

    def total_us(self) -> int:
        return sum(node.cumulative_us for node in self.top_level())


def profile(python: Path, sandbox: Sandbox, title: str, args: Sequence[str]) -> Profile:
    hook_dir = sandbox.root / "import-hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / f"{_HOOK_MODULE}.py").write_text(_HOOK, encoding="utf-8")
    dump = sandbox.root / "modules.txt"
    dump.unlink(missing_ok=True)
    env = dict(sandbox.env, PYTHONPATH=str(hook_dir), SVCLOG_BENCHMARK_MODULES=str(dump))
    completed = subprocess.run(
        [str(python), "-X", "importtime", "-m", "svclog", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=sandbox.root,
        timeout=120,
        check=False,
    )
    other = "\n".join(
        line for line in completed.stderr.splitlines() if not line.startswith("import time:")
    )
    loaded = frozenset(dump.read_text(encoding="utf-8").split()) if dump.exists() else None
    return Profile(title, completed.returncode, parse_importtime(completed.stderr), other, loaded)


def _ms(microseconds: int) -> str:
    return f"{microseconds / 1000:7.1f} ms"


def package_entries(profile_: Profile) -> list[tuple[Import, Import | None]]:
    """Where each package was first entered from another one: (entry, importer)."""
    seen: set[str] = set()
    entries: list[tuple[Import, Import | None]] = []
    for node, parents in profile_.nodes():
        if node.package in seen:
            continue
        seen.add(node.package)
        entries.append((node, parents[-1] if parents else None))
    return entries


def describe_watched(profile_: Profile, package: str) -> str:
    nodes = [(node, parents) for node, parents in profile_.nodes() if node.package == package]
    if not nodes:
        return f"  {package:<13} no"
    first, parents = nodes[0]
    own_us = sum(node.self_us for node, _ in nodes)
    chain = " <- ".join(node.name for node in reversed(parents)) or "(top level)"
    return (
        f"  {package:<13} YES  {len(nodes)} modules, {own_us / 1000:.1f} ms in their own code, "
        f"{first.cumulative_us / 1000:.1f} ms for the first ({first.name});"
        f" imported by {chain}"
    )


def grouped_modules(names: Sequence[str]) -> list[str]:
    stdlib = set(sys.stdlib_module_names) | {"__main__"}
    groups: dict[str, list[str]] = {}
    for name in names:
        root = name.split(".", 1)[0]
        key = "standard library" if root in stdlib or root.startswith("_") else root
        groups.setdefault(key, []).append(name)
    order = sorted(groups, key=lambda key: (key == "standard library", key != "svclog", key))
    lines: list[str] = []
    for key in order:
        members = groups[key]
        lines += textwrap.wrap(
            f"{key} ({len(members)}): {', '.join(members)}",
            width=100,
            initial_indent="  ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )
    return lines


def report(profile_: Profile, top: int) -> str:
    modules = profile_.modules()
    lines = [
        f"## {profile_.title}",
        "",
        f"exit {profile_.exit_code}; {len(modules)} modules imported, "
        f"{profile_.total_us() / 1000:.1f} ms of import time in all (the quickest run)",
    ]
    if profile_.exit_code != 0 and profile_.other_stderr:
        lines += ["", "stderr:", textwrap.indent(profile_.other_stderr[-2000:], "  ")]
    lines += ["", "Heavy packages (performance.md keeps the first four off the quick paths):"]
    lines += [describe_watched(profile_, package) for package in WATCHED]
    lines += ["", "Also:"]
    lines += [describe_watched(profile_, package) for package in ALSO_WATCHED]

    lines += ["", f"{top} most expensive top-level imports (cumulative, self):"]
    for node in sorted(profile_.top_level(), key=lambda node: -node.cumulative_us)[:top]:
        lines.append(f"  {_ms(node.cumulative_us)}  {_ms(node.self_us)}  {node.name}")

    lines += ["", f"{top} most expensive packages where first entered (cumulative, importer):"]
    entries = [entry for entry in package_entries(profile_) if entry[0].package != "svclog"]
    for node, importer in sorted(entries, key=lambda entry: -entry[0].cumulative_us)[:top]:
        by = importer.name if importer is not None else "(top level)"
        lines.append(f"  {_ms(node.cumulative_us)}  {node.name:<32} <- {by}")

    lines += ["", "Modules imported, by package:", *grouped_modules(modules)]
    failed = profile_.failed()
    if failed:
        lines += textwrap.wrap(
            f"Looked for but not found (platform fallbacks, optional extras): {', '.join(failed)}",
            width=100,
            subsequent_indent="  ",
            break_on_hyphens=False,
        )
    elif profile_.loaded is None:
        lines.append("(sys.modules was not recorded at exit: failed imports are listed too)")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Which modules svclog imports at start-up, and what they cost."
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=DEFAULT_PYTHON,
        metavar="PATH",
        help="the interpreter svclog is installed in (default: the project's .venv)",
    )
    parser.add_argument(
        "--command",
        default="help,add",
        metavar="LIST",
        help=f"comma-separated, from {', '.join(COMMANDS)} (default: help,add)",
    )
    parser.add_argument("--top", type=int, default=15, help="rows in the top lists (default 15)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="profile each command N times and report the run with the least import time, "
        "the least disturbed by noise (default 3)",
    )
    args = parser.parse_args(argv)
    args.commands = [name.strip() for name in args.command.split(",") if name.strip()]
    unknown = [name for name in args.commands if name not in COMMANDS]
    if unknown:
        parser.error(f"unknown command {', '.join(unknown)}; choose from {', '.join(COMMANDS)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    python = args.python.expanduser().absolute()
    if not python.exists():
        raise BenchmarkError(f"no Python at {python} (create the project's .venv, or --python)")
    failed = False
    with tempfile.TemporaryDirectory(prefix="svclog-imports-") as tmp:
        for name in args.commands:
            sandbox = make_sandbox(Path(tmp) / name)
            title, command_args = COMMANDS[name]
            # Warm the bytecode caches; for `add`, also create the journal, so that the
            # profiled run is the everyday one (no schema migration). `add-new` warms up on
            # a journal of its own and is profiled on a missing one.
            warm = make_sandbox(Path(tmp) / f"{name}-warm-up") if name == "add-new" else sandbox
            run_checked([str(python), "-m", "svclog", *command_args], warm, "warm-up")
            runs: list[Profile] = []
            for _ in range(max(1, args.repeat)):
                if name == "add-new":
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{sandbox.svclog_db}{suffix}").unlink(missing_ok=True)
                runs.append(profile(python, sandbox, title, command_args))
            result = min(runs, key=lambda run: (run.exit_code != 0, run.total_us()))
            failed = failed or result.exit_code != 0
            print(report(result, args.top), end="\n\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as error:
        print(f"imports.py: error: {error}", file=sys.stderr)
        sys.exit(2)
