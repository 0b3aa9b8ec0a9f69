"""Deadlines: repair of a leak and the next detection of a seal point.

Repair, GB 37822-2019 §8.4 (泄漏源修复): "发现泄漏之日起 5 d 内应进行首次修复 … 15 d 内完成实质性
修复". Read literally, in calendar days: the first attempt no later than the detection date + 5 days,
the repair complete no later than the detection date + 15 days. A delayed repair (延迟修复) is due on
the planned date the bureau accepted, which is a record, not a rule.

Detection intervals, GB 37822-2019 §8.3.1 (GB 31571-2015: half of them); the interval of each rule
set is in ``rulesets``. "Every N months" is the same day of the month N months later, clipped to the
last day of that month: 31 Aug + 6 months = 28 Feb (29 Feb in a leap year).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from .components import check_component_type, detection_period_months
from .rulesets import get_rule_set

FIRST_REPAIR_DAYS = 5  # GB 37822-2019 §8.4
REPAIR_COMPLETE_DAYS = 15  # GB 37822-2019 §8.4


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later, clipped to that month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def repair_due(detected_on: date) -> tuple[date, date]:
    """(first attempt due, repair complete due) for a leak found on ``detected_on``."""
    _check_date(detected_on, "detected_on")
    return detected_on + timedelta(days=FIRST_REPAIR_DAYS), detected_on + timedelta(days=REPAIR_COMPLETE_DAYS)


def detection_interval_months(component_type: str, rule_set: str) -> int:
    """Months between two detections of a seal-point type under a rule set."""
    rule = get_rule_set(rule_set)
    # components.py carries GB 37822-2019 §8.3.1: 6 months for class a), 12 for class b).
    national = detection_period_months(check_component_type(component_type))
    return rule.listed_months if national == 6 else rule.connector_months


def next_detection_due(component_type: str, last_detected_on: date, rule_set: str) -> date:
    """The date by which a seal point detected on ``last_detected_on`` must be detected again."""
    _check_date(last_detected_on, "last_detected_on")
    return add_months(last_detected_on, detection_interval_months(component_type, rule_set))


def _check_date(value, name: str) -> None:
    if not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {value!r}")
