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
from django.utils import timezone

from lantian.power import rules as kernel
from lantian.power.models import AlarmEvent, AlarmRule, MonitoringPoint, TreatmentFacility, Watermark
from lantian.power.sql import db_time, epoch, fetch_arrays

MINUTE = datetime.timedelta(minutes=1)
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


def _series_sql(production_ids: list[int], treatment_ids: list[int], first: int) -> str:
    """Per facility (key 2·id for production, 2·id + 1 for treatment) and minute index from the window
    start: summed power and summed threshold, NULL when a point of the facility lacks either."""
    production = ", ".join(str(int(pk)) for pk in production_ids) or "NULL"
    treatment = ", ".join(str(int(pk)) for pk in treatment_ids) or "NULL"
    points = f"""
        SELECT id, CASE WHEN kind = 'production' THEN production_facility_id * 2
                        ELSE treatment_facility_id * 2 + 1 END AS fkey
        FROM power_monitoringpoint
        WHERE is_active AND ((kind = 'production' AND production_facility_id IN ({production}))
                          OR (kind = 'treatment' AND treatment_facility_id IN ({treatment})))
    """
    minute = f"(({epoch('r.time')} - {int(first)}) / 60)"
    return f"""
        WITH pts AS ({points}),
             counts AS (SELECT fkey, COUNT(*) AS n FROM pts GROUP BY fkey),
             per_point AS (
                SELECT r.point_id, {minute} AS minute, AVG(r.power_kw) AS power, MAX(t.threshold_kw) AS threshold
                FROM power_reading r
                JOIN pts ON pts.id = r.point_id
                LEFT JOIN power_runningthreshold t ON t.point_id = r.point_id AND r.time >= t.valid_from
                     AND (t.valid_until IS NULL OR r.time < t.valid_until)
                WHERE r.time >= %s AND r.time < %s
                GROUP BY r.point_id, {minute}
             )
        SELECT pts.fkey, pp.minute,
               CASE WHEN COUNT(pp.power) = counts.n THEN SUM(pp.power) END,
               CASE WHEN COUNT(pp.threshold) = counts.n THEN SUM(pp.threshold) END
        FROM per_point pp JOIN pts ON pts.id = pp.point_id JOIN counts ON counts.fkey = pts.fkey
        GROUP BY pts.fkey, counts.n, pp.minute
    """


def load_series(pairs: Pairs, start: datetime.datetime, end: datetime.datetime):
    """(production power, treatment power, production threshold, treatment threshold) of every pair
    over [start, end) by minute: four float arrays (pairs × minutes), NaN where unknown."""
    width = int((end - start) / MINUTE)
    production_ids = sorted(set(pairs.production.tolist()))
    treatment_ids = sorted(set(pairs.treatment.tolist()))
    first = int(start.timestamp())
    keys, minutes, power, threshold = fetch_arrays(
        _series_sql(production_ids, treatment_ids, first),
        [db_time(start), db_time(end)],
        ("int8", "int8", "float8", "float8"),
    )
    facility_keys = np.unique(np.concatenate([pairs.production * 2, pairs.treatment * 2 + 1]))
    grid_power = np.full((len(facility_keys), width), np.nan)
    grid_threshold = np.full((len(facility_keys), width), np.nan)
    inside = (minutes >= 0) & (minutes < width)
    rows = np.searchsorted(facility_keys, keys[inside])
    grid_power[rows, minutes[inside]] = power[inside]
    grid_threshold[rows, minutes[inside]] = threshold[inside]
    p_rows = np.searchsorted(facility_keys, pairs.production * 2)
    t_rows = np.searchsorted(facility_keys, pairs.treatment * 2 + 1)
    return grid_power[p_rows], grid_power[t_rows], grid_threshold[p_rows], grid_threshold[t_rows]


def evaluate_window(rule_objects, pairs: Pairs, start, end, carry_from=None) -> tuple[list, dict]:
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
            found, carried = _evaluate_chunk(rule_objects, chunk, since, end)
            episodes.extend(found)
            carry.update(carried)
    return episodes, carry


def _evaluate_chunk(rule_objects, chunk: Pairs, start, end):
    production, treatment, p_threshold, t_threshold = load_series(chunk, start, end)
    width = production.shape[1]
    found, carry = [], {}
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
    ongoing and reaches its start (a run read from a later window start than its own)."""
    opened = extended = 0
    touched = set()
    for rule, enterprise, production, treatment, start, end, ongoing in episodes:
        same_pair = AlarmEvent.objects.filter(
            rule=rule, production_facility_id=production, treatment_facility_id=treatment
        )
        event = (
            same_pair.filter(start=start).first()
            or same_pair.filter(ongoing=True, start__lte=start, end__gte=start).order_by("-start").first()
        )
        if event is None:
            event = AlarmEvent.objects.create(
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
            opened += 1
        elif event.end != end or event.ongoing != ongoing:
            event.end, event.ongoing = max(event.end, end), ongoing
            event.save(update_fields=["end", "ongoing"])
            extended += 1
        touched.add(event.pk)
    return opened, extended, touched


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


def evaluate_nights(rule_objects, pairs: Pairs, after, until) -> list:
    episodes = []
    for rule in rule_objects:
        parameters = rule.parameters()
        for night_end in night_ends(rule, after, until):
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
        if len(pairs) and minute_rules:
            episodes, carry = evaluate_window(minute_rules, pairs, after - MINUTE, until, carry_from)
        if len(pairs) and night_rules:
            episodes += evaluate_nights(night_rules, pairs, after, until)
        opened, extended, touched = save_episodes(episodes)
        # An ongoing event no episode continued has ended (its rule was disabled, its pair removed).
        AlarmEvent.objects.filter(ongoing=True).exclude(pk__in=touched).update(ongoing=False)
        mark.time = until
        mark.state = {"carry": {f"{p}-{t}": since.isoformat() for (p, t), since in carry.items()}}
        mark.save(update_fields=["time", "state", "updated_at"])
    return f"{len(pairs)} pairs to {until.isoformat()}: {opened} events opened, {extended} extended"
