"""SLA clocks of incidents and service requests (ops spec "Incidents"): pure, no Django.

Every incident runs two clocks, as in iTop and GLPI: *time to own* (from reported to responded) and
*time to resolve* (from reported to resolved); a contract may add a third, *time to restore* (service
back, the fault not yet fully cleared). Each clock has a target of its severity level, in minutes.

Rules (the signature of ``evaluate_clock`` and ``incident_clocks`` is the documented contract):

- A clock counts from ``start`` to ``stop`` (the event that ends it) or, while it runs, to ``now``.
- Time counts in the contract's calendar: ``calendar=None`` is 24×7 (every second counts); otherwise a
  ``lantian.core.standards.worktime.WorkCalendar`` whose office periods on working days count (weekends
  and holidays not, working weekends yes).
- Pending time (waiting for the client) is left out: ``pauses`` are ``(start, end)`` pairs, ``end=None``
  for a pause still open (it runs to the end of the clock). Pauses may overlap or reach outside the
  clock; only their union inside it is left out. A pause that ends before it starts is a ValueError.
- ``state``: ``"breached"`` when the counted time exceeds the target (strictly: a response at exactly
  the target meets it), ``"warning"`` from 75 % of the target on, else ``"ok"``. A target of 0
  ("immediately", "real time") is breached by any counted time.
- ``due_at`` (when a running, unpaused clock reaches 100 %) and ``warn_at`` (75 %) are given only
  while the clock runs and is not paused; a stopped or paused clock has no due time.

Times are datetimes, all naive or all aware (an aware time is compared as an instant; an office-hours
calendar converts aware times to its local zone). Results are in minutes, to the microsecond.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

WARNING_SHARE = 0.75
OK, WARNING, BREACHED = "ok", "warning", "breached"
CLOCKS = ("own", "restore", "resolve")  # time to own, time to restore, time to resolve
_EPSILON_MINUTES = 1e-6  # floating noise of office-hours sums (well under a microsecond's worth)


@dataclass(frozen=True)
class ClockReading:
    target_minutes: float
    elapsed_minutes: float
    state: str  # ok / warning / breached
    running: bool  # not stopped yet
    paused: bool  # running, inside an open pause
    due_at: datetime | None  # when a running clock reaches its target
    warn_at: datetime | None  # when a running clock reaches 75 %

    @property
    def percent(self) -> float:
        if self.target_minutes == 0:
            return 0.0 if self.elapsed_minutes <= _EPSILON_MINUTES else 100.0
        return 100.0 * self.elapsed_minutes / self.target_minutes

    @property
    def remaining_minutes(self) -> float:
        return self.target_minutes - self.elapsed_minutes

    @property
    def breached(self) -> bool:
        return self.state == BREACHED


def _pause_intervals(pauses: Iterable, end: datetime) -> list[tuple[datetime, datetime]]:
    intervals = []
    for index, (begin, finish) in enumerate(pauses):
        if finish is None:
            finish = max(end, begin)
        if finish < begin:
            raise ValueError(f"pause {index + 1} ends ({finish}) before it starts ({begin})")
        intervals.append((begin, finish))
    return intervals


def _counted_minutes(start: datetime, end: datetime, pauses: list, calendar) -> float:
    """Calendar minutes in [start, end) outside the union of ``pauses``."""
    if start >= end:
        return 0.0
    if calendar is not None:
        return 60.0 * calendar.working_hours_between(start, end, suspended=pauses)
    total = end - start
    reach = None
    for begin, finish in sorted(pauses):
        begin, finish = max(begin, start), min(finish, end)
        if reach is not None and begin < reach:
            begin = reach
        if begin < finish:
            total -= finish - begin
            reach = finish
    return total / timedelta(minutes=1)


def _after(moment: datetime, minutes: float, calendar) -> datetime:
    """``moment`` plus ``minutes`` of counted time (no pause assumed from now on)."""
    if minutes <= 0:
        return moment
    if calendar is None:
        return moment + timedelta(minutes=minutes)
    return calendar.add_working_hours(moment, minutes / 60.0)


def _state(elapsed: float, target: float) -> str:
    if elapsed > target + _EPSILON_MINUTES:
        return BREACHED
    if elapsed >= WARNING_SHARE * target - _EPSILON_MINUTES and target > 0:
        return WARNING
    return OK


def evaluate_clock(
    *,
    start: datetime,
    target_minutes: float,
    now: datetime,
    stop: datetime | None = None,
    pauses: Iterable[tuple[datetime, datetime | None]] = (),
    calendar=None,
) -> ClockReading:
    """One clock's reading at ``now`` (see the module's rules). ``stop`` after ``now`` counts as not yet."""
    if target_minutes < 0:
        raise ValueError(f"a target cannot be negative, got {target_minutes}")
    if stop is not None and stop < start:
        raise ValueError(f"the clock stops ({stop}) before it starts ({start})")
    running = stop is None or stop > now
    end = now if running else stop
    pauses = list(pauses)
    intervals = _pause_intervals(pauses, end)
    elapsed = _counted_minutes(start, end, intervals, calendar)
    paused = running and any(begin <= end and (finish is None or finish > end) for begin, finish in pauses)
    due_at = warn_at = None
    if running and not paused and end >= start:
        due_at = _after(end, target_minutes - elapsed, calendar)
        warn_at = _after(end, WARNING_SHARE * target_minutes - elapsed, calendar)
        if elapsed > WARNING_SHARE * target_minutes:
            warn_at = None
        if elapsed > target_minutes:
            due_at = None
    return ClockReading(
        target_minutes=float(target_minutes),
        elapsed_minutes=elapsed,
        state=_state(elapsed, target_minutes),
        running=running,
        paused=paused,
        due_at=due_at,
        warn_at=warn_at,
    )


@dataclass(frozen=True)
class Timeline:
    """The events of an incident; None for those that have not happened."""

    reported: datetime
    responded: datetime | None = None
    on_site: datetime | None = None
    restored: datetime | None = None
    resolved: datetime | None = None

    def problems(self) -> list[str]:
        """Events out of order: each must come at or after the report, and resolution after the rest."""
        out = []
        for name in ("responded", "on_site", "restored", "resolved"):
            moment = getattr(self, name)
            if moment is not None and moment < self.reported:
                out.append(f"{name} ({moment}) is before the report ({self.reported})")
        if self.resolved is not None:
            for name in ("responded", "restored"):
                moment = getattr(self, name)
                if moment is not None and moment > self.resolved:
                    out.append(f"{name} ({moment}) is after the resolution ({self.resolved})")
        return out


def incident_clocks(
    timeline: Timeline,
    targets: Mapping[str, float | None],
    *,
    now: datetime,
    pauses: Iterable[tuple[datetime, datetime | None]] = (),
    calendar=None,
) -> dict[str, ClockReading]:
    """The clocks of an incident: ``targets`` maps "own", "resolve" and optionally "restore" to minutes
    (None or absent: the contract sets no such target, no clock). Time to own stops at the response,
    time to restore at the restoration (or the resolution if nothing was restored first), time to
    resolve at the resolution."""
    problems = timeline.problems()
    if problems:
        raise ValueError("; ".join(problems))
    stops = {
        "own": timeline.responded,
        "restore": timeline.restored or timeline.resolved,
        "resolve": timeline.resolved,
    }
    pauses = list(pauses)
    return {
        name: evaluate_clock(
            start=timeline.reported,
            target_minutes=targets[name],
            now=now,
            stop=stops[name],
            pauses=pauses,
            calendar=calendar,
        )
        for name in CLOCKS
        if targets.get(name) is not None
    }


def report_due(resolved: datetime) -> datetime:
    """The incident report is due 24 hours (elapsed) after resolution."""
    return resolved + timedelta(hours=24)
