"""The correlation rules of specs/power.md as a pure, vectorised kernel (no Django, no I/O).

Input is minute series of facility pairs: row ``i`` of every 2-D array is the pair (a production
facility, a treatment facility serving it), column ``t`` the ``t``-th minute. A facility is

- *running* at ``t`` when its power is at or above its threshold;
- *stopped* when its power is below the threshold;
- *unknown* when the power is NaN (no reading): an unknown minute is neither, so it ends a condition.

Every rule yields episodes ``(pair, start, end)``: ``start`` the first minute of the condition,
``end`` the first minute after it (exclusive), both column indices. One episode per maximal run of
the condition: a condition that goes on is one episode, however long.

Rules (``Rule.kind``; the numbers are the rule's parameters):

``treatment_stopped``  production running and treatment stopped, for at least ``minutes`` minutes.
``late_start``         a run of the above (at least ``minutes`` long) that begins when production
                       starts (production known stopped in the minute before) and ends when treatment
                       starts while production goes on: treatment started that much later.
``early_stop``         a run of the above (at least ``minutes`` long) that begins when treatment stops
                       while both were running in the minute before, and ends when production stops
                       (production known stopped at ``end``): treatment stopped that much earlier.
``idling``             production running, treatment running but below ``share`` × its rated power,
                       for at least ``minutes`` minutes (pairs without a rated power are skipped).
``night_stop``         per local night [``night_start``, ``night_end``) crossing midnight, whose day
                       window [``night_end``, ``night_start``) of the same date lies wholly in the
                       series: production ran at least ``minutes`` minutes of the night, treatment ran
                       by day (mean day power at or above its threshold) and the treatment's mean night
                       power is below ``share`` × its mean day power. The episode is the whole night.

A run touching the first or last column is cut there: ``late_start`` and ``early_stop`` need the
minute before and after to be in the series; the caller evaluates over a window that overlaps the
previous one (``lantian.power.alarms``) and joins episodes that touch events already raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np

MINUTES_PER_DAY = 1440


class RuleKind(StrEnum):
    TREATMENT_STOPPED = "treatment_stopped"
    LATE_START = "late_start"
    EARLY_STOP = "early_stop"
    IDLING = "idling"
    NIGHT_STOP = "night_stop"


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    minutes: int = 30
    share: float = 0.3
    night_start: int = 22 * 60  # minutes after local midnight
    night_end: int = 6 * 60

    def __post_init__(self):
        if self.minutes < 1:
            raise ValueError("minutes must be at least 1")
        if not 0 <= self.share <= 1:
            raise ValueError("share must lie between 0 and 1")
        if self.kind == RuleKind.NIGHT_STOP and not (
            0 <= self.night_end < self.night_start < MINUTES_PER_DAY
        ):
            raise ValueError("the night must cross midnight: night_end < night_start")


@dataclass(frozen=True)
class Episode:
    kind: RuleKind
    pair: int
    start: int  # column index of the first minute
    end: int  # column index after the last minute (exclusive)


def runs(condition: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of True in each row of a 2-D boolean array: (row, start, end) arrays, row-major."""
    rows, width = condition.shape
    padded = np.zeros((rows, width + 2), dtype=np.int8)
    padded[:, 1:-1] = condition
    steps = np.diff(padded, axis=1)
    start_rows, starts = np.nonzero(steps == 1)
    _end_rows, ends = np.nonzero(steps == -1)
    return start_rows, starts, ends


def _at(array: np.ndarray, rows: np.ndarray, columns: np.ndarray, default: bool) -> np.ndarray:
    """``array[rows, columns]`` where the column lies inside the array, else ``default``."""
    inside = (columns >= 0) & (columns < array.shape[1])
    result = np.full(rows.shape, default, dtype=bool)
    result[inside] = array[rows[inside], columns[inside]]
    return result


