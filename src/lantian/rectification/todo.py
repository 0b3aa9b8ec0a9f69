"""To-do items: an enterprise's notices still to rectify (soonest deadline first), and for the bureau the
overdue notices of its jurisdiction. Responses awaiting review and returned ones are listed by the core
to-do centre for every reviewable model."""

from django.utils.translation import gettext as _

from lantian.core.todo import TodoItem, register_todo_provider
from lantian.rectification.models import NoticeState, RectificationNotice

SHOWN = 50  # the list page has the rest


def _to_rectify(user):
    """Open or returned notices of the enterprises the user answers for (it may add responses)."""
    if not user.has_perm("rectification.add_rectificationresponse"):
        return RectificationNotice.objects.none()
    return (
        RectificationNotice.objects.restrict(user, "view")
        .filter(state__in=(NoticeState.OPEN, NoticeState.RETURNED))
        .select_related("enterprise")
    )


def _overdue_for_bureau(user):
    if not user.has_perm("rectification.change_rectificationnotice"):
        return RectificationNotice.objects.none()
    return (
        RectificationNotice.objects.restrict(user, "change")
        .filter(is_overdue=True)
        .select_related("enterprise")
    )


def notice_items(user):
    for notice in _to_rectify(user).order_by("deadline", "pk")[:SHOWN]:
        yield TodoItem(
            title=_("Rectify %(notice)s") % {"notice": notice},
            url=notice.get_absolute_url(),
            kind="overdue" if notice.is_overdue else "assigned",
            due=notice.deadline,
            organization=notice.enterprise,
            detail=notice.problems[:80],
        )
    for notice in _overdue_for_bureau(user).order_by("deadline", "pk")[:SHOWN]:
        yield TodoItem(
            title=_("%(notice)s is overdue") % {"notice": notice},
            url=notice.get_absolute_url(),
            kind="overdue",
            due=notice.deadline,
            organization=notice.enterprise,
            detail=notice.get_state_display(),
        )


def notice_count(user) -> int:
    return _to_rectify(user).count() + _overdue_for_bureau(user).count()


register_todo_provider(notice_items, count=notice_count)
