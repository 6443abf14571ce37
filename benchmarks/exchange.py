#!/usr/bin/env python3
"""Import/export benchmark: `svclog import` and `svclog export` at scale, with references.

Generates, with a seeded `random.Random`, journals of realistic encounters in svclog's own
export shape (product.md §6) and times, interleaved so that machine noise hits every command
alike:

    svclog import FILE.ndjson                 100,000 encounters into a fresh journal
                                              budget: >= 10,000 encounters/s, and
                                              <= 2 x `sqlite-utils insert --nl` of the same file
    sqlite-utils insert DB encounters FILE --nl
    svclog export --format ndjson --output F  1,000,000 encounters
                                              budget: >= 100,000 encounters/s, peak RSS <= 100 MiB
    sqlite-utils rows JOURNAL encounter --nl  context: a generic tool streaming the flat rows

and prints a Markdown table of medians, rates, peak memory and verdicts against the budgets of
shared/docs/performance.md. The reference tools live in benchmarks/.venv (created by
startup.py's code when missing); svclog runs from the project's .venv. Standard library only.

    python benchmarks/exchange.py [--quick] [--rounds N] [--json FILE] [--import-count N]
                                  [--export-count N] [--build sql|import]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import shlex
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from startup import (
    DEFAULT_SVCLOG,
    ROOT,
    BenchmarkError,
    cpu_count,
    cpu_model,
    ensure_reference_venv,
    interpreter_of,
    make_sandbox,
)

DEFAULT_IMPORT_COUNT = 100_000
DEFAULT_EXPORT_COUNT = 1_000_000
QUICK_IMPORT_COUNT = 20_000
QUICK_EXPORT_COUNT = 100_000
#: Encounters per business: ~2,000 businesses for 100,000 encounters, 20,000 for 1M.
ENCOUNTERS_PER_BUSINESS = 50

#: The budgets of performance.md.
IMPORT_MIN_RATE = 10_000.0
IMPORT_MAX_RATIO = 2.0
EXPORT_MIN_RATE = 100_000.0
EXPORT_MAX_RSS_MIB = 100.0

#: A run that takes longer than this is killed and reported as a failure (a watchdog thread
#: does the killing, as in startup.py).
DEFAULT_TIMEOUT_SECONDS = 1800.0

#: svclog's default window for a timely first response (core/settings.py), used to derive
#: `timely` the way svclog does.
TIMELY_WINDOW_SECONDS = 48 * 3600


# --------------------------------------------------------------------------------------------
# Moments, ULIDs and names, as svclog writes them
# --------------------------------------------------------------------------------------------

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Two Crockford characters per 10 bits: a ULID (130 bits with the 2 leading zero bits) in 13
#: look-ups instead of 26.
_CROCKFORD_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]


def ulid(epoch_ms: int, rng: random.Random) -> str:
    """A ULID (26 Crockford base-32 characters) whose time part is `epoch_ms`."""
    value = (epoch_ms << 80) | rng.getrandbits(80)
    return "".join(_CROCKFORD_PAIRS[(value >> shift) & 1023] for shift in range(120, -1, -10))


@dataclass(frozen=True)
class Moment:
    """One moment in the three spellings svclog uses: the export's ISO-8601 with offset, the
    stored UTC text and the stored offset."""

    iso: str
    utc: str
    offset: str


def moment(epoch: int, offset_minutes: int) -> Moment:
    local = time.gmtime(epoch + offset_minutes * 60)
    utc = time.gmtime(epoch)
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    offset = f"{sign}{hours:02d}:{minutes:02d}"
    return Moment(
        iso=(
            f"{local.tm_year:04d}-{local.tm_mon:02d}-{local.tm_mday:02d}T"
            f"{local.tm_hour:02d}:{local.tm_min:02d}:{local.tm_sec:02d}{offset}"
        ),
        utc=(
            f"{utc.tm_year:04d}-{utc.tm_mon:02d}-{utc.tm_mday:02d}T"
            f"{utc.tm_hour:02d}:{utc.tm_min:02d}:{utc.tm_sec:02d}Z"
        ),
        offset=offset,
    )


_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """svclog's key for names and tags (core/text.py): case, width and spacing folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold()).strip()


def name_skeleton(name: str) -> str:
    """svclog's near-duplicate key (core/text.py): letters and digits, accents removed."""
    decomposed = unicodedata.normalize("NFKD", name_key(name))
    return _NOT_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


# --------------------------------------------------------------------------------------------
# The seeded generator of encounters in svclog's export shape
# --------------------------------------------------------------------------------------------

#: category -> (words that end a business name, issues, failure summaries, good summaries)
_CATEGORIES: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "restaurant": (
        ["Grill", "Bistro", "Kitchen", "Diner", "Pizzeria", "Café", "Taqueria", "BBQ", "Sushi"],
        ["wait time", "food quality", "wrong order", "service", "billing", "cleanliness"],
        [
            "Waited {n} minutes for a table we had booked",
            "Meal came out late and cold",
            "Wrong order delivered to the table",
            "Charged for {k} drinks we never had",
            "Hair in the soup; the server shrugged",
            "Reservation lost; turned away at the door",
        ],
        ["Friday dinner; consistent as ever", "Quick lunch, friendly staff", "Birthday dinner"],
    ),
    "retail": (
        ["Hardware", "Outfitters", "Books", "Clothing", "Electronics", "Home Store", "Market"],
        ["wrong item", "returns", "stock", "staff attitude", "pricing", "store environment"],
        [
            "Refused a return within the {n}-day window",
            "Shelf price {k} dollars lower than at the till",
            "Sold a display model as new",
            "Nobody at the counter for {n} minutes",
            "Online order showed in stock; it was not",
        ],
        ["Found everything quickly", "Helpful advice on a drill", "Easy exchange of a gift"],
    ),
    "home services": (
        ["Plumbing", "Electric", "Roofing", "Cleaning", "HVAC", "Pest Control", "Landscaping"],
        ["no-show", "workmanship", "billing", "communication", "damage"],
        [
            "Technician did not show; waited in for {n} hours",
            "Leak back {k} days after the repair",
            "Invoice {n} % over the written quote",
            "Left mud all over the hall carpet",
        ],
        ["Boiler serviced on time", "Quote matched the invoice", "Gutters cleared, tidy work"],
    ),
    "bank": (
        ["Bank", "Credit Union", "Savings", "Trust"],
        ["fees", "fraud handling", "wait time", "account error", "card"],
        [
            "Charged an overdraft fee of {n} dollars in error",
            "Card blocked abroad without warning",
            "On hold {n} minutes to report fraud",
            "Transfer delayed {k} days",
        ],
        ["Mortgage question answered in one call", "New card arrived early"],
    ),
    "telecom": (
        ["Telecom", "Wireless", "Broadband", "Mobile", "Fibre"],
        ["outage", "billing", "contract", "installation", "support"],
        [
            "Internet down {k} days; no updates",
            "Billed twice for one month",
            "Promised a call back within {n} hours; nothing",
            "Installer missed the {n}-hour window",
            "Upgrade fee never mentioned in the shop",
        ],
        ["Plan change done in five minutes", "Chat fixed the router at once"],
    ),
    "airline": (
        ["Air", "Airways", "Airlines", "Jet"],
        ["delay", "lost baggage", "cancellation", "refund", "seat"],
        [
            "Flight delayed {n} minutes; missed the connection",
            "Bag lost for {k} days",
            "Cancelled the night before; no rebooking",
            "Refund still missing after {n} days",
        ],
        ["On time, smooth boarding", "Crew swapped our seats kindly"],
    ),
    "healthcare": (
        ["Dental", "Clinic", "Pharmacy", "Physio", "Eye Care", "Medical Centre"],
        ["wait time", "billing", "booking", "prescription", "attitude"],
        [
            "Waited {n} minutes past the appointment",
            "Prescription not ready after {k} days",
            "Billed for a cancelled appointment",
            "Receptionist rude about a late form",
        ],
        ["Check-up on time", "Nurse explained everything"],
    ),
    "delivery": (
        ["Couriers", "Express", "Freight", "Parcel"],
        ["late delivery", "damaged goods", "lost parcel", "attitude"],
        [
            "Parcel left in the rain",
            "Marked delivered; never arrived",
            "Delivery {k} days late with no notice",
            "Box crushed; {k} glasses broken",
        ],
        ["Delivered a day early", "Driver waited while I came down"],
    ),
    "hospitality": (
        ["Hotel", "Inn", "Suites", "Lodge", "Guesthouse"],
        ["room", "booking", "noise", "cleanliness", "billing"],
        [
            "Room not ready until {n} minutes after check-in",
            "Booked a double; given a single",
            "Charged a minibar of {n} euros we never opened",
            "Noisy room next to the lift",
        ],
        ["Spotless room and a late check-out", "Concierge found us a table"],
    ),
    "auto repair": (
        ["Auto", "Motors", "Tyres", "Garage", "Auto Body"],
        ["workmanship", "billing", "delay", "communication"],
        [
            "Car kept {k} days longer than promised",
            "Charged for parts that were not replaced",
            "Warning light back on the same evening",
        ],
        ["MOT done while I waited", "Honest advice: no repair needed"],
    ),
}

