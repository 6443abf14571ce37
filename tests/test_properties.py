"""Properties: an encounter's text round-trips exactly through `add` and `show --format json`."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import cli

#: Any character svclog must store: everything but NUL and lone surrogates.
STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
#: A character of a one-line field: no line breaks either.
ONE_LINE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r")


def _trimmed(value: str) -> bool:
    return value == value.strip()


#: One-line fields are trimmed by svclog, so generate them trimmed already.
one_line_text = st.text(ONE_LINE).filter(_trimmed)
#: Names (business, tag) must also not be blank.
name_text = st.text(ONE_LINE, min_size=1).filter(lambda v: _trimmed(v) and v.strip() != "")
#: Tags are split on commas.
tag_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00\n\r,"), min_size=1
).filter(lambda v: _trimmed(v) and v.strip() != "")
#: Notes are kept exactly, line breaks and surrounding blanks included.
note_text = st.text(STORABLE)

#: Moments between 1970 and the fixed `now` (2026-11-22), with any whole-minute offset.
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2026, 11, 20, 23, 59, 59)),
    offsets,
).map(lambda moment: moment.replace(microsecond=0))

_journal_numbers = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    business=name_text,
    summary=one_line_text,
    note=note_text,
    issue=one_line_text,
    client=one_line_text,
    tag=tag_text,
    when=moments,
)
def test_an_encounter_round_trips_through_add_and_show(
    tmp_path: Path,
    business: str,
    summary: str,
    note: str,
    issue: str,
    client: str,
    tag: str,
    when: datetime,
) -> None:
    db = tmp_path / f"journal-{next(_journal_numbers)}.db"
    added = cli(
        "add",
        f"--note={note}",
        f"--issue={issue}",
        f"--client={client}",
        f"--tag={tag}",
        f"--when={when.isoformat()}",
        f"--db={db}",
        "--quiet",
        "--",
        business,
        summary,
    )
    assert added.exit_code == 0, added.stderr
    assert added.stderr == ""
    encounter_id = added.stdout.strip()
    assert encounter_id == "1"

    shown = cli("show", encounter_id, "--format", "json", "--db", str(db))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stderr == ""
    data = shown.json()
    assert data["business"]["name"] == business
    assert data["summary"] == (summary or None)
    assert data["note"] == (note if note.strip() else None)
    assert data["issue"] == (issue or None)
    assert data["client"] == (client or None)
    assert data["tags"] == [tag]
    assert data["occurred_at"] == when.isoformat()
    assert data["failure"] is False
    assert data["status"] == "resolved"


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(business=name_text, summary=one_line_text)
def test_a_quick_entry_round_trips_as_positional_arguments(
    tmp_path: Path, business: str, summary: str
) -> None:
    """The everyday form, without `--`: `svclog add BUSINESS SUMMARY`."""
    if business.startswith("-") or summary.startswith("-"):
        return  # an argument starting with '-' is an option unless after `--`
    db = tmp_path / f"quick-{next(_journal_numbers)}.db"
    added = cli("add", business, summary, "--quiet", "--db", str(db))
    assert added.exit_code == 0, added.stderr
    data = cli("show", added.stdout.strip(), "--format", "json", "--db", str(db)).json()
    assert data["business"]["name"] == business
    assert data["summary"] == (summary or None)
