"""Incremental evaluation of the alarm rules over the readings, and the events they raise.

A facility's minute series is the sum of its points' power (each point's readings in a minute
averaged first), with the sum of their thresholds in force; a minute where one of its points has no
reading or no threshold is unknown. The treatment facility's rated power is the sum of its points'.
Pairs are (production facility, treatment facility serving it).

Watermark ``alarms``: ``time`` is the end of the last evaluated window (a whole minute). A run evaluates
[watermark − 1 minute, ``to``) for every pair: the minute before lets the kernel see how a condition
began. A condition still holding at the window's end is *carried*: its start is kept in the
watermark's ``state`` so that the next run reads that pair from the start of the condition, and the
condition is judged on its whole length (``treatment_stopped`` of 30 minutes over six 5-minute runs is
one event from its true start, and a late start is still recognised when treatment comes on hours
later). An episode updates the event with the same rule, pair and start (its end moves on, ``ongoing``
while it touches the window's end) or opens one: one event per episode.

Night rules are evaluated once per night, when a run's window passes the night's end, over the 24 hours
before it. Readings that arrive after their minute was evaluated are not evaluated again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantian.power import rules as kernel
from lantian.power.models import (
    AlarmEvent,
    AlarmRule,
    MonitoringPoint,
    RunningThreshold,
    TreatmentFacility,
    Watermark,
)
from lantian.power.sql import db_time, fetch_arrays

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
SETTLE = datetime.timedelta(minutes=2)  # readings this recent may still be coming in
CHUNK_PAIRS = 2000  # pairs evaluated together: bounds the arrays (pairs × minutes)
FIRST_WINDOW = datetime.timedelta(hours=6)  # how far back the very first run looks
MAX_CARRY = datetime.timedelta(hours=24)  # a condition is read back at most this far
MINUTE_RULES = (
    kernel.RuleKind.TREATMENT_STOPPED,
    kernel.RuleKind.LATE_START,
    kernel.RuleKind.EARLY_STOP,
    kernel.RuleKind.IDLING,
)


@dataclass
class Pairs:
    """The facility pairs, with their enterprise and the treatment's rated power."""

    production: np.ndarray
    treatment: np.ndarray
    enterprise: np.ndarray
    rated: np.ndarray

    def __len__(self):
        return len(self.production)

    def take(self, index) -> Pairs:
        return Pairs(self.production[index], self.treatment[index], self.enterprise[index], self.rated[index])


def load_pairs(enterprise_ids=None) -> Pairs:
    through = TreatmentFacility.serves.through.objects.all()
    if enterprise_ids is not None:
        through = through.filter(treatmentfacility__enterprise_id__in=enterprise_ids)
    rows = list(
        through.values_list(
            "productionfacility_id", "treatmentfacility_id", "treatmentfacility__enterprise_id"
        ).order_by("treatmentfacility__enterprise_id", "productionfacility_id", "treatmentfacility_id")
    )
    rated = _rated_by_treatment()
    array = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return Pairs(
        array[:, 0],
        array[:, 1],
        array[:, 2],
        np.array([rated.get(int(t), np.nan) for t in array[:, 1]], dtype=float),
    )


def _rated_by_treatment() -> dict[int, float]:
    from django.db.models import Count, Sum

    rows = (
        MonitoringPoint.objects.filter(kind=MonitoringPoint.Kind.TREATMENT, is_active=True)
        .values("treatment_facility_id")
        .annotate(total=Sum("rated_power_kw"), points=Count("pk"), rated=Count("rated_power_kw"))
        .order_by()
    )
    return {row["treatment_facility_id"]: row["total"] for row in rows if row["points"] == row["rated"]}