_NAME_FIRST = [
    "Golden",
    "Blue Door",
    "Riverside",
    "Northside",
    "Maple",
    "Sunrise",
    "Metro",
    "Acme",
    "Crescent",
    "Harbor",
    "Summit",
    "Pioneer",
    "Oak Street",
    "Lakeview",
    "Cedar",
    "Silver",
    "Red Barn",
    "Union",
    "Liberty",
    "Evergreen",
    "Copper",
    "Willow",
    "Granite",
    "Beacon",
    "Coastal",
    "Highland",
    "Prairie",
    "Orchard",
    "Bluebird",
    "Starlight",
    "Lighthouse",
    "Juniper",
    "Magnolia",
    "Parkside",
    "Westgate",
    "Eastwood",
    "Kingsway",
    "Bonito",
    "Élan",
    "Zoë's",
    "Smokey's",
    "Rosa's",
    "Müller",
    "Nguyễn",
    "O'Brien",
    "Dragon",
    "Phoenix",
    "Brothers'",
]
_NAME_SECOND = ["", "", "", "Valley", "City", "Family", "& Sons", "Central", "Corner", "Co."]
_STREETS = ["Elm St", "High St", "Station Rd", "Market Sq", "5th Ave", "Mill Lane", "Airport"]

_NOTE_SENTENCES = [
    "Asked for the manager.",
    "Second time this month.",
    "The staff member was apologetic but could not help.",
    "Took photos of the receipt.",
    "Kept the reference number.",
    "My partner was there too.",
    "They blamed the system.",
    "Was told it was company policy.",
    "Said someone would call back.",
    "Everyone else in the queue had the same problem.",
    "Posted about it later — got a reply within the hour.",
    "Paid by card; the charge showed twice.",
    'Was told it was "not normal service".',
    "Price was €12.50 on the shelf.",
    "Wrote it down while it was fresh.",
]
_RESPONSE_NOTES = [
    "Said his customers were satisfied, so the complaint was invalid.",
    "Apologised and took the details.",
    "Called back the next morning as promised.",
    "Read from a script; no real answer.",
    "Escalated to a supervisor.",
    "Offered to fix it on the spot.",
    "Asked what would make it right.",
    "Blamed the supplier.",
]
_REMEDY_NOTES = ["The whole bill", "Gift certificates", "Dessert for the table", "Next visit free"]
_REVIEWS = [
    "Has not returned in five years",
    "Three stars on the map app",
    "Left a long review about the wait",
    "Told the team at work",
    "Would go back for the food, not the service",
]
_FOLLOWUP_NOTES = ["Escalated up the chain.", "Chased the refund.", "They asked for a receipt."]
_CLIENTS = [
    "Harlow & Reed LLP",
    "Northwind Traders",
    "Acme Logistics",
    "Blue Harbor Foods",
    "Keystone Health",
    "Vega Retail Group",
    "Sørensen Consulting",
    "Pacific Air Cargo",
]
_TAGS = ["family", "work", "travel", "weekend", "birthday", "expense", "kids", "urgent", "online"]
_CHANNELS = ["in_person", "phone", "email", "chat", "web", "app", "social", "letter"]
_CHANNEL_WEIGHTS = [45, 15, 10, 8, 8, 8, 3, 1]
_DIMENSIONS = ["reliability", "responsiveness", "assurance", "empathy", "tangibles"]
_RESPONDERS = ["frontline", "manager", "senior", "owner", "corporate", "automated"]
_RESPONDER_WEIGHTS = [45, 25, 8, 5, 10, 7]
_APOLOGIES = [None, "none", "perfunctory", "sincere"]
_REMEDY_TYPES = [
    "refund",
    "partial_refund",
    "replacement",
    "redo",
    "discount",
    "voucher",
    "free_item",
    "credit",
    "waived_fee",
    "upgrade",
    "other",
]
_VALUED_REMEDIES = {"refund", "partial_refund", "discount", "voucher", "credit", "waived_fee"}
_CURRENCIES = ["USD", "USD", "USD", "USD", "EUR", "GBP", "CAD"]
_BOOLS = [None, None, True, False]

#: Columns of each table the generator fills, in the order of its row tuples.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "business": (
        "id",
        "uid",
        "name",
        "name_key",
        "name_skeleton",
        "category",
        "location",
        "notes",
        "created_at",
        "updated_at",
    ),
    "encounter": (
        "id",
        "uid",
        "business_id",
        "occurred_at",
        "occurred_offset",
        "channel",
        "summary",
        "note",
        "failure",
        "severity",
        "issue",
        "dimension",
        "complained",
        "complained_at",
        "complained_offset",
        "client",
        "status",
        "timely",
        "disputed",
        "created_at",
        "updated_at",
    ),
    "encounter_tag": ("encounter_id", "tag", "tag_key"),
    "response": (
        "id",
        "uid",
        "encounter_id",
        "at",
        "at_offset",
        "responder",
        "quality",
        "apology",
        "listened",
        "fixed",
        "asked_more",
        "prevented",
        "note",
        "created_at",
        "updated_at",
    ),
    "remedy": (
        "id",
        "uid",
        "encounter_id",
        "at",
        "at_offset",
        "type",
        "value",
        "currency",
        "delivered",
        "note",
        "created_at",
        "updated_at",
    ),
    "followup": (
        "id",
        "uid",
        "encounter_id",
        "at",
        "at_offset",
        "direction",
        "channel",
        "note",
        "due",
        "due_offset",
        "done",
        "created_at",
        "updated_at",
    ),
    "outcome": (
        "id",
        "uid",
        "encounter_id",
        "returned",
        "recommend",
        "word_of_mouth",
        "told",
        "review",
        "switched_to",
        "at",
        "at_offset",
        "created_at",
        "updated_at",
    ),
}
#: The tables whose rows one encounter brings (and that the checks count).
CHILD_TABLES = ("encounter_tag", "response", "remedy", "followup", "outcome")

