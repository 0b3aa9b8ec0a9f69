"""Guard rails against falsified LDAR detection work (specs/ldar.md §2 "Guard rails").

Field apps exist that fill missing points with random readings just below the leak threshold and stamp
every calibration "passed". The checks below look for the traces such work leaves. They are a pure
kernel (numpy and the standard library only). Not wired yet: the Django layer still to come builds
``Reading`` rows from detection records, calls ``check_records`` when records are saved or imported and
``check_work_order`` over a work order's readings, and stores the flags. A flag only reports: it never
blocks saving.

Each rule is named (``RULES``), reads its parameters from ``GuardRailSettings`` (defaults the bureau
can edit) and returns ``Flag`` rows naming the rule, the records concerned and the evidence in
numbers. Messages are English msgids with ``%(name)s`` placeholders filled from ``Flag.evidence``; the
Django layer translates them with ``gettext(flag.message) % flag.evidence``. ``_`` below only marks
them for the catalogue.

Times: pass the readings' times all naive (local) or all aware; the day of a reading is the date of
its start as given, so pass local times (``timezone.localtime``) to match the day of a background or
calibration.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime

import numpy as np


def _(message: str) -> str:
    """Mark ``message`` for translation; the Django layer translates it when it shows a flag."""
    return message


@dataclass(frozen=True)
class GuardRailSettings:
    """The rules' parameters; defaults the bureau may edit (every field must stay as validated)."""

    # rule 3. HJ 733-2014 §8.3.2: the probe stays at the point of the maximum reading for about twice the
    # instrument's response time; a few seconds is the least a real reading takes.
    dwell_seconds: float = 5.0
    # rule 4. A brisk walk is 1.5 m/s; across pipe racks and stairs nobody keeps 2 m/s from group to group.
    walking_speed: float = 2.0
    # rule 5: the band just below the threshold, as a fraction of it, and the share of readings a
    # genuine survey puts there (most readings lie far below the threshold).
    heap_band: float = 0.10
    heap_expected_share: float = 0.02
    heap_min_readings: int = 20
    heap_min_in_band: int = 5
    # rule 6: the largest share of one background value / one wind direction in a work order.
    repeated_background_share: float = 0.5
    repeated_wind_share: float = 0.95
    repeated_min_readings: int = 20
    # rule 7: dwell times with a coefficient of variation below this are machine-made.
    dwell_min_variation: float = 0.05
    dwell_min_readings: int = 20
    # rule 8: zero readings (≤ zero_reading) against the enterprise's history share; a share below
    # zero_floor_share counts as that floor (an enterprise without history, a history of no zeros).
    zero_reading: float = 0.0
    zero_floor_share: float = 0.02
    zero_ratio: float = 3.0
    zero_min_readings: int = 20
    # the statistical rules flag only when the one-sided binomial test's p-value is below this
    significance: float = 0.001

    def __post_init__(self):
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
                raise ValueError(f"guard-rail setting {spec.name} is not a number: {value!r}")
            if spec.type == "int" and value != int(value):
                raise ValueError(f"guard-rail setting {spec.name} must be a whole number: {value!r}")
            if value < 0 or (value == 0 and spec.name not in {"zero_reading", "dwell_seconds"}):
                raise ValueError(f"guard-rail setting {spec.name} must be positive: {value!r}")
        for name in (
            "heap_band",
            "heap_expected_share",
            "repeated_background_share",
            "repeated_wind_share",
            "zero_floor_share",
            "significance",
        ):
            if getattr(self, name) >= 1:
                raise ValueError(f"guard-rail setting {name} must be below 1: {getattr(self, name)!r}")


@dataclass(frozen=True)
class Reading:
    """One detection record as the guard rails see it. ``x``/``y``: the position of the point's group
    in metres (any plant grid), ``None`` when unknown. ``background``, ``reading`` and ``threshold``
    in μmol/mol."""

    id: Hashable
    operator: str
    instrument: Hashable
    started_at: datetime
    ended_at: datetime
    background: float
    reading: float
    threshold: float
    enterprise: Hashable = None
    wind: str = ""
    x: float | None = None
    y: float | None = None

    @property
    def day(self) -> date:
        return self.started_at.date()


