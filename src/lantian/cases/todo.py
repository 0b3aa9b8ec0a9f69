"""The command centre's to-do items: the cases waiting at a step where the user acts, and for leaders
the overdue cases of their command centre."""

from django.utils.translation import gettext as _

from lantian.cases import queues, roles
from lantian.cases.models import Case, Clock
from lantian.core.todo import TodoItem, register_todo_provider

MAX_ITEMS = 100  # the to-do page lists the most urgent; the queue page has them all


def _waiting(user):
    cases = queues.my_queue(user).select_related("category", "organization")[:MAX_ITEMS]
    for case in cases:
        yield TodoItem(
            f"{case.number} {case.category.name}",
            case.get_absolute_url(),
            "assigned",
            due=case.due_at,
            organization=case.organization,
            detail=_("at the step “%(step)s”: %(address)s")
            % {"step": case.step_name, "address": case.address},
            at=case.step_started_at,
        )


def _waiting_count(user) -> int:
    return queues.my_queue(user).count()


def _overdue(user):
    if roles.LEADER not in roles.role_codes(user):
        return
    cases = (
        Case.objects.restrict(user, "view")
        .filter(state="open", clock=Clock.OVERDUE)
        .select_related("category", "organization", "department")
        .order_by("due_at")[:MAX_ITEMS]
    )
    for case in cases:
        yield TodoItem(
            f"{case.number} {case.category.name}",
            case.get_absolute_url(),
            "overdue",
            due=case.due_at,
            organization=case.organization,
            detail=_("overdue at “%(step)s”%(department)s")
            % {"step": case.step_name, "department": f" · {case.department.name}" if case.department else ""},
        )


def _overdue_count(user) -> int:
    if roles.LEADER not in roles.role_codes(user):
        return 0
    return Case.objects.restrict(user, "view").filter(state="open", clock=Clock.OVERDUE).count()


register_todo_provider(_waiting, count=_waiting_count)
register_todo_provider(_overdue, count=_overdue_count)