Row = tuple[Any, ...]


def _int(flag: bool | None) -> int | None:
    return None if flag is None else int(flag)


@dataclass(frozen=True)
class Business:
    id: int
    name: str
    category: str


@dataclass
class Generated:
    """One encounter: its export record (product.md §6, keys in svclog's order) and, when
    asked for, the rows svclog stores for it."""

    record: dict[str, Any]
    rows: dict[str, list[Row]]
    line: str = ""


@dataclass
class Tally:
    """What a generated journal holds, to check what the commands stored against."""

    encounters: int = 0
    failures: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHILD_TABLES, 0))
    businesses_used: set[int] = field(default_factory=set)
    #: Order-independent digest of the records' ndjson lines (see `LineDigest`).
    digest: int = 0


class LineDigest:
    """An order-independent digest of ndjson lines: the sum of their BLAKE2b hashes."""

    MODULUS = 1 << 128

    def __init__(self) -> None:
        self.value = 0
        self.lines = 0

    def add(self, line: bytes) -> None:
        self.value = (
            self.value + int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")
        ) % self.MODULUS
        self.lines += 1


class Generator:
    """A journal of `count` encounters across `count / 50` businesses, seeded.

    Encounters are numbered in the order they were recorded (`created_at`); they happened a
    little (minutes to hours) or a lot (weeks, a backfill) before that, so the export's order
    (by `occurred_at`) is not the id order. About 40 % are failures; most failures drew one or
    two responses, some a remedy, follow-ups and an outcome. Moments are in the diarist's
    offset (a DST-switching -05:00/-04:00, sometimes travelling). The newest encounter is a
    month old, so `timely` derived by svclog cannot change while the benchmark runs.
    """

    def __init__(self, count: int, seed: int, now: datetime) -> None:
        self.count = count
        self.rng = random.Random(seed)
        self.end = int(now.timestamp()) - 30 * 86400
        self.start = self.end - 6 * 365 * 86400
        self.businesses = self._businesses(max(1, round(count / ENCOUNTERS_PER_BUSINESS)))
        # Zipf-like popularity: the favourite café is visited every week, most places rarely.
        weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(self.businesses))]
        total = 0.0
        self._cum_weights = []
        for weight in weights:
            total += weight
            self._cum_weights.append(total)
        self.business_stamp = moment(self.start - 86400, 0)

    def _businesses(self, count: int) -> list[Business]:
        rng = self.rng
        names: list[Business] = []
        keys: set[str] = set()
        categories = list(_CATEGORIES)
        while len(names) < count:
            category = rng.choice(categories)
            words = _CATEGORIES[category][0]
            second = rng.choice(_NAME_SECOND)
            name = " ".join(part for part in (rng.choice(_NAME_FIRST), second) if part)
            name = f"{name} {rng.choice(words)}"
            if name_key(name) in keys:
                name = f"{name} ({rng.choice(_STREETS)})"
            if name_key(name) in keys:
                name = f"{name} #{len(names) + 1}"
            keys.add(name_key(name))
            names.append(Business(len(names) + 1, name, category))
        rng.shuffle(names)  # popularity rank independent of the id
        return names

    def business_rows(self) -> list[Row]:
        stamp = self.business_stamp.utc
        rows = []
        for business in sorted(self.businesses, key=lambda b: b.id):
            uid = ulid((self.start - 86400) * 1000 + business.id, self.rng)
            rows.append(
                (
                    business.id,
                    uid,
                    business.name,
                    name_key(business.name),
                    name_skeleton(business.name),
                    business.category,
                    None,
                    None,
                    stamp,
                    stamp,
                )
            )
        return rows

    @staticmethod
    def _offset(epoch: int, rng: random.Random) -> int:
        """Minutes east of UTC: US Eastern with an approximate DST, abroad 1 time in 20."""
        if rng.random() < 0.05:
            return rng.choice([0, 60, 120, -480, 540, 330])
        day_of_year = time.gmtime(epoch).tm_yday
        return -240 if 70 <= day_of_year <= 308 else -300

    def _note(self, rng: random.Random) -> str:
        sentences = rng.sample(_NOTE_SENTENCES, rng.randint(1, 3))
        separator = "\n" if rng.random() < 0.05 else " "
        return separator.join(sentences)

    def encounters(self, with_rows: bool, tally: Tally) -> Iterator[Generated]:
        rng = self.rng
        created_times = sorted(rng.randint(self.start, self.end) for _ in range(self.count))
        picks = rng.choices(self.businesses, cum_weights=self._cum_weights, k=self.count)
        ids = dict.fromkeys(CHILD_TABLES, 0)
        digest = LineDigest()
        for number, (created_epoch, business) in enumerate(
            zip(created_times, picks, strict=True), start=1
        ):
            generated = self._encounter(number, created_epoch, business, ids, with_rows, tally)
            # exactly how `svclog export --format ndjson` writes a record (render/writers.py)
            generated.line = json.dumps(generated.record, ensure_ascii=False)
            digest.add(generated.line.encode("utf-8"))
            yield generated
        tally.digest = digest.value

    def _encounter(
        self,
        number: int,
        created_epoch: int,
        business: Business,
        ids: dict[str, int],
        with_rows: bool,
        tally: Tally,
    ) -> Generated:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            lag = rng.randint(300, 6 * 3600)
        elif roll < 0.9:
            lag = rng.randint(6 * 3600, 3 * 86400)
        else:
            lag = rng.randint(3 * 86400, 60 * 86400)
        occurred_epoch = created_epoch - lag
        offset = self._offset(occurred_epoch, rng)
        occurred = moment(occurred_epoch, offset)
        _, issues, failure_summaries, good_summaries = _CATEGORIES[business.category]
        failure = rng.random() < 0.4
        channel = (
            rng.choices(_CHANNELS, weights=_CHANNEL_WEIGHTS)[0] if rng.random() < 0.9 else None
        )
        client = rng.choice(_CLIENTS) if rng.random() < 0.15 else None
        tag_count = rng.choice([0, 0, 0, 0, 1, 1, 2, 3]) if rng.random() < 0.5 else 0
        tags = rng.sample(_TAGS, tag_count)
        rows: dict[str, list[Row]] = {table: [] for table in CHILD_TABLES}
        responses: list[dict[str, Any]] = []
        remedies: list[dict[str, Any]] = []
        followups: list[dict[str, Any]] = []
        outcome: dict[str, Any] | None = None
        last_change = created_epoch

        def record_stamps(at_epoch: int) -> tuple[str, Moment]:
            """uid and created/updated moment of a timeline record entered after `at_epoch`."""
            nonlocal last_change
            entered = max(at_epoch, created_epoch) + rng.randint(60, 36 * 3600)
            last_change = max(last_change, entered)
            return ulid(entered * 1000 + rng.randint(0, 999), rng), moment(entered, 0)

        severity = issue = dimension = complained_at = disputed = timely = None
        complained = explicit = False
        status = "resolved"
        if failure:
            tally.failures += 1
            severity = rng.choices([1, 2, 3, 4, 5], weights=[10, 30, 35, 18, 7])[0]
            issue = rng.choice(issues)
            dimension = rng.choice(_DIMENSIONS)
            summary = rng.choice(failure_summaries).format(
                n=rng.choice([15, 20, 25, 30, 40, 45, 50, 90]), k=rng.randint(2, 9)
            )
            note = self._note(rng) if rng.random() < 0.55 else None
            complained = rng.random() < 0.75
            complained_epoch: int | None = None
            if complained and rng.random() < 0.6:
                complained_epoch = occurred_epoch + rng.randint(60, 2 * 86400)
                complained_at = moment(complained_epoch, offset)
            started = complained_epoch or occurred_epoch
            response_count = rng.choices([0, 1, 2, 3], weights=[22, 50, 22, 6])[0]
            at_epoch = started
            first_response_epoch: int | None = None
            for _ in range(response_count):
                at_epoch += int(rng.lognormvariate(9.5, 1.4))  # median ~3.7 h, long tail
                if first_response_epoch is None:
                    first_response_epoch = at_epoch
                ids["response"] += 1
                uid, entered = record_stamps(at_epoch)
                at = moment(at_epoch, offset)
                quality = rng.choices([None, 1, 2, 3, 4, 5], weights=[10, 10, 20, 30, 20, 10])[0]
                fields = {
                    "by": rng.choices(_RESPONDERS, weights=_RESPONDER_WEIGHTS)[0],
                    "quality": quality,
                    "apology": rng.choice(_APOLOGIES),
                    "listened": rng.choice(_BOOLS),
                    "fixed": rng.choice(_BOOLS),
                    "asked_more": rng.choice(_BOOLS),
                    "prevented": rng.choice(_BOOLS),
                    "note": rng.choice(_RESPONSE_NOTES) if rng.random() < 0.5 else None,
                }
                responses.append(
                    {
                        "id": ids["response"],
                        "uid": uid,
                        "at": at.iso,
                        **fields,
                        "created_at": entered.iso,
                        "updated_at": entered.iso,
                    }
                )
                if with_rows:
                    rows["response"].append(
                        (
                            ids["response"],
                            uid,
                            number,
                            at.utc,
                            at.offset,
                            fields["by"],
                            quality,
                            fields["apology"],
                            _int(fields["listened"]),
                            _int(fields["fixed"]),
                            _int(fields["asked_more"]),
                            _int(fields["prevented"]),
                            fields["note"],
                            entered.utc,
                            entered.utc,
                        )
                    )
            # `timely` as svclog derives it (the window passed long ago), overridden now and
            # then; stored only where it differs from the derived value, as import does.
            # (responses are generated in time order: the first is the earliest)
            if first_response_epoch is not None:
                derived = first_response_epoch - started <= TIMELY_WINDOW_SECONDS
            else:
                derived = False
            explicit = rng.random() < 0.04
            timely = (not derived) if explicit else derived
            disputed = rng.choices([None, True, False], weights=[85, 10, 5])[0]
            if responses and rng.random() < 0.35:
                remedy_epoch = at_epoch  # after the last response, in time order
                for _ in range(1 if rng.random() < 0.85 else 2):
                    ids["remedy"] += 1
                    remedy_epoch += rng.randint(0, 5 * 86400)
                    uid, entered = record_stamps(remedy_epoch)
                    at = moment(remedy_epoch, offset)
                    kind = rng.choice(_REMEDY_TYPES)
                    value = currency = None
                    if kind in _VALUED_REMEDIES:
                        cents = rng.choice([500, 1000, 1250, 2000, 2500, 4250, 5000, 10000, 799])
                        cents = cents * rng.randint(1, 3)
                        value = str(cents // 100) if cents % 100 == 0 else f"{cents / 100:.2f}"
                        currency = rng.choice(_CURRENCIES)
                    delivered = rng.random() < 0.9
                    remedy_note = rng.choice(_REMEDY_NOTES) if rng.random() < 0.4 else None
                    remedies.append(
                        {
                            "id": ids["remedy"],
                            "uid": uid,
                            "at": at.iso,
                            "type": kind,
                            "value": value,
                            "currency": currency,
                            "delivered": delivered,
                            "note": remedy_note,
                            "created_at": entered.iso,
                            "updated_at": entered.iso,
                        }
                    )
                    if with_rows:
                        rows["remedy"].append(
                            (
                                ids["remedy"],
                                uid,
                                number,
                                at.utc,
                                at.offset,
                                kind,
                                value,
                                currency,
                                int(delivered),
                                remedy_note,
                                entered.utc,
                                entered.utc,
                            )
                        )
            if rng.random() < 0.15:
                followup_epoch = started
                for _ in range(rng.randint(1, 2)):
                    ids["followup"] += 1
                    followup_epoch += rng.randint(86400, 7 * 86400)
                    uid, entered = record_stamps(followup_epoch)
                    at = moment(followup_epoch, offset)
                    due = moment(followup_epoch + 3 * 86400, offset) if rng.random() < 0.4 else None
                    direction = rng.choice(["me", "them", None])
                    channel_f = rng.choice(["email", "phone", "chat", None])
                    done = rng.random() < 0.6
                    followup_note = rng.choice(_FOLLOWUP_NOTES) if rng.random() < 0.6 else None
                    followups.append(
                        {
                            "id": ids["followup"],
                            "uid": uid,
                            "at": at.iso,
                            "direction": direction,
                            "channel": channel_f,
                            "note": followup_note,
                            "due": due.iso if due else None,
                            "done": done,
                            "created_at": entered.iso,
                            "updated_at": entered.iso,
                        }
                    )
                    if with_rows:
                        rows["followup"].append(
                            (
                                ids["followup"],
                                uid,
                                number,
                                at.utc,
                                at.offset,
                                direction,
                                channel_f,
                                followup_note,
                                due.utc if due else None,
                                due.offset if due else None,
                                int(done),
                                entered.utc,
                                entered.utc,
                            )
                        )
            status = rng.choices(["open", "resolved", "abandoned"], weights=[18, 70, 12])[0]
            has_outcome = rng.random() < 0.45
        else:
            summary = rng.choice(good_summaries)
            note = self._note(rng) if rng.random() < 0.2 else None
            has_outcome = rng.random() < 0.1
        if has_outcome:
            ids["outcome"] += 1
            outcome_epoch = occurred_epoch + rng.randint(86400, 90 * 86400)
            uid, entered = record_stamps(outcome_epoch)
            at_moment = moment(outcome_epoch, offset) if rng.random() < 0.85 else None
            returned = rng.choice([None, True, True, False])
            recommend = rng.randint(0, 10) if rng.random() < 0.7 else None
            word = rng.choice([None, None, "positive", "negative", "none"])
            told = rng.randint(0, 30) if rng.random() < 0.3 else None
            review = rng.choice(_REVIEWS) if rng.random() < 0.25 else None
            switched = (
                rng.choice(self.businesses).name
                if returned is False and rng.random() < 0.5
                else None
            )
            outcome = {
                "id": ids["outcome"],
                "uid": uid,
                "returned": returned,
                "recommend": recommend,
                "word_of_mouth": word,
                "told": told,
                "review": review,
                "switched_to": switched,
                "at": at_moment.iso if at_moment else None,
                "created_at": entered.iso,
                "updated_at": entered.iso,
            }
            if with_rows:
                rows["outcome"].append(
                    (
                        ids["outcome"],
                        uid,
                        number,
                        _int(returned),
                        recommend,
                        word,
                        told,
                        review,
                        switched,
                        at_moment.utc if at_moment else None,
                        at_moment.offset if at_moment else None,
                        entered.utc,
                        entered.utc,
                    )
                )
        created = moment(created_epoch, 0)
        updated = moment(last_change, 0)
        uid = ulid(created_epoch * 1000 + rng.randint(0, 999), rng)
        record: dict[str, Any] = {
            "id": number,
            "uid": uid,
            "business": {"name": business.name, "category": business.category},
            "occurred_at": occurred.iso,
            "channel": channel,
            "summary": summary,
            "note": note,
            "failure": failure,
            "severity": severity,
            "issue": issue,
            "dimension": dimension,
            "complained": complained,
            "complained_at": complained_at.iso if complained_at else None,
            "client": client,
            "tags": tags,
            "status": status,
            "timely": timely,
            "disputed": disputed,
            "responses": responses,
            "remedies": remedies,
            "followups": followups,
            "outcome": outcome,
            "created_at": created.iso,
            "updated_at": updated.iso,
        }
        tally.encounters += 1
        tally.businesses_used.add(business.id)
        tally.rows["encounter_tag"] += len(tags)
        tally.rows["response"] += len(responses)
        tally.rows["remedy"] += len(remedies)
        tally.rows["followup"] += len(followups)
        tally.rows["outcome"] += outcome is not None
        if with_rows:
            stored_timely = None
            if failure and explicit:
                stored_timely = int(bool(timely))
            rows["encounter_tag"] = [(number, tag, name_key(tag)) for tag in tags]
            rows["encounter"] = [
                (
                    number,
                    uid,
                    business.id,
                    occurred.utc,
                    occurred.offset,
                    channel,
                    summary,
                    note,
                    int(failure),
                    severity,
                    issue,
                    dimension,
                    int(complained),
                    complained_at.utc if complained_at else None,
                    complained_at.offset if complained_at else None,
                    client,
                    status,
                    stored_timely,
                    _int(disputed),
                    created.utc,
                    updated.utc,
                )
            ]
        return Generated(record, rows)


def write_ndjson(generator: Generator, path: Path, tally: Tally) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for generated in generator.encounters(False, tally):
            handle.write(generated.line + "\n")


def ndjson_digest(path: Path) -> tuple[int, int]:
    """(lines, order-independent digest) of an ndjson file, as `Tally.digest` computes it."""
    digest = LineDigest()
    with path.open("rb") as handle:
        for line in handle:
            digest.add(line.rstrip(b"\n"))
    return digest.lines, digest.value


def count_lines(path: Path) -> int:
    """Newline-terminated lines of a file (an unterminated last line does not count)."""
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def table_counts(db: Path, tables: Sequence[str]) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in tables
        }


