"""Python values as Excel cells: dates as dates, numbers as numbers, choices by their label."""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def excel_value(value):
    """A value openpyxl writes with the right type; Excel has no time zones, so local time."""
    if value is None or isinstance(value, int | float | Decimal | str | datetime.date):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return "、".join(str(item) for item in value)
    return str(value)


def number_format(value) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    return None
