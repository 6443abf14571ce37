"""The core layer, without a database: dates, text, validation, vocabularies and ids.

The autouse fixture of conftest.py fixes the local zone to Europe/Paris, so "local" below
means +01:00 in winter and +02:00 in summer.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from ulid import ULID

from svclog.core import text, validate
from svclog.core.errors import InvalidValueError
from svclog.core.ids import is_ulid, new_ulid
from svclog.core.vocabulary import (
    Apology,
    Dimension,
    EncounterStatus,
    RemedyType,
    ResponderLevel,
)
from svclog.core.when import Bound, parse_when

# A Sunday afternoon in Paris (UTC+01:00).
NOW = datetime.fromisoformat("2026-11-22T15:30:00+01:00")
PARIS_WINTER = timezone(timedelta(hours=1))
PARIS_SUMMER = timezone(timedelta(hours=2))


# ----------------------------------------------------------------------------- parse_when: ISO


def test_iso_with_offset_is_kept_verbatim() -> None:
    moment = parse_when("2026-11-21T19:00:00-05:00", NOW)
    assert moment == datetime(2026, 11, 21, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert moment.utcoffset() == timedelta(hours=-5)


def test_iso_with_z_is_utc() -> None:
    moment = parse_when("2026-11-21T19:00:00Z", NOW)
    assert moment == datetime(2026, 11, 21, 19, 0, tzinfo=timezone.utc)
    assert moment.utcoffset() == timedelta(0)


def test_iso_without_offset_is_local_time_with_the_offset_of_that_moment() -> None:
    winter = parse_when("2026-11-21T19:00", NOW)
    assert (winter.replace(tzinfo=None), winter.utcoffset()) == (
        datetime(2026, 11, 21, 19, 0),
        timedelta(hours=1),
    )
    summer = parse_when("2026-07-14 09:15:30", NOW)
    assert (summer.replace(tzinfo=None), summer.utcoffset()) == (
        datetime(2026, 7, 14, 9, 15, 30),
        timedelta(hours=2),
    )


def test_iso_drops_fractions_of_a_second() -> None:
    moment = parse_when("2026-11-21T19:00:05.987654+01:00", NOW)
    assert moment == datetime(2026, 11, 21, 19, 0, 5, tzinfo=PARIS_WINTER)
    assert moment.microsecond == 0


def test_date_only_is_the_start_of_that_local_day() -> None:
    moment = parse_when("2026-11-20", NOW)
    assert moment == datetime(2026, 11, 20, 0, 0, tzinfo=PARIS_WINTER)
    assert moment.utcoffset() == timedelta(hours=1)


def test_date_only_in_summer_uses_the_summer_offset() -> None:
    moment = parse_when("2026-06-01", NOW)
    assert moment == datetime(2026, 6, 1, 0, 0, tzinfo=PARIS_SUMMER)
    assert moment.utcoffset() == timedelta(hours=2)


def test_date_only_as_an_end_bound_is_the_last_second_of_the_day() -> None:
    moment = parse_when("2026-11-20", NOW, bound=Bound.END)
    assert moment == datetime(2026, 11, 20, 23, 59, 59, tzinfo=PARIS_WINTER)


def test_end_bound_does_not_move_an_iso_moment() -> None:
    moment = parse_when("2026-11-20T08:00:00+01:00", NOW, bound=Bound.END)
    assert moment == datetime(2026, 11, 20, 8, 0, tzinfo=PARIS_WINTER)


# ----------------------------------------------------------------------------- natural phrases


def test_yesterday_7pm() -> None:
    moment = parse_when("yesterday 7pm", NOW)
    assert moment == datetime(2026, 11, 21, 19, 0, tzinfo=PARIS_WINTER)
    assert moment.utcoffset() == timedelta(hours=1)


def test_last_friday_is_that_day() -> None:
    assert parse_when("last friday", NOW) == datetime(2026, 11, 20, 0, 0, tzinfo=PARIS_WINTER)


def test_last_friday_7pm() -> None:
    assert parse_when("last friday 7pm", NOW) == datetime(2026, 11, 20, 19, 0, tzinfo=PARIS_WINTER)


def test_a_bare_weekday_means_the_last_one() -> None:
    assert parse_when("friday", NOW) == datetime(2026, 11, 20, 0, 0, tzinfo=PARIS_WINTER)
    assert parse_when("Monday", NOW) == datetime(2026, 11, 16, 0, 0, tzinfo=PARIS_WINTER)


def test_a_bare_weekday_with_prefer_future_is_the_next_one() -> None:
    moment = parse_when("friday", NOW, prefer_future=True, allow_future=True)
    assert moment == datetime(2026, 11, 27, 0, 0, tzinfo=PARIS_WINTER)


def test_days_ago_is_that_day() -> None:
    moment = parse_when("3 days ago", NOW)
    assert moment.astimezone(PARIS_WINTER).date() == datetime(2026, 11, 19).date()
    assert moment <= NOW - timedelta(days=2)


def test_an_hour_ago_keeps_the_time() -> None:
    assert parse_when("an hour ago", NOW) == datetime(2026, 11, 22, 14, 30, tzinfo=PARIS_WINTER)


def test_minutes_ago() -> None:
    assert parse_when("20 minutes ago", NOW) == datetime(2026, 11, 22, 15, 10, tzinfo=PARIS_WINTER)


def test_natural_phrase_depends_on_now_not_on_the_real_clock() -> None:
    other_now = datetime.fromisoformat("2001-03-10T12:00:00+01:00")
    assert parse_when("yesterday 7pm", other_now) == datetime(
        2001, 3, 9, 19, 0, tzinfo=PARIS_WINTER
    )


def test_surrounding_blanks_are_ignored() -> None:
    assert parse_when("  2026-11-20  ", NOW) == datetime(2026, 11, 20, tzinfo=PARIS_WINTER)


# ----------------------------------------------------------------------------- future


@pytest.mark.parametrize("phrase", ["tomorrow", "next monday", "in 2 days", "2030-01-01"])
def test_the_future_is_refused(phrase: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        parse_when(phrase, NOW)
    assert repr(phrase) in info.value.message
    assert "future" in info.value.message


def test_the_future_is_accepted_when_allowed() -> None:
    assert parse_when("tomorrow", NOW, allow_future=True) == datetime(
        2026, 11, 23, 0, 0, tzinfo=PARIS_WINTER
    )
    assert parse_when("2030-01-01", NOW, allow_future=True) == datetime(
        2030, 1, 1, tzinfo=PARIS_WINTER
    )


def test_a_few_minutes_of_clock_skew_are_tolerated() -> None:
    assert parse_when("2026-11-22T15:34:00+01:00", NOW) == datetime(
        2026, 11, 22, 15, 34, tzinfo=PARIS_WINTER
    )
    with pytest.raises(InvalidValueError):
        parse_when("2026-11-22T15:36:00+01:00", NOW)


def test_the_same_instant_in_another_offset_is_not_the_future() -> None:
    moment = parse_when("2026-11-22T14:30:00Z", NOW)
    assert moment == NOW
    assert moment.utcoffset() == timedelta(0)


# ----------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    "phrase",
    ["blargh", "the day after the thing", "2026-02-31", "2026-13-01", "2026-11-21T25:00"],
)
def test_garbage_and_impossible_dates_are_refused_quoting_the_input(phrase: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        parse_when(phrase, NOW)
    assert repr(phrase) in info.value.message


def test_february_31st_is_not_a_real_date() -> None:
    with pytest.raises(InvalidValueError, match="'2026-02-31' is not a real date"):
        parse_when("2026-02-31", NOW)


@pytest.mark.parametrize("phrase", ["1969-12-31", "1969-12-31T23:59:59Z", "1900-01-01T00:00"])
def test_before_1970_is_refused(phrase: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        parse_when(phrase, NOW)
    assert repr(phrase) in info.value.message
    assert "1970" in info.value.message


def test_the_first_second_of_1970_is_accepted() -> None:
    assert parse_when("1970-01-01T00:00:00Z", NOW) == datetime(1970, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("phrase", ["", "   ", "\t\n"])
def test_an_empty_date_is_refused(phrase: str) -> None:
    with pytest.raises(InvalidValueError, match="empty"):
        parse_when(phrase, NOW)


def test_a_nul_byte_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="NUL"):
        parse_when("2026-11-20\x00", NOW)


def test_errors_carry_exit_code_1() -> None:
    with pytest.raises(InvalidValueError) as info:
        parse_when("blargh", NOW)
    assert info.value.exit_code == 1


# ----------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Smokey's BBQ", "smokey's bbq"),
        ("SMOKEY'S  BBQ", "smokey's bbq"),
        ("  Smokey's\tBBQ  ", "smokey's bbq"),
        ("Ｓｍｏｋｅｙ's ＢＢＱ", "smokey's bbq"),  # full-width letters
        ("Straße", "STRASSE"),  # case folding, not just lower()
        ("café\u00a0bar", "CAFÉ BAR"),  # no-break space
    ],
)
def test_name_key_folds_case_width_and_spaces(left: str, right: str) -> None:
    assert text.name_key(left) == text.name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Smokey's BBQ", "Smokey BBQ"),
        ("Café", "Cafe"),
        ("A1", "A 1"),
        ("Burger King", "Burger Kin"),
    ],
)
def test_name_key_keeps_letters_and_punctuation_apart(left: str, right: str) -> None:
    assert text.name_key(left) != text.name_key(right)


def test_name_skeleton_ignores_punctuation_spacing_case_and_accents() -> None:
    assert text.name_skeleton("Smokey's B.B.Q.") == text.name_skeleton("smokeys bbq")
    assert text.name_skeleton("Smokey's B.B.Q.") == "smokeysbbq"
    assert text.name_skeleton("Café Crème") == text.name_skeleton("cafe creme")
    assert text.name_skeleton("Joe's Pizza") != text.name_skeleton("Jo's Pizza")


def test_name_skeleton_of_punctuation_only_is_empty() -> None:
    assert text.name_skeleton("!!! ...") == ""


@pytest.mark.parametrize(
    "function", [text.check_text, text.optional_text, text.one_line, text.required_name]
)
def test_a_nul_byte_is_refused_naming_the_field(function: object) -> None:
    with pytest.raises(InvalidValueError, match="summary contains a NUL byte"):
        function("bad\x00text", "summary")  # type: ignore[operator]


@pytest.mark.parametrize(
    "function", [text.check_text, text.optional_text, text.one_line, text.required_name]
)
def test_a_lone_surrogate_is_refused(function: object) -> None:
    with pytest.raises(InvalidValueError, match="note is not valid Unicode"):
        function("half \ud83d of an emoji", "note")  # type: ignore[operator]


def test_check_text_keeps_any_valid_text_exactly() -> None:
    value = " =1+1 \r\n\t مرحبا 😀 \u202e [b]x[/b] "
    assert text.check_text(value, "note") == value


def test_optional_text_is_none_when_missing_or_blank() -> None:
    assert text.optional_text(None, "note") is None
    assert text.optional_text("", "note") is None
    assert text.optional_text(" \n\t ", "note") is None
    assert text.optional_text("  kept as given \n", "note") == "  kept as given \n"


@pytest.mark.parametrize("value", ["one\ntwo", "one\rtwo", "one\r\ntwo"])
def test_one_line_refuses_line_breaks(value: str) -> None:
    with pytest.raises(InvalidValueError, match="summary must be a single line"):
        text.one_line(value, "summary")


def test_one_line_trims_the_ends_and_keeps_the_inside() -> None:
    assert text.one_line("  late  and cold \n", "summary") == "late  and cold"
    assert text.one_line("", "summary") == ""


def test_required_name_refuses_a_blank_name() -> None:
    with pytest.raises(InvalidValueError, match="business name must not be empty"):
        text.required_name("   ", "business name")
    assert text.required_name(" Smokey's BBQ ", "business name") == "Smokey's BBQ"


def test_normalise_label() -> None:
    assert text.normalise_label(" In-Person ", "channel") == "in_person"
    assert text.normalise_label("Phone", "channel") == "phone"
    with pytest.raises(InvalidValueError, match="channel must not be empty"):
        text.normalise_label("---", "channel")


# ----------------------------------------------------------------------------- validate


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_severity_accepts_1_to_5(value: int) -> None:
    assert validate.severity(value) == value


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_severity_refuses_values_out_of_range(value: int) -> None:
    with pytest.raises(InvalidValueError, match=f"severity must be from 1 to 5, not {value}"):
        validate.severity(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (5, 5),
        ("3", 3),
        (" 4 ", 4),
        ("hostile", 1),
        ("Dismissive", 2),
        ("ADEQUATE", 3),
        (" good ", 4),
        ("exemplary", 5),
    ],
)
def test_quality_by_number_or_name(value: str | int, expected: int) -> None:
    assert validate.quality(value) == expected


@pytest.mark.parametrize("value", [0, 6, "0", "6", "10"])
def test_quality_out_of_range_is_refused(value: str | int) -> None:
    with pytest.raises(InvalidValueError, match="quality must be from 1 to 5"):
        validate.quality(value)


@pytest.mark.parametrize("value", ["great", "", "-1", "3.5"])
def test_an_unknown_quality_lists_the_names(value: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        validate.quality(value)
    message = info.value.message
    assert repr(value) in message
    for name in ("1 hostile", "2 dismissive", "3 adequate", "4 good", "5 exemplary"):
        assert name in message


@pytest.mark.parametrize("value", ["true", "YES", "y", "1", "On", " yes "])
def test_boolean_true(value: str) -> None:
    assert validate.boolean(value, "fixed") is True


@pytest.mark.parametrize("value", ["false", "No", "n", "0", "OFF", " no "])
def test_boolean_false(value: str) -> None:
    assert validate.boolean(value, "fixed") is False


def test_boolean_blank_is_unknown() -> None:
    assert validate.boolean("", "fixed") is None
    assert validate.boolean("  ", "fixed") is None


@pytest.mark.parametrize("value", ["maybe", "2", "yess", "t"])
def test_boolean_refuses_other_words(value: str) -> None:
    with pytest.raises(InvalidValueError, match=rf"fixed {value!r} is not a yes/no value"):
        validate.boolean(value, "fixed")


def test_positive_id() -> None:
    assert validate.positive_id(7) == 7
    with pytest.raises(InvalidValueError, match="must be a positive number"):
        validate.positive_id(0)


# ----------------------------------------------------------------------------- vocabulary


@pytest.mark.parametrize(
    ("vocabulary", "value", "expected"),
    [
        (Dimension, "Reliability", Dimension.RELIABILITY),
        (Dimension, " EMPATHY ", Dimension.EMPATHY),
        (RemedyType, "partial-refund", RemedyType.PARTIAL_REFUND),
        (RemedyType, "Partial Refund", RemedyType.PARTIAL_REFUND),
        (RemedyType, "FREE_ITEM", RemedyType.FREE_ITEM),
        (RemedyType, "waived-fee", RemedyType.WAIVED_FEE),
        (EncounterStatus, "Open", EncounterStatus.OPEN),
        (ResponderLevel, "corporate", ResponderLevel.CORPORATE),
        (Apology, "SINCERE", Apology.SINCERE),
    ],
)
def test_vocabulary_parse_ignores_case_and_separators(
    vocabulary: type[Dimension], value: str, expected: Dimension
) -> None:
    assert vocabulary.parse(value, "field") is expected


def test_an_unknown_value_lists_the_allowed_values() -> None:
    with pytest.raises(InvalidValueError) as info:
        Dimension.parse("speed", "dimension")
    message = info.value.message
    assert message.startswith("dimension 'speed' is not one of:")
    for member in Dimension:
        assert member.value in message


def test_an_unknown_remedy_lists_every_remedy_type() -> None:
    with pytest.raises(InvalidValueError) as info:
        RemedyType.parse("hug", "remedy type")
    assert [m.value for m in RemedyType] == [
        part.strip() for part in info.value.message.split(":", 1)[1].split(",")
    ]


def test_vocabulary_values_print_as_their_value() -> None:
    assert str(RemedyType.PARTIAL_REFUND) == "partial_refund"
    assert f"{EncounterStatus.OPEN}" == "open"


# ----------------------------------------------------------------------------- ids


def test_new_ulid_is_a_valid_ulid() -> None:
    uid = new_ulid(NOW)
    assert len(uid) == 26
    assert is_ulid(uid)
    assert str(ULID.from_str(uid)) == uid


def test_new_ulid_carries_the_moment_to_the_millisecond() -> None:
    moment = datetime(2026, 11, 22, 15, 30, 12, 345678, tzinfo=PARIS_WINTER)
    parsed = ULID.from_str(new_ulid(moment))
    assert parsed.milliseconds == millis(moment)
    assert parsed.datetime == moment.replace(microsecond=345000)


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def millis(moment: datetime) -> int:
    """Milliseconds since the epoch, in exact integer arithmetic (no float rounding)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)