def remove_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Running and timing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One run of a command: wall seconds, exit status, peak RSS and CPU seconds."""

    seconds: float
    status: int
    peak_rss_mib: float
    user: float
    system: float


#: Runs one command and reports its wall time and rusage. Why not `Popen` + `wait4` here:
#: on Linux a process's ru_maxrss starts from the high-water RSS of the address space it
#: replaced at exec, and `subprocess` spawns with vfork, i.e. from this process's own address
#: space. A child of a runner that once held 400 MiB reports 400 MiB, even /bin/true. This
#: small interpreter (no site, about 5 MiB: the floor of the measurement) forks a fresh copy
#: of itself for the command, times it with perf_counter around fork ... wait4, and writes
#: "seconds status maxrss utime stime" to the file named by its first argument.
_TRAMPOLINE = """\
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(result, "w") as handle:
    code = os.waitstatus_to_exitcode(status)
    handle.write(f"{elapsed!r} {code} {usage.ru_maxrss} {usage.ru_utime!r} {usage.ru_stime!r}")
"""


def timed_run(
    argv: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    timeout: float,
    stdout: Path | None = None,
    stdin: Path | None = None,
) -> Run:
    """One run through `_TRAMPOLINE`: standard input from `stdin` (else /dev/null), standard
    output to `stdout` (else /dev/null), standard error to `log`. A watchdog kills the whole
    process group after `timeout` seconds."""
    result = log.with_suffix(".rusage")
    result.unlink(missing_ok=True)
    with (
        stdin.open("rb") if stdin else open(os.devnull, "rb") as source,
        stdout.open("wb") if stdout else open(os.devnull, "wb") as out,
        log.open("wb") as err,
    ):
        process = subprocess.Popen(
            [sys.executable, "-S", "-E", "-c", _TRAMPOLINE, str(result), *argv],
            stdin=source,
            stdout=out,
            stderr=err,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
        watchdog = threading.Timer(timeout, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()
        try:
            trampoline_status = process.wait()
        finally:
            watchdog.cancel()
    if trampoline_status != 0 or not result.exists():
        return Run(float("nan"), trampoline_status or -1, float("nan"), 0.0, 0.0)
    seconds, status, max_rss, user, system = result.read_text().split()
    result.unlink()
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    rss_kib = int(max_rss) / 1024 if sys.platform == "darwin" else int(max_rss)
    return Run(float(seconds), int(status), rss_kib / 1024, float(user), float(system))


def run_checked(argv: Sequence[str], env: Mapping[str, str], cwd: Path, what: str) -> str:
    """An untimed run that must succeed; returns its stdout."""
    completed = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=cwd,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchmarkError(
            f"{what}: {shlex.join(argv)} exited {completed.returncode}:\n"
            f"{(completed.stdout + completed.stderr).strip()[-2000:]}"
        )
    return completed.stdout


def _log_tail(log: Path) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace").strip()[-2000:]
    except OSError:
        return ""


@dataclass(frozen=True)
class Invocation:
    """One run of an operation: its command line and environment, where its standard input
    comes from and its standard output goes, and the check (and clean-up) that runs after it."""

    argv: list[str]
    env: Mapping[str, str]
    after: Callable[[], None]
    stdout: Path | None = None
    stdin: Path | None = None


@dataclass(frozen=True)
class Budget:
    min_rate: float | None = None
    max_ratio: float | None = None
    max_rss_mib: float | None = None

    def text(self) -> str:
        parts = []
        if self.min_rate is not None:
            parts.append(f"≥ {self.min_rate:,.0f}/s")
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g} × ref")
        if self.max_rss_mib is not None:
            parts.append(f"≤ {self.max_rss_mib:g} MiB")
        return ", ".join(parts)


@dataclass(frozen=True)
class Operation:
    key: str
    label: str
    encounters: int
    prepare: Callable[[int], Invocation]  # run number (0: warm-up) -> what to run
    reference: str | None = None  # the key of the reference operation for the ratio
    budget: Budget | None = None


def duration(seconds: float) -> str:
    """`85.3 ms` below a second, else `2.31 s`."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def measure(
    operations: Sequence[Operation], rounds: int, work: Path, timeout: float
) -> tuple[dict[str, list[Run]], dict[str, Run]]:
    """Round 0 is the warm-up (its runs are checked, not counted); in round r the order
    starts at operation r, so that each goes first as often as the others."""
    samples: dict[str, list[Run]] = {op.key: [] for op in operations}
    warmup: dict[str, Run] = {}
    for round_index in range(rounds + 1):
        label = "warm-up" if round_index == 0 else f"round {round_index}/{rounds}"
        shift = round_index % len(operations)
        for op in [*operations[shift:], *operations[:shift]]:
            invocation = op.prepare(round_index)
            log = work / f"{op.key}-{round_index}.log"
            run = timed_run(
                invocation.argv,
                invocation.env,
                work,
                log,
                timeout,
                invocation.stdout,
                invocation.stdin,
            )
            if run.status != 0:
                killed = f" (killed after {timeout:.0f} s)" if run.status == -9 else ""
                raise BenchmarkError(
                    f"{op.label} exited {run.status}{killed} in the {label}; its timing would "
                    f"be meaningless\n{shlex.join(invocation.argv)}\n{_log_tail(log)}"
                )
            invocation.after()
            log.unlink(missing_ok=True)
            _note(f"  {label}: {op.label} {duration(run.seconds)}, {run.peak_rss_mib:.0f} MiB")
            if round_index == 0:
                warmup[op.key] = run
            else:
                samples[op.key].append(run)
    return samples, warmup