def _facility_points(pairs: Pairs):
    """The active points of the pairs' facilities: (point ids sorted by facility key, their facility
    keys: 2·id for production, 2·id + 1 for treatment)."""
    rows = np.array(
        list(
            MonitoringPoint.objects.filter(
                is_active=True, kind__in=(MonitoringPoint.Kind.PRODUCTION, MonitoringPoint.Kind.TREATMENT)
            ).values_list("pk", "production_facility_id", "treatment_facility_id")
        ),
        dtype=float,
    ).reshape(-1, 3)
    keys = np.where(np.isnan(rows[:, 1]), rows[:, 2] * 2 + 1, rows[:, 1] * 2).astype(np.int64)
    wanted = np.isin(keys, np.concatenate([pairs.production * 2, pairs.treatment * 2 + 1]))
    ids, keys = rows[wanted, 0].astype(np.int64), keys[wanted]
    order = np.lexsort((ids, keys))
    return ids[order], keys[order]


def _threshold_grid(point_ids: np.ndarray, first: int, width: int) -> np.ndarray:
    """Each point's threshold in force through the window, by minute (NaN: none)."""
    grid = np.full((len(point_ids), width), np.nan)
    end = datetime.datetime.fromtimestamp(first + width * 60, datetime.UTC)
    start = datetime.datetime.fromtimestamp(first, datetime.UTC)
    rows = RunningThreshold.objects.filter(valid_from__lt=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=start)
    )
    position = {int(pk): i for i, pk in enumerate(point_ids)}
    for point_id, valid_from, valid_until, value in rows.values_list(
        "point_id", "valid_from", "valid_until", "threshold_kw"
    ):  # one row per threshold change, not per reading
        row = position.get(point_id)
        if row is None:
            continue
        begin = max(0, -(-(int(valid_from.timestamp()) - first) // 60))  # first minute starting after it
        stop = width if valid_until is None else max(0, -(-(int(valid_until.timestamp()) - first) // 60))
        grid[row, begin : min(stop, width)] = value
    return grid


def _readings_sql(point_ids) -> str:
    listed = ", ".join(str(int(pk)) for pk in point_ids) or "NULL"  # integers from the database
    return f"""
        SELECT r.point_id, r.time, r.power_kw FROM power_reading r
        WHERE r.time >= %s AND r.time < %s AND r.point_id IN ({listed})
    """


def load_series(pairs: Pairs, start: datetime.datetime, end: datetime.datetime):
    """(production power, treatment power, production threshold, treatment threshold) of every pair
    over [start, end) by minute: four float arrays (pairs × minutes), NaN where unknown.

    A point's readings within a minute are averaged; a facility's power and threshold are the sums
    of its points', NaN when one of them lacks a reading or a threshold. The readings come in one
    query (binary COPY on PostgreSQL) and are put together with numpy."""
    width = int((end - start) / MINUTE)
    first = int(start.timestamp())
    point_ids, point_keys = _facility_points(pairs)
    ids, seconds, power = fetch_arrays(
        _readings_sql(point_ids), [db_time(start), db_time(end)], ("int8", "epoch", "float8")
    )
    by_id = np.argsort(point_ids)  # point_ids are ordered by facility: find rows through their sort
    found = np.minimum(np.searchsorted(point_ids[by_id], ids), max(len(point_ids) - 1, 0))
    rows = by_id[found] if len(point_ids) else found
    minutes = (seconds - first) // 60
    keep = (len(point_ids) > 0) & (minutes >= 0) & (minutes < width) & ~np.isnan(power)
    if len(point_ids):
        keep &= point_ids[rows] == ids
    cells = rows[keep] * width + minutes[keep]
    size = len(point_ids) * width
    total = np.bincount(cells, weights=power[keep], minlength=size)
    count = np.bincount(cells, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        point_power = (total / count).reshape(len(point_ids), width)  # NaN where no reading
    point_threshold = _threshold_grid(point_ids, first, width)
    facility_keys, starts = np.unique(point_keys, return_index=True)
    if len(point_ids):
        facility_power = np.add.reduceat(point_power, starts, axis=0)  # NaN propagates: incomplete
        facility_threshold = np.add.reduceat(point_threshold, starts, axis=0)
    else:
        facility_power = facility_threshold = np.empty((0, width))

    def take(keys):
        index = np.searchsorted(facility_keys, keys)
        found = (index < len(facility_keys)) & (
            facility_keys[np.minimum(index, len(facility_keys) - 1)] == keys
        )
        result = np.full((len(keys), width), np.nan)
        threshold = np.full((len(keys), width), np.nan)
        result[found] = facility_power[index[found]]
        threshold[found] = facility_threshold[index[found]]
        return result, threshold

    production, p_threshold = take(pairs.production * 2)
    treatment, t_threshold = take(pairs.treatment * 2 + 1)
    return production, treatment, p_threshold, t_threshold


def evaluate_window(rule_objects, pairs: Pairs, start, end, carry_from=None, nights=()) -> tuple[list, dict]:
    """Every minute rule over [start, end) for ``pairs`` (``carry_from``: per pair index an earlier
    start for carried pairs, whose rows are read from there). Returns (episodes with times, the new
    carry {(production, treatment): start})."""
    episodes, carry = [], {}
    groups = [(np.arange(len(pairs)), start)]
    if carry_from:
        carried = np.array(sorted(carry_from), dtype=np.int64)
        plain = np.setdiff1d(np.arange(len(pairs)), carried)
        by_start: dict = {}  # carried pairs sharing a start are read together
        for i in carried:
            by_start.setdefault(carry_from[i], []).append(i)
        groups = [(plain, start)] + [(np.array(ids), since) for since, ids in by_start.items()]
    for index, since in groups:
        for offset in range(0, len(index), CHUNK_PAIRS):
            chunk = pairs.take(index[offset : offset + CHUNK_PAIRS])
            if not len(chunk):
                continue
            found, carried = _evaluate_chunk(rule_objects, chunk, since, end, nights)
            episodes.extend(found)
            carry.update(carried)
    return episodes, carry


def _evaluate_chunk(rule_objects, chunk: Pairs, start, end, nights=()):
    """The minute rules over the chunk's window [start, end), and the nights (rule, night end) whose
    24 hours lie in [earliest night start, end), from one read of the readings: a night may begin
    before the window (it is read from there and the minute rules see the window's columns only)."""
    read_from = min([start] + [night_end - DAY for _rule, night_end in nights])
    series = load_series(chunk, read_from, end)
    found, carry = [], {}
    for rule, night_end in nights:
        night_start = night_end - DAY
        a = int((night_start - read_from) / MINUTE)
        columns = slice(a, a + 1440)
        local = timezone.localtime(night_start)
        production, treatment, p_threshold, t_threshold = (array[:, columns] for array in series)
        for episode in kernel.evaluate_pairs(
            rule.parameters(), production, treatment, p_threshold, t_threshold, chunk.rated,
            local.hour * 60 + local.minute,
        ):  # fmt: skip
            found.append(
                (rule, int(chunk.enterprise[episode.pair]), int(chunk.production[episode.pair]),
                 int(chunk.treatment[episode.pair]), night_start + episode.start * MINUTE,
                 night_start + episode.end * MINUTE, False)
            )  # fmt: skip
    skipped = int((start - read_from) / MINUTE)
    production, treatment, p_threshold, t_threshold = (array[:, skipped:] for array in series)
    width = production.shape[1]
    for rule in rule_objects:
        parameters = rule.parameters()
        for episode in kernel.evaluate_pairs(
            parameters, production, treatment, p_threshold, t_threshold, chunk.rated
        ):
            found.append(
                (
                    rule,
                    int(chunk.enterprise[episode.pair]),
                    int(chunk.production[episode.pair]),
                    int(chunk.treatment[episode.pair]),
                    start + episode.start * MINUTE,
                    start + episode.end * MINUTE,
                    episode.end == width,
                )
            )
    # Conditions holding at the window's end (whatever their length so far) are carried.
    with np.errstate(invalid="ignore"):
        base = (production >= p_threshold) & (treatment < t_threshold)
        idle = (production >= p_threshold) & (treatment >= t_threshold)
    holding = base | idle
    for pair in np.nonzero(holding[:, -1])[0]:
        run = holding[pair][::-1]
        length = int(np.argmin(run)) if not run.all() else width
        key = (int(chunk.production[pair]), int(chunk.treatment[pair]))
        carry[key] = start + (width - length - 1) * MINUTE  # one minute before the run
    return found, carry


def save_episodes(episodes) -> tuple[int, int, set[int]]:
    """Open an event per new episode, extend the event of a continuing one: (opened, extended, the
    events' ids). An episode continues an event of its rule and pair that starts with it, or that is
    ongoing and reaches its start (a run read from a later window start than its own).

    The events an episode may continue are read in one query and matched in memory, episode after
    episode as they come; new events are written in bulk, extended ones updated in bulk."""
    if not episodes:
        return 0, 0, set()
    candidates: dict[tuple, list[AlarmEvent]] = {}
    rows = AlarmEvent.objects.filter(
        Q(ongoing=True) | Q(start__in={episode[4] for episode in episodes}),
        rule__in={episode[0].pk for episode in episodes},
    ).only("pk", "rule_id", "production_facility_id", "treatment_facility_id", "start", "end", "ongoing")
    for event in rows.order_by("pk"):
        key = (event.rule_id, event.production_facility_id, event.treatment_facility_id)
        candidates.setdefault(key, []).append(event)
    created, changed, touched = [], {}, []
    extended = 0
    for rule, enterprise, production, treatment, start, end, ongoing in episodes:
        same_pair = candidates.setdefault((rule.pk, production, treatment), [])
        event = _continued(same_pair, start)
        if event is None:
            event = AlarmEvent(
                enterprise_id=enterprise,
                rule=rule,
                kind=rule.kind,
                production_facility_id=production,
                treatment_facility_id=treatment,
                start=start,
                end=end,
                ongoing=ongoing,
                parameters=rule_parameters(rule),
            )
            same_pair.append(event)
            created.append(event)
        elif event.end != end or event.ongoing != ongoing:
            event.end, event.ongoing = max(event.end, end), ongoing
            if event.pk is not None:
                changed[event.pk] = event
            extended += 1
        touched.append(event)
    AlarmEvent.objects.bulk_create(created, batch_size=1000)
    AlarmEvent.objects.bulk_update(changed.values(), ["end", "ongoing"], batch_size=1000)
    return len(created), extended, {event.pk for event in touched}


def _continued(events: list[AlarmEvent], start) -> AlarmEvent | None:
    """The event of one rule and pair an episode from ``start`` continues: the first (by id) that
    starts with it, else the ongoing one with the latest start that reaches it."""
    for event in events:
        if event.start == start:
            return event
    reaching = [event for event in events if event.ongoing and event.start <= start <= event.end]
    return max(reaching, key=lambda event: event.start, default=None)


def rule_parameters(rule: AlarmRule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "minutes": rule.minutes,
        "share": rule.share,
        "night_start": rule.night_start.strftime("%H:%M"),
        "night_end": rule.night_end.strftime("%H:%M"),
    }


def night_ends(
    rule: AlarmRule, after: datetime.datetime, until: datetime.datetime
) -> list[datetime.datetime]:
    """The ends of the nights (local ``night_end``) in (after, until]."""
    local_after = timezone.localtime(after)
    day = local_after.date()
    ends = []
    while True:
        moment = timezone.make_aware(datetime.datetime.combine(day, rule.night_end))
        if moment > until:
            return ends
        if moment > after:
            ends.append(moment)
        day += datetime.timedelta(days=1)


def evaluate_nights(rule_objects, pairs: Pairs, after, until, skip=()) -> list:
    """Night rules for the nights ending in (after, until] that ``skip`` does not hold."""
    episodes = []
    for rule in rule_objects:
        parameters = rule.parameters()
        for night_end in night_ends(rule, after, until):
            if (rule, night_end) in skip:
                continue
            start = night_end - datetime.timedelta(days=1)
            first_minute = timezone.localtime(start).hour * 60 + timezone.localtime(start).minute
            for offset in range(0, len(pairs), CHUNK_PAIRS):
                chunk = pairs.take(np.arange(offset, min(offset + CHUNK_PAIRS, len(pairs))))
                production, treatment, p_threshold, t_threshold = load_series(chunk, start, night_end)
                for episode in kernel.evaluate_pairs(
                    parameters, production, treatment, p_threshold, t_threshold, chunk.rated, first_minute
                ):
                    episodes.append(
                        (
                            rule,
                            int(chunk.enterprise[episode.pair]),
                            int(chunk.production[episode.pair]),
                            int(chunk.treatment[episode.pair]),
                            start + episode.start * MINUTE,
                            start + episode.end * MINUTE,
                            False,
                        )
                    )
    return episodes


def floor_minute(value: datetime.datetime) -> datetime.datetime:
    return value.replace(second=0, microsecond=0)


def evaluate(now: datetime.datetime | None = None, until: datetime.datetime | None = None) -> str:
    """The job: evaluate every enabled rule from the watermark to ``until`` (default: now − SETTLE)."""
    now = now or timezone.now()
    until = floor_minute(until or now - SETTLE)
    with transaction.atomic(), disable_auditlog():  # derived rows: the change log is for users' edits
        mark = Watermark.objects.select_for_update().get_or_create(name="alarms")[0]
        after = mark.time or until - FIRST_WINDOW
        if until <= after:
            return "nothing to evaluate"
        state = mark.state or {}
        enabled = list(AlarmRule.objects.filter(enabled=True))
        minute_rules = [rule for rule in enabled if rule.kind in MINUTE_RULES]
        night_rules = [rule for rule in enabled if rule.kind == kernel.RuleKind.NIGHT_STOP]
        pairs = load_pairs()
        position = {
            (int(p), int(t)): i
            for i, (p, t) in enumerate(zip(pairs.production, pairs.treatment, strict=True))
        }
        carry_from = {}
        for key, since in state.get("carry", {}).items():
            production, treatment = (int(part) for part in key.split("-"))
            index = position.get((production, treatment))
            if index is not None:
                since = max(datetime.datetime.fromisoformat(since), after - MAX_CARRY)
                carry_from[index] = min(since, after - MINUTE)
        episodes, carry = ([], {})
        window_start = after - MINUTE
        # the nights are read with the minute rules' window, from the earliest night's start, when
        # their 24 hours fall on the window's minutes
        merged = {
            (rule, end)
            for rule in night_rules
            for end in night_ends(rule, after, until)
            if (window_start - (end - DAY)) % MINUTE == datetime.timedelta(0)
        }
        if len(pairs) and (minute_rules or merged):
            episodes, carry = evaluate_window(
                minute_rules,
                pairs,
                window_start,
                until,
                carry_from,
                sorted(merged, key=lambda n: (n[0].pk, n[1])),
            )
        if len(pairs) and night_rules:
            episodes += evaluate_nights(night_rules, pairs, after, until, skip=merged)
        opened, extended, touched = save_episodes(episodes)
        # An ongoing event no episode continued has ended (its rule was disabled, its pair removed).
        AlarmEvent.objects.filter(ongoing=True).exclude(pk__in=touched).update(ongoing=False)
        mark.time = until
        mark.state = {"carry": {f"{p}-{t}": since.isoformat() for (p, t), since in carry.items()}}
        mark.save(update_fields=["time", "state", "updated_at"])
    return f"{len(pairs)} pairs to {until.isoformat()}: {opened} events opened, {extended} extended"
