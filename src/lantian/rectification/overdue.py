"""Which notices are past their deadline without an accepted rectification: kept in
``RectificationNotice.is_overdue`` by a periodic job, so lists, filters and the to-do centre read a
column instead of comparing dates row by row."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.core.periodic import periodic_job
from lantian.rectification.models import NoticeState, RectificationNotice


@periodic_job(
    "rectification.overdue", every=timedelta(minutes=30), description=_("Overdue rectification notices")
)
def mark_overdue(now: datetime) -> str:
    """A notice is overdue once its deadline day has passed while it is not closed; an accepted one,
    or one whose deadline was moved, is not. Two UPDATEs whatever the number of notices."""
    today = timezone.localdate(now)
    late = RectificationNotice.objects.exclude(state=NoticeState.CLOSED).filter(deadline__lt=today)
    became = late.filter(is_overdue=False).update(is_overdue=True)
    cleared = (
        RectificationNotice.objects.filter(is_overdue=True)
        .exclude(pk__in=late.values("pk"))
        .update(is_overdue=False)
    )
    return f"{became} became overdue, {cleared} no longer overdue"