# --------------------------------------------------------------------------------------------
# The benchmark's two parts
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    svclog: Path
    sqlite_utils: Path
    work: Path
    env: Mapping[str, str]
    timeout: float
    seed: int
    now: datetime
    checks: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def journal_env(self, db: Path) -> dict[str, str]:
        return {**self.env, "SVCLOG_DB": str(db)}


def check_svclog_journal(db: Path, tally: Tally, what: str) -> dict[str, int]:
    """The journal must hold exactly the generated encounters, businesses and records."""
    tables = ("encounter", "business", *CHILD_TABLES)
    found = table_counts(db, tables)
    expected = {
        "encounter": tally.encounters,
        "business": len(tally.businesses_used),
        **tally.rows,
    }
    wrong = {
        table: (found[table], expected[table])
        for table in tables
        if found[table] != expected[table]
    }
    if wrong:
        detail = ", ".join(
            f"{table} {got} (expected {want})" for table, (got, want) in wrong.items()
        )
        raise BenchmarkError(f"{what} exited 0 but stored the wrong rows: {detail}")
    return found


def check_export_content(context: Context, db: Path, tally: Tally, what: str) -> None:
    """`svclog export` of the journal must give back the generated records, byte for byte
    (in its own order): proof that the journal holds what the generator meant."""
    out = context.work / "content-check.ndjson"
    out.unlink(missing_ok=True)
    run_checked(
        [str(context.svclog), "export", "--format", "ndjson", "--output", str(out)],
        context.journal_env(db),
        context.work,
        f"exporting {what} for the content check",
    )
    verify_export_file(out, tally, what)
    out.unlink()