@dataclass(frozen=True)
class Flag:
    """A rule's finding: the rule's code, the records concerned, an English message (a msgid) and the
    evidence that fills its placeholders."""

    rule: str
    records: tuple
    message: str
    evidence: dict = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return self.message % self.evidence


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    per: str  # "record" or "work order"
    parameters: tuple[str, ...]
    check: Callable


# --- the readings as columns ---


class Columns:
    """The readings as numpy columns, built once for all rules."""

    def __init__(self, readings: Sequence[Reading]):
        self.readings = list(readings)
        self.ids = np.empty(len(self.readings), dtype=object)
        self.ids[:] = [r.id for r in self.readings]
        self.start = np.array([_seconds(r.started_at) for r in self.readings], dtype=np.float64)
        self.end = np.array([_seconds(r.ended_at) for r in self.readings], dtype=np.float64)
        self.background = np.array([r.background for r in self.readings], dtype=np.float64)
        self.reading = np.array([r.reading for r in self.readings], dtype=np.float64)
        self.threshold = np.array([r.threshold for r in self.readings], dtype=np.float64)
        self.x = np.array([np.nan if r.x is None else r.x for r in self.readings], dtype=np.float64)
        self.y = np.array([np.nan if r.y is None else r.y for r in self.readings], dtype=np.float64)
        operators = {name: code for code, name in enumerate(dict.fromkeys(r.operator for r in self.readings))}
        self.operator = np.array([operators[r.operator] for r in self.readings], dtype=np.int64)
        self.net = np.maximum(self.reading - self.background, 0.0)
        self.dwell = self.end - self.start
        for name in ("background", "reading", "threshold"):
            if np.isnan(getattr(self, name)).any():
                bad = self.ids[np.isnan(getattr(self, name))][0]
                raise ValueError(f"reading {bad!r}: {name} is not a number")

    def __len__(self):
        return len(self.readings)

    def walk_order(self) -> np.ndarray:
        """Indices sorted by operator, then start time, then end time: each operator's walk in order."""
        return np.lexsort((self.end, self.start, self.operator))


_EPOCH_NAIVE = datetime(1970, 1, 1)


def _seconds(moment: datetime) -> float:
    if not isinstance(moment, datetime):
        raise ValueError(f"not a date and time: {moment!r}")
    if moment.tzinfo is None:
        return (moment - _EPOCH_NAIVE).total_seconds()
    return moment.timestamp()


def _columns(readings) -> Columns:
    return readings if isinstance(readings, Columns) else Columns(readings)


# --- per record ---


def missing_background(readings, backgrounds: Iterable[tuple[Hashable, Hashable, date]], settings):
    """Rule 1. A net value is the reading minus the ambient background measured that day with that
    instrument at that enterprise (HJ 733-2014). Without such a background the net value, and so the
    leak decision, rests on nothing: the reading is flagged. ``backgrounds``: (enterprise, instrument,
    day) of every background record."""
    measured = set(backgrounds)
    return [
        Flag(
            "missing_background",
            (r.id,),
            _(
                "No background was measured at this enterprise with instrument %(instrument)s on "
                "%(day)s: the net value has no basis."
            ),
            {"instrument": r.instrument, "day": r.day.isoformat()},
        )
        for r in _columns(readings).readings
        if (r.enterprise, r.instrument, r.day) not in measured
    ]


def missing_calibration(readings, calibrations: Iterable[tuple[Hashable, date, bool]], settings):
    """Rule 2. An instrument must be calibrated on the day it is used (HJ 733-2014); a reading taken
    with an instrument that has no calibration that day, or only failed ones, is not trustworthy.
    ``calibrations``: (instrument, day, passed) of every calibration record."""
    passed, failed = set(), set()
    for instrument, day, ok in calibrations:
        (passed if ok else failed).add((instrument, day))
    flags = []
    for r in _columns(readings).readings:
        key = (r.instrument, r.day)
        if key in passed:
            continue
        evidence = {"instrument": r.instrument, "day": r.day.isoformat()}
        if key in failed:
            message = _("Instrument %(instrument)s failed its calibration on %(day)s.")
        else:
            message = _("Instrument %(instrument)s has no calibration on %(day)s.")
        flags.append(Flag("missing_calibration", (r.id,), message, evidence))
    return flags


