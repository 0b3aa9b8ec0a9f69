"""To-do items of leak repair for enterprises and bureaus: overdue repair tasks, one item each (the
most pressing first, a bounded number), and per enterprise the seal points overdue for detection. Both
read the flags the periodic jobs store (``repair_jobs``)."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from lantian.core.models import Organization
from lantian.core.todo import TodoItem, register_todo_provider
from lantian.ldar.models.repair import DetectionDue, RepairTask

MAX_TASK_ITEMS = 20
WATCHERS = (Organization.Kind.ENTERPRISE, Organization.Kind.REGULATOR)


def watches(user) -> bool:
    organization = getattr(user, "organization", None)
    return user.is_superuser or (organization is not None and organization.kind in WATCHERS)


def overdue_tasks(user):
    return RepairTask.objects.restrict(user, "view").filter(overdue=True)


def overdue_points(user):
    return (
        DetectionDue.objects.restrict(user, "view")
        .filter(state=DetectionDue.State.OVERDUE)
        .values("enterprise_id", "enterprise__name")
        .annotate(points=Count("pk"))
        .order_by("enterprise__name")
    )


def repair_items(user):
    if not watches(user) or not user.has_perm("ldar.view_repairtask"):
        return
    tasks = overdue_tasks(user).select_related("enterprise").order_by("due_on", "pk")
    total = 0
    for task in tasks[:MAX_TASK_ITEMS]:
        total += 1
        yield TodoItem(
            title=_("Overdue repair: %(tag)s") % {"tag": task.tag},
            url=task.get_absolute_url(),
            kind="overdue",
            due=task.due_on,
            organization=task.enterprise,
            detail=_("Leak found on %(day)s, due on %(due)s") % {"day": task.detected_on, "due": task.due_on},
        )
    if total == MAX_TASK_ITEMS:
        rest = tasks.count() - MAX_TASK_ITEMS
        if rest > 0:
            yield TodoItem(
                title=_("%(count)s more overdue repairs") % {"count": rest},
                url=reverse("ldar:repairtask_list") + "?overdue=true",
                kind="overdue",
            )


def repair_count(user) -> int:
    if not watches(user) or not user.has_perm("ldar.view_repairtask"):
        return 0
    count = overdue_tasks(user).count()
    return count if count <= MAX_TASK_ITEMS else MAX_TASK_ITEMS + 1


def due_items(user):
    if not watches(user) or not user.has_perm("ldar.view_detectiondue"):
        return
    for row in overdue_points(user):
        yield TodoItem(
            title=_("%(count)s seal points overdue for detection") % {"count": row["points"]},
            url=reverse("ldar:detectiondue_list") + f"?state=overdue&enterprise={row['enterprise_id']}",
            kind="overdue",
            organization=row["enterprise__name"],
        )


def due_count(user) -> int:
    if not watches(user) or not user.has_perm("ldar.view_detectiondue"):
        return 0
    return (
        DetectionDue.objects.restrict(user, "view")
        .filter(state=DetectionDue.State.OVERDUE)
        .values("enterprise_id")
        .distinct()
        .count()
    )


register_todo_provider(repair_items, count=repair_count)
register_todo_provider(due_items, count=due_count)