def verify_export_file(path: Path, tally: Tally, what: str) -> None:
    lines, digest = ndjson_digest(path)
    if lines != tally.encounters:
        raise BenchmarkError(f"{what}: the export holds {lines} lines, expected {tally.encounters}")
    if digest != tally.digest:
        raise BenchmarkError(
            f"{what}: the exported records differ from the generated ones (same count, "
            "different content); the generator and svclog's export shape disagree"
        )


def import_part(context: Context, count: int, rounds: int) -> dict[str, Any]:
    generator = Generator(count, context.seed, context.now)
    tally = Tally()
    source = context.work / "encounters.ndjson"
    _note(f"generating {count:,} encounters into {source.name} ...")
    started = time.perf_counter()
    write_ndjson(generator, source, tally)
    generated_seconds = time.perf_counter() - started
    size_mib = source.stat().st_size / 2**20
    _note(
        f"  {size_mib:.0f} MiB, {len(tally.businesses_used):,} businesses, "
        f"{tally.failures / count:.0%} failures, {generated_seconds:.1f} s"
    )
    count_lines(source)  # read it once, so that every timed run finds it in the page cache

    def svclog_import(run_number: int) -> Invocation:
        db = context.work / f"import-svclog-{run_number}.db"
        remove_database(db)

        def after() -> None:
            check_svclog_journal(db, tally, "svclog import")
            if run_number == 0:
                check_export_content(context, db, tally, "the imported journal")
            remove_database(db)

        return Invocation(
            [str(context.svclog), "import", str(source)], context.journal_env(db), after
        )

    def sqlite_utils_insert(run_number: int) -> Invocation:
        db = context.work / f"import-sqlite-utils-{run_number}.db"
        remove_database(db)

        def after() -> None:
            found = table_counts(db, ["encounters"])["encounters"]
            if found != count:
                raise BenchmarkError(f"sqlite-utils insert stored {found} rows, expected {count}")
            remove_database(db)

        argv = [str(context.sqlite_utils), "insert", str(db), "encounters", str(source), "--nl"]
        return Invocation(argv, context.env, after)

    operations = [
        Operation(
            "svclog_import",
            "`svclog import FILE.ndjson`",
            count,
            svclog_import,
            reference="sqlite_utils_insert",
            budget=Budget(min_rate=IMPORT_MIN_RATE, max_ratio=IMPORT_MAX_RATIO),
        ),
        Operation(
            "sqlite_utils_insert",
            "`sqlite-utils insert DB encounters FILE --nl`",
            count,
            sqlite_utils_insert,
        ),
    ]
    _note(f"timing the import of {count:,} encounters: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure(operations, rounds, context.work, context.timeout)
    source.unlink()
    context.checks.append(
        f"import: every run exited 0 (warm-up included); each svclog journal held exactly "
        f"{count:,} encounters, {len(tally.businesses_used):,} businesses and "
        + ", ".join(f"{n:,} {table}" for table, n in tally.rows.items())
        + f" (counted with sqlite3); each sqlite-utils table held {count:,} rows; "
        "`svclog export` of the warm-up's journal gave back the input file's records byte "
        "for byte"
    )
    return {
        "operations": operations,
        "samples": samples,
        "warmup": warmup,
        "file_mib": size_mib,
        "businesses": len(tally.businesses_used),
        "generated_seconds": generated_seconds,
        "tally": tally,
    }


def build_with_sql(context: Context, db: Path, generator: Generator, tally: Tally) -> float:
    """`svclog init`, then every table filled with sqlite3 in one transaction (the FTS index
    through svclog's own triggers). Returns the seconds it took."""
    started = time.perf_counter()
    run_checked([str(context.svclog), "init"], context.journal_env(db), context.work, "svclog init")
    batch_size = 5000
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        conn.execute("BEGIN IMMEDIATE")

        def insert(table: str, rows: list[Row]) -> None:
            if rows:
                columns = TABLE_COLUMNS[table]
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    rows,
                )

        insert("business", generator.business_rows())
        pending: dict[str, list[Row]] = {table: [] for table in ("encounter", *CHILD_TABLES)}
        for generated in generator.encounters(True, tally):
            for table, rows in generated.rows.items():
                pending[table].extend(rows)
            if len(pending["encounter"]) >= batch_size:
                for table, rows in pending.items():
                    insert(table, rows)
                    rows.clear()
        for table, rows in pending.items():
            insert(table, rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BenchmarkError("the generated journal fails PRAGMA quick_check")
    return time.perf_counter() - started


def build_with_import(
    context: Context, db: Path, generator: Generator, tally: Tally
) -> tuple[float, float, Run]:
    """An ndjson file of the generated encounters, then one `svclog import` of it (timed).
    Returns (seconds generating the file, MiB of it, the import run)."""
    source = context.work / "export-source.ndjson"
    started = time.perf_counter()
    write_ndjson(generator, source, tally)
    generated_seconds = time.perf_counter() - started
    size_mib = source.stat().st_size / 2**20
    log = context.work / "build-import.log"
    argv = [str(context.svclog), "import", str(source)]
    run = timed_run(argv, context.journal_env(db), context.work, log, context.timeout)
    if run.status != 0:
        raise BenchmarkError(f"svclog import (building) exited {run.status}:\n{_log_tail(log)}")
    source.unlink()
    return generated_seconds, size_mib, run


def export_operations(
    context: Context, db: Path, tally: Tally, count: int, check_content: bool = True
) -> list[Operation]:
    """`svclog export` of the journal `db` (its warm-up output checked against `tally`'s
    digest when `check_content`, every output's line count against `count`), and
    `sqlite-utils rows` of its encounter table for context."""

    def svclog_export(run_number: int) -> Invocation:
        out = context.work / f"export-svclog-{run_number}.ndjson"
        out.unlink(missing_ok=True)

        def after() -> None:
            if run_number == 0 and check_content:
                verify_export_file(out, tally, "svclog export")
            else:
                lines = count_lines(out)
                if lines != count:
                    raise BenchmarkError(f"svclog export wrote {lines} lines, expected {count}")
            out.unlink()

        argv = [str(context.svclog), "export", "--format", "ndjson", "--output", str(out)]
        return Invocation(argv, context.journal_env(db), after)

    def sqlite_utils_rows(run_number: int) -> Invocation:
        out = context.work / f"export-sqlite-utils-{run_number}.ndjson"

        def after() -> None:
            lines = count_lines(out)
            if lines != count:
                raise BenchmarkError(f"sqlite-utils rows wrote {lines} lines, expected {count}")
            out.unlink()

        argv = [str(context.sqlite_utils), "rows", str(db), "encounter", "--nl"]
        return Invocation(argv, context.env, after, stdout=out)

    return [
        Operation(
            "svclog_export",
            "`svclog export --format ndjson --output FILE`",
            count,
            svclog_export,
            reference="sqlite_utils_rows",
            budget=Budget(min_rate=EXPORT_MIN_RATE, max_rss_mib=EXPORT_MAX_RSS_MIB),
        ),
        Operation(
            "sqlite_utils_rows",
            "`sqlite-utils rows JOURNAL encounter --nl > FILE`",
            count,
            sqlite_utils_rows,
        ),
    ]


def export_part(context: Context, count: int, rounds: int, build: str) -> dict[str, Any]:
    generator = Generator(count, context.seed + 1, context.now)
    tally = Tally()
    db = context.work / "export-journal.db"
    remove_database(db)
    built: dict[str, Any] = {"method": build}
    if build == "sql":
        _note(f"building a journal of {count:,} encounters with sqlite3 after `svclog init` ...")
        built["seconds"] = build_with_sql(context, db, generator, tally)
    else:
        _note(f"building a journal of {count:,} encounters with `svclog import` ...")
        generated_seconds, size_mib, run = build_with_import(context, db, generator, tally)
        built.update(
            seconds=run.seconds,
            generated_seconds=generated_seconds,
            file_mib=size_mib,
            peak_rss_mib=run.peak_rss_mib,
        )
    found = check_svclog_journal(db, tally, f"the {build} build")
    built["rows"] = found
    built["journal_mib"] = db.stat().st_size / 2**20
    _note(
        f"  {built['seconds']:.1f} s; {built['journal_mib']:.0f} MiB, "
        f"{len(tally.businesses_used):,} businesses, "
        + ", ".join(f"{n:,} {table}" for table, n in found.items() if table != "business")
    )

    operations = export_operations(context, db, tally, count)
    _note(f"timing the export of {count:,} encounters: 1 warm-up round + {rounds} timed ...")
    samples, warmup = measure(operations, rounds, context.work, context.timeout)
    remove_database(db)
    context.checks.append(
        f"export: every run exited 0 (warm-up included); every svclog export held {count:,} "
        "lines, and the warm-up's lines were the generated records byte for byte (an "
        "order-independent BLAKE2b digest); every sqlite-utils output held "
        f"{count:,} lines"
    )
    return {
        "operations": operations,
        "samples": samples,
        "warmup": warmup,
        "built": built,
        "businesses": len(tally.businesses_used),
        "tally": tally,
    }


# --------------------------------------------------------------------------------------------
# Verdicts, machine, report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    operation: Operation
    median: float
    minimum: float
    rate: float
    peak_rss_mib: float  # the largest over the timed runs
    ratio: float | None
    verdict: str | None
    meets: bool | None


def results(operations: Sequence[Operation], samples: Mapping[str, list[Run]]) -> list[Result]:
    medians = {key: statistics.median(run.seconds for run in runs) for key, runs in samples.items()}
    found = []
    for op in operations:
        runs = samples[op.key]
        median = medians[op.key]
        rate = op.encounters / median
        peak = max(run.peak_rss_mib for run in runs)
        ratio = median / medians[op.reference] if op.reference else None
        verdict: str | None = None
        meets: bool | None = None
        if op.budget is not None:
            misses = []
            budget = op.budget
            if budget.min_rate is not None and rate < budget.min_rate:
                misses.append("rate")
            if budget.max_ratio is not None and ratio is not None and ratio > budget.max_ratio:
                misses.append("ratio")
            if budget.max_rss_mib is not None and peak > budget.max_rss_mib:
                misses.append("memory")
            meets = not misses
            verdict = "meets" if meets else f"misses ({', '.join(misses)})"
        found.append(
            Result(op, median, min(run.seconds for run in runs), rate, peak, ratio, verdict, meets)
        )
    return found


def machine_facts(context: Context, python: Path) -> dict[str, Any]:
    probe = run_checked(
        [
            str(python),
            "-c",
            "import platform, sqlite3; print(platform.python_version(), sqlite3.sqlite_version)",
        ],
        context.env,
        context.work,
        "probing svclog's Python",
    ).split()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z"),
        "nproc": cpu_count(),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": probe[0],
        "sqlite": probe[1],
        "python_path": str(python),
        "runner_python": platform.python_version(),
        "load_average": list(load) if load else None,
        "git": git_revision(),
        "svclog": run_checked(
            [str(context.svclog), "--version"], context.env, context.work, "svclog --version"
        ).strip(),
        "sqlite_utils": run_checked(
            [str(context.sqlite_utils), "--version"], context.env, context.work, "sqlite-utils"
        )
        .strip()
        .rsplit(" ", 1)[-1],
    }


