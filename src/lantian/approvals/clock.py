"""The clocks of item instances, recomputed in bulk by the periodic job ``approvals.clock``.

Pages read the stored ``clock_state`` / ``remaining`` / ``overdue_by``; nothing is computed per row
on page load. The rules are those of the pure kernel ``standards.clock.item_clock``. The job reads
columns (no model instances), computes every clock and writes back only the rows whose clock changed
(with ``clock_at``); the unchanged rows get their ``clock_at`` in one statement per chunk.
"""

from datetime import timedelta

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.approvals.bulk import LocalTime, set_columns, value_rows
from lantian.approvals.models import HandlingRecord, ItemInstance
from lantian.approvals.standards import status as S
from lantian.approvals.standards.clock import item_clock
from lantian.core.periodic import periodic_job
from lantian.core.worktime import calendar

CHUNK = 20_000
FIELDS = ("clock_state", "remaining", "overdue_by", "used_workdays", "suspended")


def clock_values(cal, limit, unit, events, now) -> tuple:
    """The stored clock fields (``FIELDS``) of an instance with these events, as at ``now``."""
    clock = item_clock(cal, limit, unit, events, now)
    if clock.unit == "workdays":
        used = round(clock.used, 4)
    elif clock.unit == "workhours":
        used = round(clock.used / cal.hours_per_day, 4)
    else:  # natural time: the working days it spanned, for the statistics' averages
        end = clock.stopped_at or now
        used = (
            round(cal.working_hours_between(clock.started_at, end) / cal.hours_per_day, 4)
            if clock.started_at
            else 0.0
        )
    return clock.state, round(clock.remaining, 4), round(clock.overdue, 4), used, clock.suspended


def _events(instances, first: int, last: int, zone: str | None) -> dict[int, list]:
    """The (code, time) events of ``instances``, whose keys run from ``first`` to ``last``; ``zone``:
    the IANA name of the calendar's time zone, if it has one."""
    events: dict[int, list] = {}
    # the key range too: PostgreSQL then reads the records through their index, not all of them
    records = HandlingRecord.objects.filter(
        instance__gte=first, instance__lte=last, instance__in=instances.values("pk")
    ).order_by("instance_id", "sequence")
    if zone and connections[records.db].vendor == "postgresql":
        # naive local times, as the kernel takes them: no conversion per value in Python
        records = records.annotate(local=LocalTime("handled_at", zone)).values_list(
            "instance_id", "status", "local"
        )
    else:
        records = records.values_list("instance_id", "status", "handled_at")
    for instance_id, code, moment in value_rows(records):
        events.setdefault(instance_id, []).append((code, moment))
    return events


def refresh_clocks(now=None, queryset=None) -> int:
    """Recompute the clocks of the open instances and of those never computed (or of ``queryset``)."""
    now = now or timezone.now()
    cal = calendar()
    if queryset is None:
        queryset = ItemInstance.objects.filter(Q(is_open=True) | Q(clock_at=None))
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        # a range of primary keys rather than a list of them: the queries stay short
        first, last = ids[start], ids[min(start + CHUNK, len(ids)) - 1]
        chunk = queryset.filter(pk__range=(first, last)).order_by()
        events = _events(chunk, first, last, getattr(cal.tz, "key", None))
        changed = []
        for pk, limit, unit, *stored in chunk.values_list("pk", "time_limit", "limit_unit", *FIELDS):
            values = clock_values(cal, limit, unit, events.get(pk, ()), now)
            if values != tuple(stored):
                changed.append((pk, *values))
        with transaction.atomic():
            set_columns(ItemInstance, FIELDS, changed, same={"clock_at": now})
            # the unchanged rows: still in the chunk (their fields did not change), not stamped yet
            chunk.exclude(clock_at=now).update(clock_at=now)
    return len(ids)


def sync_status(instance: ItemInstance) -> None:
    """The instance's status, open flag and completion time from its latest records (not saved)."""
    records = list(instance.records.order_by("sequence").values_list("status", "handled_at"))
    if not records:
        return
    instance.status = records[-1][0]
    final = next((moment for code, moment in records if code in S.FINAL), None)
    instance.is_open = final is None
    instance.completed_at = final


@periodic_job("approvals.clock", every=timedelta(minutes=15), description=_("Approval item time limits"))
def clock_job(now) -> str:
    return f"{refresh_clocks(now)} clocks"