def evaluate_pairs(
    rule: Rule,
    production_kw: np.ndarray,
    treatment_kw: np.ndarray,
    production_threshold,
    treatment_threshold,
    treatment_rated_kw=None,
    first_minute_of_day: int = 0,
) -> list[Episode]:
    """Evaluate ``rule`` over P pairs × T minutes.

    ``production_kw``, ``treatment_kw``: float arrays (P, T), NaN where there is no reading.
    ``production_threshold``, ``treatment_threshold``: thresholds in kW broadcastable to (P, T) (a
    number, (P, 1) per pair, or (P, T) per minute when a threshold changed); NaN: no threshold, the
    facility is unknown. ``treatment_rated_kw``: (P,) or (P, 1) rated power of the treatment
    facility, NaN when unknown (only ``idling`` reads it). ``first_minute_of_day``: the local time of
    column 0 in minutes after midnight (only ``night_stop`` reads it).
    """
    production = np.atleast_2d(np.asarray(production_kw, dtype=float))
    treatment = np.atleast_2d(np.asarray(treatment_kw, dtype=float))
    if production.shape != treatment.shape:
        raise ValueError(f"production {production.shape} and treatment {treatment.shape} differ in shape")
    with np.errstate(invalid="ignore"):
        p_threshold = np.broadcast_to(np.asarray(production_threshold, dtype=float), production.shape)
        t_threshold = np.broadcast_to(np.asarray(treatment_threshold, dtype=float), treatment.shape)
        p_running = production >= p_threshold
        p_stopped = production < p_threshold
        t_running = treatment >= t_threshold
        t_stopped = treatment < t_threshold
    if rule.kind == RuleKind.NIGHT_STOP:
        return _night_stops(
            rule, production, treatment, p_running, t_running, t_threshold, first_minute_of_day
        )
    if rule.kind == RuleKind.IDLING:
        if treatment_rated_kw is None:
            return []
        rated = np.asarray(treatment_rated_kw, dtype=float).reshape(-1, 1)
        with np.errstate(invalid="ignore"):
            condition = p_running & t_running & (treatment < rule.share * rated)
        rows, starts, ends = runs(condition)
        keep = ends - starts >= rule.minutes
    else:
        rows, starts, ends = runs(p_running & t_stopped)
        keep = ends - starts >= rule.minutes
        if rule.kind == RuleKind.LATE_START:
            before, after = starts - 1, ends
            keep &= _at(p_stopped, rows, before, False)  # production started at ``start``
            keep &= _at(p_running & t_running, rows, after, False)  # treatment started, production went on
        elif rule.kind == RuleKind.EARLY_STOP:
            before, after = starts - 1, ends
            keep &= _at(p_running & t_running, rows, before, False)  # treatment stopped while both ran
            keep &= _at(p_stopped, rows, after, False)  # production stopped at ``end``
    return [
        Episode(rule.kind, int(row), int(start), int(end))
        for row, start, end in zip(rows[keep], starts[keep], ends[keep], strict=True)
    ]


def _night_stops(
    rule, production, treatment, p_running, t_running, t_threshold, first_minute
) -> list[Episode]:
    width = production.shape[1]
    absolute = first_minute + np.arange(width)
    date = absolute // MINUTES_PER_DAY
    minute = absolute % MINUTES_PER_DAY
    episodes = []
    for day in range(int(date[0]), int(date[-1]) + 1):  # a loop over the series' dates, not over meters
        day_columns = np.nonzero((date == day) & (minute >= rule.night_end) & (minute < rule.night_start))[0]
        night_columns = np.nonzero(
            ((date == day) & (minute >= rule.night_start)) | ((date == day + 1) & (minute < rule.night_end))
        )[0]
        day_length = rule.night_start - rule.night_end
        night_length = MINUTES_PER_DAY - day_length
        if len(day_columns) != day_length or len(night_columns) != night_length:
            continue  # the series does not hold this day and night wholly
        with np.errstate(invalid="ignore"), _quiet_nanmean():
            day_mean = np.nanmean(treatment[:, day_columns], axis=1)
            night_mean = np.nanmean(treatment[:, night_columns], axis=1)
            day_threshold = np.nanmean(t_threshold[:, day_columns], axis=1)
            production_night = p_running[:, night_columns].sum(axis=1)
            condition = (
                (production_night >= rule.minutes)
                & (day_mean >= day_threshold)
                & (night_mean < rule.share * day_mean)
            )
        start, end = int(night_columns[0]), int(night_columns[-1]) + 1
        episodes.extend(Episode(rule.kind, int(row), start, end) for row in np.nonzero(condition)[0])
    return sorted(episodes, key=lambda episode: (episode.pair, episode.start))


class _quiet_nanmean:
    """nanmean of an all-NaN row is NaN (a comparison then is False); silence its warning."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


@dataclass(frozen=True)
class TimedEpisode:
    kind: RuleKind
    start: datetime
    end: datetime


def evaluate_series(
    rules: list[Rule],
    start: datetime,
    production_kw,
    treatment_kw,
    production_threshold,
    treatment_threshold,
    treatment_rated_kw=None,
) -> list[TimedEpisode]:
    """One pair's minute series starting at ``start`` (a local time: its clock time places the nights),
    every rule: the episodes with their times, ordered by start and kind."""
    first = start.hour * 60 + start.minute
    result = []
    for rule in rules:
        rated = None if treatment_rated_kw is None else [treatment_rated_kw]
        for episode in evaluate_pairs(
            rule,
            np.asarray(production_kw, dtype=float)[None, :],
            np.asarray(treatment_kw, dtype=float)[None, :],
            production_threshold,
            treatment_threshold,
            rated,
            first,
        ):
            result.append(
                TimedEpisode(
                    episode.kind,
                    start + timedelta(minutes=episode.start),
                    start + timedelta(minutes=episode.end),
                )
            )
    return sorted(result, key=lambda episode: (episode.start, episode.kind))