def impossible_times(readings, settings):
    """Rule 3. A reading ends after it starts; one operator holds one probe, so his readings do not
    overlap; and a reading takes at least the dwell time (the probe waits for the instrument's
    response). A reading of exactly the dwell time passes."""
    columns = _columns(readings)
    flags = []
    backwards = columns.dwell < 0
    for i in np.flatnonzero(backwards):
        flags.append(
            Flag(
                "impossible_times",
                (columns.ids[i],),
                _("The reading ends %(seconds)s s before it starts."),
                {"seconds": _number(-columns.dwell[i])},
            )
        )
    for i in np.flatnonzero(~backwards & (columns.dwell < settings.dwell_seconds)):
        flags.append(
            Flag(
                "impossible_times",
                (columns.ids[i],),
                _("The reading took %(seconds)s s, less than the dwell time of %(dwell)s s."),
                {"seconds": _number(columns.dwell[i]), "dwell": _number(settings.dwell_seconds)},
            )
        )
    order = columns.walk_order()
    previous, current = order[:-1], order[1:]
    overlap = (columns.operator[previous] == columns.operator[current]) & (
        columns.start[current] < columns.end[previous]
    )
    for before, after in zip(previous[overlap], current[overlap], strict=True):
        flags.append(
            Flag(
                "impossible_times",
                (columns.ids[before], columns.ids[after]),
                _("Operator %(operator)s started this reading %(seconds)s s before the previous one ended."),
                {
                    "operator": columns.readings[after].operator,
                    "seconds": _number(columns.end[before] - columns.start[after]),
                },
            )
        )
    return flags


def fast_walk(readings, settings):
    """Rule 4. Between two consecutive readings of one operator he walks from one group to the next;
    when both positions are known, the distance over the time between the end of the first and the
    start of the second may not exceed a walking speed. Readings in the same group (distance 0) pass."""
    columns = _columns(readings)
    order = columns.walk_order()
    previous, current = order[:-1], order[1:]
    distance = np.hypot(columns.x[current] - columns.x[previous], columns.y[current] - columns.y[previous])
    gap = np.maximum(columns.start[current] - columns.end[previous], 0.0)
    with np.errstate(invalid="ignore"):
        too_fast = (
            (columns.operator[previous] == columns.operator[current])
            & (distance > 0)
            & (distance > settings.walking_speed * gap)
        )
    flags = []
    for before, after, metres, seconds in zip(
        previous[too_fast], current[too_fast], distance[too_fast], gap[too_fast], strict=True
    ):
        flags.append(
            Flag(
                "fast_walk",
                (columns.ids[before], columns.ids[after]),
                _(
                    "Operator %(operator)s moved %(metres)s m in %(seconds)s s between two groups "
                    "(%(speed)s m/s), faster than a walk of %(limit)s m/s."
                ),
                {
                    "operator": columns.readings[after].operator,
                    "metres": _number(metres),
                    "seconds": _number(seconds),
                    "speed": _number(metres / seconds) if seconds > 0 else "∞",
                    "limit": _number(settings.walking_speed),
                },
            )
        )
    return flags


# --- per work order (statistical) ---


def heaped_under_threshold(readings, settings):
    """Rule 5. Genuine readings spread smoothly, most far below the threshold; made-up ones that must
    not be leaks cluster just under it. Counts the net values in the band [threshold × (1 − band),
    threshold) and asks, by a one-sided binomial test, whether so many could fall there if the share
    expected there were ``heap_expected_share``. Flags when p < ``significance``, given at least
    ``heap_min_readings`` readings and ``heap_min_in_band`` in the band. The count just above the
    threshold is reported for comparison (it is as large as the count below when the data are real
    and dense there)."""
    columns = _columns(readings)
    n = len(columns)
    if n < settings.heap_min_readings:
        return []
    low = columns.threshold * (1 - settings.heap_band)
    below = int(np.count_nonzero((columns.net >= low) & (columns.net < columns.threshold)))
    above = int(
        np.count_nonzero(
            (columns.net >= columns.threshold) & (columns.net < columns.threshold * (1 + settings.heap_band))
        )
    )
    if below < settings.heap_min_in_band:
        return []
    p = binomial_tail(below, n, settings.heap_expected_share)
    if p >= settings.significance:
        return []
    return [
        Flag(
            "heaped_under_threshold",
            tuple(columns.ids),
            _(
                "%(count)s of %(total)s readings (%(share)s %%) lie within %(band)s %% below the threshold "
                "of %(threshold)s μmol/mol, against %(expected)s %% expected (%(above)s lie as close "
                "above it); one-sided binomial test p = %(p)s."
            ),
            {
                "count": below,
                "total": n,
                "share": _percent(below / n),
                "band": _percent(settings.heap_band),
                "threshold": _thresholds(columns.threshold),
                "expected": _percent(settings.heap_expected_share),
                "above": above,
                "p": f"{p:.1e}",
            },
        )
    ]


