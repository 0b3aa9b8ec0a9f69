"""The work calendar of the platform: the table ``WorkCalendarDay`` read into a ``WorkCalendar``.

``calendar()`` is what modules call to count working days and hours (core.md "Working time"). The
table is seeded from ``data/calendar/china.csv`` (see its SOURCE.md) and maintained by the system
administrator; office hours come from the setting ``LANTIAN_OFFICE_HOURS`` (default 9:00–12:00,
13:30–17:30).
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.core import checks
from django.db import router, transaction
from django.db.models import Count, Max
from django.utils import timezone

from lantian.core.standards.worktime import DEFAULT_HOURS, WorkCalendar

DATA_FILE = Path(__file__).parent / "data" / "calendar" / "china.csv"
KINDS = ("holiday", "workday")
MAX_FILE_ROWS = 20_000  # a century of holidays is under 5,000 rows

_built: tuple[tuple, WorkCalendar] | None = None  # (state of the table and hours, its calendar)


def office_hours() -> tuple[tuple, ...]:
    return tuple(tuple(period) for period in getattr(settings, "LANTIAN_OFFICE_HOURS", DEFAULT_HOURS))


@checks.register
def check_office_hours(app_configs=None, **kwargs) -> list[checks.Error]:
    """``manage.py check`` (and every start) refuses office hours the kernel cannot use."""
    try:
        WorkCalendar(hours=office_hours())
    except (TypeError, ValueError) as error:
        return [checks.Error(f"LANTIAN_OFFICE_HOURS: {error}", id="lantian.E001")]
    return []


def calendar() -> WorkCalendar:
    """The work calendar as the table holds it now.

    Built once and kept while the table and the office hours stay the same. Every write path (pages,
    import, API, ``load_work_calendar``) stamps ``updated_at`` or changes the number of rows, so one
    small aggregate query tells whether the kept calendar is still right, inside or outside a
    transaction, in every process. Hold the result for a loop rather than calling this per row.
    Naive times are in the site's TIME_ZONE (Asia/Shanghai); aware ones are converted to it.
    """
    global _built
    from lantian.core.models import WorkCalendarDay

    state = WorkCalendarDay.objects.aggregate(rows=Count("pk"), changed=Max("updated_at"))
    key = (state["rows"], state["changed"], office_hours(), settings.TIME_ZONE)
    built = _built
    if built is not None and built[0] == key:
        return built[1]
    days = defaultdict(list)
    for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
        days[kind].append(day)
    result = WorkCalendar(days["holiday"], days["workday"], key[2], tz=timezone.get_default_timezone())
    _built = (key, result)
    return result


def missing_years(today: datetime.date) -> list[int]:
    """The years the administrators are warned about: this year when it has no rows, and from
    1 December on next year when it has none (the State Council publishes it in October or November)."""
    from lantian.core.models import WorkCalendarDay

    wanted = [today.year, today.year + 1] if today.month == 12 else [today.year]
    present = set(WorkCalendarDay.objects.filter(year__in=wanted).values_list("year", flat=True).distinct())
    return [year for year in wanted if year not in present]


def read_calendar_file(path: Path = DATA_FILE) -> dict[int, list[dict]]:
    """The rows of a calendar CSV (``date,kind,name``) by year; a bad row is a ValueError naming its line."""
    by_year: dict[int, list[dict]] = defaultdict(list)
    seen: set[datetime.date] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"date", "kind", "name"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: the first line must be the header date,kind,name")
        for row in reader:
            line = reader.line_num
            if line > MAX_FILE_ROWS + 1:
                raise ValueError(f"{path}: more than {MAX_FILE_ROWS} rows")
            try:
                day = datetime.date.fromisoformat(row["date"] or "")
            except ValueError:
                raise ValueError(
                    f"{path}, line {line}: {row['date']!r} is not a date like 2026-02-15"
                ) from None
            kind, name = (row["kind"] or "").strip(), (row["name"] or "").strip()
            if kind not in KINDS:
                raise ValueError(f"{path}, line {line}: the kind is holiday or workday, not {kind!r}")
            if kind == "workday" and day.weekday() < 5:
                raise ValueError(f"{path}, line {line}: {day} is a weekday, it cannot be a working weekend")
            if not name or len(name) > 50:
                raise ValueError(f"{path}, line {line}: the name needs 1 to 50 characters")
            if day in seen:
                raise ValueError(f"{path}, line {line}: {day} is listed twice")
            seen.add(day)
            by_year[day.year].append({"date": day, "kind": kind, "name": name})
    return dict(by_year)


def sync_calendar(
    model, path: Path = DATA_FILE, replace: frozenset[int] = frozenset(), using: str = "default"
) -> list[int]:
    """Load the years of the file that the table does not have, and overwrite the years in ``replace``.

    Years already in the table are otherwise left as the administrator keeps them. Takes the model
    class, so that the post-migrate hook can pass the migrated state's. Returns the years written.
    """
    by_year = read_calendar_file(path)
    unknown = sorted(set(replace) - by_year.keys())
    if unknown:
        raise ValueError(f"{path} has no days of {', '.join(map(str, unknown))}")
    days = model._default_manager.using(using)
    with transaction.atomic(using=using):
        present = set(days.values_list("year", flat=True).distinct())
        years = sorted((by_year.keys() - present) | set(replace))
        days.filter(year__in=years).delete()
        days.bulk_create(
            model(year=year, date=row["date"], kind=row["kind"], name=row["name"])
            for year in years
            for row in by_year[year]
        )
    return years


def load_after_migrate(sender, using="default", apps=None, **kwargs):
    """post_migrate of core: load the shipped years the table lacks (not while the table is absent).

    ``flush`` (a test database reset) sends post_migrate without the migration state's ``apps``."""
    try:
        model = (apps or global_apps).get_model("core", "WorkCalendarDay")
    except LookupError:  # migrated back to before the table existed
        return
    if not router.allow_migrate_model(using, model):  # e.g. the approvals' exchange database
        return
    sync_calendar(model, using=using)