@pytest.mark.parametrize(
    "moment",
    [
        EPOCH,
        datetime(1987, 2, 7, 0, 30, 25, 879000, tzinfo=timezone.utc),
        datetime(2000, 2, 29, 23, 59, 59, 999000, tzinfo=timezone(timedelta(hours=-7))),
        datetime(2026, 11, 22, 15, 30, 0, 1000, tzinfo=PARIS_WINTER),
        datetime(2106, 12, 17, 14, 0, 55, 952000, tzinfo=timezone.utc),
        datetime(2999, 12, 31, tzinfo=timezone.utc),
    ],
)
def test_new_ulid_time_is_exact_to_the_millisecond(moment: datetime) -> None:
    assert ULID.from_str(new_ulid(moment)).milliseconds == millis(moment)


def test_new_ulid_time_is_exact_for_many_moments() -> None:
    rng = random.Random(20261122)
    moments = [
        EPOCH + timedelta(milliseconds=rng.randrange(0, 4_000_000_000_000)) for _ in range(5000)
    ]
    wrong = [
        (m.isoformat(), ULID.from_str(new_ulid(m)).milliseconds, millis(m))
        for m in moments
        if ULID.from_str(new_ulid(m)).milliseconds != millis(m)
    ]
    assert wrong == []


def test_ulids_made_at_increasing_times_sort_in_time_order() -> None:
    moments = [NOW + timedelta(milliseconds=n * 7) for n in range(200)]
    moments += [NOW + timedelta(days=n, milliseconds=n) for n in range(1, 50)]
    moments += [datetime(1971 + n, 1, 1, tzinfo=timezone.utc) for n in range(0, 900, 37)]
    moments.sort()
    uids = [new_ulid(moment) for moment in moments]
    assert sorted(uids) == uids
    assert [ULID.from_str(u).milliseconds for u in uids] == [millis(m) for m in moments]


def test_a_thousand_ulids_at_the_same_moment_are_unique() -> None:
    uids = {new_ulid(NOW) for _ in range(1000)}
    assert len(uids) == 1000
    assert {ULID.from_str(u).milliseconds for u in uids} == {millis(NOW)}


def test_new_ulid_refuses_a_moment_before_1970() -> None:
    with pytest.raises(ValueError, match="1970"):
        new_ulid(datetime(1969, 12, 31, 23, 59, tzinfo=timezone.utc))


@pytest.mark.parametrize(
    "candidate",
    ["", "01M81TKXJ078R01R22E3X8EPX", "81M81TKXJ078R01R22E3X8EPXM", "01M81TKXJ078R01R22E3X8EPXU"],
)
def test_is_ulid_refuses_malformed_ids(candidate: str) -> None:
    assert not is_ulid(candidate)