MESSAGES = {
    "background": _(
        "%(count)s of %(total)s readings (%(share)s %%) have the same background %(value)s μmol/mol, more "
        "than the %(limit)s %% allowed."
    ),
    "wind": _(
        "%(count)s of %(total)s readings (%(share)s %%) have the same wind direction %(value)s, more than "
        "the %(limit)s %% allowed."
    ),
}


def repeated_values(readings, settings):
    """Rule 6. A background is measured at each point upwind and a wind direction noted; real values
    vary with the air and the instrument's last digit. When one value makes up more than the allowed
    share of a work order's readings (``repeated_background_share``, ``repeated_wind_share``; blank
    wind values are not counted), they were typed, not measured. Needs ``repeated_min_readings``."""
    columns = _columns(readings)
    flags = []
    for kind, values, limit in (
        ("background", columns.background, settings.repeated_background_share),
        (
            "wind",
            np.array([r.wind.strip() for r in columns.readings], dtype=object),
            settings.repeated_wind_share,
        ),
    ):
        if kind == "wind":
            values = values[values != ""]
        n = len(values)
        if n < settings.repeated_min_readings:
            continue
        uniques, counts = np.unique(values.astype(str) if kind == "wind" else values, return_counts=True)
        top = int(np.argmax(counts))
        if counts[top] / n <= limit:
            continue
        value = uniques[top]
        flags.append(
            Flag(
                "repeated_values",
                tuple(columns.ids),
                MESSAGES[kind],
                {
                    "count": int(counts[top]),
                    "total": n,
                    "share": _percent(counts[top] / n),
                    "kind": kind,
                    "value": _number(value) if kind == "background" else str(value),
                    "limit": _percent(limit),
                },
            )
        )
    return flags


def regular_dwell(readings, settings):
    """Rule 7. A person holds the probe as long as the reading needs and the point allows; dwell times
    vary. Times generated by a program are nearly constant: flags a coefficient of variation (standard
    deviation / mean) below ``dwell_min_variation`` over at least ``dwell_min_readings`` readings."""
    columns = _columns(readings)
    dwell = columns.dwell[columns.dwell >= 0]
    if len(dwell) < settings.dwell_min_readings or dwell.mean() <= 0:
        return []
    variation = float(dwell.std() / dwell.mean())
    if variation >= settings.dwell_min_variation:
        return []
    return [
        Flag(
            "regular_dwell",
            tuple(columns.ids),
            _(
                "The dwell times of %(total)s readings vary by %(variation)s %% (mean %(mean)s s, standard "
                "deviation %(deviation)s s), less than the %(limit)s %% a person's readings vary."
            ),
            {
                "total": len(dwell),
                "variation": _percent(variation),
                "mean": _number(dwell.mean()),
                "deviation": _number(dwell.std()),
                "limit": _percent(settings.dwell_min_variation),
            },
        )
    ]


