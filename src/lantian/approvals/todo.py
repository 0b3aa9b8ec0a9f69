"""To-do items of a department: its overdue cases, and its open rectification tasks."""

from django.utils.translation import gettext as _

from lantian.approvals.models import ClockState, ItemInstance, RectificationTask
from lantian.approvals.quality import RULE_NAMES
from lantian.core.todo import TodoItem, register_todo_provider

LIMIT = 50


def _overdue(user):
    if user.organization_id is None or not user.has_perm("approvals.view_iteminstance"):
        return ItemInstance.objects.none()
    return ItemInstance.objects.restrict(user, "view").filter(
        department_id=user.organization_id, is_open=True, clock_state=ClockState.OVERDUE
    )


def _tasks(user):
    if user.organization_id is None or not user.has_perm("approvals.change_rectificationtask"):
        return RectificationTask.objects.none()
    return RectificationTask.objects.restrict(user, "change").filter(
        department_id=user.organization_id, status=RectificationTask.Status.OPEN
    )


def department_items(user):
    for case in _overdue(user).select_related("item", "department").order_by("-overdue_by")[:LIMIT]:
        yield TodoItem(
            title=_("Overdue: %(item)s %(code)s") % {"item": case.item.name, "code": case.code},
            url=case.get_absolute_url(),
            kind="overdue",
            due=None,
            organization=case.department,
            detail=_("Overdue by %(amount).1f %(unit)s")
            % {"amount": case.overdue_by, "unit": case.get_limit_unit_display()},
        )
    for task in _tasks(user).select_related("department")[:LIMIT]:
        yield TodoItem(
            title=_("Rectify data: %(rule)s (%(count)s findings)")
            % {"rule": RULE_NAMES.get(task.rule, task.rule), "count": task.findings},
            url=task.get_absolute_url(),
            kind="assigned",
            due=task.due_on,
            organization=task.department,
            detail=task.reply,
        )


def department_count(user) -> int:
    return _overdue(user).count() + _tasks(user).count()


register_todo_provider(department_items, count=department_count)
