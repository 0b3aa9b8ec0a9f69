"""The clocks of item instances, recomputed in bulk by the periodic job ``approvals.clock``.

Pages read the stored ``clock_state`` / ``remaining`` / ``overdue_by``; nothing is computed per row
on page load. The rules are those of the pure kernel ``standards.clock.item_clock``.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.approvals.models import HandlingRecord, ItemInstance
from lantian.approvals.standards import status as S
from lantian.approvals.standards.clock import item_clock
from lantian.core.periodic import periodic_job
from lantian.core.worktime import calendar

CHUNK = 5000
FIELDS = ("clock_state", "remaining", "overdue_by", "used_workdays", "suspended", "clock_at")


def compute(instances, events_by_instance, cal, now) -> list[ItemInstance]:
    """Set the clock fields of ``instances`` from their events; returns them (for bulk_update)."""
    for instance in instances:
        clock = item_clock(
            cal, instance.time_limit, instance.limit_unit, events_by_instance.get(instance.pk, ()), now
        )
        instance.clock_state = clock.state
        instance.remaining = round(clock.remaining, 4)
        instance.overdue_by = round(clock.overdue, 4)
        if clock.unit == "workdays":
            instance.used_workdays = round(clock.used, 4)
        elif clock.unit == "workhours":
            instance.used_workdays = round(clock.used / cal.hours_per_day, 4)
        else:  # natural time: the working days it spanned, for the statistics' averages
            end = clock.stopped_at or now
            instance.used_workdays = (
                round(cal.working_hours_between(clock.started_at, end) / cal.hours_per_day, 4)
                if clock.started_at
                else 0.0
            )
        instance.suspended = clock.suspended
        instance.clock_at = now
    return instances


def refresh_clocks(now=None, queryset=None) -> int:
    """Recompute the clocks of the open instances and of those never computed (or of ``queryset``)."""
    now = now or timezone.now()
    cal = calendar()
    if queryset is None:
        queryset = ItemInstance.objects.filter(is_open=True) | ItemInstance.objects.filter(clock_at=None)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        instances = list(ItemInstance.objects.filter(pk__in=chunk).only("pk", "time_limit", "limit_unit"))
        events: dict[int, list] = {}
        for instance_id, code, moment in (
            HandlingRecord.objects.filter(instance_id__in=chunk)
            .order_by("instance_id", "sequence")
            .values_list("instance_id", "status", "handled_at")
        ):
            events.setdefault(instance_id, []).append((code, moment))
        with transaction.atomic():
            ItemInstance.objects.bulk_update(compute(instances, events, cal, now), FIELDS, batch_size=1000)
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