def zero_readings(readings, settings, history_share: float | None = None):
    """Rule 8. An instrument in a plant reads at least the ambient background; a reading of zero means
    no measurement. Compares the share of zero readings in the work order with the enterprise's
    history (``history_share``, floored at ``zero_floor_share``): flags when it is at least
    ``zero_ratio`` times that and a one-sided binomial test gives p < ``significance``."""
    columns = _columns(readings)
    n = len(columns)
    if n < settings.zero_min_readings:
        return []
    if history_share is not None and not 0 <= history_share <= 1:
        raise ValueError(f"the history share of zero readings must be between 0 and 1: {history_share!r}")
    expected = max(history_share or 0.0, settings.zero_floor_share)
    zeros = int(np.count_nonzero(columns.reading <= settings.zero_reading))
    if zeros / n < settings.zero_ratio * expected:
        return []
    p = binomial_tail(zeros, n, expected) if expected < 1 else 1.0
    if p >= settings.significance:
        return []
    return [
        Flag(
            "zero_readings",
            tuple(columns.ids),
            _(
                "%(count)s of %(total)s readings (%(share)s %%) are zero, against %(expected)s %% in the "
                "enterprise's history; one-sided binomial test p = %(p)s."
            ),
            {
                "count": zeros,
                "total": n,
                "share": _percent(zeros / n),
                "expected": _percent(expected),
                "p": f"{p:.1e}",
            },
        )
    ]


RULES = (
    Rule("missing_background", _("Missing same-day background"), "record", (), missing_background),
    Rule(
        "missing_calibration",
        _("Instrument calibration missing or failed"),
        "record",
        (),
        missing_calibration,
    ),
    Rule("impossible_times", _("Impossible reading times"), "record", ("dwell_seconds",), impossible_times),
    Rule("fast_walk", _("Walk faster than a person"), "record", ("walking_speed",), fast_walk),
    Rule(
        "heaped_under_threshold",
        _("Readings heaped under the threshold"),
        "work order",
        ("heap_band", "heap_expected_share", "heap_min_readings", "heap_min_in_band", "significance"),
        heaped_under_threshold,
    ),
    Rule(
        "repeated_values",
        _("Identical backgrounds or wind values"),
        "work order",
        ("repeated_background_share", "repeated_wind_share", "repeated_min_readings"),
        repeated_values,
    ),
    Rule(
        "regular_dwell",
        _("Dwell times too regular"),
        "work order",
        ("dwell_min_variation", "dwell_min_readings"),
        regular_dwell,
    ),
    Rule(
        "zero_readings",
        _("Too many zero readings"),
        "work order",
        ("zero_reading", "zero_floor_share", "zero_ratio", "zero_min_readings", "significance"),
        zero_readings,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


def check_records(
    readings: Sequence[Reading],
    backgrounds: Iterable[tuple[Hashable, Hashable, date]] = (),
    calibrations: Iterable[tuple[Hashable, date, bool]] = (),
    settings: GuardRailSettings | None = None,
) -> list[Flag]:
    """Rules 1–4 over readings (a batch being saved or imported, with the operators' neighbouring
    readings for the time and walk rules)."""
    settings = settings or GuardRailSettings()
    columns = Columns(readings)
    return [
        *missing_background(columns, backgrounds, settings),
        *missing_calibration(columns, calibrations, settings),
        *impossible_times(columns, settings),
        *fast_walk(columns, settings),
    ]


def check_work_order(
    readings: Sequence[Reading],
    settings: GuardRailSettings | None = None,
    zero_history_share: float | None = None,
) -> list[Flag]:
    """Rules 5–8 over all the readings of one work order."""
    settings = settings or GuardRailSettings()
    columns = Columns(readings)
    return [
        *heaped_under_threshold(columns, settings),
        *repeated_values(columns, settings),
        *regular_dwell(columns, settings),
        *zero_readings(columns, settings, zero_history_share),
    ]


# --- numbers ---


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed in log space (exact; no normal approximation)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if not 0 < p < 1:
        raise ValueError(f"a binomial probability must lie strictly between 0 and 1: {p!r}")
    log_factorial = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=np.float64)))))
    i = np.arange(k, n + 1)
    log_terms = (
        log_factorial[n]
        - log_factorial[i]
        - log_factorial[n - i]
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )
    top = log_terms.max()
    return float(min(1.0, math.exp(top) * np.exp(log_terms - top).sum()))


def _number(value) -> str:
    """A number as people write it: up to one decimal, no trailing zeros."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def _percent(share) -> str:
    return _number(100 * float(share))


def _thresholds(thresholds: np.ndarray) -> str:
    values = np.unique(thresholds)
    if len(values) == 1:
        return _number(values[0])
    return f"{_number(values[0])}–{_number(values[-1])}"