def git_revision() -> str | None:
    """The repository's commit (short), marked when what is measured (src/, pyproject.toml)
    differs from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "pyproject.toml"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + (" with changes to src/" if changed.stdout.strip() else "")


def _seconds(value: float) -> str:
    return f"{value:.2f}"


def render(
    facts: Mapping[str, Any],
    rounds: int,
    parts: Sequence[tuple[str, list[Result]]],
    notes: Sequence[str],
    checks: Sequence[str],
) -> str:
    load = facts["load_average"]
    lines = [
        "## svclog import/export benchmark",
        "",
        f"- date: {facts['date']}",
        f"- machine: nproc {facts['nproc']}, {facts['cpu']}, {facts['platform']}"
        + (
            f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before timing"
            if load
            else ""
        ),
        f"- python: {facts['python']} ({facts['python_path']}), SQLite {facts['sqlite']}; "
        f"runner {facts['runner_python']}",
        f"- versions: {facts['svclog']}"
        + (f" (commit {facts['git']})" if facts["git"] else "")
        + f", sqlite-utils {facts['sqlite_utils']}",
        f"- method: {rounds} round{'s' if rounds != 1 else ''} per part, interleaved (the "
        "order rotated each round), after one discarded warm-up round; wall time per run; "
        "peak RSS of the command's own process (wait4 in a fork/exec trampoline), the largest "
        "over the rounds",
        "",
        "| operation | encounters | median s | min s | rate /s | peak RSS MiB | reference "
        "| ratio | budget | verdict |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for _, found in parts:
        labels = {result.operation.key: result.operation.label for result in found}
        for result in found:
            op = result.operation
            cells = [
                op.label,
                f"{op.encounters:,}",
                _seconds(result.median),
                _seconds(result.minimum),
                f"{result.rate:,.0f}",
                f"{result.peak_rss_mib:.0f}",
                labels[op.reference] if op.reference else "—",
                f"{result.ratio:.2f}" if result.ratio is not None else "—",
                op.budget.text() if op.budget else "reference",
                result.verdict or "—",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *(f"- {note}" for note in notes), *(f"- checks: {check}" for check in checks)]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _positive(text: str) -> int:
    value = int(text.replace("_", "").replace(",", ""))
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_run_options(
    parser: argparse.ArgumentParser, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> None:
    """The options of every runner in this folder: which svclog, the seed, the kill timeout."""
    parser.add_argument(
        "--svclog",
        type=Path,
        default=DEFAULT_SVCLOG,
        metavar="PATH",
        help="the svclog executable (default: the project's .venv/bin/svclog)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=timeout,
        metavar="SECONDS",
        help=f"kill a run after this long: it then fails (default {timeout:.0f})",
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time svclog import and export against sqlite-utils in the same run "
        "(see README.md).",
    )
    parser.add_argument("--rounds", type=_positive, default=3, help="timed rounds (default 3)")
    parser.add_argument(
        "--import-count",
        type=_positive,
        metavar="N",
        help=f"encounters in the imported file (default {DEFAULT_IMPORT_COUNT:,}; "
        f"--quick {QUICK_IMPORT_COUNT:,})",
    )
    parser.add_argument(
        "--export-count",
        type=_positive,
        metavar="N",
        help=f"encounters in the exported journal (default {DEFAULT_EXPORT_COUNT:,}; "
        f"--quick {QUICK_EXPORT_COUNT:,})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_IMPORT_COUNT:,} imported and {QUICK_EXPORT_COUNT:,} exported encounters",
    )
    parser.add_argument(
        "--build",
        choices=("sql", "import"),
        default="sql",
        help="how the export's journal is built: sqlite3 into svclog's schema (default), or "
        "one timed `svclog import` of a generated file",
    )
    parser.add_argument(
        "--skip",
        choices=("import", "export"),
        help="leave out one part",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="save the raw timings here")
    add_run_options(parser)
    parser.add_argument(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="where the temporary files go (default: the system's temporary directory); "
        "the full run needs a few GiB",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when an operation misses its budget"
    )
    args = parser.parse_args(argv)
    if args.import_count is None:
        args.import_count = QUICK_IMPORT_COUNT if args.quick else DEFAULT_IMPORT_COUNT
    if args.export_count is None:
        args.export_count = QUICK_EXPORT_COUNT if args.quick else DEFAULT_EXPORT_COUNT
    return args


def _runs_json(runs: Sequence[Run]) -> list[dict[str, float]]:
    return [
        {
            "seconds": run.seconds,
            "peak_rss_mib": run.peak_rss_mib,
            "user_seconds": run.user,
            "system_seconds": run.system,
        }
        for run in runs
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    svclog = args.svclog.expanduser().absolute()
    if not os.access(svclog, os.X_OK):
        raise BenchmarkError(f"no svclog executable at {svclog} (install the project, or --svclog)")
    python = interpreter_of(svclog)
    ref_bin = ensure_reference_venv()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="svclog-exchange-", dir=args.workdir) as tmp:
        root = Path(tmp)
        sandbox = make_sandbox(root)
        work = root / "work"
        work.mkdir()
        # no settings file: svclog's defaults (e.g. the 48 h timely window the generator uses)
        env = {**sandbox.env, "SVCLOG_CONFIG": str(root / "no-such-config.toml")}
        context = Context(
            svclog=svclog,
            sqlite_utils=ref_bin / "sqlite-utils",
            work=work,
            env=env,
            timeout=args.timeout,
            seed=args.seed,
            now=datetime.now(timezone.utc),
        )
        facts = machine_facts(context, python)
        parts: list[tuple[str, list[Result]]] = []
        raw: dict[str, Any] = {}
        notes: list[str] = []
        if args.skip != "import":
            imported = import_part(context, args.import_count, args.rounds)
            parts.append(("import", results(imported["operations"], imported["samples"])))
            notes.append(
                f"import: a seeded file of {args.import_count:,} encounters "
                f"({imported['file_mib']:.0f} MiB, {imported['businesses']:,} businesses) "
                "into a fresh journal each run (SVCLOG_DB a new file, no settings file); "
                "sqlite-utils into a fresh database each run"
            )
            raw["import"] = imported
        if args.skip != "export":
            exported = export_part(context, args.export_count, args.rounds, args.build)
            parts.append(("export", results(exported["operations"], exported["samples"])))
            built = exported["built"]
            if built["method"] == "sql":
                how = (
                    f"built with sqlite3 after `svclog init` in {built['seconds']:.1f} s "
                    "(generation included)"
                )
            else:
                how = (
                    f"built by one `svclog import` of a {built['file_mib']:.0f} MiB file in "
                    f"{built['seconds']:.1f} s ({args.export_count / built['seconds']:,.0f} "
                    f"encounters/s, peak RSS {built['peak_rss_mib']:.0f} MiB)"
                )
            notes.append(
                f"export: a journal of {args.export_count:,} encounters at "
                f"{exported['businesses']:,} businesses ({built['journal_mib']:.0f} MiB), {how}"
            )
            raw["export"] = exported

    all_results = [result for _, found in parts for result in found]
    print(render(facts, args.rounds, parts, notes, context.checks), flush=True)

    if args.json is not None:
        report: dict[str, Any] = {
            "benchmark": "svclog import/export",
            "machine": facts,
            "rounds": args.rounds,
            "seed": args.seed,
            "unit": "s",
            "notes": notes,
            "checks": context.checks,
            "operations": {},
        }
        for part in raw.values():
            for op in part["operations"]:
                result = next(r for r in all_results if r.operation.key == op.key)
                report["operations"][op.key] = {
                    "label": op.label.strip("`"),
                    "encounters": op.encounters,
                    "warmup": _runs_json([part["warmup"][op.key]])[0],
                    "samples": _runs_json(part["samples"][op.key]),
                    "median_seconds": result.median,
                    "min_seconds": result.minimum,
                    "rate_per_second": result.rate,
                    "peak_rss_mib": result.peak_rss_mib,
                    "reference": op.reference,
                    "ratio": result.ratio,
                    "budget": None
                    if op.budget is None
                    else {
                        "min_rate": op.budget.min_rate,
                        "max_ratio": op.budget.max_ratio,
                        "max_rss_mib": op.budget.max_rss_mib,
                        "meets": result.meets,
                        "verdict": result.verdict,
                    },
                }
        if "export" in raw:
            report["export_build"] = raw["export"]["built"]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        _note(f"raw timings saved to {args.json}")

    missed = [result for result in all_results if result.meets is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchmarkError as error:
        print(f"exchange.py: error: {error}", file=sys.stderr)
        sys.exit(2)
